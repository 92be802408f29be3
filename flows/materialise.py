"""Keep occurrences in step with the catalogue, and show what is upcoming and overdue."""

from datetime import timedelta

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from flows.forms import AsOf
from pliktvakt import clock
from pliktvakt.bokmal import date_short
from pliktvakt.rendering import status_table
from pliktvakt.settings import get_settings
from tasks.common import load_catalogue_task
from tasks.occurrences import materialise_occurrences, read_status, read_summary

# How far ahead the status table looks.
STATUS_WINDOW = timedelta(days=60)


@flow(name="materialise", log_prints=False)
def materialise(as_of: AsOf = None) -> dict:
    """Materialise occurrences over the horizon and publish the obligation-status artifacts."""
    logger = get_run_logger()
    settings = get_settings()
    now = clock.resolve(as_of)
    today = now.date()
    catalogue = load_catalogue_task(settings)
    result = materialise_occurrences(settings.database_url, catalogue, today, settings.horizon_months)
    logger.info(
        "Forekomster: %d nye, %d oppdatert, %d trukket tilbake; %d plikter endret.",
        result.created,
        result.updated,
        result.withdrawn,
        result.obligations_changed,
    )
    rows = read_status(settings.database_url, catalogue, today, today + STATUS_WINDOW)
    create_table_artifact(
        key="obligation-status",
        table=status_table(rows),
        description=(
            f"Åpne og forfalte forekomster per {date_short(today)} og {STATUS_WINDOW.days} dager frem"
        ),
    )
    summary = read_summary(settings.database_url, catalogue, today)
    create_markdown_artifact(
        key="obligation-summary", markdown=summary, description="Pliktene etter punkt i instruksen"
    )
    overdue = sum(1 for row in rows if row["state"] == "overdue")
    return {
        "created": result.created,
        "updated": result.updated,
        "withdrawn": result.withdrawn,
        "open_listed": len(rows),
        "overdue": overdue,
    }
