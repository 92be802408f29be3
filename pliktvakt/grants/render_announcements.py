"""Render: the announcement of a grant scheme (vedlegg 1 pkt. 1, ØR punkt 6.3.1).

It is rendered from the scheme's facts in config/grant_schemes.yaml.

The announcement states the scheme's goal, target group, allocation and assessment criteria
and where its regelverk is; a scheme open to application also its application procedure and
period, what an application must hold, the link to the application form and the reporting
requirements. Announced before the Storting has passed the budget for the grant year, it
carries the reservation for the Storting's final budget decision. A needed fact that is a
placeholder refuses it, naming the field, as letters are refused.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from markupsafe import escape

from pliktvakt import templating
from pliktvakt.grants.render_letters import TEMPLATE_DIR
from pliktvakt.grants.schemes import ANNOUNCEMENT_FACT_NAMES, GrantScheme
from pliktvakt.grants.store import GrantsError

TEMPLATE_NAME = "kunngjoring.html.j2"
OBLIGATION = "grant-scheme-announcement"
STORTING_RESERVATION = "forbehold om Stortingets endelige budsjettvedtak"  # vedlegg 1 pkt. 1
# What every announcement states (facts of the letter), and what one open to application adds.
BASE_FACTS = ("purpose", "target_group", "regelverk")
BASE_ANNOUNCEMENT = ("criteria", "assessment")
APPLICATION_ANNOUNCEMENT = ("procedure", "period", "content", "form_link")


@dataclass(frozen=True)
class Announcement:
    scheme_id: str
    year: int
    announced_on: date
    reservation: bool
    html: str


def needed(scheme: GrantScheme) -> list[tuple[str, str]]:
    """(group, field) of every fact the announcement states."""
    fields = [("facts", n) for n in BASE_FACTS] + [("announcement", n) for n in BASE_ANNOUNCEMENT]
    if scheme.application_based:
        fields += [("announcement", n) for n in APPLICATION_ANNOUNCEMENT] + [("facts", "reporting")]
    return fields


def missing(scheme: GrantScheme) -> list[str]:
    found = []
    for group, name in needed(scheme):
        source = getattr(scheme, group)
        fact = getattr(source, name) if source is not None else None
        if fact is None or fact.placeholder:
            found.append(
                f"felt «{group}.{name}» for ordningen «{scheme.id}» i config/grant_schemes.yaml er en "
                "plassholder som IMDi må fylle inn"
            )
    return found


def render(scheme: GrantScheme, year: int, announced_on: date, budget_passed: bool = False) -> Announcement:
    """The announcement for ``year``. The reservation is stated when it is announced in a year
    before the grant year, unless the caller knows the budget is passed (``budget_passed``)."""
    if missing_facts := missing(scheme):
        raise GrantsError(
            f"Kunngjøringen av «{scheme.name}» for {year} blir ikke laget; det mangler: "
            + "; ".join(missing_facts)
        )
    reservation = announced_on.year < year and not budget_passed
    html = templating.render(
        TEMPLATE_DIR,
        TEMPLATE_NAME,
        scheme=scheme,
        year=year,
        announced_on=announced_on,
        reservation=reservation,
        names=ANNOUNCEMENT_FACT_NAMES,
    )
    expected = [str(escape(getattr(getattr(scheme, g), n).text)) for g, n in needed(scheme)]
    if reservation:
        expected.append(STORTING_RESERVATION)
    absent = [text for text in expected if text not in html]
    if absent:
        raise GrantsError(f"Kunngjøringsmalen mangler: {', '.join(absent)}")
    return Announcement(scheme.id, year, announced_on, reservation, html)


def evidence(path: Path, digest: str, announcement: Announcement) -> str:
    reserved = " med forbehold om Stortingets budsjettvedtak" if announcement.reservation else ""
    return f"Kunngjøring for {announcement.year}{reserved} skrevet til {path} (sha256 {digest})"
