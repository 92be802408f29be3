"""Go-live and placeholders as a person meets them: no alert for what fell due before
pliktvakt existed, and every placeholder deadline marked in alerts and artifacts."""

from datetime import date
from pathlib import Path

from sqlmodel import select

from flows.deadline_watch import deadline_watch
from pliktvakt.catalogue import load_catalogue
from pliktvakt.db import make_engine, session_scope
from pliktvakt.go_live import go_live_date, record_first_init
from pliktvakt.settings import get_settings
from pliktvakt.tables import Occurrence, OutboxMessage
from pliktvakt.texts import AlertFacts, render_alert
from pliktvakt.texts_status import catalogue_summary, status_row
from tasks.watch import queue_alerts_now

GO_LIVE = date(2026, 11, 28)
CONFIG = Path(__file__).resolve().parent.parent / "config"


def test_fresh_install_escalates_nothing_due_before_go_live(prefect_server, env, smtp_server, monkeypatch):
    from cli.main import init

    monkeypatch.setenv("PLIKTVAKT_EMAIL_URL", smtp_server.url)
    get_settings.cache_clear()
    init(as_of="2026-11-28")  # a fresh install: materialises three months back
    # Mon 7 Dec 2026. The September-November analyses (due 15 Sep, 15 Oct, 13 Nov) and the governance
    # meeting documents (due 4 Nov) fell due before go-live. The 2026 preparedness exercise, due Mon
    # 30 Nov, is 5 business days over (1, 2, 3, 4, 7 Dec) and is escalated: the watch is working.
    state = deadline_watch(as_of="2026-12-07T09:00:00", check_prefect=False, return_state=True)
    assert state.is_completed(), state.message
    with session_scope(make_engine(get_settings().database_url)) as session:
        early = session.exec(
            select(Occurrence).where(Occurrence.due < GO_LIVE, Occurrence.status == "open")
        ).all()
        alerted = [(m, session.get(Occurrence, m.occurrence_id)) for m in session.exec(select(OutboxMessage))]
    assert {o.obligation_id for o in early} >= {"settlement-monthly-analysis", "governance-meeting"}
    assert alerted and all(occurrence.due >= GO_LIVE for _, occurrence in alerted)
    escalated = {occurrence.obligation_id for message, occurrence in alerted if message.step == "escalation"}
    assert escalated == {"preparedness-exercise"}
    director = load_catalogue(CONFIG).officers["direktor"].email
    assert all("Beredskapsøvelse" in str(m["Subject"]) for m in smtp_server.to(director))


def test_go_live_setting_wins_over_the_first_init(db_url, monkeypatch):
    engine, catalogue = make_engine(db_url), load_catalogue(CONFIG)
    from pliktvakt import occurrences

    with session_scope(engine) as session:
        occurrences.materialise(session, catalogue, GO_LIVE, 13)
        assert go_live_date(session) is None  # no init yet: nothing is held back
        assert record_first_init(session, GO_LIVE) == GO_LIVE
        assert record_first_init(session, date(2027, 1, 4)) == GO_LIVE  # only the first init counts
    # Mon 30 Nov 2026: the preparedness exercise is due today (a due-day notice), after go-live.
    steps = {
        row["obligation"]: row["step"] for row in queue_alerts_now(engine, catalogue, date(2026, 11, 30)).rows
    }
    assert steps.get("Beredskapsøvelse gjennomført") == "due-day"
    assert not any(
        title.startswith("Månedlig analyse") and step.startswith("overdue") for title, step in steps.items()
    )
    # Set to Tue 1 Dec 2026, the exercise due 30 Nov falls before go-live too: no alert for it.
    monkeypatch.setenv("PLIKTVAKT_GO_LIVE", "2026-12-01")
    get_settings.cache_clear()
    try:
        with session_scope(engine) as session:
            assert go_live_date(session) == date(2026, 12, 1)
        rows = queue_alerts_now(engine, catalogue, date(2026, 12, 2)).rows
        assert "Beredskapsøvelse gjennomført" not in {row["obligation"] for row in rows}
    finally:
        monkeypatch.delenv("PLIKTVAKT_GO_LIVE")
        get_settings.cache_clear()


def test_status_and_summary_count_before_go_live_apart(db_url):
    engine, catalogue = make_engine(db_url), load_catalogue(CONFIG)
    from pliktvakt import occurrences

    with session_scope(engine) as session:
        occurrences.materialise(session, catalogue, GO_LIVE, 13)
        november = occurrences.find(
            session, "settlement-monthly-analysis", "2026-11-01"
        )  # due Fri 13 Nov 2026
        december = occurrences.find(
            session, "settlement-monthly-analysis", "2026-12-01"
        )  # due Tue 15 Dec 2026
    assert status_row(november, catalogue, date(2026, 11, 30), GO_LIVE)["state_no"] == "før pliktvakt"
    assert status_row(november, catalogue, date(2026, 11, 30), None)["state"] == "overdue"
    assert status_row(december, catalogue, date(2026, 11, 30), GO_LIVE)["state"] == "open"
    summary = catalogue_summary(catalogue, {}, date(2026, 11, 30), 4, GO_LIVE)
    assert "tatt i bruk 28.11.2026. 4 åpne forekomster med frist før det regnes for seg" in summary
    assert "## Sperrer" in summary and "`storting-contact-clearance`" in summary
    assert "## Vedlegg pkt. 9" in summary and "frist ikke bekreftet" in summary


def _first_reminder(obligation_id: str, period: str, due: date, today: date):
    """The first reminder of ``obligation_id``'s occurrence, rendered for tilskuddsleder."""
    catalogue = load_catalogue(CONFIG)
    facts = AlertFacts(
        1,
        period,
        due,
        today,
        "reminder-1",
        catalogue.obligations[obligation_id],
        catalogue.officers["tilskuddsleder"],
    )
    return render_alert(facts)


def test_alert_marks_a_placeholder_deadline_and_names_the_annex_section():
    # 10 business days after the round's appeal deadlines: pliktvakt's own suggestion.
    text = _first_reminder(
        "grant-recipients-ministry-info", "event:2026-03-02", date(2026, 3, 16), date(2026, 3, 13)
    )
    assert "\nFrist: mandag 16. mars 2026 – frist ikke bekreftet: Instruksen gir ingen frist" in text.text
    assert "frist ikke bekreftet" in text.html and text.subject.endswith(" (frist ikke bekreftet)")
    assert "Instruks for IMDi, vedlegg pkt. 2:" in text.text and "pkt. vedlegg" not in text.text.lower()
    # The instruction's own 14 days carry no mark.
    unmarked = _first_reminder(
        "publication-prenotice", "event:2026-05-31", date(2026, 5, 15), date(2026, 5, 14)
    )
    assert "ikke bekreftet" not in unmarked.text and "ikke bekreftet" not in unmarked.subject
