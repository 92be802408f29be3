"""Who may act on which duty, and which duties are an officer's own (the duty desk, issue 27).

An officer acts on the duties of their own roles, on those they stand in for today (the
owner is absent and the chain of deputies ends at them, as ``notify.stand_in`` resolves it),
and on those of the people they manage (directly or further down). The roles ``styring``
and ``drift`` act on every duty; ``styring``, ``drift`` and ``ledelse`` see every duty.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, or_
from sqlmodel import Session, select

from pliktvakt.catalogue import Catalogue, Officer
from pliktvakt.legal_calendar import business_days_between
from pliktvakt.notify import stand_in
from pliktvakt.tables import Occurrence, OccurrenceStatus

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
    offset: int = 0,
    limit: int | None = None,
) -> tuple[int, list[MyDuty]]:
    """(how many, the page ``offset``/``limit`` of) the officer's open duties by deadline: those
    of their own roles, those they stand in for today, and those escalated to them as manager
    (overdue by the obligation's ``escalate_after`` business days, as the watch escalates).
    One query, so a manager of hundreds of people gets a page as fast as anyone."""
    found = reach(catalogue, officer_id, away)
    acting = found.own | found.standing_in
    conditions = [Occurrence.role.in_(sorted(acting))] if acting else []
    managed = found.managed - acting
    if managed:
        conditions += _escalated_conditions(catalogue, sorted(managed), today, go_live)
    if not conditions:
        return 0, []
    # The roles again on their own, so the (role, status, due) index is used, not a scan of every open one.
    where = (
        Occurrence.role.in_(sorted(acting | managed)),
        Occurrence.status == OccurrenceStatus.OPEN,
        or_(*conditions),
    )
    total = session.exec(select(func.count()).select_from(Occurrence).where(*where)).one()
    query = select(Occurrence).where(*where).order_by(Occurrence.due, Occurrence.id).offset(offset)
    rows = session.exec(query.limit(limit) if limit is not None else query)
    why = {role: "own" for role in found.own} | {role: "standing-in" for role in found.standing_in}
    return total, [MyDuty(row, why.get(row.role, "escalated")) for row in rows]


def _escalated_conditions(catalogue: Catalogue, roles: list[str], today: date, go_live: date | None) -> list:
    """One condition per escalation threshold: the managed roles' occurrences of obligations
    escalated after k business days, due on or before the last day k business days back."""
    by_threshold: dict[int, list[str]] = defaultdict(list)
    for obligation in catalogue.obligations.values():
        by_threshold[obligation.reminders.escalate_after].append(obligation.id)
    conditions = []
    for threshold, obligation_ids in by_threshold.items():
        condition = and_(
            Occurrence.role.in_(roles),
            Occurrence.obligation_id.in_(sorted(obligation_ids)),
            Occurrence.due <= _escalated_if_due_by(today, threshold),
        )
        if go_live is not None:  # the watch never escalates a duty due before go-live
            condition = and_(condition, Occurrence.due >= go_live)
        conditions.append(condition)
    return conditions


def _escalated_if_due_by(today: date, business_days: int) -> date:
    """The latest due date that is ``business_days`` business days over today (watch.due_steps)."""
    day = today - timedelta(days=1)
    while business_days_between(day, today) < max(business_days, 1):
        day -= timedelta(days=1)
    return day
