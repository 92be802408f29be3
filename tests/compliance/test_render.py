"""Every format of the record, parsed back: the same rows in CSV and XLSX, the HTML and Markdown
with the period, the time, the version and the audit check; hostile text made harmless."""

import csv
import io
from datetime import date, datetime, timezone

import openpyxl
import pytest

from pliktvakt.compliance import render, rules, store
from pliktvakt.compliance.rules import ObligationInfo, Stored, StoredAudit, StoredMessage, StoredOccurrence
from pliktvakt.db import make_engine, session_scope
from pliktvakt.tabular import FORMULA_START

from .conftest import AS_OF, EXPECTED, RECEIPT, seed_year


@pytest.fixture
def year_record(migrated_sqlite_url, catalogue):
    ids = seed_year(migrated_sqlite_url, catalogue)
    with session_scope(make_engine(migrated_sqlite_url)) as session:
        stored = store.read(session, catalogue, 2025)
    return rules.build(stored, 2025, AS_OF, software_version="9.9.9"), ids


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def _xlsx_rows(content: bytes, sheet: str = "Forekomster") -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return [tuple(row) for row in workbook[sheet].iter_rows(values_only=True)]


def test_csv_and_xlsx_carry_the_same_rows(year_record):
    built, ids = year_record
    from_csv = _csv_rows(render.csv_bytes(built))
    from_xlsx = _xlsx_rows(render.xlsx_bytes(built))
    assert tuple(from_csv[0]) == from_xlsx[0] == render.COLUMNS
    assert len(from_csv) == len(from_xlsx) == len(EXPECTED) + 1
    by_id = {int(row[0]): row for row in from_csv[1:]}
    state = render.COLUMNS.index("Status")
    days = render.COLUMNS.index("Virkedager for sent")
    for name, (expected_state, expected_days) in EXPECTED.items():
        assert by_id[ids[name]][state] == rules.STATE_NAMES[expected_state]
        assert by_id[ids[name]][days] == ("" if expected_days is None else str(expected_days))
    notice = by_id[ids["notice"]]
    assert RECEIPT in notice[render.COLUMNS.index("Kvitteringer")]
    assert notice[render.COLUMNS.index("Frist")] == "2025-03-14"
    assert notice[render.COLUMNS.index("Fullført")] == "2025-03-14 10:00"
    assert "occurrence.completed" in notice[render.COLUMNS.index("Revisjonslogg")]
    for csv_row, xlsx_row in zip(from_csv[1:], from_xlsx[1:], strict=True):
        assert int(csv_row[0]) == xlsx_row[0]
        assert csv_row[render.COLUMNS.index("Status")] == xlsx_row[render.COLUMNS.index("Status")]
    xlsx_notice = next(row for row in from_xlsx[1:] if row[0] == ids["notice"])
    assert xlsx_notice[render.COLUMNS.index("Frist")] == datetime(2025, 3, 14)
    assert xlsx_notice[render.COLUMNS.index("Fullført")] == datetime(2025, 3, 14, 10, 0)
    summary = _xlsx_rows(render.xlsx_bytes(built), "Sammendrag")
    assert [row[0] for row in summary[1:5]] == ["pkt. 3.1", "pkt. 4.2", "pkt. 6.1", "Alle"]
    assert summary[4][-1] == pytest.approx(2 / 6)


def test_html_is_fit_to_print_with_period_time_version_and_every_row(year_record):
    built, ids = year_record
    page = render.html(built)
    assert '<html lang="nb">' in page and "@media print" in page and "@page" in page
    assert "1. januar 2025–31. desember 2025" in page
    assert "Laget 10.06.2025 kl. 12:00 med pliktvakt 9.9.9" in page
    assert "Revisjonsloggen er hel" in page
    for name in EXPECTED:
        assert f'<tr id="forekomst-{ids[name]}">' in page
    assert "fullført for sent (3 virkedager)" in page
    assert "trukket tilbake: Riksrevisjonen trakk merknaden" in page
    assert f"departementet (postmottak@aid.example), email: {RECEIPT}" in page
    assert "pkt. 6.1" in page and "33,3" in page  # 1 of 3 in 6.1 on time, and 2 of 6 in all
    assert "Fortsatt åpent" in page


def test_markdown_has_the_rows_and_the_summary(year_record):
    built, ids = year_record
    text = render.markdown(built)
    assert text.startswith("# Etterlevelse av instruksen for IMDi 2025")
    assert f"| {ids['easter_late']} | " in text and "fullført for sent (1 virkedag)" in text
    assert "| pkt. 4.2 |" in text and "**Revisjonsloggen er hel" in text


def _hostile() -> Stored:
    """One occurrence whose every free text is written by a hostile hand."""
    info = ObligationInfo("x-duty", '=HYPERLINK("http://evil")', "6.1", "@head", "-1+1 <script>")
    done = datetime(2025, 3, 3, 9, tzinfo=timezone.utc)
    occurrence = StoredOccurrence(
        7, "x-duty", "+event", date(2025, 3, 3), "done", False, done, "\tcmd", "=1+2|calc"
    )
    message = StoredMessage(7, "k:1", "@evil.example", "email", True, "sent", "-receipt", done)
    entry = StoredAudit(1, done, "=actor", "occurrence.completed", "x-duty/+event", "{}")
    return Stored([occurrence], [message], [entry], {"x-duty": info}, [])


def test_formula_injection_is_neutralised_in_csv_and_xlsx():
    built = rules.build(_hostile(), 2025, AS_OF, software_version="t")
    [csv_row] = _csv_rows(render.csv_bytes(built))[1:]
    [xlsx_row] = _xlsx_rows(render.xlsx_bytes(built))[1:]
    for row in (csv_row, xlsx_row):
        texts = [value for value in row if isinstance(value, str) and value]
        assert all(not value.startswith(FORMULA_START) for value in texts), texts
        assert row[render.COLUMNS.index("Plikt")] == '\'=HYPERLINK("http://evil")'
        assert row[render.COLUMNS.index("Dokumentasjon")] == "'=1+2|calc"
        assert row[render.COLUMNS.index("Fullført av")] == "'\tcmd"
        assert row[render.COLUMNS.index("Periode")] == "'+event"
    page = render.html(built)
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_the_html_rows_escape_as_markupsafe_does():
    """The rows' own escape writes what ``markupsafe.escape`` (autoescape) wrote, for any text."""
    import random

    from markupsafe import escape

    rng = random.Random(31)
    alphabet = "&<>'\"aæ «»\n\t;&amp;&#39;"
    values = ["".join(rng.choices(alphabet, k=rng.randint(0, 20))) for _ in range(2_000)]
    for value in [*values, 7, None, date(2025, 3, 14)]:
        assert render._escape(value) == str(escape(value))
