"""Texts of the evaluation plan: the ministry's mail and the alert of a scheme past its
interval (bokmål)."""

from pliktvakt.evaluation.config import PlanSettings
from pliktvakt.evaluation.render import TEMPLATES, UNCONFIRMED, budget_year_lines, last_text
from pliktvakt.evaluation.rules import Plan, SchemeStatus
from pliktvakt.notify import Message
from pliktvakt.templating import render


def ministry_message(result: Plan, settings: PlanSettings) -> Message:
    """Vedlegg 1 pkt. 9: the ministry is told which schemes are evaluated in the budget year."""
    year = result.budget_year
    text = render(
        TEMPLATES,
        "ministry_notice.txt.j2",
        year=year,
        lines=budget_year_lines(result, settings),
        plan=result,
        settings=settings,
        last_text=last_text,
        unconfirmed=UNCONFIRMED,
    )
    return Message(
        subject=f"Evalueringer av tilskuddsordninger i {year} (instruksen vedlegg 1 pkt. 9)", text=text
    )


def alert_message(status: SchemeStatus, result: Plan) -> Message:
    """Økonomiregelverket 6.5 as quoted in vedlegg 1 pkt. 9: a scheme past its interval."""
    year = result.budget_year
    if status.in_budget_year:
        state = f"En evaluering er planlagt i {year}."
    else:
        later = [y for y in status.planned_years if y > year]
        state = f"Ingen evaluering er planlagt i {year}" + (
            f"; neste planlagte er i {later[0]}." if later else "."
        )
    overdue = (
        f"{status.years_overdue} år på overtid (forfalt {status.due_year})"
        if status.overdue
        else f"forfaller i {status.due_year}"
    )
    text = (
        f"Tilskuddsordningen «{status.name}» ({status.id}) skal evalueres hvert "
        f"{status.interval}. år og er {overdue}. Sist evaluert: {last_text(status)}. {state}\n\n"
        "Instruksen vedlegg 1 pkt. 9: IMDi har ansvar for at tilskuddsordningene evalueres i "
        "henhold til bestemmelsene om økonomistyring i staten punkt 6.5, og skal ha en "
        "rullerende evalueringsplan som sikrer jevnlig evaluering.\n\n"
        "Er evalueringen satt i gang, registrer det i pliktvakt. Skal den planlegges et annet år, "
        "må evalueringsplanen endres (config/evaluation_plan.yaml og config/grant_schemes.yaml)."
    )
    what = "Evaluering på overtid" if status.in_budget_year else "Evaluering mangler"
    return Message(subject=f"{what}: {status.name} ({year})", text=text)
