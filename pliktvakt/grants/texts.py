"""Texts: what people read of the grant area (bokmål).

Figures per scheme for the ministry in the award notice before letters (instruks 6.1), the
recipients list after the appeal deadlines (vedlegg 1 pkt. 2) and underspending (mindreforbruk,
vedlegg 1 pkt. 2); and a round's state as a row of the grant-rounds table."""

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pliktvakt import bokmal, clock, templating
from pliktvakt.grants.inputs import AwardDecision
from pliktvakt.grants.schemes import GrantScheme
from pliktvakt.notify import Message
from pliktvakt.tabular import Rejection

TEMPLATE_DIR = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class SchemeSummary:
    scheme_id: str
    scheme_name: str
    applicants: int  # decisions (applications) in the round
    grants_awarded: int
    total_applied: Decimal
    total_awarded: Decimal
    decisions: tuple[AwardDecision, ...]  # in file order


def summarize_by_scheme(
    decisions: list[AwardDecision], schemes: dict[str, GrantScheme], notice_only: bool = False
) -> list[SchemeSummary]:
    """One summary per scheme, in the order of the schemes file. ``notice_only`` keeps only
    schemes that need the ministry award notice (instruks 6.1)."""
    summaries = []
    for scheme in schemes.values():
        own = tuple(d for d in decisions if d.scheme_id == scheme.id)
        if own and (scheme.needs_ministry_award_notice or not notice_only):
            summaries.append(_summary(scheme, own))
    return summaries


def _summary(scheme: GrantScheme, own: tuple[AwardDecision, ...]) -> SchemeSummary:
    awarded = [d for d in own if not d.rejected]
    return SchemeSummary(
        scheme_id=scheme.id,
        scheme_name=scheme.name,
        applicants=len(own),
        grants_awarded=len(awarded),
        total_applied=sum((d.amount_applied for d in own), Decimal(0)),
        total_awarded=sum((d.amount_awarded for d in awarded), Decimal(0)),
        decisions=own,
    )


def _render(
    kind: str, subject: str, intro: str, summaries: list[SchemeSummary], recipients_only: bool
) -> Message:
    values = dict(subject=subject, intro=intro, summaries=summaries, recipients_only=recipients_only)
    return Message(
        subject=subject,
        text=templating.render(TEMPLATE_DIR, f"{kind}.txt.j2", **values),
        html=templating.render(TEMPLATE_DIR, f"{kind}.html.j2", **values),
    )


def render_award_notice(
    round_id: str, decisions: list[AwardDecision], schemes: dict[str, GrantScheme]
) -> Message:
    """The `grant-award-ministry-notice`: IMDi's award decisions, per scheme, before any
    grant letter is sent (instruks 6.1). Only schemes that need the notice are included."""
    summaries = summarize_by_scheme(decisions, schemes, notice_only=True)
    if not summaries:
        raise ValueError(f"runde {round_id} har ingen ordninger som krever orientering til departementet")
    intro = (
        "IMDi orienterer med dette departementet om vedtakene om tildeling av tilskudd i "
        f"runde {round_id}, før tilskuddsmottakerne får tilskuddsbrev (instruks punkt 6.1)."
    )
    return _render(
        "ministry_summary",
        f"Orientering om tildeling av tilskudd – runde {round_id}",
        intro,
        summaries,
        False,
    )


def render_recipients_info(
    round_id: str, recipients: list[AwardDecision], schemes: dict[str, GrantScheme]
) -> Message:
    """The `grant-recipients-ministry-info`: who received grants, once every appeal deadline
    has passed (vedlegg 1 pkt. 2). Pass the final recipients (lapsed grants left out);
    rejected decisions are dropped here."""
    summaries = summarize_by_scheme([d for d in recipients if not d.rejected], schemes)
    intro = (
        f"Søknadsbehandlingen i runde {round_id} er ferdig og klagefristene er ute. IMDi informerer "
        "med dette departementet om hvem som har fått tilskudd under de ulike ordningene "
        "(vedlegg 1 til instruksen, punkt 2)."
    )
    return _render("ministry_summary", f"Tilskuddsmottakere – runde {round_id}", intro, summaries, True)


@dataclass(frozen=True)
class Underspend:
    scheme_id: str
    scheme_name: str
    budget: Decimal
    awarded: Decimal

    @property
    def unused(self) -> Decimal:
        return self.budget - self.awarded

    def describe(self) -> str:
        return (
            f"{self.scheme_name}: budsjett {bokmal.kroner(self.budget)}, "
            f"tildelt {bokmal.kroner(self.awarded)}, "
            f"ubrukt {bokmal.kroner(self.unused)}. IMDi skal ta opp med departementet hvordan ubrukte "
            "midler skal disponeres (vedlegg 1 pkt. 2, mindreforbruk)."
        )


def underspending(
    budgets: dict[str, Decimal], decisions: list[AwardDecision], schemes: dict[str, GrantScheme]
) -> list[Underspend]:
    """Schemes whose awards leave part of the budget unused: each raises the mindreforbruk
    duty. Pass the decisions still standing (lapsed grants left out, so their money counts
    as unused). A budgeted scheme with no awards at all is wholly unused."""
    found = []
    for scheme_id, budget in budgets.items():
        if scheme_id not in schemes:
            raise ValueError(f"budsjett for ukjent ordning «{scheme_id}»")
        awarded = sum((d.amount_awarded for d in decisions if d.scheme_id == scheme_id), Decimal(0))
        if awarded < budget:
            found.append(Underspend(scheme_id, schemes[scheme_id].name, Decimal(budget), awarded))
    return found


# --- a round's state, as the grant-rounds table shows it ---------------------------------


def table_row(state: dict) -> dict:
    """A round's state as a row of the grant-rounds table, in bokmål."""
    return {
        "Runde": state["round"],
        "Vedtak": state["decisions"],
        "Vedtatt": _day(state["decided_on"]),
        "Orientering sendt": _yes(state["notice_sent_at"]) if state["notice_needed"] else "ikke påkrevd",
        "Brev tillatt": "ja" if state["letters_allowed"] else "nei",
        "Brev laget": state["letters"],
        "Åpne klager": state["open_appeals"],
        "Siste frist": _day(state["last_deadline"]),
        "Falt bort": state["lapsed"],
        "Mottakerliste sendt": _recipients_shown(state),
    }


def _recipients_shown(state: dict) -> str:
    blockers = state["recipients_blockers"]
    if state["recipients_sent_at"] or not blockers:
        return _yes(state["recipients_sent_at"])
    return f"nei: {blockers[0]}" + (f" (+{len(blockers) - 1})" if len(blockers) > 1 else "")


def _yes(when) -> str:
    if not when:
        return "nei"
    moment = clock.resolve(when)
    return f"ja, {bokmal.date_short(moment.date())} {moment:%H:%M}"


def _day(day) -> str:
    return day.isoformat() if day else ""


def form_refusal(rejected: list[Rejection]) -> str:
    """Why a decision typed in the run form was refused: it is checked as a one-row file, so the
    reasons name its fields, not a line."""
    return "; ".join(f"feltet «{r.field}»: {r.reason}" for r in rejected)
