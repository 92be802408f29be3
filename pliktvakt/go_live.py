"""The go-live date: the day pliktvakt took over the watch.

Occurrences due before it are kept and shown as "før pliktvakt", but never alerted or
escalated: they are duties from before pliktvakt existed. ``PLIKTVAKT_GO_LIVE`` sets the
date; otherwise it is the day of the first ``pliktvakt init``, stored in the database.
"""

from datetime import date

from sqlmodel import Session

from pliktvakt import audit
from pliktvakt.settings import get_settings
from pliktvakt.tables import STATE_NAMES, Installation, OccurrenceState

BEFORE_GO_LIVE = STATE_NAMES[OccurrenceState.BEFORE_GO_LIVE]


def record_first_init(session: Session, today: date, actor: str = "pliktvakt") -> date:
    """Store ``today`` as the go-live date unless one is stored already; the stored date."""
    row = session.get(Installation, 1)
    if row is None:
        row = Installation(go_live=today)
        session.add(row)
        session.flush()
        audit.append(session, actor, "installation.go_live", "installation", {"go_live": today})
    return row.go_live


def go_live_date(session: Session) -> date | None:
    """``PLIKTVAKT_GO_LIVE`` if set, else the day of the first init; None before any init."""
    configured = get_settings().go_live
    if configured is not None:
        return configured
    row = session.get(Installation, 1)
    return row.go_live if row else None
