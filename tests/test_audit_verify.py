"""``audit.verify`` reads the chain as plain SQL in chunks (issue 31) and finds exactly what the
ORM-based check before it found: the same problems, for the same rows, on SQLite and PostgreSQL,
whatever was altered, removed, added or reordered, and wherever a chunk ends."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import insert, text, update
from sqlmodel import select

from pliktvakt import audit
from pliktvakt.audit import GENESIS, ChainProblem, canonical, entry_hash
from pliktvakt.db import make_engine, session_scope
from pliktvakt.tables import AuditEntry, AuditHead

START = datetime(2025, 3, 30, 0, 59, 59, 999_999, tzinfo=timezone.utc)  # DST begins at 01:00 UTC


def orm_verify(session) -> list[ChainProblem]:
    """The check as it was before issue 31 (commit f8f5671): ORM rows and ``entry_hash``."""
    problems: list[ChainProblem] = []
    expected_seq, prev = 1, GENESIS
    for entry in session.exec(select(AuditEntry).order_by(AuditEntry.seq)):
        if entry.seq != expected_seq:
            problems.append(
                ChainProblem(expected_seq, f"rad {expected_seq}–{entry.seq - 1} mangler (slettet)")
            )
        if entry.prev_hash != prev:
            problems.append(
                ChainProblem(entry.seq, "peker ikke til forrige rad (rad fjernet eller endret før denne)")
            )
        actual = entry_hash(
            entry.seq, entry.at, entry.actor, entry.action, entry.subject, entry.details, entry.prev_hash
        )
        if actual != entry.hash:
            problems.append(ChainProblem(entry.seq, "innholdet er endret etter at raden ble skrevet"))
        expected_seq, prev = entry.seq + 1, entry.hash
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != expected_seq - 1 or head.hash != prev):
        problems.append(ChainProblem(head.seq, "siste rad(er) mangler: kjeden slutter før registrert hode"))
    return problems


def seed_chain(engine, count: int = 12) -> None:
    """``count`` entries with times to the microsecond and to the second, across the change to
    summer time, some sharing a second, with texts JSON must escape; then two real appends."""
    rows, prev = [], GENESIS
    for seq in range(1, count + 1):
        at = START + timedelta(microseconds=0 if seq % 3 else 1, seconds=seq // 2)
        details = canonical({"n": seq, "tekst": 'æøå "sitat" \\ \n\t\x07 🙂'})
        subject = f"plikt/{seq}«»"
        digest = entry_hash(seq, at, "kari@imdi.no", "thing.done", subject, details, prev)
        rows.append(
            dict(
                seq=seq,
                at=at,
                actor="kari@imdi.no",
                action="thing.done",
                subject=subject,
                details=details,
                prev_hash=prev,
                hash=digest,
            )
        )
        prev = digest
    with engine.begin() as connection:
        connection.execute(insert(AuditEntry), rows)
        connection.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=count, hash=prev))
    with session_scope(engine) as session:
        audit.append(session, "drift", "thing.checked", "x/y", {"ok": True})
        audit.append(session, "drift", "thing.checked", "x/z", {})


def both(engine) -> tuple[list[ChainProblem], list[ChainProblem]]:
    with session_scope(engine) as session:
        return audit.verify(session), orm_verify(session)


TAMPERINGS = {
    "nothing": [],
    "an actor": ["UPDATE audit_entry SET actor = 'ola@imdi.no' WHERE seq = 5"],
    "an action": ["UPDATE audit_entry SET action = 'thing.undone' WHERE seq = 1"],
    "a subject": ["UPDATE audit_entry SET subject = 'forged' WHERE seq = 7"],
    "the details": ["UPDATE audit_entry SET details = '{}' WHERE seq = 9"],
    "a time": ["UPDATE audit_entry SET at = '2024-01-01 00:00:00' WHERE seq = 3"],
    "a stored hash": ["UPDATE audit_entry SET hash = '" + "f" * 64 + "' WHERE seq = 4"],
    "a link": ["UPDATE audit_entry SET prev_hash = '" + "e" * 64 + "' WHERE seq = 6"],
    "the first entry removed": ["DELETE FROM audit_entry WHERE seq = 1"],
    "one in the middle removed": ["DELETE FROM audit_entry WHERE seq = 8"],
    "three removed": ["DELETE FROM audit_entry WHERE seq IN (2, 3, 10)"],
    "the last removed": ["DELETE FROM audit_entry WHERE seq = 14"],
    "every entry removed": ["DELETE FROM audit_entry"],
    "two swapped": [
        "UPDATE audit_entry SET seq = 100 WHERE seq = 5",
        "UPDATE audit_entry SET seq = 5 WHERE seq = 6",
        "UPDATE audit_entry SET seq = 6 WHERE seq = 100",
    ],
    "one added past the head": [
        "INSERT INTO audit_entry (seq, at, actor, action, subject, details, prev_hash, hash)"
        " SELECT 15, at, actor, action, subject, details, hash, hash FROM audit_entry WHERE seq = 14"
    ],
    "the head moved": ["UPDATE audit_head SET seq = 13"],
    "the head's hash": ["UPDATE audit_head SET hash = '" + "a" * 64 + "'"],
}


@pytest.mark.parametrize("chunk", [10_000, 1, 3])
@pytest.mark.parametrize("tampering", list(TAMPERINGS))
def test_verify_finds_what_the_orm_check_found(db_url, tampering, chunk, monkeypatch):
    monkeypatch.setattr(audit, "CHUNK", chunk)
    engine = make_engine(db_url)
    seed_chain(engine)
    with engine.begin() as connection:
        for statement in TAMPERINGS[tampering]:
            connection.execute(text(statement))
    fast, reference = both(engine)
    assert fast == reference
    assert bool(fast) == (tampering != "nothing")


def test_verify_sees_the_entries_its_own_session_appended(db_url):
    engine = make_engine(db_url)
    seed_chain(engine)
    with session_scope(engine) as session:
        audit.append(session, "drift", "thing.checked", "x/w", {"n": 1})
        assert audit.verify(session) == []
        session.execute(update(AuditHead).values(seq=99))
        assert [p.seq for p in audit.verify(session)] == [99]


def test_a_time_that_is_no_time_is_an_altered_entry_on_sqlite(migrated_sqlite_url):
    """The ORM check stopped with a traceback on it; now it is reported like any other edit."""
    engine = make_engine(migrated_sqlite_url)
    seed_chain(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_entry SET at = 'i går' WHERE seq = 2"))
        connection.execute(text("UPDATE audit_entry SET actor = 42 WHERE seq = 3"))
    with session_scope(engine) as session:
        problems = audit.verify(session)
    assert [(p.seq, "endret" in p.problem) for p in problems] == [(2, True), (3, True)]
