"""Render: the decision letter of a stop of payment or a reclaim (vedlegg 1 pkt. 5).

A stop or reclaim changes the recipient's rights under the grant: to a private recipient it is
an enkeltvedtak, so the letter gives the reasons with the rules and main considerations
(forvaltningsloven §§ 24–25) and the appeal right, deadline and body (§ 27 tredje ledd, §§
28–29). To a public body it is not an enkeltvedtak (fvl. § 2, vedlegg 1 pkt. 2): the letter
still gives its reasons, and says how to ask IMDi to reconsider it. A letter needing a fact
that is a placeholder in config/grant_schemes.yaml is refused, naming the field.
"""

from datetime import date
from decimal import Decimal
from pathlib import Path

from markupsafe import escape
from pydantic import BaseModel, ConfigDict

from pliktvakt import bokmal, templating
from pliktvakt.grants.render_letters import TEMPLATE_DIR, AppealInfo, LetterFact, Particulars, RenderedLetter
from pliktvakt.grants.rules import appeal_deadline
from pliktvakt.grants.schemes import FACT_NAMES, DecisionKind, GrantScheme
from pliktvakt.grants.store import GrantsError
from pliktvakt.grants.tables import GrantDecision, GrantLetter, GrantSanction
from pliktvakt.legal_calendar import statutory_deadline

TEMPLATE_NAME = "vedtak-stans-tilbakebetaling.html.j2"
# The scheme facts the reasons cite: the regelverk and the conditions not met (fvl. § 25).
CITED_FACTS = ("regelverk", "conditions")
TITLES = {
    "stop": "Vedtak om stans i utbetaling av tilskudd",
    "reclaim": "Vedtak om tilbakebetaling av tilskudd",
}


class SanctionLetter(BaseModel):
    """Everything the decision letter of a stop or reclaim shows; kept as JSON on the sanction."""

    model_config = ConfigDict(frozen=True)

    kind: str  # stop | reclaim
    title: str
    reference: str
    letter_date: date
    scheme_id: str
    scheme_name: str
    year: int
    applicant: str
    orgnr: str
    enkeltvedtak: bool
    amount_awarded: Decimal
    amount: Decimal  # stopped, or to be repaid
    repayment_due: date | None = None
    repayment_rule: str | None = None
    reason: str  # the main considerations: what was not met
    grant_letter_reference: str | None = None
    grant_letter_date: date | None = None
    notice_sent_on: date
    response_due: date | None
    response_on: date | None = None
    response_text: str | None = None
    rules: dict[str, LetterFact]
    appeal: AppealInfo | None = None
    particulars: Particulars = Particulars()


def missing_facts(scheme: GrantScheme, kind: str) -> list[str]:
    """The facts this letter needs that are placeholders, each named with its field."""
    missing = [
        f"{FACT_NAMES[name]} (felt «facts.{name}» for ordningen «{scheme.id}» i config/grant_schemes.yaml "
        "er en plassholder som IMDi må fylle inn)"
        for name in scheme.placeholder_facts(CITED_FACTS)
    ]
    if scheme.facts is None:
        missing.append(f"ordningens fakta (ordningen «{scheme.id}» har ingen «facts»)")
    if kind == "reclaim" and scheme.repayment_period.placeholder:
        missing.append(
            f"fristen for tilbakebetaling (felt «repayment_period» for ordningen «{scheme.id}» i "
            "config/grant_schemes.yaml er en plassholder som IMDi må fylle inn)"
        )
    return missing


def build(
    scheme: GrantScheme,
    decision: GrantDecision,
    sanction: GrantSanction,
    notice_sent_on: date,
    grant_letter: GrantLetter | None,
    letter_date: date,
    particulars: Particulars,
) -> SanctionLetter:
    """The letter's data; refused (GrantsError) while a fact it needs is a placeholder, or the
    case number, contact person or appeal address is missing (as for the round's letters)."""
    if missing := missing_facts(scheme, sanction.kind) + particulars.missing():
        raise GrantsError(
            f"Vedtaksbrevet om {TITLES[sanction.kind].split(' om ', 1)[1]} for vedtak {decision.id} kan ikke "
            "lages, og ingenting er gjennomført; det mangler: " + "; ".join(missing)
        )
    repayment = None
    if sanction.kind == "reclaim":
        repayment = statutory_deadline(letter_date, scheme.repayment_period.period)
    enkeltvedtak = decision.decision_kind == DecisionKind.ENKELTVEDTAK
    appeal = None
    if enkeltvedtak:
        deadline = appeal_deadline(letter_date)
        appeal = AppealInfo(
            presumed_received=letter_date,
            deadline=deadline.due,
            deadline_rule=deadline.rule,
            appeal_body=scheme.appeal_body,
        )
    base = grant_letter.reference if grant_letter else f"vedtak-{decision.id}"
    suffix = "stans" if sanction.kind == "stop" else "tilbakebetaling"
    return SanctionLetter(
        kind=sanction.kind,
        title=TITLES[sanction.kind],
        reference=f"{base}-{suffix}",
        letter_date=letter_date,
        scheme_id=scheme.id,
        scheme_name=scheme.name,
        year=decision.year,
        applicant=decision.applicant,
        orgnr=decision.orgnr,
        enkeltvedtak=enkeltvedtak,
        amount_awarded=Decimal(decision.amount_awarded),
        amount=Decimal(sanction.amount) if sanction.amount is not None else Decimal(decision.amount_awarded),
        repayment_due=repayment.due if repayment else None,
        repayment_rule=repayment.rule if repayment else None,
        reason=sanction.reason,
        grant_letter_reference=grant_letter.reference if grant_letter else None,
        grant_letter_date=grant_letter.letter_date if grant_letter else None,
        notice_sent_on=notice_sent_on,
        response_due=sanction.response_due,
        response_on=sanction.response_on,
        response_text=sanction.response_text,
        rules={
            name: LetterFact(text=fact.text or "", reference=fact.reference or "")
            for name in CITED_FACTS
            if (fact := getattr(scheme.facts, name))
        },
        appeal=appeal,
        particulars=particulars,
    )


def shown_items(data: SanctionLetter) -> dict[str, str]:
    """Text the rendered letter must hold, by item name (guards against a template dropping one)."""
    items = {
        "beløpet": bokmal.kroner(data.amount),
        "begrunnelsen": str(escape(data.reason)),
        "regelverket i begrunnelsen": str(escape(data.rules["regelverk"].reference)),
        "vilkåret i begrunnelsen": str(escape(data.rules["conditions"].reference)),
        "forhåndsvarselet": bokmal.date_long(data.notice_sent_on),
    }
    if data.repayment_due:
        items["frist for tilbakebetaling"] = bokmal.date_long(data.repayment_due)
    if data.response_text:
        items["mottakerens merknader"] = str(escape(data.response_text))
    if data.appeal:
        items["klagefrist"] = bokmal.date_long(data.appeal.deadline)
        items["klageinstans"] = str(escape(data.appeal.appeal_body))
        items["begrunnelse etter forvaltningsloven § 25"] = "forvaltningsloven § 25"
    else:
        items["hvordan be om ny vurdering"] = "be IMDi vurdere"
    return items


def render(data: SanctionLetter, template_dir: Path = TEMPLATE_DIR) -> RenderedLetter:
    html = templating.render(template_dir, TEMPLATE_NAME, letter=data)
    absent = [name for name, text in shown_items(data).items() if not text or text not in html]
    if absent:
        raise GrantsError(f"Vedtaksbrev {data.reference}: malen mangler " + ", ".join(absent))
    stem = f"{data.reference}-{data.orgnr}".replace("/", "-").replace(" ", "-")
    return RenderedLetter(file_stem=stem, html=html, json=data.model_dump_json(indent=2))
