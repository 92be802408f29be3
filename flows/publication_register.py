"""Add a publication from the Prefect UI's run form: the same fields as `pliktvakt publication add`."""

from datetime import date
from typing import Annotated, Literal

from prefect import flow, get_run_logger

from flows.forms import ROLES, Submitter, field, submitter_problem
from flows.run_end import refused
from pliktvakt.publications.inputs import PublicationError, validate_form
from pliktvakt.settings import get_settings
from tasks.common import load_catalogue_task
from tasks.publications import add_publication


@flow(name="publication-add", log_prints=False)
def publication_add(
    title: Annotated[str, field("Tittel", "Publikasjonens tittel, slik departementet skal se den.")],
    kind: Annotated[
        Literal["fou", "evaluering", "rapport", "annet"],
        field("Type", "fou: forsknings- og utviklingsrapport; evaluering; rapport; annet."),
    ],
    publish_on: Annotated[
        date,
        field(
            "Planlagt publiseringsdato",
            "Dagen publikasjonen skal ut. Departementet varsles minst 14 dager før (pkt. 6.1).",
        ),
    ],
    owner: Annotated[
        str,
        field(
            "Ansvarlig rolle", "Rollen som svarer for publikasjonen (config/officers.yaml).", choices=ROLES
        ),
    ],
    by: Submitter,
    summary: Annotated[str, field("Sammendrag", "Kort sammendrag til departementet (valgfritt).")] = "",
):
    """Registrer en publikasjon som departementet skal varsles om (instruks pkt. 6.1)."""
    logger = get_run_logger()
    settings = get_settings()
    catalogue = load_catalogue_task(settings)
    try:
        if problem := submitter_problem(by):
            raise PublicationError(problem)
        data = validate_form(
            catalogue, title=title, kind=kind, publish_on=publish_on, owner=owner, summary=summary or None
        )
    except PublicationError as exc:
        return refused(logger, "Publikasjonen ble ikke registrert", str(exc))
    result = add_publication(settings.database_url, catalogue, data, "prefect", by.strip())
    logger.info("Publikasjon %d registrert: «%s», planlagt %s.", result["id"], data.title, data.publish_on)
    return result
