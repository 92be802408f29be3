"""Store of the evaluation plan: recording evaluations, and the plan flow's work, on a session.

## Recording evaluations: started, completed, and published (vedlegg 1 pkt. 9; pkt. 4.3, 6.1)

Recording changes the plan: the last evaluated year is the later of the schemes file's
``last_evaluated`` and the latest completion recorded here, and an evaluation under way holds
its slot. A completed evaluation with a publication date becomes a publication of kind
``evaluering``, so the ministry's 14-day notice and the Kudos check follow from the register.

## What the evaluation-plan flow does in the caller's transaction (vedlegg 1 pkt. 9)

Level-triggered: each run makes the stored state match the plan. Each evaluation placed in
the budget year has its start and report occurrences; the ministry hears the budget year's
list once (the outbox key names the year), and the occurrence is completed only with the
delivery receipts; each overdue scheme, or scheme due with nothing planned, is alerted to
the ``kunnskap`` role once per budget year.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from pliktvakt import audit, notify, occurrences
from pliktvakt.bokmal import date_short
from pliktvakt.catalogue import Catalogue
from pliktvakt.evaluation import texts
from pliktvakt.evaluation.config import PlanSettings
from pliktvakt.evaluation.errors import EvaluationError
from pliktvakt.evaluation.rules import Plan, SchemeInput, plan
from pliktvakt.evaluation.tables import Evaluation
from pliktvakt.grants.schemes import GrantScheme
from pliktvakt.notify import Key
from pliktvakt.publications import inputs as publication_inputs
from pliktvakt.publications import store as publication_store
from pliktvakt.tables import Occurrence, OccurrenceStatus, OutboxStatus

ROLE = "kunnskap"
START, REPORT = "scheme-evaluation-start", "scheme-evaluation-report"
DUTY = "evaluation"
NOTICE = "evaluation-plan-ministry-notice"
ACTOR = "pliktvakt"


def evaluation_ref(scheme_id: str, year: int) -> str:
    """The reference of a planned evaluation's occurrences: the scheme and the year."""
    return f"evaluation:{scheme_id}:{year}"


def _scheme(schemes: dict[str, GrantScheme], scheme_id: str) -> GrantScheme:
    if scheme_id not in schemes:
        raise EvaluationError(
            f"ukjent ordning «{scheme_id}»; bruk en id fra config/grant_schemes.yaml "
            f"({', '.join(sorted(schemes))})"
        )
    return schemes[scheme_id]


def under_way(session: Session, scheme_id: str) -> Evaluation | None:
    query = select(Evaluation).where(Evaluation.scheme_id == scheme_id, Evaluation.completed_on.is_(None))
    return session.exec(query.order_by(Evaluation.started_on.desc())).first()


def start(
    session: Session,
    schemes: dict[str, GrantScheme],
    scheme_id: str,
    on: date,
    by: str,
    now: datetime,
) -> Evaluation:
    _scheme(schemes, scheme_id)
    running = under_way(session, scheme_id)
    if running is not None:
        raise EvaluationError(
            f"ordning «{scheme_id}»: en evaluering pågår allerede (startet {date_short(running.started_on)})"
        )
    evaluation = Evaluation(scheme_id=scheme_id, started_on=on, recorded_by=by)
    session.add(evaluation)
    session.flush()
    audit.record(session, evaluation.started())
    _complete_occurrences(session, scheme_id, (START,), by, f"Evaluering startet {date_short(on)}", now)
    return evaluation


def complete(
    session: Session,
    catalogue: Catalogue,
    schemes: dict[str, GrantScheme],
    scheme_id: str,
    on: date,
    by: str,
    now: datetime,
    report_title: str | None = None,
    publish_on: date | None = None,
) -> Evaluation:
    scheme = _scheme(schemes, scheme_id)
    evaluation = under_way(session, scheme_id)
    if evaluation is None:
        raise EvaluationError(
            f"ordning «{scheme_id}»: ingen evaluering pågår; registrer den først med "
            f"`pliktvakt evaluation start {scheme_id}`"
        )
    if publish_on is not None and not report_title:
        raise EvaluationError("--report-title mangler: en evaluering som skal publiseres må ha en tittel")
    try:
        event = evaluation.complete(on, by, report_title, publish_on)
    except ValueError as exc:
        raise EvaluationError(f"ordning «{scheme_id}»: {exc}") from None
    audit.record(session, event)
    if publish_on is not None:
        evaluation.published_as(_publish(session, catalogue, scheme, report_title, publish_on, by))
    session.add(evaluation)
    evidence = f"Evaluering fullført {date_short(on)}" + (f": «{report_title}»" if report_title else "")
    _complete_occurrences(session, scheme_id, (START, REPORT), by, evidence, now)
    session.flush()
    return evaluation


def _publish(
    session: Session, catalogue: Catalogue, scheme: GrantScheme, title: str, publish_on: date, by: str
) -> int:
    """The evaluation in the publications register: the 14-day notice (6.1) and Kudos (4.3)."""
    try:
        data = publication_inputs.validate(
            title=title,
            kind="evaluering",
            publish_on=publish_on,
            owner=ROLE,
            summary=f"Evaluering av {scheme.name}.",
        )
    except publication_inputs.PublicationError as exc:
        raise EvaluationError(str(exc)) from None
    return publication_store.add(session, catalogue, data, f"evaluering:{scheme.id}", by).id


def _complete_occurrences(
    session: Session, scheme_id: str, obligations: tuple[str, ...], by: str, evidence: str, now: datetime
) -> list[int]:
    query = select(Occurrence).where(
        Occurrence.obligation_id.in_(obligations),
        Occurrence.status == OccurrenceStatus.OPEN,
        Occurrence.ref.startswith(f"evaluation:{scheme_id}:"),
    )
    done = []
    for occurrence in session.exec(query).all():
        occurrences.complete(session, occurrence.id, by, evidence, now)
        done.append(occurrence.id)
    return done


def last_completed(session: Session) -> dict[str, int]:
    """The year of each scheme's latest recorded completion."""
    query = select(Evaluation.scheme_id, func.max(Evaluation.completed_on)).group_by(Evaluation.scheme_id)
    return {scheme_id: day.year for scheme_id, day in session.exec(query) if day is not None}


def started_years(session: Session) -> dict[str, int]:
    """The start year of each evaluation under way."""
    query = select(Evaluation).where(Evaluation.completed_on.is_(None))
    return {row.scheme_id: row.started_on.year for row in session.exec(query)}


def plan_inputs(
    schemes: dict[str, GrantScheme], completed: dict[str, int], running: dict[str, int]
) -> list[SchemeInput]:
    """The plan's inputs: the last year is the later of the file's and the recorded one; a
    year known only from the file, and none at all, is marked «ikke bekreftet» if unknown."""
    inputs = []
    for scheme in schemes.values():
        years = [y for y in (scheme.last_evaluated, completed.get(scheme.id)) if y is not None]
        inputs.append(
            SchemeInput(
                id=scheme.id,
                name=scheme.name,
                interval=scheme.evaluation_interval_years,
                last_evaluated=max(years) if years else None,
                in_progress=running.get(scheme.id),
                last_confirmed=bool(years),
            )
        )
    return inputs


def current_plan(
    session: Session, schemes: dict[str, GrantScheme], settings: PlanSettings, budget_year: int
) -> Plan:
    """The plan as it stands: the schemes file, the plan settings and what is recorded."""
    inputs = plan_inputs(schemes, last_completed(session), started_years(session))
    return plan(inputs, settings.capacity_per_year.value, budget_year, settings.horizon_years.value)


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
            message = texts.ministry_message(result, settings)
            key = notice_key(result.budget_year)
            prepared.notice_queued = notify.notify_ministry(
                session, ministry, message, key, occurrence.id
            ).queued
        except notify.NoMinistryRecipients as exc:
            prepared.problems.append(str(exc))
    open_ones = _year_occurrences(session, result.budget_year)
    for status in result.alerts:
        key = alert_key(status.id, result.budget_year)
        message = texts.alert_message(status, result)
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
