"""Deadline-watch I/O: read the open occurrences, queue the alert steps pliktvakt.watch plans,
queue the digests, and read who was told."""

from datetime import date, datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from pliktvakt import notify, outbox
from pliktvakt.catalogue import Catalogue
from pliktvakt.db import session_scope
from pliktvakt.go_live import go_live_date
from pliktvakt.grants.schemes import SchemeConfigError, load_schemes
from pliktvakt.grants.tables import GrantDecision, GrantRound
from pliktvakt.notify import Key, away_on, read_absences
from pliktvakt.periods import NO_SUBJECTS, Subjects
from pliktvakt.publications.tables import Publication
from pliktvakt.tables import Occurrence, OccurrenceStatus, OutboxMessage, before_go_live
from pliktvakt.tabular import bulk
from pliktvakt.watch import DUTY, OpenOccurrence, WatchSummary, most_serious, plan_alerts, plan_digests
from tasks.common import engine_for, io_task

__all__ = [
    "DUTY",
    "WatchSummary",
    "build_digests",
    "queue_alerts",
    "queue_alerts_now",
    "queue_ops_alerts",
    "read_delivery",
    "read_go_live",
]

# Occurrences are planned and queued in slices, so memory stays flat with 100,000 open.
SLICE = 10000


def _existing_keys(session: Session) -> set[str]:
    query = (
        select(OutboxMessage.key)
        .join(Occurrence, Occurrence.id == OutboxMessage.occurrence_id)
        .where(Occurrence.status == OccurrenceStatus.OPEN)
    )
    return set(session.exec(query))


def _open_occurrences(session: Session) -> list[OpenOccurrence]:
    """Open occurrences to watch. Those due before pliktvakt went live are kept, but not alerted."""
    query = (
        select(Occurrence.id, Occurrence.obligation_id, Occurrence.period, Occurrence.due, Occurrence.role)
        .where(Occurrence.status == OccurrenceStatus.OPEN)
        .order_by(Occurrence.id)
    )
    go_live = go_live_date(session)
    return [OpenOccurrence(*row) for row in session.exec(query).all() if not before_go_live(row[3], go_live)]


def read_subjects(session: Session, config_dir: Path | None) -> Subjects:
    """The names of what event occurrences are about: grant schemes (from their file; a file
    that does not load names none, and its own duty reports it), rounds, publications and
    the applicants of grant decisions."""
    schemes = {}
    if config_dir is not None:
        try:
            schemes = {s.id: s.name for s in load_schemes(config_dir / "grant_schemes.yaml").values()}
        except SchemeConfigError:
            pass
    return Subjects(
        schemes=schemes,
        rounds={str(i): name for i, name in session.exec(select(GrantRound.id, GrantRound.name))},
        publications={str(i): title for i, title in session.exec(select(Publication.id, Publication.title))},
        applicants={str(i): a for i, a in session.exec(select(GrantDecision.id, GrantDecision.applicant))},
    )


def queue_alerts_now(
    engine: Engine, catalogue: Catalogue, today: date, config_dir: Path | None = None
) -> WatchSummary:
    """Queue every step due today, slice by slice, each slice in its own transaction."""
    # The cyclic collector walked every live object again and again: a third of a first pass
    # in issue 31's profile. The pass makes plain rows, freed by reference counting.
    with bulk():
        return _queue_alerts(engine, catalogue, today, config_dir)


def _queue_alerts(engine: Engine, catalogue: Catalogue, today: date, config_dir: Path | None) -> WatchSummary:
    summary = WatchSummary()
    with session_scope(engine) as session:
        occurrences = _open_occurrences(session)
        away, existing = away_on(read_absences(session, today), today), _existing_keys(session)
        subjects = read_subjects(session, config_dir) if occurrences else NO_SUBJECTS
    summary.open_occurrences = len(occurrences)
    for start in range(0, len(occurrences), SLICE):
        with session_scope(engine) as session:
            rows = plan_alerts(
                catalogue, occurrences[start : start + SLICE], today, away, existing, summary, subjects
            )
            summary.queued += outbox.enqueue_many(session, rows)
        summary.rows = most_serious(summary.rows)
    return summary


@io_task(name="queue-alerts", retries=2, retry_delay_seconds=5)
def queue_alerts(url: str, catalogue: Catalogue, today: date, config_dir: Path | None = None) -> WatchSummary:
    return queue_alerts_now(engine_for(url), catalogue, today, config_dir)


@io_task(name="build-digests")
def build_digests(url: str, catalogue: Catalogue, now: datetime) -> int:
    """Queue each digest officer's held alerts as one message (the flow calls it from the digest hour)."""
    built = 0
    with session_scope(engine_for(url)) as session:
        for row, items in plan_digests(outbox.held_for_digest(session), catalogue, now.date()):
            if outbox.enqueue(session, row):
                outbox.mark_digested(session, items, row["key"])
                built += 1
    return built


@io_task(name="read-delivery")
def read_delivery(url: str, keys: list[str]) -> dict[str, tuple[str, str]]:
    """key -> (recipient, outbox status) of the messages with ``keys``."""
    if not keys:
        return {}
    with session_scope(engine_for(url)) as session:
        query = select(OutboxMessage.key, OutboxMessage.recipient, OutboxMessage.status).where(
            OutboxMessage.key.in_(keys)
        )
        return {key: (recipient, status) for key, recipient, status in session.exec(query)}


@io_task(name="queue-ops-alerts")
def queue_ops_alerts(
    url: str, catalogue: Catalogue, role: str, items: list[tuple[Key, notify.Message]], today: date
) -> int:
    """Alert the operations role: each item is (key, message); each key goes once."""
    with session_scope(engine_for(url)) as session:
        return sum(
            notify.notify_role(session, catalogue, role, message, key, today).queued for key, message in items
        )


@io_task(name="read-go-live")
def read_go_live(url: str) -> date | None:
    """PLIKTVAKT_GO_LIVE, else the day of the first init (pliktvakt.go_live)."""
    with session_scope(engine_for(url)) as session:
        return go_live_date(session)
