"""The deadline watch end to end: real Prefect server, real SMTP server, real HTTPS endpoint.

The occurrence used throughout: `oversight-matters-notice` triggered Mon 2 Mar 2026, due
5 business days later, Mon 9 Mar 2026. Its plan: reminders 2 and 1 business days before
(Thu 5 and Fri 6 Mar), due-day notice Mon 9 Mar, overdue alerts from Tue 10 Mar every 2
business days (overdue-1 on 10 Mar, overdue-2 on Thu 12 Mar, overdue-3 on Mon 16 Mar),
and escalation to the manager at 5 business days over (10, 11, 12, 13, 16 Mar: Mon 16 Mar).
Role `styring` belongs to Kari Nordmann; her deputy is Ola Hansen and her manager the director.
"""

import threading
from datetime import date

import pytest
from sqlmodel import select

from flows.deadline_watch import deadline_watch
from pliktvakt import occurrences
from pliktvakt.catalogue import load_catalogue
from pliktvakt.db import make_engine, session_scope
from pliktvakt.settings import get_settings
from pliktvakt.tables import OfficerAbsence, OutboxMessage
from tests.servers import SmtpServer

# The 5 business days of oversight-matters-notice are a placeholder, so every subject says so.
MARK = " (frist ikke bekreftet)"
KARI, OLA, DIRECTOR = "kari.nordmann@imdi.example", "ola.hansen@imdi.example", "direktor@imdi.example"


@pytest.fixture
def watch_env(env, monkeypatch, smtp_server):
    monkeypatch.setenv("PLIKTVAKT_EMAIL_URL", smtp_server.url)
    get_settings.cache_clear()
    settings = get_settings()
    catalogue = load_catalogue(settings.config_dir)
    with session_scope(make_engine(settings.database_url)) as session:
        occurrence, _ = occurrences.trigger(
            session, catalogue, "oversight-matters-notice", date(2026, 3, 2), "rr-1"
        )
    assert occurrence.due == date(2026, 3, 9)
    return smtp_server


def watch(day: str, **kwargs):
    state = deadline_watch(as_of=f"{day}T09:00:00", check_prefect=False, return_state=True, **kwargs)
    return state


def subjects(smtp: SmtpServer, address: str) -> list[str]:
    return [str(m["Subject"]) for m in smtp.to(address)]


def test_each_step_once_on_its_day(prefect_server, watch_env):
    smtp = watch_env
    for day in [
        "2026-03-04",
        "2026-03-05",
        "2026-03-05",
        "2026-03-06",
        "2026-03-09",
        "2026-03-10",
        "2026-03-11",
        "2026-03-12",
        "2026-03-16",
        "2026-03-16",
    ]:
        assert watch(day).is_completed()
    title = "Departementet orientert om saker fra Riksrevisjonen, Sivilombudet og andre tilsynsorgan"
    assert subjects(smtp, KARI) == [
        f"Påminnelse: {title} – frist 09.03.2026{MARK}",  # 5 Mar, reminder-2
        f"Påminnelse: {title} – frist 09.03.2026{MARK}",  # 6 Mar, reminder-1
        f"Frist i dag: {title}{MARK}",  # 9 Mar
        f"Over fristen: {title} (1 dager){MARK}",  # 10 Mar, overdue-1
        f"Over fristen: {title} (3 dager){MARK}",  # 12 Mar, overdue-2
        f"Over fristen: {title} (7 dager){MARK}",  # 16 Mar, overdue-3
    ]
    assert subjects(smtp, DIRECTOR) == [f"Eskalert: {title} er 7 dager over fristen{MARK}"]
    body = smtp.to(KARI)[0].get_body(preferencelist=("plain",)).get_content()
    assert "pkt. 3.1" in body and "torsdag 5. mars 2026" not in body and "mandag 9. mars 2026" in body
    # Triggered on 2 Mar with the reference rr-1; the duty's page on the desk, in Kari's name.
    assert (
        "Periode: 2. mars 2026 (rr-1)" in body
        and "Åpne plikten i pliktvakt: http://127.0.0.1:8400/plikt/" in body
    )
    assert "pliktvakt complete" not in body and "**" not in body and ":4200" not in body


def test_catch_up_after_gap_sends_current_steps_once(prefect_server, watch_env):
    smtp = watch_env
    assert watch("2026-03-05").is_completed()
    # Ten business days and more without a run; on Thu 19 Mar it is 8 business days over
    # (10-13, 16-19 Mar): overdue-4 (1 + 7 // 2) and the escalation, not the missed steps.
    assert watch("2026-03-19").is_completed()
    assert watch("2026-03-19").is_completed()
    assert [s.split(":")[0] for s in subjects(smtp, KARI)] == ["Påminnelse", "Over fristen"]
    assert len(subjects(smtp, DIRECTOR)) == 1
    with session_scope(make_engine(get_settings().database_url)) as session:
        steps = sorted(m.step for m in session.exec(select(OutboxMessage)))
    assert steps == ["escalation", "overdue-4", "reminder-2"]


def test_deputy_receives_while_officer_is_absent(prefect_server, watch_env):
    smtp = watch_env
    with session_scope(make_engine(get_settings().database_url)) as session:
        session.add(OfficerAbsence(officer_id="styringsleder", start=date(2026, 3, 9), end=date(2026, 3, 13)))
    assert watch("2026-03-06").is_completed()  # present: Kari
    assert watch("2026-03-09").is_completed()  # absent: Ola, her deputy
    assert [s.split(":")[0] for s in subjects(smtp, KARI)] == ["Påminnelse"]
    assert [s.split(":")[0] for s in subjects(smtp, OLA)] == ["Frist i dag"]


def test_smtp_down_fails_the_run_and_the_next_run_delivers(prefect_server, env, monkeypatch):
    down = SmtpServer()  # a free port with nothing listening yet
    monkeypatch.setenv("PLIKTVAKT_EMAIL_URL", down.url)
    get_settings.cache_clear()
    settings = get_settings()
    with session_scope(make_engine(settings.database_url)) as session:
        occurrences.trigger(
            session, load_catalogue(settings.config_dir), "oversight-matters-notice", date(2026, 3, 2)
        )
    state = watch("2026-03-09")
    assert state.is_failed() and "ble ikke levert" in state.message
    with session_scope(make_engine(settings.database_url)) as session:
        pending = session.exec(select(OutboxMessage)).one()
        assert (pending.status, pending.attempts) == ("pending", 1) and pending.last_error
    down.start()
    try:
        assert watch("2026-03-09").is_completed()
        assert subjects(down, KARI) == [
            "Frist i dag: Departementet orientert om saker fra Riksrevisjonen, "
            f"Sivilombudet og andre tilsynsorgan{MARK}"
        ]
    finally:
        down.stop()
    with session_scope(make_engine(settings.database_url)) as session:
        sent = session.exec(select(OutboxMessage)).one()
    assert (
        sent.status == "sent"
        and sent.receipt.startswith("Message-ID <")
        and "godtatt av SMTP-tjeneren 127.0.0.1:" in sent.receipt
    )


def test_teams_500_does_not_stop_email(prefect_server, watch_env, teams_endpoint, monkeypatch):
    smtp = watch_env
    teams_endpoint.status = 500
    monkeypatch.setenv("PLIKTVAKT_TEAMS_STYRING", teams_endpoint.url())
    state = watch("2026-03-09")
    assert state.is_failed()
    assert len(subjects(smtp, KARI)) == 1 and len(teams_endpoint.requests) == 3  # 1 try + 2 retries
    teams_endpoint.status = 202
    assert watch("2026-03-09").is_completed()
    assert len(subjects(smtp, KARI)) == 1  # email not sent again
    assert "Frist i dag" in teams_endpoint.texts()[-1]
    with session_scope(make_engine(get_settings().database_url)) as session:
        teams = session.exec(select(OutboxMessage).where(OutboxMessage.channel == "teams")).one()
    assert teams.status == "sent" and teams.receipt.startswith(
        "HTTP 202 fra Teams-arbeidsflyten på 127.0.0.1:"
    )
    assert "SECRETsig" not in teams.recipient + (teams.receipt or "") + (teams.last_error or "")


def test_daily_digest_gathers_alerts(prefect_server, env, smtp_server, monkeypatch):
    monkeypatch.setenv("PLIKTVAKT_EMAIL_URL", smtp_server.url)
    get_settings.cache_clear()
    settings = get_settings()
    catalogue = load_catalogue(settings.config_dir)
    with session_scope(make_engine(settings.database_url)) as session:
        # Role `kommunikasjon` belongs to Jonas Dahl, who chose a daily digest.
        occurrences.trigger(session, catalogue, "media-case-mutual-notice", date(2026, 3, 9), "sak-a")
        occurrences.trigger(session, catalogue, "media-case-mutual-notice", date(2026, 3, 9), "sak-b")
    assert deadline_watch(as_of="2026-03-09T07:15:00", check_prefect=False, return_state=True).is_completed()
    assert smtp_server.to("jonas.dahl@imdi.example") == []  # held until 08:00
    assert watch("2026-03-09").is_completed()
    assert watch("2026-03-09").is_completed()
    digests = smtp_server.to("jonas.dahl@imdi.example")
    assert len(digests) == 1 and "2 varsel" in str(digests[0]["Subject"])


def test_two_runs_at_once_on_postgresql_send_each_step_once(
    prefect_server, migrated_pg_url, monkeypatch, smtp_server
):
    from tasks.delivery import deliver_pending
    from tasks.watch import queue_alerts_now

    pg_url = migrated_pg_url
    monkeypatch.setenv("PLIKTVAKT_DATABASE_URL", pg_url)
    monkeypatch.setenv("PLIKTVAKT_EMAIL_URL", smtp_server.url)
    get_settings.cache_clear()
    settings = get_settings()
    catalogue = load_catalogue(settings.config_dir)
    engine = make_engine(pg_url)
    with session_scope(engine) as session:
        for n in range(20):
            occurrences.trigger(session, catalogue, "oversight-matters-notice", date(2026, 3, 2), f"rr-{n}")
    barrier, errors = threading.Barrier(2), []

    def one_run():
        try:
            barrier.wait()
            queue_alerts_now(make_engine(pg_url), catalogue, date(2026, 3, 9), settings.config_dir)
            deliver_pending(make_engine(pg_url), settings, catalogue)
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=one_run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(smtp_server.to(KARI)) == 20  # 20 occurrences, one due-day notice each
    with session_scope(engine) as session:
        assert {m.status for m in session.exec(select(OutboxMessage))} == {"sent"}


def test_without_a_channel_messages_wait_and_are_delivered_later(
    prefect_server, env, monkeypatch, smtp_server
):
    settings = get_settings()
    with session_scope(make_engine(settings.database_url)) as session:
        occurrences.trigger(
            session, load_catalogue(settings.config_dir), "oversight-matters-notice", date(2026, 3, 2)
        )
    state = watch("2026-03-09")
    assert state.is_completed() and state.result()["waiting_for_channel"] == 1
    with session_scope(make_engine(settings.database_url)) as session:
        assert session.exec(select(OutboxMessage)).one().status == "pending"
    monkeypatch.setenv("PLIKTVAKT_EMAIL_URL", smtp_server.url)
    get_settings.cache_clear()
    assert watch("2026-03-10").result()["sent"] == 2  # yesterday's due-day notice and today's overdue-1
    assert [str(m["Subject"]).split(":")[0] for m in smtp_server.to(KARI)] == ["Frist i dag", "Over fristen"]


def test_the_artifact_names_what_each_reminder_is_about(prefect_server, env, smtp_server, monkeypatch):
    """Three reports of the evaluation plan, each due Tue 15 Dec 2026 (offset 0d, a placeholder).
    Their first reminder is 20 business days before: back from 15 Dec, 14, 11-7, 4-1 Dec and
    30, 27-23, 20-17 Nov is 20 days, so Tue 17 Nov. Each line names its scheme, so the three
    are told apart, and links to the occurrence on the duty desk."""
    from tests.artifacts import latest_artifact

    monkeypatch.setenv("PLIKTVAKT_EMAIL_URL", smtp_server.url)
    get_settings.cache_clear()
    settings = get_settings()
    catalogue = load_catalogue(settings.config_dir)
    schemes = ["jobbsjansen", "norskopplaeringen", "integreringstilskudd"]
    with session_scope(make_engine(settings.database_url)) as session:
        ids = [
            occurrences.trigger(
                session, catalogue, "scheme-evaluation-report", date(2026, 12, 15), f"evaluation:{s}:2026"
            )[0].id
            for s in schemes
        ]
    assert watch("2026-11-17").is_completed()
    lines = latest_artifact("deadline-watch").data.splitlines()
    title = "Rapport fra planlagt evaluering av en tilskuddsordning foreligger"
    step = (
        "frist 15.12.2026 (frist ikke bekreftet) · påminnelse (20) · varslet: sara.lie@imdi.example (levert)"
    )
    assert sorted(lines) == sorted(
        f"- [#{i}](http://127.0.0.1:8400/plikt/{i}) **{title}** – Evaluering av {name} 2026 · {step}"
        for i, name in zip(
            ids,
            ["Tilskudd til Jobbsjansen", "Tilskudd til norskopplæringen", "Integreringstilskudd"],
            strict=True,
        )
    )
