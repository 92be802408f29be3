"""Storage on SQLite and PostgreSQL: migrations, materialisation, triggers, completion,
the audit chain and the outbox."""

import shutil
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlmodel import select

from pliktvakt import audit, occurrences, outbox
from pliktvakt.catalogue import load_catalogue
from pliktvakt.db import make_engine, migrate, session_scope
from pliktvakt.tables import AuditEntry, ObligationRecord, Occurrence, OutboxMessage

CONFIG = Path(__file__).resolve().parent.parent / "config"
AS_OF = date(2026, 11, 28)


def _rows(engine) -> list[tuple]:
    with session_scope(engine) as session:
        rows = session.exec(select(Occurrence).order_by(Occurrence.obligation_id, Occurrence.period))
        return [(r.obligation_id, r.period, r.due, r.status) for r in rows]


def test_migrations_create_every_table_and_are_repeatable(db_url):
    migrate(db_url)  # a second time is a no-op
    tables = set(inspect(make_engine(db_url)).get_table_names())
    assert {"obligation", "occurrence", "audit_entry", "audit_head", "outbox_message"} <= tables


def test_materialise_twice_gives_the_same_rows(db_url):
    engine, catalogue = make_engine(db_url), load_catalogue(CONFIG)
    with session_scope(engine) as session:
        first = occurrences.materialise(session, catalogue, AS_OF, 13)
    rows = _rows(engine)
    with session_scope(engine) as session:
        second = occurrences.materialise(session, catalogue, AS_OF, 13)
    assert first.created == len(rows) > 0
    assert (second.created, second.updated, second.withdrawn, second.obligations_changed) == (0, 0, 0, 0)
    assert _rows(engine) == rows
    # Monthly analysis from 1 Sep 2026 (3 months back) to 1 Dec 2027 (13 months ahead): 16 periods.
    monthly = [r for r in rows if r[0] == "settlement-monthly-analysis"]
    assert len(monthly) == 16 and monthly[0][1] == "2026-09-01" and monthly[-1][1] == "2027-12-01"


def test_catalogue_change_keeps_completed_and_moves_open(db_url, tmp_path):
    engine = make_engine(db_url)
    with session_scope(engine) as session:
        occurrences.materialise(session, load_catalogue(CONFIG), date(2026, 8, 1), 13)
        done = occurrences.find(session, "half-year-report", "2026-06-30")
        occurrences.complete(
            session,
            done.id,
            "kari@imdi.example",
            "https://arkiv/2026-123",
            datetime(2026, 8, 19, 10, tzinfo=timezone.utc),
        )
    changed = tmp_path / "config"
    shutil.copytree(CONFIG, changed)
    yaml_path = changed / "obligations.yaml"
    # The new tildelingsbrev moves the half-year report to 1 September.
    old = '      by: "08-20"\n      source: placeholder\n      note: Fristen står i tildelingsbrevet'
    assert old in yaml_path.read_text(), "the test's own premise"
    yaml_path.write_text(
        yaml_path.read_text().replace(
            old,
            '      by: "09-01"\n      source: tildelingsbrev\n      note: Fristen står i tildelingsbrevet',
            1,
        )
    )
    with session_scope(engine) as session:
        result = occurrences.materialise(session, load_catalogue(changed), AS_OF, 13)
        kept = occurrences.find(session, "half-year-report", "2026-06-30")
        moved = occurrences.find(session, "half-year-report", "2027-06-30")
        record = session.get(ObligationRecord, "half-year-report")
        follows = occurrences.find(session, "supervision-and-complaints-report", "2026-12-31")
    # The supervision report takes the half-year report's deadline (issue 29), so it moves too:
    # its open occurrences anchored 31 Dec 2025 and 31 Dec 2026 are updated with it.
    assert result.obligations_changed == 2 and result.updated == 3
    assert follows.due == date(2027, 9, 1)
    assert (kept.status, kept.due, kept.evidence) == ("done", date(2026, 8, 20), "https://arkiv/2026-123")
    assert moved.due == date(2027, 9, 1)  # Wed 1 Sep 2027, a business day
    assert '"09-01"' in record.spec


def test_removed_dates_withdraw_future_open_occurrences(db_url, tmp_path):
    engine = make_engine(db_url)
    with session_scope(engine) as session:
        occurrences.materialise(session, load_catalogue(CONFIG), AS_OF, 13)
    changed = tmp_path / "config"
    shutil.copytree(CONFIG, changed)
    path = changed / "obligations.yaml"
    path.write_text(path.read_text().replace('"2027-05-05", ', ""))  # a meeting is cancelled
    with session_scope(engine) as session:
        result = occurrences.materialise(session, load_catalogue(changed), AS_OF, 13)
        cancelled = occurrences.find(session, "governance-meeting", "2027-05-05")
    assert result.withdrawn == 1 and cancelled.status == "withdrawn"


def test_trigger_is_idempotent_and_complete_records_evidence(db_url):
    engine, catalogue = make_engine(db_url), load_catalogue(CONFIG)
    with session_scope(engine) as session:
        first, created = occurrences.trigger(
            session, catalogue, "publication-prenotice", date(2026, 5, 31), "rapport-7"
        )
        again, created_again = occurrences.trigger(
            session, catalogue, "publication-prenotice", date(2026, 5, 31), "rapport-7"
        )
    assert created and not created_again and first.id == again.id
    assert first.due == date(2026, 5, 15)  # 31 May - 14 = Sun 17 May -> back to Fri 15 May
    with session_scope(engine) as session:
        done = occurrences.complete(
            session,
            first.id,
            "jonas@imdi.example",
            "Brev 26/1234",
            datetime(2026, 5, 18, 8, tzinfo=timezone.utc),
        )
    assert (done.status, done.completed_by, done.late) == ("done", "jonas@imdi.example", True)
    with pytest.raises(occurrences.OccurrenceError, match="ble fullført"):
        with session_scope(engine) as session:
            occurrences.complete(session, first.id, "x@imdi.example", "igjen", datetime.now(timezone.utc))


def test_bad_trigger_leaves_nothing_behind(db_url):
    engine, catalogue = make_engine(db_url), load_catalogue(CONFIG)
    with pytest.raises(occurrences.OccurrenceError, match="gjentakende"):
        with session_scope(engine) as session:
            occurrences.trigger(session, catalogue, "annual-report", date(2026, 5, 31))
    with pytest.raises(occurrences.OccurrenceError, match="Ukjent plikt"):
        with session_scope(engine) as session:
            occurrences.trigger(session, catalogue, "no-such-duty", date(2026, 5, 31))
    with session_scope(engine) as session:
        assert session.exec(select(Occurrence)).all() == []
        assert session.exec(select(AuditEntry)).all() == []


def test_audit_verify_catches_an_edited_and_a_removed_row(db_url):
    engine = make_engine(db_url)
    with session_scope(engine) as session:
        for n in range(5):
            audit.append(session, "test", "thing.done", f"subject-{n}", {"n": n})
        assert audit.verify(session) == []
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_entry SET subject = 'forged' WHERE seq = 2"))
    with session_scope(engine) as session:
        problems = audit.verify(session)
    assert [p.seq for p in problems] == [2] and "endret" in problems[0].problem
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_entry SET subject = 'subject-1' WHERE seq = 2"))
        connection.execute(text("DELETE FROM audit_entry WHERE seq = 4"))
    with session_scope(engine) as session:
        problems = audit.verify(session)
    assert problems and problems[0].seq == 4 and "mangler" in problems[0].problem


def test_outbox_key_is_written_once(db_url):
    engine = make_engine(db_url)
    with session_scope(engine) as session:
        row = {
            "key": "watch:occurrence-1:overdue-1:kari:email",
            "duty": "watch",
            "officer_id": "kari",
            "channel": "email",
            "recipient": "kari@imdi.example",
            "subject": "Emne",
            "body": "Tekst",
        }
        assert outbox.enqueue(session, row)
        assert not outbox.enqueue(session, row)
    with session_scope(engine) as session:
        rows = session.exec(select(OutboxMessage)).all()
        assert len(rows) == 1
        first_view, second_view = rows[0].model_copy(), rows[0].model_copy()
    with session_scope(engine) as session:
        assert outbox.claim(session, first_view, datetime.now(timezone.utc))
    with session_scope(engine) as session:
        # A second run that read the row as pending at the same time cannot claim it too.
        assert not outbox.claim(session, second_view, datetime.now(timezone.utc))


def test_outbox_batch_counts_only_new_keys(db_url):
    engine = make_engine(db_url)
    row = {
        "duty": "watch",
        "channel": "email",
        "recipient": "kari@imdi.example",
        "subject": "Emne",
        "body": "Tekst",
        "step": "due-day",
    }
    with session_scope(engine) as session:
        assert outbox.enqueue_many(session, [{**row, "key": f"batch:{n}"} for n in range(3)]) == 3
    with session_scope(engine) as session:
        assert outbox.enqueue_many(session, [{**row, "key": f"batch:{n}"} for n in range(4)]) == 1
    with session_scope(engine) as session:
        rows = session.exec(select(OutboxMessage).order_by(OutboxMessage.key)).all()
        assert [r.key for r in rows] == ["batch:0", "batch:1", "batch:2", "batch:3"]
        assert all(r.status == "pending" and r.created_at.tzinfo is not None for r in rows)


def test_an_event_duty_that_loses_its_deadline_is_withdrawn(db_url, tmp_path):
    """An open event occurrence whose duty is now a checklist duty (no deadline) is withdrawn, saying why."""
    engine = make_engine(db_url)
    with session_scope(engine) as session:
        occurrence, _ = occurrences.trigger(
            session, load_catalogue(CONFIG), "oversight-matters-notice", date(2026, 11, 2), "rr-9"
        )
    changed = tmp_path / "config"
    shutil.copytree(CONFIG, changed)
    path = changed / "obligations.yaml"
    old = (
        "    deadline:\n      offset: 5d\n      days: business\n      source: placeholder\n"
        "      note: Instruksen gir ingen frist; 5 virkedager er pliktvaktens forslag.\n"
    )
    assert old in path.read_text(), "the test's own premise"
    path.write_text(path.read_text().replace(old, "", 1))
    with session_scope(engine) as session:
        result = occurrences.materialise(session, load_catalogue(changed), AS_OF, 13)
        withdrawn = session.get(Occurrence, occurrence.id)
        reasons = [
            e.details
            for e in session.exec(select(AuditEntry).where(AuditEntry.action == "occurrence.withdrawn"))
        ]
    assert withdrawn.status == "withdrawn" and result.withdrawn == 1
    assert any("ikke lenger en frist" in details for details in reasons)
