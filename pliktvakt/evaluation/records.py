"""Recording evaluations: started, completed, and published (vedlegg 1 pkt. 9; pkt. 4.3, 6.1).

Recording changes the plan: the last evaluated year is the later of the schemes file's
``last_evaluated`` and the latest completion recorded here, and an evaluation under way holds
its slot. A completed evaluation with a publication date becomes a publication of kind
``evaluering``, so the ministry's 14-day notice and the Kudos check follow from the register.
"""

from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from pliktvakt import audit, occurrences
from pliktvakt.catalogue import Catalogue
from pliktvakt.evaluation.config import PlanSettings
from pliktvakt.evaluation.errors import EvaluationError
from pliktvakt.evaluation.models import Evaluation
from pliktvakt.evaluation.plan import Plan, SchemeInput, plan
from pliktvakt.grants.schemes import GrantScheme
from pliktvakt.models import Occurrence, OccurrenceStatus
from pliktvakt.publications import store

ROLE = "kunnskap"
START, REPORT = "scheme-evaluation-start", "scheme-evaluation-report"


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
            f"ordning «{scheme_id}»: en evaluering pågår allerede (startet {running.started_on:%d.%m.%Y})"
        )
    evaluation = Evaluation(scheme_id=scheme_id, started_on=on, recorded_by=by)
    session.add(evaluation)
    session.flush()
    audit.record(session, evaluation.started())
    _complete_occurrences(session, scheme_id, (START,), by, f"Evaluering startet {on:%d.%m.%Y}", now)
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
    evidence = f"Evaluering fullført {on:%d.%m.%Y}" + (f": «{report_title}»" if report_title else "")
    _complete_occurrences(session, scheme_id, (START, REPORT), by, evidence, now)
    session.flush()
    return evaluation


def _publish(
    session: Session, catalogue: Catalogue, scheme: GrantScheme, title: str, publish_on: date, by: str
) -> int:
    """The evaluation in the publications register: the 14-day notice (6.1) and Kudos (4.3)."""
    try:
        data = store.validate(
            title=title,
            kind="evaluering",
            publish_on=publish_on,
            owner=ROLE,
            summary=f"Evaluering av {scheme.name}.",
        )
    except store.PublicationError as exc:
        raise EvaluationError(str(exc)) from None
    return store.add(session, catalogue, data, f"evaluering:{scheme.id}", by).id


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
