"""Keep occurrences in step with the catalogue, and show what is upcoming and overdue."""

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from flows.forms import AsOf
from pliktvakt import clock, readiness
from pliktvakt.bokmal import date_short
from pliktvakt.settings import get_settings
from pliktvakt.tables import OccurrenceState
from pliktvakt.texts_status import status_markdown
from tasks.common import load_catalogue_task, readiness_task, scheme_names_task
from tasks.occurrences import materialise_occurrences, read_status, read_summary

# How far ahead (open) and back (done) the status looks, as `pliktvakt status` does by default.
STATUS_DAYS = 60


@flow(name="materialise", log_prints=False)
def materialise(as_of: AsOf = None) -> dict:
    """Materialise occurrences over the horizon and publish the obligation-status artifacts."""
    logger = get_run_logger()
    settings = get_settings()
    now = clock.resolve(as_of)
    today = now.date()
    catalogue = load_catalogue_task(settings)
    result = materialise_occurrences(settings.database_url, catalogue, today, settings.horizon_months)
    _log(logger, result)
    rows = read_status(settings.database_url, catalogue, today, STATUS_DAYS, scheme_names_task(settings))
    create_markdown_artifact(
        key="obligation-status",
        markdown=status_markdown(rows, today, STATUS_DAYS, settings.public_url),
        description=f"Forekomstene per {date_short(today)}: over fristen, åpne og nylig fullførte",
    )
    summary = read_summary(settings.database_url, catalogue, today)
    create_markdown_artifact(
        key="obligation-summary", markdown=summary, description="Pliktene etter punkt i instruksen"
    )
    findings = readiness_task(settings)  # the same list as `pliktvakt doctor`
    create_markdown_artifact(
        key="readiness", markdown=readiness.markdown(findings), description=readiness.summary_line(findings)
    )
    return _result(result, rows)


def _log(logger, result) -> None:
    logger.info(
        "Forekomster: %d nye, %d oppdatert, %d trukket tilbake; %d plikter endret.",
        result.created,
        result.updated,
        result.withdrawn,
        result.obligations_changed,
    )


def _result(result, rows: list[dict]) -> dict:
    return {
        "created": result.created,
        "updated": result.updated,
        "withdrawn": result.withdrawn,
        "open_listed": len(rows),
        "overdue": sum(1 for row in rows if row["state"] == OccurrenceState.OVERDUE),
    }
