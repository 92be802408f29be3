"""A Prefect form for one award decision: the deployment `grant-decision-add`."""

from typing import Annotated

from prefect import flow, get_run_logger

from flows.forms import APPLIED_FOR_SCHEMES, AsOf, Submitter, field, submitter_problem
from flows.run_end import refused
from pliktvakt import clock
from pliktvakt.settings import get_settings
from tasks.common import Refused, load_catalogue_task
from tasks.grants import add_decision_task, load_grant_schemes_task
from tasks.register import open_registration

# The form's fields, in the words of the grants file's columns (pliktvakt.grants.inputs).
Round = Annotated[str, field("Runde", "Navnet på tilskuddsrunden, f.eks. 2027-1. En ny runde opprettes.")]
Scheme = Annotated[
    str,
    field(
        "Tilskuddsordning",
        "Ordningen vedtaket gjelder (id fra config/grant_schemes.yaml; bare søknadsbaserte ordninger).",
        choices=APPLIED_FOR_SCHEMES,
    ),
]
Year = Annotated[
    int, field("Tilskuddsår", "Året tilskuddet gjelder, f.eks. 2027.", minimum=2000, maximum=2100)
]
Applicant = Annotated[str, field("Søker", "Søkerens navn slik det står i søknaden.")]
Orgnr = Annotated[
    str, field("Organisasjonsnummer", "Søkerens organisasjonsnummer, 9 sifre (mellomrom tillatt).")
]
Applied = Annotated[
    str, field("Søkt beløp (kr)", "Beløpet det er søkt om i kroner, f.eks. 150000 eller 150 000.")
]
Awarded = Annotated[
    str,
    field("Tildelt beløp (kr)", "Beløpet som er tildelt i kroner; 0 betyr avslag (da kreves avslagsgrunn)."),
]
Reason = Annotated[str, field("Avslagsgrunn", "Hvorfor søknaden er avslått. Kreves når tildelt beløp er 0.")]
Computation = Annotated[
    str,
    field(
        "Beregning av beløpet",
        "Hvordan det tildelte beløpet er beregnet (vedlegg 1 pkt. 3). Kreves når noe er tildelt.",
    ),
]
ApplicantKind = Annotated[
    str,
    field(
        "Søkertype",
        "privat: vedtaket er et enkeltvedtak; offentlig: søkeren er et offentlig organ, og vedtaket er "
        "ikke et enkeltvedtak (forvaltningsloven § 2, vedlegg 1 pkt. 2). Tom: avgjøres av "
        "organisasjonsformen. Oppgi privat når en kommune søker på lik linje med private.",
        choices=["", "privat", "offentlig"],
    ),
]
OrganisationForm = Annotated[
    str,
    field(
        "Organisasjonsform",
        "Enhetsregisterets kode for søkeren, f.eks. KOMM, FYLK, STAT, AS, STI eller FLI "
        "(config/organisation_forms.yaml). Søkertype eller organisasjonsform må oppgis.",
    ),
]
Ground = Annotated[
    str,
    field(
        "Grunn i regelverket",
        "Id-en til avslags- eller reduksjonsgrunnen i ordningens regelverk (grounds i "
        "config/grant_schemes.yaml). Kreves ved avslag og redusert beløp.",
    ),
]


@flow(name="grant-decision-add")
def grant_decision_add(
    *,
    round_name: Round,
    scheme: Scheme,
    year: Year,
    applicant: Applicant,
    orgnr: Orgnr,
    amount_applied: Applied,
    amount_awarded: Awarded,
    rejection_reason: Reason = "",
    computation: Computation = "",
    applicant_kind: ApplicantKind = "",
    organisation_form: OrganisationForm = "",
    ground: Ground = "",
    recorded_by: Submitter,
    as_of: AsOf = None,
) -> int:
    """Registrer ett vedtak i en tilskuddsrunde (tildelt beløp 0 = avslag; da kreves avslagsgrunn).
    Søkertype eller organisasjonsform (Enhetsregisterets kode, f.eks. KOMM eller AS) må oppgis;
    avslag og redusert beløp må ha grunnen i regelverket (grunn)."""
    if problem := submitter_problem(recorded_by):
        return refused(get_run_logger(), "Vedtaket ble ikke registrert", problem)
    recorded_by = recorded_by.strip()
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
    if isinstance(decision_id, Refused):
        return refused(get_run_logger(), "Vedtaket ble ikke registrert", decision_id.reason)
    # Vedlegg 1 pkt. 1: an award to a voluntary organisation is to be registered «fortløpende».
    catalogue, today = load_catalogue_task(settings), clock.resolve(as_of).date()
    open_registration(settings.database_url, catalogue, schemes, decision_id, today, recorded_by)
    get_run_logger().info("Vedtak %d registrert i runde %s.", decision_id, round_name)
    return decision_id
