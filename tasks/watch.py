"""Deadline-watch I/O: read open occurrences, queue the alert steps now due, build digests."""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from pliktvakt import outbox
from pliktvakt.alerts import AlertFacts, render_alert, render_digest
from pliktvakt.catalogue import Catalogue, Officer
from pliktvakt.db import session_scope
from pliktvakt.models import OfficerAbsence, Occurrence, OutboxMessage
from pliktvakt.watch import Absence, due_steps, recipient_for
from tasks.common import engine_for, io_task

# The artifact lists at most this many alerted occurrences, the most serious first.
ARTIFACT_ROWS = 500
SEVERITY = {"escalation": 0, "overdue": 1, "due": 2, "reminder": 3}  # by step prefix


@dataclass
class WatchSummary:
    open_occurrences: int = 0
    steps_due: int = 0
    queued: int = 0
    rows: list[dict] = field(default_factory=list)  # for the artifact: one per alerted step


def read_absences(session: Session, today: date) -> list[Absence]:
    query = select(OfficerAbsence).where(OfficerAbsence.start <= today, OfficerAbsence.end >= today)
    return [Absence(a.officer_id, a.start, a.end) for a in session.exec(query)]


def _existing_keys(session: Session) -> set[str]:
    query = (select(OutboxMessage.key).join(Occurrence, Occurrence.id == OutboxMessage.occurrence_id)
             .where(Occurrence.status == "open"))
    return set(session.exec(query))


def _channels(officer: Officer) -> list[tuple[str, str]]:
    """(channel, recipient) pairs: email to the address; Teams to the officer, if it has a URL."""
    pairs = [("email", officer.email)]
    if officer.teams_url is not None:
        pairs.append(("teams", officer.id))
    return pairs


def plan_alerts(session: Session, catalogue: Catalogue, today: date, ui_url: str) -> tuple[list[dict], WatchSummary]:
    """Outbox rows for every step due today that has not been queued before."""
    query = select(Occurrence.id, Occurrence.obligation_id, Occurrence.period, Occurrence.due, Occurrence.role
                   ).where(Occurrence.status == "open")
    occurrences = session.exec(query).all()
    absences, existing = read_absences(session, today), _existing_keys(session)
    summary, rows = WatchSummary(open_occurrences=len(occurrences)), []
    for occurrence_id, obligation_id, period, due, role in occurrences:
        obligation = catalogue.obligations.get(obligation_id)
        if obligation is None or role not in catalogue.roles:
            continue
        for step in due_steps(due, today, obligation.reminders):
            summary.steps_due += 1
            officer = recipient_for(catalogue, role, step, today, absences)
            summary.rows.append({"occurrence_id": occurrence_id, "obligation": obligation.title,
                                 "clause": obligation.clause.section, "due": due, "step": step,
                                 "officer": officer.id, "keys": []})
            facts = None
            for channel, recipient in _channels(officer):
                key = f"occ:{occurrence_id}:{step}:{officer.id}:{channel}"
                summary.rows[-1]["keys"].append(key)
                if key in existing:
                    continue
                facts = facts or AlertFacts(occurrence_id, period, due, today, step, obligation,
                                            catalogue.officer_for_role(role))
                text = render_alert(facts, ui_url)
                rows.append({"key": key, "channel": channel, "recipient": recipient, "subject": text.subject,
                             "body": text.body, "html": text.html if channel == "email" else None,
                             "occurrence_id": occurrence_id, "step": step,
                             "status": "digest" if officer.digest else "pending"})
    return rows, summary


def queue_alerts_now(engine: Engine, catalogue: Catalogue, today: date, ui_url: str) -> WatchSummary:
    with session_scope(engine) as session:
        rows, summary = plan_alerts(session, catalogue, today, ui_url)
        summary.queued = outbox.enqueue_many(session, rows)
    return summary


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
            key = f"digest:{officer_id}:{now.date().isoformat()}:{channel}"
            text = render_digest([(m.subject, m.body) for m in items], officer, now.date())
            recipient = officer.email if channel == "email" else officer.id
            if outbox.enqueue(session, key, channel, recipient, text.subject, text.body,
                              html=text.html if channel == "email" else None, step="digest"):
                outbox.mark_digested(session, items, key)
                built += 1
    return built


def _group_by_officer(held: list[OutboxMessage], catalogue: Catalogue) -> dict[tuple[str, str], list]:
    groups: dict[tuple[str, str], list] = {}
    for message in held:
        officer_id = message.key.split(":")[3]  # occ:{id}:{step}:{officer}:{channel}
        if officer_id in catalogue.officers:
            groups.setdefault((officer_id, message.channel), []).append(message)
    return groups


@io_task(name="who-was-told")
def who_was_told(url: str, summary: WatchSummary) -> list[dict]:
    """The artifact rows, most serious first, with each recipient and delivery state."""
    shown = sorted(summary.rows, key=lambda r: (SEVERITY[r["step"].split("-")[0]], r["due"]))[:ARTIFACT_ROWS]
    keys = [key for row in shown for key in row["keys"]]
    with session_scope(engine_for(url)) as session:
        states = {m.key: (m.recipient, m.status) for m in session.exec(select(OutboxMessage).where(OutboxMessage.key.in_(keys)))} if keys else {}
    return [{"Forekomst": r["occurrence_id"], "Plikt": r["obligation"], "Hjemmel": f"pkt. {r['clause']}",
             "Frist": r["due"].isoformat(), "Trinn": STEP_NAMES.get(r["step"].split("-")[0], r["step"]) + _nth(r["step"]),
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
def queue_ops_alerts(url: str, catalogue: Catalogue, role: str, items: list[tuple[str, str, str]],
                     today: date) -> int:
    """Alert the operations role: each item is (key stem, subject, body); each stem goes once."""
    written = 0
    with session_scope(engine_for(url)) as session:
        absences = read_absences(session, today)
        officer = recipient_for(catalogue, role, "ops", today, absences)
        for stem, subject, body in items:
            for channel, recipient in _channels(officer):
                written += outbox.enqueue(session, f"{stem}:{officer.id}:{channel}", channel, recipient,
                                          subject, body, step="ops")
    return written
