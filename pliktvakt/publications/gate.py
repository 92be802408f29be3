"""The 14-day gate of instruks pkt. 6.1.

"IMDi skal også orientere departementet minst 14 dager i forkant ved publiseringer av
FoU-rapporter, evalueringer m.m."

Counting rule (the instruction is silent, so we chose and document it):
- The ministry is informed when the notice is *delivered* to every recipient, not when it
  is queued (informed means delivered). The delivery day is day 0. Publication is allowed
  from delivery + 14 calendar days: a notice delivered Monday 3 March allows publication on
  Monday 17 March. A notice queued but not yet delivered has not started the 14 days.
- Publication itself may happen on any day, business day or not: the rule protects the
  ministry's 14 days of notice, and a weekend publication does not shorten them.
- The notice is due ``lead_days`` (default 21) before the planned date. That is an
  "at least N days before" deadline, so it moves backwards to a business day
  (``legal_calendar.at_least_before``), never forwards.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from pliktvakt.legal_calendar import at_least_before

NOTICE_DAYS = 14  # instruks pkt. 6.1
DEFAULT_LEAD_DAYS = 21


def notice_due_date(publish_on: date, lead_days: int = DEFAULT_LEAD_DAYS) -> date:
    """The business day on which the notice to the ministry is to be sent."""
    if lead_days < NOTICE_DAYS:
        raise ValueError(
            f"varslingstiden må være minst {NOTICE_DAYS} dager (instruks pkt. 6.1), ikke {lead_days}"
        )
    return at_least_before(publish_on, lead_days)


def delivery_day(queued_on: date, last_accepted_on: date, today: date) -> date:
    """The day a notice counts as delivered: the day its last copy was accepted, on the run's
    clock, and never before the day it was queued. A run replayed at an earlier ``today``
    never counts from the wall clock's later day; a run at a later ``today`` (``--as-of`` ahead
    of the wall clock) never counts from a day before the notice existed."""
    return max(queued_on, min(today, last_accepted_on))


def earliest_publication_date(delivered_on: date) -> date:
    """The first day a publication may go out after a notice delivered on ``delivered_on``."""
    return delivered_on + timedelta(days=NOTICE_DAYS)


def is_notice_late(delivered_on: date, publish_on: date) -> bool:
    return earliest_publication_date(delivered_on) > publish_on


@dataclass(frozen=True)
class GateResult:
    publish_on: date
    delivered_on: date | None
    # Open only once a notice is delivered at least 14 days before the planned date.
    may_publish_on_planned_date: bool
    earliest_date: date
    # Not delivered yet: earliest_date assumes delivery today (a best case), and
    # planned_date_reachable says whether the planned date can still be kept.
    best_case: bool
    planned_date_reachable: bool
    reason: str  # bokmål, for the CLI and the flow's artifact


def check_gate(
    publish_on: date,
    delivered_on: date | None,
    as_of: date,
    queued_on: date | None = None,
    waiting: tuple[str, ...] = (),
) -> GateResult:
    """May the publication go out on ``publish_on``? If not, from which date?

    ``queued_on`` is the day the first notice went into the outbox; ``waiting`` names its
    copies that are not delivered yet (recipient and state), for the reason."""
    if delivered_on is not None:
        return _delivered(publish_on, delivered_on)
    return _not_delivered(publish_on, as_of, queued_on, waiting)


def _delivered(publish_on: date, delivered_on: date) -> GateResult:
    earliest = earliest_publication_date(delivered_on)
    ok = earliest <= publish_on
    if ok:
        reason = (
            f"Varselet ble levert til departementet {delivered_on.isoformat()}; publisering er tillatt "
            f"fra {earliest.isoformat()} (Instruks for IMDi, pkt. 6.1)."
        )
    else:
        reason = (
            f"Varselet ble levert til departementet {delivered_on.isoformat()}, "
            f"mindre enn {NOTICE_DAYS} dager før planlagt publisering {publish_on.isoformat()}. "
            f"Tidligste tillatte dato er {earliest.isoformat()} (Instruks for IMDi, pkt. 6.1)."
        )
    return GateResult(publish_on, delivered_on, ok, earliest, False, ok, reason)


def _not_delivered(
    publish_on: date, as_of: date, queued_on: date | None, waiting: tuple[str, ...]
) -> GateResult:
    """Closed: at best the notice is delivered today (a best case for ``earliest_date``)."""
    earliest = earliest_publication_date(as_of)
    ok = earliest <= publish_on
    if queued_on is not None:
        reason = (
            f"Varselet ble lagt i utboksen {queued_on.isoformat()}, "
            "men er ikke levert til departementet ennå, "
            f"så de {NOTICE_DAYS} dagene har ikke begynt. Venter: {', '.join(waiting) or 'ukjent'}. "
            f"Blir det levert i dag ({as_of.isoformat()}), er tidligste tillatte dato {earliest.isoformat()} "
            "(Instruks for IMDi, pkt. 6.1)."
        )
    else:
        reason = (
            f"Departementet er ikke varslet ennå. Blir varselet levert i dag ({as_of.isoformat()}), "
            f"er tidligste tillatte dato {earliest.isoformat()} (Instruks for IMDi, pkt. 6.1)."
        )
    if ok:
        reason += (
            f" Planlagt dato {publish_on.isoformat()} holder dersom varselet leveres senest "
            f"{(publish_on - timedelta(days=NOTICE_DAYS)).isoformat()}."
        )
    return GateResult(publish_on, None, False, earliest, True, ok, reason)
