"""Tasks of the evaluation plan: one unit of I/O each (vedlegg 1 pkt. 9)."""

from datetime import date, datetime

from pliktvakt.catalogue import Catalogue
from pliktvakt.db import session_scope
from pliktvakt.evaluation import store
from pliktvakt.evaluation.config import PlanSettings, load_plan_settings, plan_file
from pliktvakt.evaluation.errors import EvaluationError
from pliktvakt.evaluation.rules import Plan
from pliktvakt.grants.schemes import GrantScheme, SchemeConfigError
from pliktvakt.grants.store import load_grant_schemes
from pliktvakt.settings import Settings
from tasks.common import Loaded, Refused, engine_for, io_task


@io_task(name="load-evaluation-inputs")
def load_inputs(settings: Settings) -> Loaded:
    """(plan settings, schemes), or the reason they cannot be used."""
    try:
        path = plan_file(settings.config_dir, settings.evaluation_plan_file)
        return Loaded((load_plan_settings(path), load_grant_schemes(settings.config_dir)))
    except (EvaluationError, SchemeConfigError) as exc:
        return Loaded(error=str(exc))


@io_task(name="read-evaluation-plan")
def read_plan(url: str, schemes: dict[str, GrantScheme], plan_settings: PlanSettings, year: int) -> Plan:
    with session_scope(engine_for(url)) as session:
        return store.current_plan(session, schemes, plan_settings, year)


@io_task(name="prepare-evaluation-plan", retries=2, retry_delay_seconds=5)
def prepare_plan(
    url: str,
    catalogue: Catalogue,
    result: Plan,
    plan_settings: PlanSettings,
    settings: Settings,
    today: date,
) -> store.Prepared:
    with session_scope(engine_for(url)) as session:
        return store.prepare(
            session,
            catalogue,
            result,
            plan_settings,
            settings.ministry_recipients,
            today,
            settings.horizon_months,
        )


@io_task(name="record-evaluation-notice", retries=2, retry_delay_seconds=5)
def record_notice(url: str, year: int, now: datetime) -> bool:
    with session_scope(engine_for(url)) as session:
        return store.record_notice(session, year, now)


@io_task(name="record-evaluation")
def record_evaluation(
    url: str, catalogue: Catalogue, schemes: dict[str, GrantScheme], **values
) -> dict | Refused:
    """Start or complete one evaluation (the run form); input to correct is returned as Refused."""
    action = values.pop("action")
    try:
        with session_scope(engine_for(url)) as session:
            if action == "start":
                row = store.start(session, schemes, **values)
            else:
                row = store.complete(session, catalogue, schemes, **values)
            return {"id": row.id, "scheme": row.scheme_id, "publication": row.publication_id}
    except EvaluationError as exc:
        return Refused(str(exc))
