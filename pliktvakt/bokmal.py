"""Bokmål formatting, the one place for it: dates, months, kroner, numbers and percentages.

Built on Babel's nb_NO locale, so month and weekday names are CLDR's, not tables of our own.
Grouping uses a non-breaking space and negative numbers the minus sign (U+2212), as in print.
"""

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from babel.dates import format_date as _format_date
from babel.dates import get_month_names
from babel.numbers import format_decimal

LOCALE = "nb_NO"
NBSP = "\u00a0"
MINUS = "\u2212"
MISSING = "–"  # shown for a figure that is not there
_MONTHS = get_month_names("wide", locale=LOCALE)
# Babel takes 20-40 µs a call, and a run formats the same few dates and amounts thousands of
# times (every alert of the watch, every letter of a round): each formatter keeps its answers.
_cached = lru_cache(maxsize=8192)


def month_name(month: int) -> str:
    """3 -> 'mars'."""
    return _MONTHS[month]


def month_abbr(month: int) -> str:
    """3 -> 'mar': three letters, for chart axes."""
    return _MONTHS[month][:3]


def month_year(year: int, month: int) -> str:
    """(2026, 3) -> 'mars 2026'."""
    return f"{month_name(month)} {year}"


@_cached
def date_long(day: date) -> str:
    """2025-04-22 -> '22. april 2025'."""
    return _format_date(day, "d. MMMM y", locale=LOCALE)


@_cached
def date_with_weekday(day: date) -> str:
    """2025-03-14 -> 'fredag 14. mars 2025'."""
    return _format_date(day, "EEEE d. MMMM y", locale=LOCALE)


@_cached
def date_short(day: date) -> str:
    """2025-03-14 -> '14.03.2025'."""
    return _format_date(day, "dd.MM.y", locale=LOCALE)


def datetime_short(moment: datetime) -> str:
    """16.03.2026 kl. 09:00, in the datetime's own timezone."""
    return f"{date_short(moment.date())} kl. {moment:%H:%M}"


@_cached
def kroner(amount: Decimal | int) -> str:
    """150000 -> '150 000 kr'; 1234.5 -> '1 234,50 kr' (non-breaking spaces)."""
    amount = Decimal(amount)
    pattern = "#,##0" if amount == amount.to_integral_value() else "#,##0.00"
    return f"{_signed(format_decimal(amount, pattern, locale=LOCALE))}{NBSP}kr"


@_cached
def number(value: float | int | None) -> str:
    """1234567.4 -> '1 234 567'; None -> '–'. Rounds half to even, like round()."""
    if value is None:
        return MISSING
    return _signed(format_decimal(round(value), "#,##0", locale=LOCALE))


@_cached
def percent(value: float | None, signed: bool = False) -> str:
    """0.699 -> '69,9 %'; with ``signed``, 0.05 -> '+5,0 %'. None -> '–'."""
    if value is None:
        return MISSING
    text = _signed(format_decimal(value * 100, "0.0", locale=LOCALE))
    if signed and not text.startswith(MINUS):
        text = "+" + text
    return f"{text}{NBSP}%"


def duration(seconds: int) -> str:
    """4 -> '4 sekunder', 180 -> '3 minutter', 28800 -> '8 timer' (rounded to the unit)."""
    if seconds < 60:
        return f"{seconds} sekunder"
    if seconds < 3600:
        return f"{round(seconds / 60)} minutter"
    return f"{number(seconds / 3600)} timer"


def points(value: float) -> str:
    """Percentage points from a difference of shares: 0.152 -> '15,2 prosentpoeng'."""
    return f"{_signed(format_decimal(value * 100, '0.0', locale=LOCALE))} prosentpoeng"


def _signed(text: str) -> str:
    return text.replace("-", MINUS)
