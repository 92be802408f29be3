"""`pliktvakt report compliance` as a user runs it: every format, the narrowing options, a
tampered audit log, and bad input (bokmål, exit code 2, no traceback, nothing written)."""

import csv
import io

import openpyxl
import pytest
from sqlalchemy import text

from pliktvakt.db import make_engine, session_scope

from .conftest import EXPECTED, seed_year

AS_OF = ("--as-of", "2025-06-10T12:00")


@pytest.fixture
def cli(env, catalogue, pliktvakt_cli):
    ids = seed_year(env.database_url, catalogue)

    def run(*args, **kwargs):
        return pliktvakt_cli("report", "compliance", *args, **kwargs)

    run.ids = ids
    return run


def test_markdown_and_csv_go_to_stdout(cli):
    md = cli("--year", "2025", "--format", "md", *AS_OF)
    assert "# Etterlevelse av instruksen for IMDi 2025" in md.stdout
    assert "over fristen (5 virkedager)" in md.stdout
    out = cli("--year", "2025", "--format", "csv", *AS_OF)
    assert out.stdout.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(out.stdout.lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == len(EXPECTED) + 1


def test_html_and_xlsx_are_written_to_files(cli, tmp_path):
    html = cli("--year", "2025", *AS_OF)  # html is the default format
    written = tmp_path / "etterlevelse-2025.html"
    assert "etterlevelse-2025.html" in html.stderr and "8 forekomster" in html.stderr
    assert "Revisjonsloggen er hel" in written.read_text(encoding="utf-8")
    target = tmp_path / "ut" / "revisjon.xlsx"
    # -o makes a new file only in a directory that exists (issue 30); it makes no directories.
    refused = cli("--year", "2025", "--format", "xlsx", "-o", str(target), *AS_OF, expect=2)
    assert "finnes ikke" in " ".join(refused.stderr.split()) and not (tmp_path / "ut").exists()
    (tmp_path / "ut").mkdir()
    cli("--year", "2025", "--format", "xlsx", "-o", str(target), *AS_OF)
    sheet = openpyxl.load_workbook(target, read_only=True)["Forekomster"]
    assert len(list(sheet.iter_rows(values_only=True))) == len(EXPECTED) + 1


def test_section_and_obligation_narrow_it(cli):
    section = cli("--year", "2025", "--format", "csv", "--section", "6.1", *AS_OF)
    rows = list(csv.reader(io.StringIO(section.stdout.lstrip("\ufeff")), delimiter=";"))[1:]
    assert {row[3] for row in rows} == {"pkt. 6.1"} and len(rows) == 3
    one = cli("--year", "2025", "--format", "csv", "--obligation", "publication-prenotice", *AS_OF)
    rows = list(csv.reader(io.StringIO(one.stdout.lstrip("\ufeff")), delimiter=";"))[1:]
    assert [int(row[0]) for row in rows] == [cli.ids["overdue"]]


def test_a_tampered_audit_log_is_reported_and_the_report_still_made(cli, env, tmp_path):
    with session_scope(make_engine(env.database_url)) as session:
        session.execute(text("UPDATE audit_entry SET actor = 'noen andre' WHERE seq = 3"))
    result = cli("--year", "2025", *AS_OF)
    assert "ADVARSEL: revisjonsloggen er ikke hel" in result.stderr
    page = (tmp_path / "etterlevelse-2025.html").read_text(encoding="utf-8")
    assert "revisjonsloggen er ikke hel" in page and "rad 3: innholdet er endret" in page
    assert page.count('<tr id="forekomst-') == len(EXPECTED)


@pytest.mark.parametrize(
    "args, words",
    [
        (("--year", "2019"), "--year 2019: året må være fra 2024"),
        (("--year", "2025", "--section", "9.9"), "ingen plikter i punkt «9.9»"),
        (("--year", "2025", "--obligation", "finnes-ikke"), "ukjent plikt «finnes-ikke»"),
        (("--year", "2025", "--as-of", "i morgen"), "er ikke en dato"),
        (("--year", "2025", "--format", "pdf"), "pdf"),
    ],
)
def test_bad_input_is_named_in_bokmal_with_exit_code_2(cli, tmp_path, args, words):
    result = cli(*args, expect=2)
    assert words in " ".join(result.stderr.split()), result.stderr
    assert not list(tmp_path.glob("etterlevelse-*"))


def test_an_unwritable_output_is_refused_with_exit_code_2(cli, tmp_path):
    blocker = tmp_path / "fil.txt"
    blocker.write_text("x")
    result = cli("--year", "2025", "-o", str(blocker / "rapport.html"), *AS_OF, expect=2)
    assert "kan ikke skrive filen" in " ".join(result.stderr.split()) and str(blocker) in " ".join(
        result.stderr.split()
    )
    result = cli("--year", "2025", "-o", str(tmp_path), *AS_OF, expect=2)
    assert "er en mappe" in " ".join(result.stderr.split())
