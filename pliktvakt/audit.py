"""The append-only, hash-chained audit log (DESIGN principle 5).

Each entry's hash covers its content and the previous entry's hash, so an edited or
removed row breaks the chain at that point. Appends serialise on the single
``audit_head`` row, which both SQLite and PostgreSQL lock on update.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from json.encoder import encode_basestring
from typing import NamedTuple

from sqlalchemy import column, table, update
from sqlalchemy import select as core_select
from sqlmodel import Session, select

from pliktvakt.clock import stored
from pliktvakt.tables import AuditEntry, AuditHead, Event, utcnow

GENESIS = "0" * 64


def canonical(details: dict) -> str:
    return json.dumps(details, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))


def entry_hash(
    seq: int, at: datetime, actor: str, action: str, subject: str, details: str, prev_hash: str
) -> str:
    at_utc = stored(at).astimezone(timezone.utc).isoformat()
    return _digest(seq, at_utc, actor, action, subject, details, prev_hash)


_PAYLOAD = '{"action":%s,"actor":%s,"at":%s,"details":%s,"prev":%s,"seq":%d,"subject":%s}'


def _payload(seq, at_utc, actor, action, subject, details, prev_hash) -> str:
    """``canonical`` of ``_hashed``, written out: its keys sorted, each text as json.dumps writes
    it. A third of the time, and the compliance record verifies the whole chain each time it is
    made (issue 31); tests/test_audit_hash.py holds the two equal. TypeError for anything but
    an int and texts, which only ``canonical`` writes as the chain was written."""
    if type(seq) is not int:
        raise TypeError("seq")
    return _PAYLOAD % (
        encode_basestring(action),
        encode_basestring(actor),
        encode_basestring(at_utc),
        encode_basestring(details),
        encode_basestring(prev_hash),
        seq,
        encode_basestring(subject),
    )


def _hashed(seq, at_utc: str, actor, action, subject, details, prev_hash) -> dict:
    """What an entry's hash covers."""
    return {
        "seq": seq,
        "at": at_utc,
        "actor": actor,
        "action": action,
        "subject": subject,
        "details": details,
        "prev": prev_hash,
    }


def append(
    session: Session, actor: str, action: str, subject: str, details: dict | None = None
) -> AuditEntry:
    """Append one entry in the caller's transaction; it commits or rolls back with the work."""
    # No synchronize_session: SQLAlchemy would otherwise look through every object the
    # session holds for a matching head, at each append; an import of n awards, each appended
    # once, took time in n² (issue 31). The head is refreshed from the row just below.
    bump = update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1)
    session.execute(bump.execution_options(synchronize_session=False))
    head = session.exec(select(AuditHead).where(AuditHead.id == 1)).one()
    session.refresh(head)
    at = utcnow().replace(microsecond=0)
    text = canonical(details or {})
    digest = entry_hash(head.seq, at, actor, action, subject, text, head.hash)
    entry = AuditEntry(
        seq=head.seq,
        at=at,
        actor=actor,
        action=action,
        subject=subject,
        details=text,
        prev_hash=head.hash,
        hash=digest,
    )
    head.hash = digest
    session.add(entry)
    session.add(head)
    session.flush()
    return entry


def record(session: Session, event: Event | None) -> AuditEntry | None:
    """Append the event a model transition returned (None: the transition changed nothing)."""
    if event is None:
        return None
    return append(session, event.actor, event.action, event.subject, event.details)


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    problem: str  # in bokmål


class Entry(NamedTuple):
    """An entry as read by ``verify_and_read``."""

    seq: int
    at: datetime  # aware, UTC
    actor: str
    action: str
    subject: str
    details: str


def verify(session: Session) -> list[ChainProblem]:
    """Every altered, removed or reordered entry, and a head that does not match the chain."""
    return verify_and_read(session, lambda action: False)[0]


def verify_and_read(session: Session, keep: Callable[[str], bool]) -> tuple[list[ChainProblem], list[Entry]]:
    """``verify``, and in the same pass the entries whose action ``keep`` accepts, in order:
    the compliance record shows the entries it verified, and reads the chain once, not twice.

    Every entry is read and checked (its place, its link to the one before, its hash), in
    chunks of ``CHUNK``, so the memory stays bounded however long the chain. Read as plain
    SQL, not through the ORM: its row objects and type conversions were most of the time on a
    long chain, which the compliance record verifies each time it is made (issue 31)."""
    problems: list[ChainProblem] = []
    kept: list[Entry] = []
    expected_seq, prev = 1, GENESIS
    time_of = _times(session)
    # yield_per: a server-side cursor on PostgreSQL (what SQLite's cursor already is), for this
    # statement only (``Connection.execution_options`` would set it for the session's others).
    entries = session.connection().execute(_ENTRIES_IN_ORDER, execution_options={"yield_per": CHUNK})
    for rows in entries.partitions():
        for seq, at, actor, action, subject, details, prev_hash, digest in rows:
            if seq != expected_seq:
                problems.append(ChainProblem(expected_seq, f"rad {expected_seq}–{seq - 1} mangler (slettet)"))
            if prev_hash != prev:
                problems.append(
                    ChainProblem(seq, "peker ikke til forrige rad (rad fjernet eller endret før denne)")
                )
            at_utc, moment = time_of(at)
            if _digest(seq, at_utc, actor, action, subject, details, prev_hash) != digest:
                problems.append(ChainProblem(seq, "innholdet er endret etter at raden ble skrevet"))
            if keep(action):
                kept.append(Entry(seq, moment, actor, action, subject, details))
            expected_seq, prev = seq + 1, digest
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != expected_seq - 1 or head.hash != prev):
        problems.append(ChainProblem(head.seq, "siste rad(er) mangler: kjeden slutter før registrert hode"))
    return problems, kept


CHUNK = 10_000  # entries read at a time by ``verify``
# The table without the model's types: the driver's values as they are, no conversions.
_ENTRIES = table(
    "audit_entry",
    *map(column, ("seq", "at", "actor", "action", "subject", "details", "prev_hash", "hash")),
)
_ENTRIES_IN_ORDER = core_select(_ENTRIES).order_by(_ENTRIES.c.seq)


def _digest(seq, at_utc: str | None, actor, action, subject, details, prev_hash) -> str | None:
    """``entry_hash`` of an entry as read; None where its time is no time (it was altered)."""
    if at_utc is None:
        return None
    try:
        payload = _payload(seq, at_utc, actor, action, subject, details, prev_hash)
    except TypeError:
        payload = canonical(_hashed(seq, at_utc, actor, action, subject, details, prev_hash))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _times(session: Session) -> Callable[[object], tuple[str | None, datetime | None]]:
    """An entry's stored time as its hash has it (UTC, ISO 8601) and as an aware UTC time,
    from the value the driver gives, converted as the ORM converts it for the column; (None,
    None) for a value that is no time. Cached: the entries written together share their second."""
    dialect = session.get_bind().dialect
    process = AuditEntry.__table__.c.at.type.dialect_impl(dialect).result_processor(dialect, None)

    @lru_cache(maxsize=4096)
    def time_of(value) -> tuple[str | None, datetime | None]:
        try:
            moment = stored(process(value) if process else value).astimezone(timezone.utc)
        except (TypeError, ValueError, AttributeError):
            return None, None
        return moment.isoformat(), moment

    return time_of
