"""Add a publication from the Prefect UI's run form: the same fields as `pliktvakt publication add`."""

from datetime import date
from typing import Literal

from prefect import flow, get_run_logger

from flows.run_end import refused
from pliktvakt.publications.register import PublicationError, validate_form
from pliktvakt.settings import get_settings
from tasks.common import load_catalogue_task
from tasks.publications import add_publication


@flow(name="publication-add", log_prints=False)
def publication_add(
    title: str,
    kind: Literal["fou", "evaluering", "rapport", "annet"],
    publish_on: date,
    owner: str,
    summary: str | None = None,
):
    """Registrer en publikasjon som departementet skal varsles om (instruks pkt. 6.1).

    Args:
        title: Tittel.
        kind: fou, evaluering, rapport eller annet.
        publish_on: Planlagt publiseringsdato.
        owner: Ansvarlig rolle, f.eks. kunnskap (se config/officers.yaml).
        summary: Kort sammendrag til departementet.
    """
    logger = get_run_logger()
    settings = get_settings()
    catalogue = load_catalogue_task(settings)
    try:
        data = validate_form(
            catalogue, title=title, kind=kind, publish_on=publish_on, owner=owner, summary=summary
        )
    except PublicationError as exc:
        return refused(logger, "Publikasjonen ble ikke registrert", str(exc))
    result = add_publication(settings.database_url, catalogue, data, "prefect", "prefect-skjema")
    logger.info("Publikasjon %d registrert: «%s», planlagt %s.", result["id"], data.title, data.publish_on)
    return result
