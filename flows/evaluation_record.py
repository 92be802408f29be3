"""Record an evaluation from the Prefect UI's run form: the same fields as
`pliktvakt evaluation start|complete` (vedlegg 1 pkt. 9)."""

from datetime import date
from typing import Annotated, Literal

from prefect import flow, get_run_logger
from prefect.states import Failed

from flows.forms import SCHEMES, Submitter, field, submitter_problem
from flows.run_end import refused
from pliktvakt import clock
from pliktvakt.settings import get_settings
from tasks.common import Refused, load_catalogue_task
from tasks.evaluation import load_inputs, record_evaluation


@flow(name="evaluation-record", log_prints=False)
def evaluation_record(
    action: Annotated[
        Literal["start", "complete"],
        field("Hva som registreres", "start: evalueringen er startet; complete: evalueringen er fullført."),
    ],
    scheme: Annotated[
        str,
        field("Tilskuddsordning", "Ordningen som evalueres (config/grant_schemes.yaml).", choices=SCHEMES),
    ],
    by: Submitter,
    on: Annotated[
        date | None, field("Dato", "Dagen evalueringen startet eller ble fullført. Tom: i dag.")
    ] = None,
    report_title: Annotated[
        str, field("Rapportens tittel", "Tittelen på evalueringsrapporten (ved fullført).")
    ] = "",
    publish_on: Annotated[
        date | None,
        field(
            "Planlagt publisering",
            "Dagen rapporten publiseres (ved fullført): da varsles departementet og Kudos sjekkes.",
        ),
    ] = None,
):
    """Registrer at en evaluering er startet eller fullført."""
    logger, settings, now = get_run_logger(), get_settings(), clock.resolve(None)
    if problem := submitter_problem(by):
        return refused(logger, "Evalueringen ble ikke registrert", problem)
    by = by.strip()
    inputs = load_inputs(settings)
    if inputs.error:
        logger.error("Evalueringen ble ikke registrert: %s", inputs.error)
        return Failed(message=f"Evalueringen ble ikke registrert: {inputs.error}")
    values = {"scheme_id": scheme, "on": on or now.date(), "by": by, "now": now}
    if action == "complete":
        values |= {"report_title": report_title or None, "publish_on": publish_on}
    result = record_evaluation(
        settings.database_url, load_catalogue_task(settings), inputs.value[1], action=action, **values
    )
    if isinstance(result, Refused):
        return refused(logger, "Evalueringen ble ikke registrert", result.reason)
    logger.info("Evaluering %s registrert: %s", action, result)
    return result
