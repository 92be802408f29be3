"""Record an evaluation from the Prefect UI's run form: the same fields as
`pliktvakt evaluation start|complete` (vedlegg 1 pkt. 9)."""

from datetime import date
from typing import Literal

from prefect import flow, get_run_logger
from prefect.states import Failed

from flows.run_end import refused
from pliktvakt import clock
from pliktvakt.settings import get_settings
from tasks.common import Refused, load_catalogue_task
from tasks.evaluation import load_inputs, record_evaluation


@flow(name="evaluation-record", log_prints=False)
def evaluation_record(
    action: Literal["start", "complete"],
    scheme: str,
    on: date | None = None,
    report_title: str | None = None,
    publish_on: date | None = None,
    by: str = "prefect-skjema",
):
    """Registrer at en evaluering er startet eller fullført.

    Args:
        action: start eller complete (fullført).
        scheme: Ordningens id fra config/grant_schemes.yaml.
        on: Dato; standard er i dag.
        report_title: Rapportens tittel (ved fullført).
        publish_on: Planlagt publisering; da varsles departementet og Kudos sjekkes.
        by: Hvem som registrerer (e-post).
    """
    logger, settings, now = get_run_logger(), get_settings(), clock.resolve(None)
    inputs = load_inputs(settings)
    if inputs.error:
        logger.error("Evalueringen ble ikke registrert: %s", inputs.error)
        return Failed(message=f"Evalueringen ble ikke registrert: {inputs.error}")
    values = {"scheme_id": scheme, "on": on or now.date(), "by": by, "now": now}
    if action == "complete":
        values |= {"report_title": report_title, "publish_on": publish_on}
    result = record_evaluation(
        settings.database_url, load_catalogue_task(settings), inputs.value[1], action=action, **values
    )
    if isinstance(result, Refused):
        return refused(logger, "Evalueringen ble ikke registrert", result.reason)
    logger.info("Evaluering %s registrert: %s", action, result)
    return result
