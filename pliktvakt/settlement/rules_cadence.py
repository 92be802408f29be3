"""Kind: rules. The settlement duty's periods and its reporting cadence (instruction 2.2).

Monthly, or weekly while a large deviation holds ("Ved store avvik skal det rapporteres
hyppigere").

Monthly is the catalogue's rule: ``settlement-monthly-analysis`` recurs on the 1st. While weekly,
the same obligation also falls due every ISO week, in an occurrence with period
``weekly:YYYY-Www``, anchored on the week's Monday and due two business days later
(``store_cadence`` makes them, since the catalogue's rule is monthly).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from pliktvakt.settlement.tables import SettlementCadence

OBLIGATION = "settlement-monthly-analysis"
KEY_FIGURES_OBLIGATION = "settlement-key-figures-published"
MONTHLY, WEEKLY = "monthly", "weekly"
WEEKLY_PREFIX = "weekly:"
WEEKLY_DUE_BUSINESS_DAYS = 2


@dataclass(frozen=True)
class CadenceChange:
    row: SettlementCadence
    previous: str


def monthly_period(day: date) -> str:
    """The period of the monthly occurrences due in ``day``'s month (anchored on the 1st)."""
    return date(day.year, day.month, 1).isoformat()


def week_monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_period(day: date) -> str:
    iso = day.isocalendar()
    return f"{WEEKLY_PREFIX}{iso.year}-W{iso.week:02d}"


def report_period(day: date, weekly_period: str | None) -> str:
    return weekly_period or monthly_period(day)
