"""The append-only, hash-chained audit log (DESIGN principle 5).

Each entry's hash covers its content and the previous entry's hash, so an edited or
removed row breaks the chain at that point. Appends serialise on the single
``audit_head`` row, which both SQLite and PostgreSQL lock on update.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from json.encoder import encode_basestring

from sqlalchemy import update
from sqlmodel import Session, select

from pliktvakt.clock import stored
from pliktvakt.models import AuditEntry, AuditHead, Event, utcnow

GENESIS = "0" * 64


def canonical(details: dict) -> str:
    return json.dumps(details, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))


def entry_hash(
    seq: int, at: datetime, actor: str, action: str, subject: str, details: str, prev_hash: str
) -> str:
    at_utc = stored(at).astimezone(timezone.utc).isoformat()
    texts = (action, actor, at_utc, details, prev_hash, subject)
    if type(seq) is int and all(type(t) is str for t in texts):
        # ``canonical`` of the same dict, written out: its keys sorted, each text as json.dumps
        # writes it. A third of the time, and the compliance record verifies the whole chain
        # each time it is made (issue 31); tests/test_audit_hash.py holds the two equal.
        payload = _PAYLOAD % (*map(encode_basestring, texts[:5]), seq, encode_basestring(subject))
    else:
        payload = canonical(_hashed(seq, at_utc, actor, action, subject, details, prev_hash))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


_PAYLOAD = '{"action":%s,"actor":%s,"at":%s,"details":%s,"prev":%s,"seq":%d,"subject":%s}'


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


def verify(session: Session) -> list[ChainProblem]:
    """Every altered, removed or reordered entry, and a head that does not match the chain."""
    problems: list[ChainProblem] = []
    expected_seq, prev = 1, GENESIS
    # Plain rows, not ORM objects: half the time on a long chain (the compliance record
    # verifies the whole chain each time it is made).
    columns = (
        AuditEntry.seq,
        AuditEntry.at,
        AuditEntry.actor,
        AuditEntry.action,
        AuditEntry.subject,
        AuditEntry.details,
        AuditEntry.prev_hash,
        AuditEntry.hash,
    )
    for entry in session.execute(select(*columns).order_by(AuditEntry.seq)):
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
