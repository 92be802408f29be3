"""The deadline watch: which alert steps are due today, and the messages they make (``notify``
says who gets them). Pure: tasks/watch.py reads the open occurrences and queues the plan.

Level-triggered (DESIGN principle 1): the step follows from the due date, the reminder
plan and today alone. Only the latest step is due, so after downtime an overdue item
gets its overdue alert, not every reminder it missed.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import NamedTuple

from pliktvakt import notify
from pliktvakt.bokmal import date_short, datetime_short
from pliktvakt.catalogue import UNCONFIRMED, Catalogue, Obligation, ReminderPlan
from pliktvakt.legal_calendar import add_business_days, business_days_between
from pliktvakt.notify import ESCALATION, Key, recipient_for
from pliktvakt.periods import NO_SUBJECTS, Subjects, period_text
from pliktvakt.tables import OutboxMessage, OutboxStatus
from pliktvakt.texts import AlertFacts, render_alert, render_digest
from pliktvakt.texts_status import desk_link, markdown_text


@lru_cache(maxsize=65536)
def _reminder_day(due: date, days_before: int) -> date:
    return add_business_days(due, -days_before)


@lru_cache(maxsize=65536)
def _business_days_over(due: date, today: date) -> int:
    return business_days_between(due, today)


def due_steps(due: date, today: date, plan: ReminderPlan) -> list[str]:
    """The steps due today: at most one for the officer, plus escalation when overdue long enough.

    - ``reminder-N``: N business days before due (the nearest one reached);
    - ``due-day``: on the due date;
    - ``overdue-K``: the K-th overdue alert, from the day after due, then every
      ``overdue_every`` business days;
    - ``escalation``: to the manager, once ``escalate_after`` business days overdue.
    """
    if today < due:
        reached = [n for n in plan.before if _reminder_day(due, n) <= today]
        return [f"reminder-{min(reached)}"] if reached else []
    if today == due:
        return ["due-day"] if plan.due_day else []
    over = _business_days_over(due, today)
    steps = [f"overdue-{1 + max(over - 1, 0) // plan.overdue_every}"]
    if over >= plan.escalate_after:
        steps.append(ESCALATION)
    return steps


DUTY = "watch"

# The artifact lists at most this many alerted occurrences, the most serious first.
ARTIFACT_ROWS = 500
SEVERITY = {"escalation": 0, "overdue": 1, "due": 2, "reminder": 3}  # by step prefix
STEP_NAMES = {
    "reminder": "påminnelse",
    "due": "frist i dag",
    "overdue": "over fristen",
    "escalation": "eskalert",
}
DELIVERY_NAMES = {
    OutboxStatus.SENT: "levert",
    OutboxStatus.PENDING: "ikke levert ennå",
    OutboxStatus.SENDING: "sendes",
    OutboxStatus.DIGEST: "venter på sammendrag",
    OutboxStatus.DIGESTED: "i sammendrag",
}


class OpenOccurrence(NamedTuple):
    """The columns of an open occurrence the watch reads, and no more (100,000 may be open)."""

    id: int
    obligation_id: str
    period: str
    due: date
    role: str


@dataclass
class WatchSummary:
    open_occurrences: int = 0
    steps_due: int = 0
    queued: int = 0
    rows: list[dict] = field(default_factory=list)  # for the artifact: one per alerted step


def plan_alerts(
    catalogue: Catalogue,
    occurrences: list[OpenOccurrence],
    today: date,
    away: frozenset[str],
    existing: set[str],
    summary: WatchSummary,
    subjects: Subjects = NO_SUBJECTS,
) -> list[dict]:
    """Outbox rows for every step due today on ``occurrences`` that has not been queued before.

    Counts the steps due in ``summary`` and adds one artifact row per step. ``subjects`` names
    what event occurrences are about, for the alert's «Periode»."""
    rows, recipients, listed = [], {}, {}
    for occurrence in occurrences:
        obligation = catalogue.obligations.get(occurrence.obligation_id)
        if obligation is None or occurrence.role not in catalogue.roles or not obligation.dated:
            continue
        if obligation.id not in listed:
            listed[obligation.id] = _listed(obligation)
        for step in due_steps(occurrence.due, today, obligation.reminders):
            summary.steps_due += 1
            target = (occurrence.role, step == ESCALATION)
            if target not in recipients:
                recipients[target] = recipient_for(catalogue, occurrence.role, step == ESCALATION, away)
            officer = recipients[target]
            key = Key(DUTY, f"occurrence-{occurrence.id}", step)
            keys = [key.to(officer.id, channel) for channel, _ in notify.channels(officer)]
            summary.rows.append(_artifact_row(occurrence, listed[obligation.id], step, keys))
            if all(k in existing for k in keys):
                continue
            message = render_alert(
                AlertFacts(
                    occurrence.id,
                    period_text(occurrence.period, obligation.recurrence, subjects),
                    occurrence.due,
                    today,
                    step,
                    obligation,
                    catalogue.officer_for_role(occurrence.role),
                ),
            )
            rows += [
                row
                for row in notify.rows_for(officer, message, key, occurrence.id)
                if row["key"] not in existing
            ]
    return rows


def _listed(obligation: Obligation) -> dict:
    """What the artifact shows of ``obligation``, worked out once per run, not once per alert
    (its clause and placeholder are properties that compute)."""
    return {
        "obligation": obligation.title,
        "recurrence": obligation.recurrence,
        "clause": obligation.clause.reference,
        "unconfirmed": obligation.unconfirmed is not None,
    }


def _artifact_row(occurrence: OpenOccurrence, listed: dict, step: str, keys: list[str]) -> dict:
    return {
        "occurrence_id": occurrence.id,
        "period": occurrence.period,
        "due": occurrence.due,
        "step": step,
        "keys": keys,
        **listed,
    }


def most_serious(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda r: (SEVERITY[r["step"].split("-")[0]], r["due"]))[:ARTIFACT_ROWS]


def who_was_told(
    rows: list[dict],
    delivery: dict[str, tuple[str, str]],
    public_url: str,
    scheme_names: dict[str, str] | None = None,
) -> str:
    """The artifact: ``rows`` (most serious first), one line each that wraps to any screen,
    with what the duty is about, its step and who was told with the delivery state, from
    ``delivery``: key -> (recipient, outbox status). The number links to the duty desk."""
    if not rows:
        return "Ingen varsler forfaller nå.\n"
    lines = []
    for r in rows:
        told = ", ".join(
            f"{delivery[k][0]} ({DELIVERY_NAMES.get(delivery[k][1], delivery[k][1])})"
            for k in r["keys"]
            if k in delivery
        )
        due = date_short(r["due"]) + (f" ({UNCONFIRMED})" if r["unconfirmed"] else "")
        subject = markdown_text(
            period_text(r["period"], r["recurrence"], Subjects(schemes=scheme_names or {}))
        )
        lines.append(
            f"- [#{r['occurrence_id']}]({desk_link(public_url, r['occurrence_id'])}) "
            f"**{markdown_text(r['obligation'])}** – {subject} · "
            f"frist {due} · {_step_name(r['step'])} · varslet: {told or 'ingen ennå'}"
        )
    return "\n".join(lines) + "\n"


def _step_name(step: str) -> str:
    suffix = step.split("-")[-1]
    return STEP_NAMES.get(step.split("-")[0], step) + (f" ({suffix})" if suffix.isdigit() else "")


def digest_due(now: datetime, digest_hour: int) -> bool:
    """Digests are built once a day, from ``digest_hour``."""
    return now.hour >= digest_hour


def plan_digests(
    held: list[OutboxMessage], catalogue: Catalogue, today: date
) -> list[tuple[dict, list[OutboxMessage]]]:
    """One digest row per officer and channel, with the held messages it gathers."""
    groups: dict[tuple[str, str], list[OutboxMessage]] = {}
    for message in held:
        if message.officer_id in catalogue.officers:
            groups.setdefault((message.officer_id, message.channel), []).append(message)
    plans = []
    for (officer_id, channel), items in groups.items():
        officer = catalogue.officers[officer_id]
        message = render_digest([(m.subject, m.body) for m in items], officer, today)
        rows = notify.rows_for(officer, message, Key(DUTY, f"digest-{today.isoformat()}", "digest"))
        row = next(r for r in rows if r["channel"] == channel)
        plans.append(({**row, "status": OutboxStatus.PENDING}, items))
    return plans


def artifact_description(now: datetime, summary: WatchSummary, sent: int, failed: int, waiting: int) -> str:
    text = (
        f"Fristvakt {datetime_short(now)}: {summary.steps_due} varseltrinn forfaller, "
        f"{sent} levert, {failed} feilet."
    )
    if waiting:
        text += (
            f" {waiting} melding(er) ligger i utboksen fordi ingen kanal er satt opp "
            "(PLIKTVAKT_EMAIL_URL); se `pliktvakt outbox`."
        )
    return text
