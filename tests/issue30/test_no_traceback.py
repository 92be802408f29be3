"""Issue 30, «Still tracebacks»: each case the careless-input sweep found, run through the CLI
(in this process, tests/cli_runner.py) and once as a real process; exit 2, a bokmål line naming
the thing, no traceback."""

import os
import subprocess
import sys

import pytest


def said(result) -> str:
    return " ".join((result.stdout + result.stderr).replace("│", " ").split())


@pytest.fixture
def cli(wide_cli):
    return wide_cli


@pytest.mark.parametrize("command", [("status",), ("init",)])
def test_a_file_where_the_database_folder_should_be(cli, tmp_path, command):
    (tmp_path / "data").write_text("ikke en mappe")
    url = f"sqlite:///{tmp_path / 'data' / 'pliktvakt.db'}"
    result = cli(*command, expect=2, extra_env={"PLIKTVAKT_DATABASE_URL": url})
    assert (
        f"PLIKTVAKT_DATABASE_URL: mappen {tmp_path / 'data'} for SQLite-filen kan ikke lages, fordi "
        f"{tmp_path / 'data'} er en fil, ikke en mappe" in said(result)
    )
    assert (tmp_path / "data").read_text() == "ikke en mappe"


def test_a_file_further_up_the_database_folder_is_named(cli, tmp_path):
    (tmp_path / "data").write_text("")
    url = f"sqlite:///{tmp_path / 'data' / 'a' / 'b' / 'pliktvakt.db'}"
    result = cli("status", expect=2, extra_env={"PLIKTVAKT_DATABASE_URL": url})
    assert f"fordi {tmp_path / 'data'} er en fil, ikke en mappe" in said(result)


def test_a_file_where_the_database_folder_should_be_as_a_process(env, tmp_path):
    (tmp_path / "data").write_text("")
    url = f"sqlite:///{tmp_path / 'data' / 'pliktvakt.db'}"
    result = subprocess.run(
        [sys.executable, "-m", "cli.main", "status"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PLIKTVAKT_DATABASE_URL": url, "COLUMNS": "250"},
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "er en fil, ikke en mappe" in said(result)
