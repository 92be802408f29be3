"""Kind: store. What a settlement run records (instruction 2.2), each step in one transaction.

A task runs each step: the change of cadence and its alert, the report queued to the ministry
and the occurrences it completes once delivered, and the key figures' publication or its
blocking. The decisions are in ``rules``; the files are written by a task.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from sqlmodel import Session

from pliktvakt import audit, notify, occurrences, outbox
from pliktvakt.catalogue import Catalogue
from pliktvakt.notify import Key
from pliktvakt.settlement import store_cadence, texts
from pliktvakt.settlement.analysis import AnalysisResult
from pliktvakt.settlement.rules import (
    BLOCKED,
    DUTY,
    PUBLISH,
    CadenceOutcome,
    OccurrenceState,
    PublishOutcome,
    PublishPlan,
    ReportPlan,
    due_reports,
    report_key,
)
from pliktvakt.settlement.rules_cadence import (
    KEY_FIGURES_OBLIGATION,
    MONTHLY,
    OBLIGATION,
    WEEKLY,
    monthly_period,
)

ACTOR = "pliktvakt"


def update_cadence(
    session: Session, catalogue: Catalogue, day: date, result: AnalysisResult
) -> CadenceOutcome:
    """Switch between monthly and weekly reporting when the large-deviation rule says so, alert
    the settlement officer of a change, and keep this week's occurrence while weekly."""
    change = store_cadence.record(session, day, result, ACTOR)
    outcome = CadenceOutcome(store_cadence.cadence_on(session, day))
    if change is not None:
        outcome.changed_to, outcome.reason = change.row.cadence, change.row.reason
        role = catalogue.obligations[OBLIGATION].role
        outcome.alerts_queued = notify.notify_role(
            session,
            catalogue,
            role,
            texts.cadence_alert(change),
            Key(DUTY, f"cadence-{change.row.id}", "cadence"),
            day,
        ).queued
        if change.row.cadence == MONTHLY:
            outcome.withdrawn = store_cadence.withdraw_weekly(
                session, day, "tilbake til månedlig rapportering", ACTOR
            )
    if outcome.cadence == WEEKLY:
        occurrence, outcome.weekly_created = store_cadence.ensure_weekly_occurrence(
            session, catalogue, day, ACTOR
        )
        outcome.weekly_period = occurrence.period
    return outcome


def ensure_monthly(session: Session, catalogue: Catalogue, day: date, horizon_months: int) -> None:
    """This month's occurrences exist, however long the scheduler was down (level-triggered)."""
    if occurrences.find(session, OBLIGATION, monthly_period(day)) is None:
        occurrences.materialise(session, catalogue, day, horizon_months, ACTOR)


# --- The report ------------------------------------------------------------------------------


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
        return ReportPlan(note=texts.ALREADY_SENT)
    plan = ReportPlan(occurrence_ids=[o.id for o in due], periods=[o.period for o in due])
    message = texts.report_message(result, weekly_period, html, filename)
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


def key_figures_occurrence(
    session: Session, catalogue: Catalogue, day: date, horizon_months: int
) -> OccurrenceState | None:
    """This month's occurrence of publishing the key figures, if there is one."""
    ensure_monthly(session, catalogue, day, horizon_months)
    found = occurrences.find(session, KEY_FIGURES_OBLIGATION, monthly_period(day))
    return OccurrenceState(found.id, found.status) if found else None


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
            texts.quality_alert(plan.failures, plan.label),
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
