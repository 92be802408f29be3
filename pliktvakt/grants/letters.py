"""Grant letters (tilskuddsbrev): their data, rendering and the content check required by
vedlegg 1 pkt. 3. The gate before them is ``GrantRound.letters_allowed`` (instruks 6.1)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from markupsafe import escape
from pydantic import BaseModel, ConfigDict

from pliktvakt import bokmal, templating
from pliktvakt.grants.awards import ApplicantKind, AwardDecision, decision_kind_for
from pliktvakt.grants.deadlines import acceptance_deadline, appeal_deadline
from pliktvakt.grants.schemes import DecisionKind, GrantScheme

TEMPLATE_DIR = Path(__file__).parent / "templates"
TEMPLATE_NAME = "tilskuddsbrev.html.j2"


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

    @property
    def rejected(self) -> bool:
        return self.amount_awarded == 0


class LetterIncomplete(ValueError):
    """A letter lacks content the annex requires; ``missing`` names each item in bokmål."""

    def __init__(self, reference: str, missing: list[str]):
        self.reference = reference
        self.missing = missing
        super().__init__(f"Tilskuddsbrev {reference} blir ikke laget; det mangler: " + "; ".join(missing))


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


def build_letter_data(
    round_id: str,
    reference: str,
    scheme: GrantScheme,
    decision: AwardDecision,
    letter_date: date,
    presumed_received: date | None = None,
) -> LetterData:
    """Assemble the letter. The appeal deadline runs from when the letter reaches the party;
    the letter states it from ``presumed_received`` (default: the letter date, as for
    electronic delivery) together with the rule."""
    if not scheme.grant_letters:
        raise ValueError(f"ordningen «{scheme.id}» har ikke tilskuddsbrev (vedlegg 1 pkt. 3)")
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
    return LetterData(
        round_id=round_id,
        reference=reference,
        letter_date=letter_date,
        scheme_id=scheme.id,
        scheme_name=scheme.name,
        applicant_public=decision.applicant_kind is ApplicantKind.PUBLIC,
        decision_kind=kind,
        appeal=appeal,
        acceptance=acceptance,
        **copied,
    )


def missing_letter_items(data: LetterData) -> list[str]:
    """The items of vedlegg 1 pkt. 3 (and pkt. 5) this letter lacks, in bokmål."""
    missing = []
    if data.rejected and not (data.rejection_reason or "").strip():
        missing.append("begrunnelse for avslag")
    if not data.rejected and not (data.computation or "").strip():
        missing.append("hvordan beløpet er regnet ut")
    if data.decision_kind is DecisionKind.ENKELTVEDTAK:
        if data.appeal is None:
            missing.append("klageadgang og klagefrist (forvaltningsloven §§ 28 og 29)")
        elif not data.appeal.appeal_body.strip():
            missing.append("klageinstans")
    elif not data.rejected and data.acceptance is None:
        missing.append("frist for akseptbrev")
    return missing


def validate_letter(data: LetterData) -> None:
    missing = missing_letter_items(data)
    if missing:
        raise LetterIncomplete(data.reference, missing)


def _shown_items(data: LetterData) -> dict[str, str]:
    """Text that must appear in the rendered letter, by item name: guards against a
    template that drops a required item."""
    items = {}
    if data.rejected:
        items["begrunnelse for avslag"] = str(escape(data.rejection_reason or ""))
    else:
        items["hvordan beløpet er regnet ut"] = str(escape(data.computation or ""))
    if data.appeal:
        items["klagefrist"] = bokmal.date_long(data.appeal.deadline)
        items["klageinstans"] = str(escape(data.appeal.appeal_body))
    if data.acceptance:
        items["frist for akseptbrev"] = bokmal.date_long(data.acceptance.deadline)
        items["at tilskuddet faller bort uten aksept"] = "faller tilskuddet bort"
    return items


def render_letter(data: LetterData, template_dir: Path = TEMPLATE_DIR) -> RenderedLetter:
    """Render the letter in bokmål; refuses (LetterIncomplete) a letter missing any item."""
    validate_letter(data)
    html = templating.render(template_dir, TEMPLATE_NAME, letter=data)
    absent = [name for name, text in _shown_items(data).items() if text not in html]
    if absent:
        raise LetterIncomplete(data.reference, [f"{name} (står ikke i malen)" for name in absent])
    stem = f"{data.reference}-{data.orgnr}".replace("/", "-").replace(" ", "-")
    return RenderedLetter(file_stem=stem, html=html, json=data.model_dump_json(indent=2))
