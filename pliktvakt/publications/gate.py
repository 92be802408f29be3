"""The 14-day gate of instruks pkt. 6.1.

"IMDi skal også orientere departementet minst 14 dager i forkant ved publiseringer av
FoU-rapporter, evalueringer m.m."

Counting rule (the instruction is silent, so we chose and document it):
- The day the notice is sent is day 0. Publication is allowed from notice + 14 calendar
  days: a notice sent Monday 3 March allows publication on Monday 17 March.
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
        raise ValueError(f"varslingstiden må være minst {NOTICE_DAYS} dager (instruks pkt. 6.1), ikke {lead_days}")
    return at_least_before(publish_on, lead_days)


def earliest_publication_date(notice_sent_on: date) -> date:
    """The first day a publication may go out after a notice sent on ``notice_sent_on``."""
    return notice_sent_on + timedelta(days=NOTICE_DAYS)


def is_notice_late(notice_sent_on: date, publish_on: date) -> bool:
    return earliest_publication_date(notice_sent_on) > publish_on


@dataclass(frozen=True)
class GateResult:
    publish_on: date
    notice_sent_on: date | None
    # Open only once a notice is sent at least 14 days before the planned date.
    may_publish_on_planned_date: bool
    earliest_date: date
    # No notice yet: earliest_date assumes the notice goes today (a best case), and
    # planned_date_reachable says whether the planned date can still be kept.
    best_case: bool
    planned_date_reachable: bool
    reason: str  # bokmål, for the CLI and the flow's artifact


def check_gate(publish_on: date, notice_sent_on: date | None, as_of: date) -> GateResult:
    """May the publication go out on ``publish_on``? If not, from which date?"""
    if notice_sent_on is not None:
        earliest = earliest_publication_date(notice_sent_on)
        ok = earliest <= publish_on
        if ok:
            reason = (
                f"Departementet ble varslet {notice_sent_on.isoformat()}; publisering er tillatt "
                f"fra {earliest.isoformat()} (Instruks for IMDi, pkt. 6.1)."
            )
        else:
            reason = (
                f"Departementet ble varslet {notice_sent_on.isoformat()}, mindre enn {NOTICE_DAYS} dager før "
                f"planlagt publisering {publish_on.isoformat()}. Tidligste tillatte dato er "
                f"{earliest.isoformat()} (Instruks for IMDi, pkt. 6.1)."
            )
        return GateResult(publish_on, notice_sent_on, ok, earliest, False, ok, reason)

    earliest = earliest_publication_date(as_of)
    ok = earliest <= publish_on
    reason = (
        f"Departementet er ikke varslet ennå. Blir varselet sendt i dag ({as_of.isoformat()}), "
        f"er tidligste tillatte dato {earliest.isoformat()} (Instruks for IMDi, pkt. 6.1)."
    )
    if ok:
        reason += f" Planlagt dato {publish_on.isoformat()} holder dersom varselet sendes senest {(publish_on - timedelta(days=NOTICE_DAYS)).isoformat()}."
    return GateResult(publish_on, None, False, earliest, True, ok, reason)
