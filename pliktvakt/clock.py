"""The one clock (DESIGN principle 2). Every flow and command takes ``as_of``; only
``resolve`` reads the wall clock, when ``as_of`` is not given."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")


def resolve(as_of: datetime | date | str | None = None, tz: ZoneInfo = OSLO) -> datetime:
    """``as_of`` as an aware datetime in Europe/Oslo; now if it is None.

    A bare date means 09:00 that day, Oslo time, so a replayed day sees the same
    business-day state as the morning run. A naive datetime is taken as Oslo time.
    """
    if as_of is None:
        return datetime.now(tz)
    if isinstance(as_of, str):
        as_of = datetime.fromisoformat(as_of) if "T" in as_of or " " in as_of else date.fromisoformat(as_of)
    if not isinstance(as_of, datetime):
        return datetime.combine(as_of, time(9, 0), tzinfo=tz)
    if as_of.tzinfo is None:
        return as_of.replace(tzinfo=tz)
    return as_of.astimezone(tz)
