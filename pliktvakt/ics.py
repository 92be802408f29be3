"""RFC 5545 feed of occurrences, so officers can see deadlines in their own calendar."""

from datetime import date, timedelta

from icalendar import Alarm, Calendar, Event

from pliktvakt.catalogue import UNCONFIRMED, Catalogue
from pliktvakt.legal_calendar import add_business_days
from pliktvakt.periods import period_text
from pliktvakt.tables import Occurrence


def occurrence_uid(occurrence: Occurrence) -> str:
    """Stable across runs and databases: built from the obligation and period, not the row id."""
    return f"{occurrence.obligation_id}--{occurrence.period.replace(':', '-')}@pliktvakt.imdi.no"


def build_feed(occurrences: list[Occurrence], catalogue: Catalogue, stamp: date, public_url: str) -> bytes:
    """The feed; each event links to the duty's page on the desk at ``public_url``. The link is
    not signed: a calendar file is shared and kept, so the desk asks whoever opens it to sign in."""
    calendar = Calendar()
    calendar.add("prodid", "-//IMDi//pliktvakt//NO")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Pliktvakt – frister etter instruksen")
    for occurrence in occurrences:
        obligation = catalogue.obligations.get(occurrence.obligation_id)
        if obligation is not None:
            calendar.add_component(_event(occurrence, obligation, stamp, public_url))
    return calendar.to_ical()


def _event(occurrence: Occurrence, obligation, stamp: date, public_url: str) -> Event:
    page = f"{public_url.rstrip('/')}/plikt/{occurrence.id}"
    event = Event()
    event.add("uid", occurrence_uid(occurrence))
    event.add("dtstamp", stamp)
    event.add("dtstart", occurrence.due)
    event.add("dtend", occurrence.due + timedelta(days=1))
    unconfirmed = obligation.unconfirmed
    event.add(
        "summary",
        f"Frist ({UNCONFIRMED}): {obligation.title}" if unconfirmed else f"Frist: {obligation.title}",
    )
    event.add(
        "description",
        (
            (f"{UNCONFIRMED[0].upper()}{UNCONFIRMED[1:]}: {unconfirmed}\n" if unconfirmed else "")
            + f"Hjemmel: instruksen {obligation.clause.reference}: {obligation.clause.text}\n"
            f"Periode: {period_text(occurrence.period, obligation.recurrence)}\n"
            f"Åpne plikten i pliktvakt: {page}"
        ),
    )
    event.add("url", page)
    event.add("categories", [obligation.clause.reference])
    for days_before in obligation.reminders.before:
        reminder_day = add_business_days(occurrence.due, -days_before)
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{days_before} virkedager til frist: {obligation.title}")
        alarm.add("trigger", -(occurrence.due - reminder_day) + timedelta(hours=9))  # at 09:00 that day
        event.add_component(alarm)
    return event
