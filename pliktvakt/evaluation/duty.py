"""What the evaluation-plan flow does in the caller's transaction (vedlegg 1 pkt. 9).

Level-triggered: each run makes the stored state match the plan. Each evaluation placed in
the budget year has its start and report occurrences; the ministry hears the budget year's
list once (the outbox key names the year), and the occurrence is completed only with the
delivery receipts; each overdue scheme, or scheme due with nothing planned, is alerted to
the ``kunnskap`` role once per budget year.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, select

from pliktvakt import notify, occurrences
from pliktvakt.catalogue import Catalogue
from pliktvakt.evaluation import render
from pliktvakt.evaluation.config import PlanSettings
from pliktvakt.evaluation.plan import Plan
from pliktvakt.evaluation.records import REPORT, ROLE, START, evaluation_ref
from pliktvakt.models import Occurrence, OccurrenceStatus, OutboxStatus
from pliktvakt.notify import Key

DUTY = "evaluation"
NOTICE = "evaluation-plan-ministry-notice"
ACTOR = "pliktvakt"


def notice_key(year: int) -> Key:
    return Key(DUTY, f"plan-{year}", "ministry-notice")


def alert_key(scheme_id: str, year: int) -> Key:
    return Key(DUTY, f"{scheme_id}-{year}", "overdue")


@dataclass
class Prepared:
    created: int = 0  # start and report occurrences made now
    withdrawn: int = 0  # open ones of evaluations no longer planned in the budget year
    notice_queued: int = 0
    alerted: list[str] = field(default_factory=list)  # scheme ids alerted now
    problems: list[str] = field(default_factory=list)  # bokmål; the run ends Failed


def prepare(
    session: Session,
    catalogue: Catalogue,
    result: Plan,
    settings: PlanSettings,
    ministry: list[str],
    today: date,
    horizon_months: int,
) -> Prepared:
    prepared = Prepared()
    prepared.created, prepared.withdrawn = sync_occurrences(session, catalogue, result, settings)
    occurrence = notice_occurrence(session, catalogue, result.budget_year, today, horizon_months)
    if occurrence is not None and occurrence.is_open:
        try:
            message = render.ministry_message(result, settings)
            key = notice_key(result.budget_year)
            prepared.notice_queued = notify.notify_ministry(
                session, ministry, message, key, occurrence.id
            ).queued
        except notify.NoMinistryRecipients as exc:
            prepared.problems.append(str(exc))
    open_ones = _year_occurrences(session, result.budget_year)
    for status in result.alerts:
        key = alert_key(status.id, result.budget_year)
        message = render.alert_message(status, result)
        # The start of a planned evaluation is the duty the officer acts on at the desk.
        start = open_ones.get((START, evaluation_ref(status.id, result.budget_year)))
        occurrence_id = start.id if start is not None and start.is_open else None
        if notify.notify_role(
            session, catalogue, ROLE, message, key, today, occurrence_id=occurrence_id
        ).queued:
            prepared.alerted.append(status.id)
    return prepared


def notice_occurrence(
    session: Session, catalogue: Catalogue, year: int, today: date, horizon_months: int
) -> Occurrence | None:
    """The budget year's notice occurrence, materialised if the watch has not yet done so."""
    period = date(year, 1, 1).isoformat()
    found = occurrences.find(session, NOTICE, period)
    if found is None and today.year == year:
        occurrences.materialise(session, catalogue, today, horizon_months, ACTOR)
        found = occurrences.find(session, NOTICE, period)
    return found


def sync_occurrences(
    session: Session, catalogue: Catalogue, result: Plan, settings: PlanSettings
) -> tuple[int, int]:
    """Start and report occurrences for the budget year's evaluations; (created, withdrawn)."""
    year = result.budget_year
    wanted: dict[tuple[str, str], date] = {}
    for slot in result.in_year(year):
        ref = evaluation_ref(slot.scheme_id, year)
        if slot.state == "planned":
            wanted[(START, ref)] = settings.start_by.in_year(year)
        if slot.state != "done":
            wanted[(REPORT, ref)] = settings.report_by.in_year(year)
    existing = _year_occurrences(session, year)
    created = withdrawn = 0
    for (obligation_id, ref), anchor in wanted.items():
        found = existing.pop((obligation_id, ref), None)
        if found is not None and (found.anchor == anchor or not found.is_open):
            continue
        if found is not None:  # the day in the plan file changed
            occurrences.withdraw(session, found, "fristen i evalueringsplanen er endret", ACTOR)
            withdrawn += 1
        _, made = occurrences.trigger(session, catalogue, obligation_id, anchor, ref, ACTOR)
        created += made
    for occurrence in existing.values():
        if occurrence.is_open:
            occurrences.withdraw(session, occurrence, "evalueringen er ikke lenger planlagt i året", ACTOR)
            withdrawn += 1
    return created, withdrawn


def _year_occurrences(session: Session, year: int) -> dict[tuple[str, str], Occurrence]:
    """The budget year's evaluation occurrences, the latest of each (withdrawn ones left out)."""
    query = select(Occurrence).where(
        Occurrence.obligation_id.in_((START, REPORT)),
        Occurrence.ref.endswith(f":{year}"),
        Occurrence.status != OccurrenceStatus.WITHDRAWN,
    )
    return {(o.obligation_id, o.ref): o for o in session.exec(query.order_by(Occurrence.id))}


def record_notice(session: Session, year: int, now: datetime) -> bool:
    """Complete the budget year's notice occurrence once every copy was delivered."""
    occurrence = occurrences.find(session, NOTICE, date(year, 1, 1).isoformat())
    messages = notify.delivered(session, prefix=notice_key(year).prefix)
    if occurrence is None or messages is None:
        return False
    return notify.complete_with_receipts(
        session,
        occurrence.id,
        messages,
        f"Departementet orientert om evalueringene i {year}",
        ACTOR,
        now,
    )


def summary(result: Plan, prepared: Prepared, completed: bool, sent: int, files: list) -> dict:
    """The run's result, as the flow returns it."""
    return {
        "budget_year": result.budget_year,
        "planned": [slot.scheme_id for slot in result.in_year(result.budget_year)],
        "overdue": [s.id for s in result.schemes if s.overdue],
        "alerted": prepared.alerted,
        "occurrences_created": prepared.created,
        "occurrences_withdrawn": prepared.withdrawn,
        "notice_queued": prepared.notice_queued,
        "notice_completed": completed,
        OutboxStatus.SENT: sent,
        "files": [str(path) for path in files],
    }
