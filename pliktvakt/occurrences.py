"""Occurrences: each time an obligation falls due, with its deadline and its completion."""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import islice

from dateutil.relativedelta import relativedelta
from sqlalchemy import text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from pliktvakt import audit
from pliktvakt.catalogue import Catalogue, Obligation
from pliktvakt.tables import ObligationRecord, Occurrence, OccurrenceError, OccurrenceStatus, utcnow

# On a fresh database, recurring occurrences due this far back are created, so a late
# one stays visible. Anchors are looked for further back, since a due date can fall
# many months after its anchor (a report per 31.12 due in August).
LOOKBACK_MONTHS = 3
ANCHOR_LOOKBACK_MONTHS = 24


__all__ = [
    "OccurrenceError",
    "complete",
    "create",
    "find",
    "mark_late",
    "materialise",
    "sync_obligations",
    "trigger",
    "trigger_many",
]


@dataclass(frozen=True)
class MaterialiseResult:
    created: int
    updated: int
    withdrawn: int
    obligations_changed: int


def sync_obligations(session: Session, catalogue: Catalogue, actor: str = "pliktvakt") -> int:
    """Store the catalogue; log every added, changed or removed obligation. Returns the count changed."""
    stored = {record.id: record for record in session.exec(select(ObligationRecord))}
    changed = 0
    for obligation in catalogue.obligations.values():
        spec = obligation.model_dump_json()
        record = stored.pop(obligation.id, None)
        if record is not None and record.spec == spec and record.active:
            continue
        action = "obligation.added" if record is None else "obligation.changed"
        record = record or ObligationRecord(id=obligation.id, spec="")
        record.sqlmodel_update(_record_fields(obligation, spec))
        session.add(record)
        audit.append(session, actor, action, obligation.id, {"spec": json.loads(spec)})
        changed += 1
    for record in stored.values():
        if record.active:
            record.active = False
            record.updated_at = utcnow()
            session.add(record)
            audit.append(session, actor, "obligation.removed", record.id, {})
            changed += 1
    session.flush()
    return changed


def _record_fields(obligation: Obligation, spec: str) -> dict:
    return {
        "title": obligation.title,
        "section": obligation.clause.section,
        "clause": obligation.clause.text,
        "kind": obligation.kind,
        "role": obligation.role,
        "flow": obligation.flow,
        "spec": spec,
        "active": True,
        "updated_at": utcnow(),
    }


def materialise(
    session: Session, catalogue: Catalogue, as_of: date, horizon_months: int = 13, actor: str = "pliktvakt"
) -> MaterialiseResult:
    """Make the stored occurrences match the catalogue from a little before ``as_of`` to the horizon.

    Running it twice gives the same rows. Completed occurrences are never touched; open
    ones follow a changed rule, and open future ones a rule no longer produces are withdrawn.
    """
    changed = sync_obligations(session, catalogue, actor)
    start = as_of - relativedelta(months=ANCHOR_LOOKBACK_MONTHS)
    existing = _recurring_by_key(session, start)
    created, updated = _follow_recurring_rules(
        session, catalogue, existing, as_of, start, horizon_months, actor
    )
    withdrawn = 0
    for occurrence in existing.values():  # what is left, no rule produces any more
        if occurrence.is_open and occurrence.anchor >= as_of:
            withdraw(session, occurrence, "regelen er endret", actor)
            withdrawn += 1
    followed, undated = _follow_event_rules(session, catalogue, actor)
    session.flush()
    return MaterialiseResult(created, updated + followed, withdrawn + undated, changed)


def _follow_recurring_rules(
    session: Session,
    catalogue: Catalogue,
    existing: dict[tuple[str, str], Occurrence],
    as_of: date,
    start: date,
    horizon_months: int,
    actor: str,
) -> tuple[int, int]:
    """Create the missing recurring occurrences and let open ones follow a changed rule;
    (created, updated). Each one found is taken out of ``existing``."""
    oldest_due = as_of - relativedelta(months=LOOKBACK_MONTHS)
    end = as_of + relativedelta(months=horizon_months)
    created = updated = 0
    for obligation in catalogue.obligations.values():
        if obligation.kind != "recurring" or not obligation.dated:
            continue  # events, standing duties, gates and checklist duties without a deadline
        for anchor in obligation.recurrence.anchors(start, end):
            occurrence = existing.pop((obligation.id, anchor.isoformat()), None)
            if occurrence is None and obligation.deadline.due(anchor) >= oldest_due:
                create(session, obligation, anchor.isoformat(), anchor, actor, audited=False)
                created += 1
            elif occurrence is not None and occurrence.is_open and _follow_rule(occurrence, obligation):
                session.add(occurrence)
                updated += 1
    return created, updated


def _recurring_by_key(session: Session, start: date) -> dict[tuple[str, str], Occurrence]:
    # Weekly periods are added beside the catalogue's rule (pliktvakt/settlement/rules_cadence.py):
    # not the rule's to withdraw.
    query = select(Occurrence).where(
        Occurrence.anchor >= start,
        ~Occurrence.period.startswith("event:"),
        ~Occurrence.period.startswith("weekly:"),
    )
    return {(row.obligation_id, row.period): row for row in session.exec(query)}


def withdraw(
    session: Session, occurrence: Occurrence, reason: str, actor: str, details: dict | None = None
) -> None:
    audit.record(session, occurrence.withdraw(reason, actor, details))
    session.add(occurrence)


def _follow_event_rules(session: Session, catalogue: Catalogue, actor: str) -> tuple[int, int]:
    """Open event occurrences follow a changed rule; (updated, withdrawn).

    One whose obligation no longer has a deadline (now a gate, or a checklist duty) is
    withdrawn: it would otherwise stay open with a date the catalogue no longer gives.
    """
    updated = withdrawn = 0
    query = select(Occurrence).where(
        Occurrence.status == OccurrenceStatus.OPEN, Occurrence.period.startswith("event:")
    )
    for occurrence in session.exec(query):
        obligation = catalogue.obligations.get(occurrence.obligation_id)
        if obligation is not None and not obligation.dated:
            withdraw(session, occurrence, "plikten har ikke lenger en frist i katalogen", actor)
            withdrawn += 1
        elif obligation is not None and _follow_rule(occurrence, obligation):
            session.add(occurrence)
            updated += 1
    return updated, withdrawn


def _follow_rule(occurrence: Occurrence, obligation: Obligation) -> bool:
    if not obligation.dated:
        return False
    # «Straks» depends on the time the event was recorded, which only the stored due keeps.
    due = occurrence.due if obligation.deadline.straks else obligation.deadline.due(occurrence.anchor)
    if (occurrence.due, occurrence.role) == (due, obligation.role):
        return False
    occurrence.due, occurrence.role, occurrence.updated_at = due, obligation.role, utcnow()
    return True


def create(
    session: Session,
    obligation: Obligation,
    period: str,
    anchor: date,
    actor: str,
    *,
    due: date | None = None,
    ref: str | None = None,
    at: time | None = None,
    reason: str | None = None,
    audited: bool = True,
    via: str | None = None,
) -> Occurrence | None:
    """The one way an occurrence is made; None if a concurrent run made the same period first.

    ``due`` defaults to the catalogue's deadline from ``anchor`` (``at``: the Oslo time an
    event was recorded, for «straks»). An occurrence made on request (an event, a weekly
    period) is audited as ``occurrence.triggered`` / ``occurrence.created``. Materialised
    ones are not (``audited=False``): they follow from the catalogue, whose every change is
    in the log as ``obligation.added`` / ``obligation.changed``.
    """
    occurrence = Occurrence(
        obligation_id=obligation.id,
        period=period,
        anchor=anchor,
        ref=ref,
        role=obligation.role,
        due=due or obligation.deadline.due(anchor, at),
    )
    try:
        with session.begin_nested():
            session.add(occurrence)
    except IntegrityError:
        return None
    if audited:
        audit.record(session, occurrence.created(actor, reason, via))
    return occurrence


KIND_NAMES = {"recurring": "gjentakende", "standing": "en løpende plikt", "gate": "en sperre"}


def trigger(
    session: Session,
    catalogue: Catalogue,
    obligation_id: str,
    on: date,
    ref: str | None = None,
    actor: str = "pliktvakt",
    at: time | None = None,
    via: str | None = None,
) -> tuple[Occurrence, bool]:
    """Create the event occurrence for ``obligation_id`` on ``on``; (occurrence, created).

    ``at`` is the Oslo time of day the event was recorded; only «straks» uses it.
    Triggering the same event (same date and reference) again returns the existing one.
    """
    obligation = _event_obligation(catalogue, obligation_id)
    period = _event_period(on, ref)
    _check_ref(ref, period)
    found = find(session, obligation_id, period)
    if found is not None:
        return found, False
    _ensure_obligation_stored(session, catalogue, obligation_id)
    occurrence = create(session, obligation, period, on, actor, ref=ref, at=at, via=via)
    if occurrence is None:  # a concurrent run triggered it first
        return find(session, obligation_id, period), False
    return occurrence, True


def _event_obligation(catalogue: Catalogue, obligation_id: str) -> Obligation:
    """The obligation, if an event with a deadline can trigger it."""
    obligation = catalogue.obligations.get(obligation_id)
    if obligation is None:
        raise OccurrenceError(f"Ukjent plikt '{obligation_id}'. Se `pliktvakt obligations list`.")
    if obligation.kind != "event":
        raise OccurrenceError(
            f"Plikten '{obligation_id}' er {KIND_NAMES[obligation.kind]} og utløses ikke av en hendelse."
        )
    if obligation.deadline is None:
        raise OccurrenceError(
            f"Plikten '{obligation_id}' har ingen frist i instruksen og blir ingen forekomst: "
            "den er et sjekklistepunkt. Se `pliktvakt obligations list`."
        )
    return obligation


def _event_period(on: date, ref: str | None) -> str:
    return f"event:{on.isoformat()}" + (f":{ref}" if ref else "")


# Occurrences per INSERT and per audit entry in ``trigger_many``: 1,000 rows of 10 columns
# stay well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
TRIGGER_BATCH = 1000


def trigger_many(
    session: Session,
    catalogue: Catalogue,
    obligation_id: str,
    on: date,
    refs: Iterable[str],
    actor: str = "pliktvakt",
) -> int:
    """``trigger`` for many references on one day, in batches; returns how many were new.

    The occurrences are the ones ``trigger`` would make one at a time (same period, anchor,
    due date, role and state), and one already there is left alone. Each batch is one INSERT
    and one audit entry, ``occurrences.triggered``, listing the new occurrences' ids and
    references, as the register's receipts are audited (issue 31): an entry per occurrence
    made an import of 100,000 awards take a quarter of an hour."""
    refs = iter(refs)
    batch = list(islice(refs, TRIGGER_BATCH))
    if not batch:
        return 0  # nothing to trigger: the obligation is not even looked up, as before
    obligation = _event_obligation(catalogue, obligation_id)
    _ensure_obligation_stored(session, catalogue, obligation_id)
    due = obligation.deadline.due(on)
    created = 0
    while batch:
        created += _insert_batch(session, obligation, on, due, batch, actor)
        batch = list(islice(refs, TRIGGER_BATCH))
    return created


def _insert_batch(
    session: Session, obligation: Obligation, on: date, due: date, refs: list[str], actor: str
) -> int:
    """One INSERT of the batch's new occurrences, and one audit entry naming them."""
    now = utcnow()
    rows = []
    for ref in refs:
        period = _event_period(on, ref)
        _check_ref(ref, period)
        rows.append(
            {
                "obligation_id": obligation.id,
                "period": period,
                "anchor": on,
                "ref": ref,
                "role": obligation.role,
                "due": due,
                "status": OccurrenceStatus.OPEN.value,
                "late": False,
                "created_at": now,
                "updated_at": now,
            }
        )
    table = Occurrence.__table__
    if session.get_bind().dialect.name == "postgresql":
        made = sorted(session.execute(_UNNEST_INSERT, _unnest_params(rows)).all())
        return _audit_batch(session, obligation, on, due, made, actor)
    # A period already there (triggered before, or by a concurrent run) is skipped, as
    # ``create`` skips it; only the rows made come back.
    statement = (
        sqlite_insert(table)
        .on_conflict_do_nothing(index_elements=["obligation_id", "period"])
        .returning(table.c.id, table.c.ref)
    )
    # Many parameter sets to one statement: SQLAlchemy sends them as one multi-row INSERT
    # (its «insertmanyvalues», up to 1,000 rows) and compiles the statement once, not per row.
    made = sorted(session.execute(statement, rows).all())
    return _audit_batch(session, obligation, on, due, made, actor)


BATCH_TRIGGERED = "occurrences.triggered"


def batch_members(details: str | None) -> list[int]:
    """The ids of the occurrences a ``BATCH_TRIGGERED`` entry names: its subject is the
    obligation, so the readers of an occurrence's history (the compliance record, the desk's
    duty page) find the occurrence here, not in the subject."""
    return [item["id"] for item in json.loads(details or "{}").get("triggered", [])]


def _audit_batch(
    session: Session, obligation: Obligation, on: date, due: date, made: list, actor: str
) -> int:
    if made:
        details = {"on": on, "due": due, "triggered": [{"id": id_, "ref": ref} for id_, ref in made]}
        audit.append(session, actor, BATCH_TRIGGERED, obligation.id, details)
    return len(made)


# PostgreSQL: the batch as arrays, one per column, in a statement of constant size. A
# thousand rows of VALUES made psycopg parse 10,000 placeholders per batch and the server
# plan them, twice the time of the rest of the import (issue 31).
_COLUMN_TYPES = {
    "obligation_id": "text",
    "period": "text",
    "anchor": "date",
    "ref": "text",
    "role": "text",
    "due": "date",
    "status": "text",
    "late": "boolean",
    "created_at": "timestamptz",
    "updated_at": "timestamptz",
}
_UNNEST_INSERT = text(
    f"INSERT INTO {Occurrence.__tablename__} ({', '.join(_COLUMN_TYPES)}) "
    f"SELECT * FROM unnest({', '.join(f'CAST(:{c} AS {t}[])' for c, t in _COLUMN_TYPES.items())}) "
    "ON CONFLICT (obligation_id, period) DO NOTHING RETURNING id, ref"
)


def _unnest_params(rows: list[dict]) -> dict[str, list]:
    return {column: [row[column] for row in rows] for column in _COLUMN_TYPES}


PERIOD_LENGTH = Occurrence.__table__.c.period.type.length


def _check_ref(ref: str | None, period: str) -> None:
    """The reference is part of the period: the same bounds on SQLite and PostgreSQL (issue 30),
    checked before the database sees it (PostgreSQL refused what SQLite stored)."""
    if ref is None:
        return
    if len(period) > PERIOD_LENGTH:
        room = PERIOD_LENGTH - (len(period) - len(ref))
        raise OccurrenceError(f"--ref: referansen har {len(ref)} tegn; høyst {room}.")
    if not ref.isprintable():
        raise OccurrenceError("--ref: referansen har et kontrolltegn (for eksempel NUL); bruk vanlig tekst.")


def _ensure_obligation_stored(session: Session, catalogue: Catalogue, obligation_id: str) -> None:
    if session.get(ObligationRecord, obligation_id) is None:
        sync_obligations(session, catalogue)


def find(session: Session, obligation_id: str, period: str) -> Occurrence | None:
    query = select(Occurrence).where(Occurrence.obligation_id == obligation_id, Occurrence.period == period)
    return session.exec(query).first()


def complete(
    session: Session, occurrence_id: int, by: str, evidence: str, as_of: datetime, via: str | None = None
) -> Occurrence:
    """Record who completed the occurrence, when, and on what evidence. Late if after the due date.
    ``via``: the face it came through, in the audit event (the CLI gives none)."""
    occurrence = session.get(Occurrence, occurrence_id)
    if occurrence is None:
        raise OccurrenceError(f"Fant ingen forekomst med id {occurrence_id}.")
    audit.record(session, occurrence.complete(by, evidence, as_of, via))
    session.add(occurrence)
    return occurrence


def mark_late(session: Session, occurrence: Occurrence, reason: str, actor: str = "pliktvakt") -> None:
    audit.record(session, occurrence.mark_late(reason, actor))
    session.add(occurrence)
