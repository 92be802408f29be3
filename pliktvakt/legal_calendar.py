"""The Norwegian legal calendar: business days and statutory deadlines.

Pure functions on ``datetime.date``. Dates carry no time of day, so daylight saving
time can never shift them; callers convert instants to Oslo dates first (``local_date``).
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta

from pliktvakt import bounds
from pliktvakt.clock import OSLO

_DURATION = re.compile(r"^\s*([+-]?\d+)\s*([dwm])\s*$")
_UNIT_NAMES = {"d": ("dag", "dager"), "w": ("uke", "uker"), "m": ("måned", "måneder")}


class DurationError(ValueError):
    """A duration string that is not of the form 10d, 3w or 1m, or longer than 100 years."""


@dataclass(frozen=True)
class Duration:
    amount: int
    unit: str  # "d", "w" or "m"

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"


def parse_duration(text: str) -> Duration:
    match = _DURATION.match(str(text))
    if not match:
        raise DurationError(f"'{text}' er ikke en gyldig frist: bruk f.eks. 10d, 3w eller 1m")
    digits, unit = match.group(1), match.group(2)
    amount = int(digits) if len(digits) <= bounds.MAX_DIGITS else bounds.MAX_ID
    try:
        bounds.duration(amount, unit, text)
    except ValueError as exc:
        raise DurationError(str(exc)) from None
    return Duration(amount, unit)


@lru_cache(maxsize=64)
def _holidays_for(year: int) -> holidays.HolidayBase:
    # Official public holidays only; Sundays are handled as weekend days.
    return holidays.country_holidays("NO", years=year, language="no")


def holiday_name(day: date) -> str | None:
    return _holidays_for(day.year).get(day)


@lru_cache(maxsize=8192)  # a holidays lookup is ~5 µs; a year's record counts days 40,000 times
def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and holiday_name(day) is None


def next_business_day(day: date) -> date:
    """The day itself if it is a business day, otherwise the next one (domstolloven § 149)."""
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def previous_business_day(day: date) -> date:
    """The day itself if it is a business day, otherwise the one before."""
    while not is_business_day(day):
        day -= timedelta(days=1)
    return day


def add_business_days(day: date, count: int) -> date:
    """Count ``count`` business days from ``day`` (negative counts go backwards)."""
    step = 1 if count >= 0 else -1
    remaining = abs(count)
    while remaining:
        day += timedelta(days=step)
        if is_business_day(day):
            remaining -= 1
    return day


def business_days_between(start: date, end: date) -> int:
    """Business days after ``start`` up to and including ``end``; negative if end < start."""
    if end < start:
        return -business_days_between(end, start)
    return sum(1 for n in range(1, (end - start).days + 1) if is_business_day(start + timedelta(days=n)))


def add_calendar(day: date, duration: Duration) -> date:
    """Add days, weeks or months by domstolloven § 148.

    Weeks end on the day with the same name; months on the day with the same number,
    or on the month's last day where it has no such day (31 Jan + 1m = 28/29 Feb).
    """
    if duration.unit == "d":
        return day + timedelta(days=duration.amount)
    if duration.unit == "w":
        return day + timedelta(weeks=duration.amount)
    return day + relativedelta(months=duration.amount)


@dataclass(frozen=True)
class Deadline:
    start: date
    duration: str
    raw: date  # before any roll
    due: date
    rule: str  # which rules were applied, in bokmål


def statutory_deadline(start: date, duration: str, business_days: bool = False) -> Deadline:
    """A statutory deadline counted from ``start`` (e.g. forvaltningsloven § 29: 3w).

    Calendar deadlines follow domstolloven § 148 and, ending on a non-business day,
    move forwards to the next business day (§ 149). A negative duration ("at least 14
    days before") moves backwards instead, never forwards. Business-day deadlines count
    business days only.
    """
    parsed = parse_duration(duration)
    backwards = parsed.amount < 0
    if business_days:
        if parsed.unit != "d":
            raise DurationError(f"'{duration}': virkedager må angis i dager, f.eks. 10d")
        due = add_business_days(start, parsed.amount)
        direction = "før" if backwards else "fra"
        return Deadline(
            start, duration, due, due, f"{abs(parsed.amount)} virkedager {direction} {start.isoformat()}"
        )
    raw = add_calendar(start, parsed)
    unit = _UNIT_NAMES[parsed.unit][abs(parsed.amount) != 1]
    if backwards:
        due, direction = previous_business_day(raw), "før"
        moved = "flyttet bakover til forrige virkedag (en frist «minst N dager før» flyttes aldri fremover)"
    else:
        due, direction = next_business_day(raw), "fra"
        moved = "flyttet til neste virkedag (domstolloven § 149)"
    rule = f"{abs(parsed.amount)} {unit} {direction} {start.isoformat()} (domstolloven § 148)"
    if due != raw:
        rule += f"; {raw.isoformat()} er {_non_business_reason(raw)}, {moved}"
    return Deadline(start, duration, raw, due, rule)


def _non_business_reason(day: date) -> str:
    return holiday_name(day) or ("lørdag" if day.weekday() == 5 else "søndag")


# «Straks» (instruksen pkt. 3.1): known at or before this time of a business day, the
# same day; later, the next business day.
STRAKS_CUTOFF = time(15, 0)


def straks(day: date, at: time | None = None) -> date:
    """The deadline of a duty owed «straks» from an event recorded on ``day`` at ``at`` (Oslo time).

    The same business day; the next business day when recorded after 15:00 or on a day that
    is not a business day. Without a time of day the earlier (safe) answer is given.
    """
    if not is_business_day(day):
        return next_business_day(day)
    if at is not None and at > STRAKS_CUTOFF:
        return add_business_days(day, 1)
    return day


def at_least_before(event_day: date, days: int) -> date:
    """The latest business day that is at least ``days`` days before ``event_day``.

    "Minst N dager i forkant" can only move backwards, never forwards.
    """
    return previous_business_day(event_day - timedelta(days=days))


def local_date(moment: datetime) -> date:
    """The Oslo calendar date of an instant. A naive datetime is refused: it gets its zone
    where it comes in (``clock.resolve``, or ``clock.stored`` for a time from the database)."""
    if moment.tzinfo is None:
        raise ValueError(
            f"naive datetime {moment.isoformat()}: give it a zone with clock.resolve or clock.stored"
        )
    return moment.astimezone(OSLO).date()
