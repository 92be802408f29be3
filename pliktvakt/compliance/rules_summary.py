"""Rules of the monthly compliance summary to management, pure: when it is due, and its key.

The director answers for sound internal control (instruks pkt. 4.1). Level-triggered: the flow
runs every weekday, and the summary of a month is due from the month's first business day
(``summary_due``); its outbox key names the month, so it is sent once however often the flow
runs, and the first run after downtime sends it.

It covers the year of the last complete month, up to the run: in January the whole of the
previous year (the final record of that year), from February the current year to date.
"""

from dataclasses import dataclass
from datetime import date

from pliktvakt.compliance.rules import MonthShare, Record, monthly_shares
from pliktvakt.legal_calendar import next_business_day
from pliktvakt.notify import Key, Message

DUTY = "compliance"
ROLE = "ledelse"
ARTIFACT = "compliance-summary"


def first_business_day(year: int, month: int) -> date:
    return next_business_day(date(year, month, 1))


def summary_due(today: date) -> bool:
    """Whether this month's summary is due: on or after the month's first business day."""
    return today >= first_business_day(today.year, today.month)


def covered_year(today: date) -> int:
    """The year of the last complete month: January reports the year before."""
    return today.year - 1 if today.month == 1 else today.year


def summary_key(today: date) -> Key:
    return Key(DUTY, f"{today:%Y-%m}", "monthly-summary")


@dataclass(frozen=True)
class SummaryPlan:
    due: bool
    key: Key
    message: Message


def plan_summary(today: date, message: Message) -> SummaryPlan:
    """The month's summary (``texts.summary_message``): whether it is due today, and its key."""
    return SummaryPlan(summary_due(today), summary_key(today), message)


def shares_by_month(record: Record, today: date) -> list[MonthShare]:
    return monthly_shares(record.rows, record.year, today)
