"""Render: grant letters (tilskuddsbrev), their data and their content check.

Their data, rendering and the content check required by
vedlegg 1 pkt. 3, 5 and 8. The gate before them is ``GrantRound.letters_allowed`` (instruks 6.1);
the content check is the gate ``grant-letter-content``: a letter lacking an item is not rendered.

What a letter states (vedlegg 1 pkt. 3, ØR punkt 6.3.3, and pkt. 5 and 8):
- the scheme's regelverk, purpose, target group, the conditions, payment time and requirements,
  reporting (deadline and content), the goal-attainment criteria and the control clause, taken
  from ``config/grant_schemes.yaml``; a letter needing a placeholder fact is refused;
- for a rejection, the reason; for an award, how the amount was computed. A rejection or a
  reduced amount cites the regelverk in its reasons (forvaltningsloven § 25);
- that payment can be stopped or the grant reclaimed (pkt. 5, ØR 6.3.3);
- that IMDi and Riksrevisjonen may check the use of the funds (pkt. 8);
- for a provisional commitment for a later year, the Storting's budget reservation (pkt. 5);
- the appeal right and deadline (enkeltvedtak), or why there is none; for aksept, the
  acceptance deadline and that the grant lapses without it.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from markupsafe import escape
from pydantic import BaseModel, ConfigDict

from pliktvakt import bokmal, templating
from pliktvakt.grants.inputs import ApplicantKind, AwardDecision, decision_kind_for
from pliktvakt.grants.rules import acceptance_deadline, appeal_deadline
from pliktvakt.grants.schemes import FACT_NAMES, REJECTION_FACTS, DecisionKind, GrantScheme, LegalBasis

TEMPLATE_DIR = Path(__file__).parent / "templates"
TEMPLATE_NAME = "tilskuddsbrev.html.j2"
CONTENT_GATE = "grant-letter-content"  # config/obligations.yaml

# Fixed text the letter must carry, from the instruction (checked in the rendered letter).
STOP_OR_RECLAIM = "IMDi kan stanse utbetaling eller kreve tilskuddet tilbake"  # vedlegg 1 pkt. 5
CONTROL_RIGHT = (  # vedlegg 1 pkt. 8
    "bevilgningsreglement § 10 første og andre ledd og riksrevisjonsloven § 12 tredje ledd"
)
STORTING_RESERVATION = "forbehold om Stortingets budsjettvedtak"  # vedlegg 1 pkt. 5
REASONS_CITE = "jf. forvaltningsloven § 25"
# Fvl. § 29: the period runs from when the letter reached the party; the date the letter states
# is the deadline only if it arrived the day it was sent.
APPEAL_FROM_RECEIPT = "Klagefristen er tre uker fra den dagen dere mottok dette brevet"
# A public body cannot appeal (vedlegg 1 pkt. 2), but may ask IMDi to reconsider.
RECONSIDERATION = "be IMDi vurdere avgjørelsen på nytt"


class AppealInfo(BaseModel):
    model_config = ConfigDict(frozen=True)
    presumed_received: date  # the date the deadline in the letter is computed from
    deadline: date
    deadline_rule: str
    appeal_body: str  # klageinstans: AID for IMDi's decisions (vedlegg 1 pkt. 2)


class AcceptanceInfo(BaseModel):
    model_config = ConfigDict(frozen=True)
    deadline: date
    deadline_rule: str


class Particulars(BaseModel):
    """What every letter gives besides the decision: IMDi's case number of the round, the
    contact person, and where an appeal or a request is sent (postal and email)."""

    model_config = ConfigDict(frozen=True)
    case_number: str | None = None
    contact: str | None = None
    appeal_address: str | None = None
    appeal_email: str | None = None

    def missing(self) -> list[str]:
        names = {
            "case_number": "IMDis saksnummer for runden (`pliktvakt grants decide RUNDE --saksnummer …`)",
            "contact": "kontaktperson (PLIKTVAKT_GRANT_CONTACT)",
            "appeal_address": "postadressen klager sendes til (PLIKTVAKT_GRANT_APPEAL_ADDRESS)",
            "appeal_email": "e-postadressen klager sendes til (PLIKTVAKT_GRANT_APPEAL_EMAIL)",
        }
        return [text for name, text in names.items() if not (getattr(self, name) or "").strip()]


class LetterFact(BaseModel):
    """A scheme fact as the letter states it, with the point of the regelverk it comes from."""

    model_config = ConfigDict(frozen=True)
    text: str
    reference: str


class LetterData(BaseModel):
    """Everything the letter shows; saved as JSON beside the rendered HTML."""

    model_config = ConfigDict(frozen=True)

    round_id: str
    reference: str
    letter_date: date
    scheme_id: str
    scheme_name: str
    year: int
    applicant: str
    orgnr: str
    applicant_public: bool
    amount_applied: Decimal
    amount_awarded: Decimal
    rejection_reason: str | None
    computation: str | None
    decision_kind: DecisionKind
    appeal: AppealInfo | None
    acceptance: AcceptanceInfo | None
    facts: dict[str, LetterFact]  # by field name of config/grant_schemes.yaml (FACT_NAMES)
    reporting_due: date | None = None
    provisional: bool = False  # a commitment for a later year than the letter's (pkt. 5)
    not_enkeltvedtak_basis: LegalBasis | None = None  # quoted for a private aksept decision
    # The scheme's ground a rejection or reduction rests on, with its point (fvl. § 25).
    ground: LetterFact | None = None
    particulars: Particulars = Particulars()

    @property
    def rejected(self) -> bool:
        return self.amount_awarded == 0

    @property
    def reduced(self) -> bool:
        return not self.rejected and self.amount_awarded < self.amount_applied

    @property
    def required_facts(self) -> tuple[str, ...]:
        return REJECTION_FACTS if self.rejected else tuple(FACT_NAMES)

    @property
    def enkeltvedtak(self) -> bool:
        return self.decision_kind is DecisionKind.ENKELTVEDTAK


class LetterIncomplete(ValueError):
    """A letter lacks content the annex requires; ``missing`` names each item in bokmål."""

    def __init__(self, reference: str, missing: list[str]):
        self.reference = reference
        self.missing = missing
        super().__init__(
            f"Tilskuddsbrev {reference} blir ikke laget (sperren {CONTENT_GATE}, vedlegg 1 pkt. 3); "
            "det mangler: " + "; ".join(missing)
        )


@dataclass(frozen=True)
class RenderedLetter:
    file_stem: str  # e.g. "2025-1-linje-2-974760673"; write <stem>.html and <stem>.json
    html: str
    json: str

    def files(self, directory: Path) -> dict[Path, str]:
        return {
            directory / f"{self.file_stem}.html": self.html,
            directory / f"{self.file_stem}.json": self.json,
        }


def placeholder_refusal(scheme: GrantScheme, rejected: bool, ground: str | None = None) -> list[str]:
    """The facts a letter of this kind needs that are still placeholders, each named with its
    field in config/grant_schemes.yaml (empty when the letter can be made); with ``ground``,
    the scheme's ground the reasons cite."""
    names = REJECTION_FACTS if rejected else tuple(FACT_NAMES)
    missing = [
        f"{FACT_NAMES[name]} (felt «facts.{name}» for ordningen «{scheme.id}» i "
        "config/grant_schemes.yaml er en plassholder som IMDi må fylle inn)"
        for name in scheme.placeholder_facts(names)
    ]
    if ground is not None:
        found = scheme.grounds.get(ground)
        if found is None:
            missing.append(f"grunnen «{ground}» (finnes ikke under «grounds» for ordningen «{scheme.id}»)")
        elif found.placeholder:
            missing.append(
                f"grunnen i regelverket (felt «grounds.{ground}» for ordningen «{scheme.id}» i "
                "config/grant_schemes.yaml er en plassholder som IMDi må fylle inn)"
            )
    return missing


def build_letter_data(
    round_id: str,
    reference: str,
    scheme: GrantScheme,
    decision: AwardDecision,
    letter_date: date,
    presumed_received: date | None = None,
    particulars: Particulars | None = None,
) -> LetterData:
    """Assemble the letter. The appeal deadline runs from when the letter reaches the party;
    the letter states it from ``presumed_received`` (default: the letter date, as for
    electronic delivery) together with the rule. Refuses (LetterIncomplete) a letter whose
    scheme facts are placeholders, naming the fields."""
    if not scheme.grant_letters or scheme.facts is None:
        raise ValueError(f"ordningen «{scheme.id}» har ikke tilskuddsbrev (vedlegg 1 pkt. 3)")
    cites_ground = decision.rejected or decision.reduced
    ground_id = decision.ground if cites_ground else None
    if missing := placeholder_refusal(scheme, decision.rejected, ground_id):
        raise LetterIncomplete(reference, missing)
    ground = scheme.grounds[ground_id] if ground_id else None
    kind = decision_kind_for(scheme, decision)
    appeal = acceptance = None
    if kind is DecisionKind.ENKELTVEDTAK:
        received = presumed_received or letter_date
        deadline = appeal_deadline(received)
        appeal = AppealInfo(
            presumed_received=received,
            deadline=deadline.due,
            deadline_rule=deadline.rule,
            appeal_body=scheme.appeal_body,
        )
    elif not decision.rejected:
        deadline = acceptance_deadline(scheme, letter_date)
        acceptance = AcceptanceInfo(deadline=deadline.due, deadline_rule=deadline.rule)
    names = REJECTION_FACTS if decision.rejected else tuple(FACT_NAMES)
    facts = {
        name: LetterFact(text=fact.text or "", reference=fact.reference or "")
        for name in names
        if (fact := getattr(scheme.facts, name))
    }
    copied = decision.model_dump(
        include={
            "year",
            "applicant",
            "orgnr",
            "amount_applied",
            "amount_awarded",
            "rejection_reason",
            "computation",
        }
    )
    private = decision.applicant_kind is ApplicantKind.PRIVATE
    return LetterData(
        round_id=round_id,
        reference=reference,
        letter_date=letter_date,
        scheme_id=scheme.id,
        scheme_name=scheme.name,
        applicant_public=not private,
        decision_kind=kind,
        appeal=appeal,
        acceptance=acceptance,
        facts=facts,
        reporting_due=None if decision.rejected else scheme.facts.reporting.due_for(decision.year),
        provisional=not decision.rejected and decision.year > letter_date.year,
        not_enkeltvedtak_basis=scheme.not_enkeltvedtak_basis
        if private and kind is DecisionKind.AKSEPT
        else None,
        ground=LetterFact(text=ground.text or "", reference=ground.reference or "") if ground else None,
        particulars=particulars or Particulars(),
        **copied,
    )


def missing_letter_items(data: LetterData) -> list[str]:
    """Every item of vedlegg 1 pkt. 3, 5 and 8 this letter lacks, in bokmål."""
    missing = []
    if data.rejected and not (data.rejection_reason or "").strip():
        missing.append("begrunnelse for avslag")
    if (data.rejected or data.reduced) and (data.ground is None or not data.ground.reference.strip()):
        missing.append(
            "grunnen i regelverket som avslaget eller reduksjonen bygger på (forvaltningsloven § 25)"
        )
    if not data.rejected and not (data.computation or "").strip():
        missing.append("hvordan beløpet er regnet ut")
    for name in data.required_facts:
        fact = data.facts.get(name)
        if fact is None or not fact.text.strip():
            missing.append(FACT_NAMES[name])
        elif not fact.reference.strip():
            missing.append(f"henvisning til regelverket for {FACT_NAMES[name]}")
    if not data.rejected and data.reporting_due is None:
        missing.append("rapporteringsfrist")
    if data.year > data.letter_date.year and not data.rejected and not data.provisional:
        missing.append("Stortingets budsjettforbehold for et foreløpig tilsagn (vedlegg 1 pkt. 5)")
    if data.decision_kind is DecisionKind.ENKELTVEDTAK:
        if data.appeal is None:
            missing.append("klageadgang og klagefrist (forvaltningsloven §§ 28 og 29)")
        elif not data.appeal.appeal_body.strip():
            missing.append("klageinstans")
    else:
        if not data.applicant_public and data.not_enkeltvedtak_basis is None:
            missing.append("hjemmel for at vedtaket til en privat søker ikke er et enkeltvedtak")
        if not data.rejected and data.acceptance is None:
            missing.append("frist for akseptbrev")
    return missing


def validate_letter(data: LetterData) -> None:
    missing = missing_letter_items(data)
    if missing:
        raise LetterIncomplete(data.reference, missing)


def _text(value: str) -> str:
    return str(escape(value))


def shown_items(data: LetterData) -> dict[str, str]:
    """Text that must appear in the rendered letter, by item name: guards against a
    template that drops a required item."""
    items = {}
    for name in data.required_facts:
        fact = data.facts[name]
        items[FACT_NAMES[name]] = _text(fact.text)
        items[f"henvisning for {FACT_NAMES[name]}"] = _text(fact.reference)
    if data.rejected:
        items["begrunnelse for avslag"] = _text(data.rejection_reason or "")
    else:
        items["hvordan beløpet er regnet ut"] = _text(data.computation or "")
        items["rapporteringsfrist"] = bokmal.date_long(data.reporting_due) if data.reporting_due else ""
        items["at utbetaling kan stanses eller tilskuddet kreves tilbake"] = STOP_OR_RECLAIM
        items["kontrollretten til IMDi og Riksrevisjonen"] = CONTROL_RIGHT
    if (data.rejected or data.reduced) and data.ground is not None:
        items["grunnen i regelverket"] = _text(data.ground.text)
        items["punktet i regelverket for grunnen"] = _text(data.ground.reference)
        if data.enkeltvedtak:
            items["regelverket i begrunnelsen (forvaltningsloven § 25)"] = REASONS_CITE
    if data.provisional:
        items["Stortingets budsjettforbehold"] = STORTING_RESERVATION
    for name, label in (
        ("case_number", "IMDis saksnummer"),
        ("contact", "kontaktperson"),
        ("appeal_address", "postadresse for klage"),
        ("appeal_email", "e-postadresse for klage"),
    ):
        if value := getattr(data.particulars, name):
            items[label] = _text(value)
    if data.appeal:
        items["klagefristen regnes fra mottak"] = APPEAL_FROM_RECEIPT
    if data.appeal:
        items["klagefrist"] = bokmal.date_long(data.appeal.deadline)
        items["klageinstans"] = _text(data.appeal.appeal_body)
    if data.not_enkeltvedtak_basis:
        items["hjemmel for at vedtaket ikke er et enkeltvedtak"] = _text(data.not_enkeltvedtak_basis.text)
    if not data.enkeltvedtak and data.applicant_public:
        items["hvordan be om ny vurdering"] = RECONSIDERATION
    if data.acceptance:
        items["frist for akseptbrev"] = bokmal.date_long(data.acceptance.deadline)
        items["at tilskuddet faller bort uten aksept"] = "faller tilskuddet bort"
    return items


def render_letter(data: LetterData, template_dir: Path = TEMPLATE_DIR) -> RenderedLetter:
    """Render the letter in bokmål; refuses (LetterIncomplete) a letter missing any item."""
    validate_letter(data)
    html = templating.render(template_dir, TEMPLATE_NAME, letter=data)
    absent = [name for name, text in shown_items(data).items() if not text or text not in html]
    if absent:
        raise LetterIncomplete(data.reference, [f"{name} (står ikke i malen)" for name in absent])
    stem = f"{data.reference}-{data.orgnr}".replace("/", "-").replace(" ", "-")
    return RenderedLetter(file_stem=stem, html=html, json=data.model_dump_json(indent=2))
