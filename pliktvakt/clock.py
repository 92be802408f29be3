"""The one clock (DESIGN principle 2) and the one timezone.

Deadlines under Norwegian law run in Norwegian time, so pliktvakt has one timezone, not a
setting: ``OSLO``, which every module imports from here.

Every flow and command takes ``as_of``; only ``resolve`` reads the wall clock, when
``as_of`` is not given. Naive datetimes get a zone in two documented places only, and are
refused everywhere else (``legal_calendar.local_date`` raises on them):

- ``resolve``, the edge where a time comes in: the command line's text, and the naive
  datetimes Prefect makes of a run form's or a parameter's text, are Oslo wall-clock time.
- ``stored``, for times read back from the database: they are stored in UTC
  (``pliktvakt.tables``), and SQLite and PostgreSQL ``timestamp`` columns return them naive.
"""

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from pliktvakt import bounds

OSLO = ZoneInfo("Europe/Oslo")
# A replayed day (a bare date) is seen at this Oslo time, as the morning runs see it.
MORNING = time(9, 0)


def parse(text: str) -> date | datetime:
    """``ÅÅÅÅ-MM-DD`` as a date; ``ÅÅÅÅ-MM-DDTTT:MM`` (seconds and offset optional) as an
    aware datetime in Oslo time. Raises ``ValueError`` with a bokmål message."""
    value = text.strip()
    try:
        if "T" in value or " " in value:
            moment = datetime.fromisoformat(value)
            bounds.day(moment.date())
            return _in_oslo(moment)
        return bounds.day(date.fromisoformat(value))
    except bounds.OutOfRange as exc:
        raise ValueError(f"«{text}»: {exc}") from None
    except ValueError:
        raise ValueError(
            f"«{text}» er ikke en dato (ÅÅÅÅ-MM-DD) eller et tidspunkt (ÅÅÅÅ-MM-DDTTT:MM)"
        ) from None


def parse_day(text: str) -> date:
    """``ÅÅÅÅ-MM-DD`` from 1900 to 2200. Raises ``ValueError`` with a bokmål message."""
    try:
        return bounds.day(date.fromisoformat(text.strip()))
    except bounds.OutOfRange as exc:
        raise ValueError(f"«{text}»: {exc}") from None
    except ValueError:
        raise ValueError(f"«{text}» er ikke en dato på formen ÅÅÅÅ-MM-DD") from None


def resolve(as_of: datetime | date | str | None = None) -> datetime:
    """``as_of`` as an aware datetime in Oslo time; now if it is None.

    A bare date means 09:00 that day, Oslo time, so a replayed day sees the same
    business-day state as the morning run. A naive datetime is Oslo wall-clock time.
    """
    if as_of is None:
        return datetime.now(OSLO)
    if isinstance(as_of, str):
        as_of = parse(as_of)
    if not isinstance(as_of, datetime):
        return datetime.combine(as_of, MORNING, tzinfo=OSLO)
    return _in_oslo(as_of)


def stored(moment: datetime) -> datetime:
    """A time read back from the database, aware: a naive one is UTC, as it was stored."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def _in_oslo(moment: datetime) -> datetime:
    return moment.replace(tzinfo=OSLO) if moment.tzinfo is None else moment.astimezone(OSLO)
