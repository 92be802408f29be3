"""Issue 30: outputs that destroy. ``-o`` replaces only a regular file, or makes a new one in a
directory that exists; ``-o -`` is standard output; a full disk or a closed pipe exits 2 with a
bokmål message, not a traceback. As a user runs the command: a real process, real files."""

import os
import subprocess
import sys

import pytest


@pytest.fixture
def cli(env, pliktvakt_cli):
    pliktvakt_cli("init", "--as-of", "2026-01-05")
    return pliktvakt_cli


def said(result) -> str:
    return " ".join((result.stdout + result.stderr).replace("│", " ").split())


def test_calendar_to_stdout_with_dash(cli):
    assert cli("calendar", "-o", "-", "--as-of", "2026-01-05").stdout.startswith("BEGIN:VCALENDAR")


def test_calendar_replaces_a_regular_file(cli, tmp_path):
    (tmp_path / "frister.ics").write_text("gammel")
    cli("calendar", "-o", "frister.ics", "--as-of", "2026-01-05")
    assert (tmp_path / "frister.ics").read_text().startswith("BEGIN:VCALENDAR")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_calendar_refuses_a_symlink_and_leaves_it_and_its_target(cli, tmp_path):
    (tmp_path / "viktig.txt").write_text("ikke rør")
    (tmp_path / "frister.ics").symlink_to(tmp_path / "viktig.txt")
    text = said(cli("calendar", "-o", "frister.ics", "--as-of", "2026-01-05", expect=2))
    assert "frister.ics: er en symbolsk lenke, ikke en vanlig fil" in text
    assert (tmp_path / "frister.ics").is_symlink() and (tmp_path / "viktig.txt").read_text() == "ikke rør"


def test_calendar_refuses_a_link_to_its_own_stdout(cli, tmp_path):
    (tmp_path / "ut.ics").symlink_to("/proc/self/fd/1")
    assert "ut.ics: er en symbolsk lenke" in said(cli("calendar", "-o", "ut.ics", expect=2))
    assert (tmp_path / "ut.ics").is_symlink()


def test_calendar_refuses_a_fifo_as_it_would_a_device(cli, tmp_path):
    # A FIFO stands in for /dev/null: the same check (not a regular file), without risking /dev.
    os.mkfifo(tmp_path / "rør.ics")
    text = said(cli("calendar", "-o", "rør.ics", expect=2, timeout=30))
    assert "rør.ics: er en enhet, FIFO eller socket, ikke en vanlig fil" in text


def test_calendar_refuses_a_directory_that_does_not_exist(cli, tmp_path):
    text = said(cli("calendar", "-o", "finnes/ikke.ics", expect=2))
    assert "finnes/ikke.ics: mappen «finnes» finnes ikke" in text and not (tmp_path / "finnes").exists()


def test_report_refuses_a_symlink(cli, tmp_path):
    (tmp_path / "viktig.txt").write_text("ikke rør")
    (tmp_path / "r.html").symlink_to(tmp_path / "viktig.txt")
    text = said(
        cli("report", "compliance", "--year", "2026", "-o", "r.html", "--as-of", "2026-01-05", expect=2)
    )
    assert "r.html: er en symbolsk lenke" in text and (tmp_path / "viktig.txt").read_text() == "ikke rør"


def test_report_to_stdout_with_dash(cli):
    result = cli(
        "report", "compliance", "--year", "2026", "--format", "html", "-o", "-", "--as-of", "2026-01-05"
    )
    assert result.stdout.lstrip().lower().startswith("<!doctype html")


def _run_with_stdout(tmp_path, stdout, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )


@pytest.mark.parametrize("command", [("obligations", "list"), ("outbox",), ("calendar", "-o", "-")])
def test_full_disk_on_stdout_exits_2_in_bokmal(cli, tmp_path, command):
    with open("/dev/full", "w") as full:
        result = _run_with_stdout(tmp_path, full, *command)
    assert result.returncode == 2, result.stderr
    assert "disken er full" in result.stderr and "Traceback" not in result.stderr


def test_broken_pipe_exits_2_in_bokmal(cli, tmp_path):
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before anything is written, as with `| head -0`
    try:
        result = _run_with_stdout(tmp_path, write_end, "obligations", "list")
    finally:
        os.close(write_end)
    assert result.returncode == 2, result.stderr
    assert "brutt rør" in result.stderr and "Traceback" not in result.stderr
