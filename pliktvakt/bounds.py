"""The bounds every value a user can type or import is checked against (issue 18).

Outside them the arithmetic of dates, decimals and database integers overflows; inside them
nothing pliktvakt computes can. Each check raises ``OutOfRange`` (a ``ValueError``) with a bokmål reason, for
the caller to place in its file, line and field.
"""

from datetime import date
from decimal import Decimal

FIRST_YEAR, LAST_YEAR = 1900, 2200
MAX_AMOUNT = Decimal(10) ** 12  # kroner
MAX_ID = 2**63 - 1  # a BIGINT on PostgreSQL, an INTEGER on SQLite
MAX_YEARS = 100  # a duration
# 100 years in each unit of a duration (legal_calendar): 365.25 days a year.
MAX_DURATION = {"d": 36525, "w": 5217, "m": 1200}
MAX_DIGITS = 30  # a count or an id longer than this is refused before int() sees it


class OutOfRange(ValueError):
    """A value of the right form outside its bounds."""


def day(value: date) -> date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise OutOfRange(f"datoen {value.isoformat()} er utenfor årene {FIRST_YEAR}–{LAST_YEAR}")
    return value


def amount(value: Decimal, text: str) -> Decimal:
    if abs(value) > MAX_AMOUNT:
        raise OutOfRange(f"«{text}» er over grensen på 1 000 000 000 000 kroner")
    return value


def identifier(text: str) -> int:
    """An id as typed: a whole number from 1 to 2^63 − 1."""
    value = text.strip()
    if not value.isdigit() or len(value) > MAX_DIGITS or not 1 <= int(value) <= MAX_ID:
        raise OutOfRange(f"«{text}» er ikke en gyldig id (et heltall fra 1 til {MAX_ID})")
    return int(value)


def whole(text: str, low: int, high: int) -> int:
    """A whole number as typed, from ``low`` to ``high``."""
    value = text.strip()
    digits = value.removeprefix("-")
    if not digits.isdigit() or len(digits) > MAX_DIGITS or not low <= int(value) <= high:
        raise OutOfRange(f"«{text}» er ikke et heltall fra {low} til {high}")
    return int(value)


def duration(amount: int, unit: str, text: str) -> None:
    if abs(amount) > MAX_DURATION[unit]:
        raise OutOfRange(f"'{text}' er lenger enn {MAX_YEARS} år")
