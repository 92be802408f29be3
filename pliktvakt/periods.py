"""An occurrence's period as a person says it: "desember 2026", "2026", "1. halvår 2026", "uke 5
2026", or for an event what it is about, "Evaluering av Jobbsjansen 2026".

The period key is internal (pliktvakt/occurrences.py): a recurring occurrence has its anchor,
an ISO date; the settlement's weekly ones ``weekly:YYYY-Www`` (settlement/rules_cadence.py); an
approval gate the report period and a digest (``2026-11-01:ab12cd``); an event
``event:YYYY-MM-DD`` with an optional reference, ``event:YYYY-MM-DD:REF``. The areas make the
references (``evaluation:SCHEME:YEAR``, ``grant-round:ID``, ``publication:ID`` …); the names
behind their ids are in ``Subjects``, which the caller reads where the domain keeps them.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from pliktvakt.bokmal import date_long, month_year
from pliktvakt.catalogue import Recurrence

ISO_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})(?::.*)?$")
ISO_WEEK = re.compile(r"^weekly:(\d{4})-W(\d{2})(?::.*)?$")
EVENT = re.compile(r"^event:(\d{4}-\d{2}-\d{2})(?::(.+))?$")
FREQ = re.compile(r"(?:^|[;:\n])FREQ=(\w+)")
MONTHLY, WEEKLY, YEARLY = "MONTHLY", "WEEKLY", "YEARLY"


@dataclass(frozen=True)
class Subjects:
    """The names behind the ids in event references; an id without a name is shown as the id."""

    schemes: Mapping[str, str] = field(default_factory=dict)  # grant scheme id -> name
    rounds: Mapping[str, str] = field(default_factory=dict)  # grant round id -> name
    publications: Mapping[str, str] = field(default_factory=dict)  # publication id -> title
    applicants: Mapping[str, str] = field(default_factory=dict)  # grant decision id -> applicant


NO_SUBJECTS = Subjects()


def period_text(period: str, recurrence: Recurrence | None = None, subjects: Subjects = NO_SUBJECTS) -> str:
    """The period key ``period`` as a person says it. ``recurrence`` (the obligation's) tells
    a monthly anchor from a yearly one; without it an anchor is shown as its date."""
    if match := EVENT.match(period):
        day, ref = date.fromisoformat(match.group(1)), match.group(2)
        about = subject_text(ref, subjects) if ref else None
        return about or (f"{date_long(day)} ({ref})" if ref else date_long(day))
    if match := ISO_WEEK.match(period):
        return f"uke {int(match.group(2))} {match.group(1)}"
    if match := ISO_DAY.match(period):
        return anchor_text(date.fromisoformat(match.group(1)), recurrence)
    return period


def anchor_text(anchor: date, recurrence: Recurrence | None) -> str:
    """A recurring period by its anchor: the month of a monthly rule, the year of a yearly one
    anchored on its first or last day, the half-year of one anchored on 30 June or 1 July."""
    frequency = _frequency(recurrence)
    if frequency == MONTHLY:
        return month_year(anchor.year, anchor.month)
    if frequency == WEEKLY:
        return f"uke {anchor.isocalendar().week} {anchor.isocalendar().year}"
    if frequency == YEARLY:
        if (anchor.month, anchor.day) in ((1, 1), (12, 31)):
            return str(anchor.year)
        if (anchor.month, anchor.day) == (6, 30):
            return f"1. halvår {anchor.year}"
        if (anchor.month, anchor.day) == (7, 1):
            return f"2. halvår {anchor.year}"
    return date_long(anchor)


def _frequency(recurrence: Recurrence | None) -> str | None:
    """MONTHLY, WEEKLY or YEARLY for a rule that repeats so; yearly also for ``dates`` given as
    MM-DD (each a day every year); None for one-off dates or no recurrence."""
    if recurrence is None:
        return None
    if recurrence.rrule:
        found = FREQ.search(recurrence.rrule.upper())
        return found.group(1) if found else None
    if recurrence.dates and all(len(value) == 5 for value in recurrence.dates):
        return YEARLY
    return None


def subject_text(ref: str, subjects: Subjects = NO_SUBJECTS) -> str | None:
    """What an event reference made by an area is about, named where the domain knows the
    name; None for another reference (one given by hand to `pliktvakt trigger --ref`)."""
    kind, _, rest = ref.partition(":")
    if kind == "evaluation" and rest.count(":") == 1:
        scheme, year = rest.split(":")
        return f"Evaluering av {subjects.schemes.get(scheme, scheme)} {year}"
    if kind == "grant-round":
        round_id, _, scheme = rest.partition(":")
        text = f"tilskuddsrunde {subjects.rounds.get(round_id, round_id)}"
        return f"{text}, {subjects.schemes.get(scheme, scheme)}" if scheme else text
    if kind == "publication":
        title = subjects.publications.get(rest)
        return f"publikasjonen «{title}»" if title else f"publikasjon {rest}"
    if kind == "grant-decision" or ref.startswith("grant-decision/"):
        decision = rest or ref.partition("/")[2]
        applicant = subjects.applicants.get(decision)
        return f"tilskuddsvedtak {decision}" + (f" ({applicant})" if applicant else "")
    if kind == "grant-sanction":
        return f"sanksjon {rest} i tilskuddssak"
    if kind == "grant-appeal":
        return f"klage {rest} på tilskuddsvedtak"
    return None
