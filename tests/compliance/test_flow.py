"""The `compliance` flow through a real Prefect server and a real SMTP server on 127.0.0.1:
the month's summary reaches management (`ledelse`: direktor@imdi.example) with the HTML record
attached, once per month, from the month's first business day.

January 2026: Thu 1 Jan is New Year's Day, so the first business day is Fri 2 Jan. A January
summary covers the year before (2025, the hand-built year of conftest.py) in full.
"""

from datetime import date, datetime

import pytest

from flows.compliance import compliance
from pliktvakt.clock import OSLO
from pliktvakt.compliance.rules import STATES, Record
from pliktvakt.compliance.rules_summary import (
    ARTIFACT,
    covered_year,
    first_business_day,
    summary_due,
    summary_key,
)
from pliktvakt.compliance.texts import share_line
from pliktvakt.settings import get_settings
from tests.artifacts import latest_artifact

from .conftest import EXPECTED, RECEIPT, seed_year

DIRECTOR = "direktor@imdi.example"


@pytest.fixture
def world(env, smtp_server, monkeypatch, catalogue):
    monkeypatch.setenv("PLIKTVAKT_EMAIL_URL", smtp_server.url)
    get_settings.cache_clear()
    ids = seed_year(get_settings().database_url, catalogue)
    yield ids
    get_settings.cache_clear()


def _run(as_of: str) -> dict:
    state = compliance(as_of=as_of, return_state=True)
    assert state.is_completed(), state.message
    return state.result()


def test_the_monthly_summary_reaches_smtp_with_the_html_once(prefect_server, world, smtp_server):
    holiday = _run("2026-01-01T07:00")
    assert (holiday["summary_due"], holiday["queued"]) == (False, 0) and not smtp_server.messages

    first = _run("2026-01-02T07:00")
    assert (first["year"], first["occurrences"], first["queued"]) == (2025, len(EXPECTED), 1)
    [mail] = smtp_server.to(DIRECTOR)
    assert str(mail["Subject"]) == "Etterlevelse 2025: månedlig sammendrag, januar 2026"
    body = "".join(
        part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        for part in mail.walk()
        if part.get_content_maintype() == "text" and not part.get_filename()
    )
    assert "pkt. 6.1: 33,3" in body and "Revisjonsloggen er hel" in body
    # By 2 Jan 2026 all of 2025 has fallen due: on time early_done and notice (2); late
    # reply_late, easter_late and done_after (3); overdue overdue and not_due (2); withdrawn 1.
    # Owed 2 + 3 + 2 = 7 of the 8 rows, and 2/7 = 28,6 %.
    assert "Andel i tide: 28,6\xa0% av 7 forekomster som var skyldige (8 i alt)." in body
    [attachment] = list(mail.iter_attachments())
    assert (attachment.get_filename(), attachment.get_content_type()) == (
        "etterlevelse-2025.html",
        "text/html",
    )
    html = attachment.get_payload(decode=True).decode("utf-8")
    assert html.count('<tr id="forekomst-') == len(EXPECTED) and RECEIPT in html
    assert first["delivered"] and "127.0.0.1" in first["delivered"][0]

    again = _run("2026-01-05T07:00")
    assert (again["summary_due"], again["queued"]) == (True, 0)
    assert len(smtp_server.to(DIRECTOR)) == 1

    artifact = latest_artifact(ARTIFACT)
    assert "Andel i tide per punkt i instruksen" in artifact.data
    header = "| Punkt | I tide | For sent | Over fristen | Åpen | Trukket | Før pliktvakt | Andel i tide |"
    assert header in artifact.data
    assert (
        "Kolonnene: I tide: fullført i tide; For sent: fullført for sent; Åpen: åpen, ikke forfalt; "
        "Trukket: trukket tilbake."
    ) in artifact.data
    assert "| pkt. 6.1 | 1 | 1 | 1 | 0 | 0 | 0 | 33,3\xa0% |" in artifact.data
    assert "Andel i tide: **28,6\xa0%** av 7 forekomster som var skyldige (8 i alt)." in artifact.data
    assert "data:image/png;base64," in artifact.data
    assert "er levert til ledelsen" in artifact.data


def test_when_the_summary_is_due():
    """The first business day: Fri 2 Jan 2026 (1 Jan a holiday); Mon 2 Mar 2026 (1 Mar a Sunday);
    Wed 1 Apr 2026 (Easter is 5 Apr that year)."""
    assert first_business_day(2026, 1) == date(2026, 1, 2)
    assert first_business_day(2026, 3) == date(2026, 3, 2)
    assert first_business_day(2026, 4) == date(2026, 4, 1)
    assert not summary_due(date(2026, 3, 1)) and summary_due(date(2026, 3, 2))
    assert summary_due(date(2026, 3, 31))  # a run after downtime still sends it
    assert covered_year(date(2026, 1, 2)) == 2025 and covered_year(date(2026, 2, 2)) == 2026
    assert summary_key(date(2026, 3, 17)).prefix == "compliance:2026-03:monthly-summary:"


def test_the_share_line_says_what_it_counts_over():
    """One owed (on time) among three rows is 'av 1 forekomst som var skyldig (3 i alt)'; two
    owed (one on time, one overdue) is 'av 2 forekomster som var skyldige' at 50 %."""

    def made(**counts) -> Record:
        totals = {**dict.fromkeys(STATES, 0), **counts}
        return Record(2026, datetime(2026, 12, 2, tzinfo=OSLO), [None] * 3, [], [], totals=totals)

    one = share_line(made(**{"on-time": 1, "before-go-live": 2}))
    assert one.startswith("Andel i tide: 100,0\xa0% av 1 forekomst som var skyldig (3 i alt).")
    two = share_line(made(**{"on-time": 1, "overdue": 1, "open": 1}), "**")
    assert two.startswith("Andel i tide: **50,0\xa0%** av 2 forekomster som var skyldige (3 i alt).")
