"""Deadline-watch I/O: read open occurrences, queue the alert steps now due, build digests."""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from pliktvakt import notify, outbox
from pliktvakt.alerts import AlertFacts, due_text, render_alert, render_digest
from pliktvakt.catalogue import Catalogue
from pliktvakt.db import session_scope
from pliktvakt.go_live import before_go_live, go_live_date
from pliktvakt.models import Occurrence, OccurrenceStatus, OutboxMessage
from pliktvakt.notify import Key, away_on, read_absences, recipient_for
from pliktvakt.watch import ESCALATION, due_steps
from tasks.common import engine_for, io_task

DUTY = "watch"

# The artifact lists at most this many alerted occurrences, the most serious first.
ARTIFACT_ROWS = 500
SEVERITY = {"escalation": 0, "overdue": 1, "due": 2, "reminder": 3}  # by step prefix


@dataclass
class WatchSummary:
    open_occurrences: int = 0
    steps_due: int = 0
    queued: int = 0
    rows: list[dict] = field(default_factory=list)  # for the artifact: one per alerted step


def _existing_keys(session: Session) -> set[str]:
    query = (select(OutboxMessage.key).join(Occurrence, Occurrence.id == OutboxMessage.occurrence_id)
             .where(Occurrence.status == OccurrenceStatus.OPEN))
    return set(session.exec(query))


# Occurrences are planned and queued in slices, so memory stays flat with 100,000 open.
SLICE = 10000


def plan_alerts(catalogue: Catalogue, occurrences: list[tuple], today: date, away: frozenset[str],
                existing: set[str], ui_url: str, summary: WatchSummary) -> list[dict]:
    """Outbox rows for every step due today on ``occurrences`` that has not been queued before."""
    rows, recipients = [], {}
    for occurrence_id, obligation_id, period, due, role in occurrences:
        obligation = catalogue.obligations.get(obligation_id)
        if obligation is None or role not in catalogue.roles or not obligation.dated:
            continue
        for step in due_steps(due, today, obligation.reminders):
            summary.steps_due += 1
            target = (role, step == ESCALATION)
            if target not in recipients:
                recipients[target] = recipient_for(catalogue, role, step == ESCALATION, away)
            officer = recipients[target]
            key = Key(DUTY, f"occurrence-{occurrence_id}", step)
            keys = [key.to(officer.id, channel) for channel, _ in notify.channels(officer)]
            summary.rows.append({"occurrence_id": occurrence_id, "obligation": obligation.title,
                                 "clause": obligation.clause.reference, "due": due, "step": step, "keys": keys,
                                 "unconfirmed": obligation.unconfirmed is not None})
            if all(k in existing for k in keys):
                continue
            message = render_alert(AlertFacts(occurrence_id, period, due, today, step, obligation,
                                              catalogue.officer_for_role(role)), ui_url)
            rows += [row for row in notify.rows_for(officer, message, key, occurrence_id) if row["key"] not in existing]
    return rows


def queue_alerts_now(engine: Engine, catalogue: Catalogue, today: date, ui_url: str) -> WatchSummary:
    """Plan and queue every step due today, slice by slice, each slice in its own transaction."""
    summary = WatchSummary()
    with session_scope(engine) as session:
        query = select(Occurrence.id, Occurrence.obligation_id, Occurrence.period, Occurrence.due, Occurrence.role
                       ).where(Occurrence.status == OccurrenceStatus.OPEN).order_by(Occurrence.id)
        # Duties due before pliktvakt went live are kept, but not alerted or escalated.
        go_live = go_live_date(session)
        occurrences = [row for row in session.exec(query).all() if not before_go_live(row[3], go_live)]
        away, existing = away_on(read_absences(session, today), today), _existing_keys(session)
    summary.open_occurrences = len(occurrences)
    for start in range(0, len(occurrences), SLICE):
        with session_scope(engine) as session:
            rows = plan_alerts(catalogue, occurrences[start:start + SLICE], today, away, existing, ui_url, summary)
            summary.queued += outbox.enqueue_many(session, rows)
        summary.rows = most_serious(summary.rows)
    return summary


def most_serious(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda r: (SEVERITY[r["step"].split("-")[0]], r["due"]))[:ARTIFACT_ROWS]


@io_task(name="queue-alerts", retries=2, retry_delay_seconds=5)
def queue_alerts(url: str, catalogue: Catalogue, today: date, ui_url: str) -> WatchSummary:
    return queue_alerts_now(engine_for(url), catalogue, today, ui_url)


@io_task(name="build-digests")
def build_digests(url: str, catalogue: Catalogue, now: datetime, digest_hour: int) -> int:
    """Once a day, from ``digest_hour``, gather each digest officer's held alerts into one message."""
    if now.hour < digest_hour:
        return 0
    built = 0
    with session_scope(engine_for(url)) as session:
        held = outbox.held_for_digest(session)
        for (officer_id, channel), items in _group_by_officer(held, catalogue).items():
            officer = catalogue.officers[officer_id]
            message = render_digest([(m.subject, m.body) for m in items], officer, now.date())
            row = next(r for r in notify.rows_for(officer, message, Key(DUTY, f"digest-{now.date().isoformat()}",
                                                                        "digest")) if r["channel"] == channel)
            if outbox.enqueue(session, {**row, "status": "pending"}):
                outbox.mark_digested(session, items, row["key"])
                built += 1
    return built


def _group_by_officer(held: list[OutboxMessage], catalogue: Catalogue) -> dict[tuple[str, str], list]:
    groups: dict[tuple[str, str], list] = {}
    for message in held:
        if message.officer_id in catalogue.officers:
            groups.setdefault((message.officer_id, message.channel), []).append(message)
    return groups


@io_task(name="who-was-told")
def who_was_told(url: str, summary: WatchSummary) -> list[dict]:
    """The artifact rows, most serious first, with each recipient and delivery state."""
    shown = most_serious(summary.rows)
    keys = [key for row in shown for key in row["keys"]]
    with session_scope(engine_for(url)) as session:
        states = {m.key: (m.recipient, m.status) for m in session.exec(select(OutboxMessage).where(OutboxMessage.key.in_(keys)))} if keys else {}
    return [{"Forekomst": r["occurrence_id"], "Plikt": r["obligation"], "Hjemmel": r["clause"],
             "Frist": due_text(r["due"], r["unconfirmed"]), "Trinn": STEP_NAMES.get(r["step"].split("-")[0], r["step"]) + _nth(r["step"]),
             "Varslet": ", ".join(f"{states[k][0]} ({STATUS_NAMES.get(states[k][1], states[k][1])})"
                                  for k in r["keys"] if k in states)}
            for r in shown]


STEP_NAMES = {"reminder": "påminnelse", "due": "frist i dag", "overdue": "over fristen", "escalation": "eskalert"}
STATUS_NAMES = {"sent": "levert", "pending": "ikke levert ennå", "sending": "sendes", "digest": "venter på sammendrag",
                "digested": "i sammendrag"}


def _nth(step: str) -> str:
    suffix = step.split("-")[-1]
    return f" ({suffix})" if suffix.isdigit() else ""


@io_task(name="queue-ops-alerts")
def queue_ops_alerts(url: str, catalogue: Catalogue, role: str, items: list[tuple[Key, notify.Message]],
                     today: date) -> int:
    """Alert the operations role: each item is (key, message); each key goes once."""
    with session_scope(engine_for(url)) as session:
        return sum(notify.notify_role(session, catalogue, role, message, key, today).queued for key, message in items)
