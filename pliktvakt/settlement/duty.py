"""What a settlement run must do (instruction 2.2), worked out from stored state and the analysis:
the reporting cadence, which report is due and to whom, and whether the key figures may be
published. The tasks run each step in one transaction; the files are written by a task.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlmodel import Session

from pliktvakt import audit, notify, occurrences, outbox
from pliktvakt.catalogue import Catalogue
from pliktvakt.models import Occurrence, OccurrenceStatus
from pliktvakt.notify import Key
from pliktvakt.settlement import cadence, messages
from pliktvakt.settlement.analysis import AnalysisResult
from pliktvakt.settlement.cadence import KEY_FIGURES_OBLIGATION, OBLIGATION, monthly_period
from pliktvakt.settlement.keyfigures import KeyFigures, QualityFailure, gate_failures, key_figure_files

ACTOR = "pliktvakt"
DUTY = "settlement"
ALREADY_SENT = "Analysen for perioden er allerede sendt; ingenting nytt å sende."


@dataclass
class CadenceOutcome:
    cadence: str
    changed_to: str | None = None
    reason: str | None = None
    alerts_queued: int = 0
    weekly_period: str | None = None
    weekly_created: bool = False
    withdrawn: int = 0


def update_cadence(
    session: Session, catalogue: Catalogue, day: date, result: AnalysisResult
) -> CadenceOutcome:
    """Switch between monthly and weekly reporting when the large-deviation rule says so, alert
    the settlement officer of a change, and keep this week's occurrence while weekly."""
    change = cadence.record(session, day, result, ACTOR)
    outcome = CadenceOutcome(cadence.cadence_on(session, day))
    if change is not None:
        outcome.changed_to, outcome.reason = change.row.cadence, change.row.reason
        role = catalogue.obligations[OBLIGATION].role
        outcome.alerts_queued = notify.notify_role(
            session,
            catalogue,
            role,
            messages.cadence_alert(change),
            Key(DUTY, f"cadence-{change.row.id}", "cadence"),
            day,
        ).queued
        if change.row.cadence == cadence.MONTHLY:
            outcome.withdrawn = cadence.withdraw_weekly(
                session, day, "tilbake til månedlig rapportering", ACTOR
            )
    if outcome.cadence == cadence.WEEKLY:
        occurrence, outcome.weekly_created = cadence.ensure_weekly_occurrence(session, catalogue, day, ACTOR)
        outcome.weekly_period = occurrence.period
    return outcome


def ensure_monthly(session: Session, catalogue: Catalogue, day: date, horizon_months: int) -> None:
    """This month's occurrences exist, however long the scheduler was down (level-triggered)."""
    if occurrences.find(session, OBLIGATION, monthly_period(day)) is None:
        occurrences.materialise(session, catalogue, day, horizon_months, ACTOR)


# --- The report ------------------------------------------------------------------------------


@dataclass
class ReportPlan:
    """The report messages of this run and the occurrences they complete once delivered."""

    keys: list[str] = field(default_factory=list)
    occurrence_ids: list[int] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)
    queued: int = 0
    note: str = ""
    problem: str | None = None  # bokmål: what keeps the duty from being done


def due_reports(found: Sequence[Occurrence | None]) -> list[Occurrence]:
    """The open ones of this month's and (while weekly) this week's occurrences."""
    return [o for o in found if o is not None and o.status == OccurrenceStatus.OPEN]


def report_key(day: date, weekly_period: str | None) -> Key:
    """One key per period: a rerun in the same month (or week) sends nothing new."""
    return Key(DUTY, f"report-{weekly_period or monthly_period(day)}".replace(":", "-"), "report")


def queue_report(
    session: Session,
    catalogue: Catalogue,
    recipients: list[str],
    horizon_months: int,
    day: date,
    result: AnalysisResult,
    weekly_period: str | None,
    html: str,
    filename: str,
) -> ReportPlan:
    """Queue the report to each ministry recipient if this month's or this week's occurrence is open.

    While weekly, one email a week serves the weekly occurrence and, in the month's first
    week, the monthly one too.
    """
    ensure_monthly(session, catalogue, day, horizon_months)
    periods = [monthly_period(day), *([weekly_period] if weekly_period else [])]
    due = due_reports([occurrences.find(session, OBLIGATION, period) for period in periods])
    if not due:
        return ReportPlan(note=ALREADY_SENT)
    plan = ReportPlan(occurrence_ids=[o.id for o in due], periods=[o.period for o in due])
    message = messages.report_message(result, weekly_period, html, filename)
    try:
        notified = notify.notify_ministry(
            session, recipients, message, report_key(day, weekly_period), due[-1].id
        )
    except notify.NoMinistryRecipients as exc:
        plan.problem = str(exc)
        return plan
    plan.keys, plan.queued = notified.keys, notified.queued
    return plan


def complete_reports(session: Session, plan: ReportPlan, as_of: datetime) -> list[str]:
    """Complete the plan's occurrences once every report message is delivered; the receipts
    are the evidence. The periods completed."""
    sent = notify.delivered(session, keys=plan.keys) if plan.keys else None
    if sent is None:
        return []
    attachment = outbox.decode_attachments(sent[0].attachments)[0].filename
    what = f"Rapport levert ({sent[0].subject}), vedlegg {attachment}"
    return [
        period
        for occurrence_id, period in zip(plan.occurrence_ids, plan.periods, strict=True)
        if notify.complete_with_receipts(session, occurrence_id, sent, what, ACTOR, as_of)
    ]


# --- The key figures -------------------------------------------------------------------------

PUBLISH, BLOCKED, ALREADY, MISSING = "publish", "blocked", "already", "missing"
DEMO = "demo"  # demo mode: written under publish_dir/demo/, not published


@dataclass(frozen=True)
class OccurrenceState:
    id: int
    status: str


def key_figures_occurrence(
    session: Session, catalogue: Catalogue, day: date, horizon_months: int
) -> OccurrenceState | None:
    """This month's occurrence of publishing the key figures, if there is one."""
    ensure_monthly(session, catalogue, day, horizon_months)
    found = occurrences.find(session, KEY_FIGURES_OBLIGATION, monthly_period(day))
    return OccurrenceState(found.id, found.status) if found else None


@dataclass(frozen=True)
class PublishPlan:
    status: str  # publish | blocked | already | missing
    period: str
    label: str  # the month, in bokmål
    occurrence_id: int | None = None
    files: dict[Path, bytes] = field(default_factory=dict)
    failures: list[QualityFailure] = field(default_factory=list)


def publish_plan(
    occurrence: OccurrenceState | None,
    day: date,
    published: KeyFigures,
    failures: list[QualityFailure],
    directory: Path,
    trends: dict[Path, bytes] | None = None,
) -> PublishPlan:
    """The publishing gate: publish the month's key figures, with the ``trends`` page beside
    them, once, and only if every check passed."""
    period, label = monthly_period(day), published.as_of.label()
    if occurrence is None:
        return PublishPlan(MISSING, period, label, failures=failures)
    if occurrence.status != OccurrenceStatus.OPEN:
        return PublishPlan(ALREADY, period, label, occurrence.id, failures=failures)
    blocked = gate_failures(published, failures)
    if blocked:
        return PublishPlan(BLOCKED, period, label, occurrence.id, failures=blocked)
    files = {**key_figure_files(published, [], directory), **(trends or {})}
    return PublishPlan(PUBLISH, period, label, occurrence.id, files=files)


@dataclass
class PublishOutcome:
    status: str  # published | blocked | already | missing
    paths: list[str] = field(default_factory=list)
    failures: list[QualityFailure] = field(default_factory=list)
    alerts_queued: int = 0


def record_publication(
    session: Session, catalogue: Catalogue, plan: PublishPlan, day: date, as_of: datetime
) -> PublishOutcome:
    """After the files are written: complete the occurrence. Blocked: alert the statistics
    officer with the failed checks, once for the same failures."""
    subject = f"{KEY_FIGURES_OBLIGATION}/{plan.period}"
    if plan.status == BLOCKED:
        digest = hashlib.sha256("\n".join(f.message for f in plan.failures).encode()).hexdigest()[:12]
        key = Key(DUTY, f"keyfigures-{plan.period}".replace(":", "-"), f"quality-{digest}")
        role = catalogue.obligations[KEY_FIGURES_OBLIGATION].role
        queued = notify.notify_role(
            session,
            catalogue,
            role,
            messages.quality_alert(plan.failures, plan.label),
            key,
            day,
            occurrence_id=plan.occurrence_id,
        ).queued
        audit.append(
            session,
            ACTOR,
            "settlement.key_figures_blocked",
            subject,
            {"failures": [f.message for f in plan.failures[:50]], "count": len(plan.failures)},
        )
        return PublishOutcome(BLOCKED, failures=plan.failures, alerts_queued=queued)
    if plan.status != PUBLISH:
        return PublishOutcome(plan.status, failures=plan.failures)
    shown = [str(path.resolve()) for path in plan.files]
    occurrences.complete(session, plan.occurrence_id, ACTOR, "Publisert: " + ", ".join(shown), as_of)
    audit.append(
        session, ACTOR, "settlement.key_figures_published", subject, {"files": shown, "month": plan.label}
    )
    return PublishOutcome("published", paths=shown)
