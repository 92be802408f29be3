"""Who may act on which duty, and which duties are an officer's own (the duty desk, issue 27).

An officer acts on the duties of their own roles, on those they stand in for today (the
owner is absent and the chain of deputies ends at them, as ``notify.stand_in`` resolves it),
and on those of the people they manage (directly or further down). The roles ``styring``
and ``drift`` act on every duty; ``styring``, ``drift`` and ``ledelse`` see every duty.
"""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from pliktvakt.catalogue import Catalogue, Officer
from pliktvakt.go_live import before_go_live
from pliktvakt.models import Occurrence, OccurrenceStatus
from pliktvakt.notify import ESCALATION, stand_in
from pliktvakt.watch import due_steps

ACT_ON_ALL = frozenset({"styring", "drift"})
SEE_ALL = frozenset({"styring", "drift", "ledelse"})


def officer_by_email(catalogue: Catalogue, email: str) -> Officer | None:
    wanted = email.strip().lower()
    return next((o for o in catalogue.officers.values() if o.email.lower() == wanted), None)


def roles_of(catalogue: Catalogue, officer_id: str) -> frozenset[str]:
    return frozenset(role.id for role in catalogue.roles.values() if role.officer == officer_id)


def manages(catalogue: Catalogue, manager_id: str, officer_id: str) -> bool:
    """Whether ``manager_id`` is above ``officer_id`` in the chain of managers."""
    seen: set[str] = set()
    current = catalogue.officers.get(officer_id)
    while current is not None and current.manager and current.id not in seen:
        seen.add(current.id)
        if current.manager == manager_id:
            return True
        current = catalogue.officers.get(current.manager)
    return False


@dataclass(frozen=True)
class Reach:
    """The roles an officer answers for today, and why."""

    own: frozenset[str]
    standing_in: frozenset[str]  # roles whose officer is away and whose stand-in is this officer
    managed: frozenset[str]  # roles of the people this officer manages

    @property
    def acting(self) -> frozenset[str]:
        return self.own | self.standing_in | self.managed


def reach(catalogue: Catalogue, officer_id: str, away: frozenset[str]) -> Reach:
    own = roles_of(catalogue, officer_id)
    standing_in, managed = set(), set()
    for role in catalogue.roles.values():
        if role.officer == officer_id:
            continue
        if role.officer in away and stand_in(catalogue, role.officer, away).id == officer_id:
            standing_in.add(role.id)
        if manages(catalogue, officer_id, role.officer):
            managed.add(role.id)
    return Reach(own, frozenset(standing_in), frozenset(managed))


def acts_on_all(catalogue: Catalogue, officer_id: str) -> bool:
    return bool(roles_of(catalogue, officer_id) & ACT_ON_ALL)


def sees_all(catalogue: Catalogue, officer_id: str) -> bool:
    return bool(roles_of(catalogue, officer_id) & SEE_ALL)


def may_act(catalogue: Catalogue, officer_id: str, role: str, away: frozenset[str]) -> bool:
    """Whether the officer may act on a duty of ``role`` today."""
    return acts_on_all(catalogue, officer_id) or role in reach(catalogue, officer_id, away).acting


@dataclass(frozen=True)
class MyDuty:
    occurrence: Occurrence
    why: str  # "own" | "standing-in" | "escalated"


def my_duties(
    session: Session,
    catalogue: Catalogue,
    officer_id: str,
    away: frozenset[str],
    today: date,
    go_live: date | None,
) -> list[MyDuty]:
    """The officer's open duties, by deadline: those of their own roles, those they stand in
    for today, and those escalated to them as manager (as the watch escalates them)."""
    found = reach(catalogue, officer_id, away)
    roles = found.own | found.standing_in | found.managed
    if not roles:
        return []
    query = (
        select(Occurrence)
        .where(Occurrence.status == OccurrenceStatus.OPEN, Occurrence.role.in_(sorted(roles)))
        .order_by(Occurrence.due, Occurrence.id)
    )
    duties = []
    for occurrence in session.exec(query):
        if occurrence.role in found.own:
            duties.append(MyDuty(occurrence, "own"))
        elif occurrence.role in found.standing_in:
            duties.append(MyDuty(occurrence, "standing-in"))
        elif _escalated(catalogue, occurrence, today, go_live):
            duties.append(MyDuty(occurrence, "escalated"))
    return duties


def _escalated(catalogue: Catalogue, occurrence: Occurrence, today: date, go_live: date | None) -> bool:
    obligation = catalogue.obligations.get(occurrence.obligation_id)
    if obligation is None or today <= occurrence.due or before_go_live(occurrence.due, go_live):
        return False
    return ESCALATION in due_steps(occurrence.due, today, obligation.reminders)
