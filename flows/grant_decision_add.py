"""A Prefect form for one award decision: the deployment `grant-decision-add`."""

from datetime import datetime

from prefect import flow, get_run_logger

from pliktvakt import clock
from pliktvakt.settings import get_settings
from tasks.common import load_catalogue_task
from tasks.grants import add_decision_task, load_grant_schemes_task
from tasks.register import open_registration


@flow(name="grant-decision-add")
def grant_decision_add(
    round_name: str,
    scheme: str,
    year: int,
    applicant: str,
    orgnr: str,
    amount_applied: str,
    amount_awarded: str,
    rejection_reason: str | None = None,
    computation: str | None = None,
    applicant_kind: str | None = None,
    organisation_form: str | None = None,
    ground: str | None = None,
    recorded_by: str = "prefect-skjema",
    as_of: datetime | None = None,
) -> int:
    """Registrer ett vedtak i en tilskuddsrunde (tildelt beløp 0 = avslag; da kreves avslagsgrunn).
    Søkertype eller organisasjonsform (Enhetsregisterets kode, f.eks. KOMM eller AS) må oppgis;
    avslag og redusert beløp må ha grunnen i regelverket (grunn)."""
    settings = get_settings()
    schemes = load_grant_schemes_task(settings)
    values = {
        "ordning": scheme,
        "år": str(year),
        "søker": applicant,
        "orgnr": orgnr,
        "søkt_beløp": amount_applied,
        "tildelt_beløp": amount_awarded,
        "avslagsgrunn": rejection_reason,
        "beregning": computation,
        "søkertype": applicant_kind,
        "organisasjonsform": organisation_form,
        "grunn": ground,
    }
    decision_id = add_decision_task(settings.database_url, schemes, round_name, values, recorded_by)
    # Vedlegg 1 pkt. 1: an award to a voluntary organisation is to be registered «fortløpende».
    catalogue, today = load_catalogue_task(settings), clock.resolve(as_of).date()
    open_registration(settings.database_url, catalogue, schemes, decision_id, today, recorded_by)
    get_run_logger().info("Vedtak %d registrert i runde %s.", decision_id, round_name)
    return decision_id
