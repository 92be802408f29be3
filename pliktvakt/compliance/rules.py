"""Rules of the compliance record, pure: the record of one year, built from stored state (pkt. 4.1, 4.2).

One row per occurrence whose due date falls in the year (every occurrence has a due date:
the column is required, so no other date is ever used to place it in a year). Each row
carries its clause, its state as of ``as_of``, who completed it on what evidence, the
receipts of the messages sent for it (notices to the ministry included) and the audit
entries that touched it. An audit entry touches an occurrence when its subject is the
occurrence's (``obligation/period``: created, triggered, completed, withdrawn, marked late,
reopened), the key of a message tied to it (queued, sent, failed), or a batch entry that
names it (``occurrences.triggered``: the registrations an import opens).

Reading is a handful of bulk queries (``store.read``); everything here is pure (``build``), so
the rules can be tested without a database.

Share on time = done on time / (done on time + done late + overdue). Withdrawn occurrences,
open ones not yet due and open ones due before pliktvakt went live are not counted: they
were not (yet) owed, or not pliktvakt's to watch.
"""

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property, lru_cache
from importlib.metadata import PackageNotFoundError, version
from typing import NamedTuple

from pliktvakt import audit
from pliktvakt.catalogue import section_reference
from pliktvakt.clock import OSLO
from pliktvakt.legal_calendar import business_days_between
from pliktvakt.occurrences import BATCH_TRIGGERED, batch_members
from pliktvakt.tables import STATE_NAMES, OccurrenceState, OutboxStatus, derive_state
from pliktvakt.tabular import bulk
from pliktvakt.texts_status import section_order

FIRST_YEAR = 2024  # the instruction applies from 1 January 2024

# The record tells done apart as on time or late, and counts one due today as open.
ON_TIME, LATE, OPEN, OVERDUE, WITHDRAWN, EARLY = (
    OccurrenceState.ON_TIME,
    OccurrenceState.LATE,
    OccurrenceState.OPEN,
    OccurrenceState.OVERDUE,
    OccurrenceState.WITHDRAWN,
    OccurrenceState.BEFORE_GO_LIVE,
)
STATES = (ON_TIME, LATE, OVERDUE, OPEN, WITHDRAWN, EARLY)
STILL_OPEN = (OVERDUE, OPEN, EARLY)
SHARE_DEFINITION = (
    "Andel i tide = fullført i tide / (fullført i tide + fullført for sent + over fristen). "
    "Trukket tilbake, åpne som ikke har forfalt og åpne med frist før pliktvakt ble tatt i bruk "
    "telles ikke med."
)
DATE_BASIS = "Året gjelder forekomster med frist i året; alle forekomster har en frist."


class ReportError(ValueError):
    """A request for a record that cannot be made (unknown section, year out of range); bokmål."""


# --- what is read ---------------------------------------------------------------------------
# The many small values of a year (an occurrence, a message, a receipt line, an audit line;
# some 110,000 at 20,000 occurrences) are named tuples, as immutable as frozen dataclasses and
# made in a quarter of the time (issue 31).


@dataclass(frozen=True)
class ObligationInfo:
    id: str
    title: str
    section: str
    heading: str | None
    text: str  # the clause's sentence

    @cached_property  # read for every row of every format
    def reference(self) -> str:
        return section_reference(self.section)


class StoredOccurrence(NamedTuple):
    id: int
    obligation_id: str
    period: str
    due: date
    status: str
    late: bool
    completed_at: datetime | None  # aware, UTC
    completed_by: str | None
    evidence: str | None

    @property
    def subject(self) -> str:
        return f"{self.obligation_id}/{self.period}"  # as Occurrence.subject names it in the audit log


class StoredMessage(NamedTuple):
    occurrence_id: int
    key: str
    recipient: str
    channel: str
    to_ministry: bool  # notify_ministry writes no officer
    status: str
    receipt: str | None
    sent_at: datetime | None  # aware, UTC


StoredAudit = audit.Entry  # seq, at (aware, UTC), actor, action, subject, details


@dataclass
class Stored:
    """Everything the record is built from, as read."""

    occurrences: list[StoredOccurrence]
    messages: list[StoredMessage]
    audit: list[StoredAudit]
    obligations: dict[str, ObligationInfo]
    chain_problems: list[str]
    go_live: date | None = None


# --- what is built --------------------------------------------------------------------------


class ReceiptLine(NamedTuple):
    recipient: str
    channel: str
    to_ministry: bool
    delivered: bool
    receipt: str | None
    sent_at: datetime | None  # Oslo

    @property
    def text(self) -> str:
        who = f"departementet ({self.recipient})" if self.to_ministry else self.recipient
        # Not delivered but with a receipt: held for a digest ("samlet i <the digest's key>").
        shown = self.receipt if self.delivered or self.receipt else "ikke levert"
        return f"{who}, {self.channel}: {shown}"


class AuditLine(NamedTuple):
    seq: int
    at: datetime  # Oslo
    actor: str
    action: str

    @property
    def text(self) -> str:
        return f"#{self.seq} {_minute(self.at)} {self.action} ({self.actor})"


@lru_cache(maxsize=65536)  # the entries written together share their minute
def _minute(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"


@dataclass(frozen=True)
class Row:
    occurrence_id: int
    obligation: ObligationInfo
    period: str
    due: date
    state: str
    days: int | None  # business days late or overdue
    reason: str | None  # why withdrawn, or why marked late
    completed_by: str | None
    completed_at: datetime | None  # Oslo
    evidence: str | None
    receipts: tuple[ReceiptLine, ...] = ()
    audit: tuple[AuditLine, ...] = ()

    @property
    def state_text(self) -> str:
        return state_text(self.state, self.days, self.reason)


@dataclass(frozen=True)
class SectionSummary:
    section: str
    reference: str
    counts: dict[str, int]
    share_on_time: float | None

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class MonthShare:
    month: int
    counted: int
    share_on_time: float | None


@dataclass
class Record:
    year: int
    as_of: datetime  # Oslo: "now" for the record, and when it was made
    rows: list[Row]
    sections: list[SectionSummary]
    chain_problems: list[str]  # empty: the audit log is intact
    section: str | None = None
    obligation: str | None = None
    version: str = "ukjent"
    go_live: date | None = None
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def chain_intact(self) -> bool:
        return not self.chain_problems

    @property
    def still_open(self) -> list[Row]:
        return [row for row in self.rows if row.state in STILL_OPEN]

    @property
    def share_on_time(self) -> float | None:
        return share_on_time(self.totals)

    @property
    def period(self) -> tuple[date, date]:
        return date(self.year, 1, 1), date(self.year, 12, 31)


# --- the rules ------------------------------------------------------------------------------


@lru_cache(maxsize=65536)  # a year has few distinct (due, day) pairs and many rows
def _business_days_after(due: date, day: date) -> int:
    return business_days_between(due, day)


def late_by(due: date, done_on: date) -> int:
    """Business days after ``due`` up to and including ``done_on``; at least 1 once the day
    has passed (done on the Saturday after a Friday deadline is one business day late)."""
    return max(1, _business_days_after(due, done_on))


def state_of(
    occurrence: StoredOccurrence, today: date, now: datetime, go_live: date | None
) -> tuple[str, int | None]:
    """(state, business days late or overdue) as of ``now``. A completion after ``now`` had
    not happened yet, so a record as of an earlier day shows the occurrence open."""
    state = derive_state(occurrence.status, occurrence.due, occurrence.completed_at, today, go_live, now)
    if state == OccurrenceState.DONE:
        done_on = occurrence.completed_at.astimezone(OSLO).date()
        if done_on > occurrence.due:
            return LATE, late_by(occurrence.due, done_on)
        return (LATE, 0) if occurrence.late else (ON_TIME, None)
    if state == OVERDUE:
        return OVERDUE, late_by(occurrence.due, today)
    return (OPEN if state == OccurrenceState.DUE else state), None


def state_text(state: str, days: int | None, reason: str | None = None) -> str:
    """The state as a reader of the record reads it, in bokmål."""
    text = STATE_NAMES[state]
    if state in (LATE, OVERDUE) and days:
        text += f" ({days} {'virkedag' if days == 1 else 'virkedager'})"
    if reason and state in (WITHDRAWN, LATE):
        text += f": {reason}"
    return text


def owed(counts: dict[str, int]) -> int:
    """The occurrences the share on time is counted over: done, or past their due date."""
    return counts.get(ON_TIME, 0) + counts.get(LATE, 0) + counts.get(OVERDUE, 0)


def share_on_time(counts: dict[str, int]) -> float | None:
    counted = owed(counts)
    return counts.get(ON_TIME, 0) / counted if counted else None


def summarise(rows: Iterable[Row]) -> list[SectionSummary]:
    """Counts per state and share on time, per section of the instruction, in section order."""
    by_section: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATES, 0))
    references: dict[str, str] = {}
    for row in rows:
        by_section[row.obligation.section][row.state] += 1
        references[row.obligation.section] = row.obligation.reference
    return [
        SectionSummary(section, references[section], counts, share_on_time(counts))
        for section, counts in sorted(by_section.items(), key=lambda item: section_order(item[0]))
    ]


def totals(rows: Iterable[Row]) -> dict[str, int]:
    counts = dict.fromkeys(STATES, 0)
    for row in rows:
        counts[row.state] += 1
    return counts


def monthly_shares(rows: Iterable[Row], year: int, today: date) -> list[MonthShare]:
    """Share on time per month of the due date, for the months of ``year`` begun by ``today``."""
    last = 12 if today.year > year else today.month if today.year == year else 0
    counts = {month: dict.fromkeys(STATES, 0) for month in range(1, last + 1)}
    for row in rows:
        if row.due.month in counts:
            counts[row.due.month][row.state] += 1
    return [MonthShare(month, owed(c), share_on_time(c)) for month, c in counts.items()]


def worst_overdue(rows: Iterable[Row], limit: int = 10) -> list[Row]:
    """The open occurrences longest past their deadline, longest first."""
    overdue = [row for row in rows if row.state == OVERDUE]
    return sorted(overdue, key=lambda row: (-(row.days or 0), row.due, row.occurrence_id))[:limit]


def _detail(details: str, name: str) -> str | None:
    """One field of an entry's canonical JSON; None if absent or unreadable (a tampered row
    must not stop the record: ``audit.verify`` reports it)."""
    try:
        value = json.loads(details).get(name)
    except (ValueError, AttributeError):
        return None
    return None if value is None else str(value)


def _oslo(moment: datetime | None) -> datetime | None:
    return None if moment is None else _in_oslo(moment)


@lru_cache(maxsize=65536)  # many entries and receipts share their second
def _in_oslo(moment: datetime) -> datetime:
    return moment.astimezone(OSLO)


# Reading and building run under ``tabular.bulk()`` (the cyclic collector paused): a year
# makes some 300,000 small objects that all stay alive and hold no cycles, and the collector
# passing over them again and again was two thirds of ``build`` (bench/compliance_bench.py).
@bulk()
def build(
    data: Stored,
    year: int,
    as_of: datetime,
    section: str | None = None,
    obligation: str | None = None,
    software_version: str | None = None,
) -> Record:
    """The record from what was read: pure, so every rule is testable without a database."""
    today = as_of.astimezone(OSLO).date()
    messages_of: dict[int, list[StoredMessage]] = defaultdict(list)
    occurrence_of_key: dict[str, int] = {}
    for message in data.messages:
        messages_of[message.occurrence_id].append(message)
        occurrence_of_key[message.key] = message.occurrence_id
    occurrence_of_subject = {o.subject: o.id for o in data.occurrences}
    entries_of: dict[int, list[StoredAudit]] = defaultdict(list)
    in_record = set(occurrence_of_subject.values())
    for entry in data.audit:
        if entry.action == BATCH_TRIGGERED:
            for target in in_record.intersection(batch_members(entry.details)):
                entries_of[target].append(entry)
            continue
        target = occurrence_of_subject.get(entry.subject) or occurrence_of_key.get(entry.subject)
        if target is not None:
            entries_of[target].append(entry)
    rows = [
        _row(o, data, messages_of.get(o.id, []), entries_of.get(o.id, []), today, as_of)
        for o in sorted(data.occurrences, key=lambda o: (o.due, o.obligation_id, o.id))
    ]
    return Record(
        year=year,
        as_of=as_of.astimezone(OSLO),
        rows=rows,
        sections=summarise(rows),
        chain_problems=list(data.chain_problems),
        section=section,
        obligation=obligation,
        version=software_version or pliktvakt_version(),
        go_live=data.go_live,
        totals=totals(rows),
    )


def _row(
    occurrence: StoredOccurrence,
    data: Stored,
    messages: list[StoredMessage],
    entries: list[StoredAudit],
    today: date,
    now: datetime,
) -> Row:
    state, days = state_of(occurrence, today, now, data.go_live)
    reason = None
    wanted = {WITHDRAWN: "occurrence.withdrawn", LATE: "occurrence.marked_late"}.get(state)
    for entry in entries:
        if entry.action == wanted:
            reason = _detail(entry.details, "reason") or reason
    completed = state in (ON_TIME, LATE)
    return Row(
        occurrence_id=occurrence.id,
        obligation=data.obligations.get(occurrence.obligation_id)
        or ObligationInfo(occurrence.obligation_id, occurrence.obligation_id, "?", None, ""),
        period=occurrence.period,
        due=occurrence.due,
        state=state,
        days=days,
        reason=reason,
        completed_by=occurrence.completed_by if completed else None,
        completed_at=_oslo(occurrence.completed_at) if completed else None,
        evidence=occurrence.evidence if completed else None,
        receipts=tuple(
            ReceiptLine(
                m.recipient,
                m.channel,
                m.to_ministry,
                m.status == OutboxStatus.SENT and bool(m.receipt),
                m.receipt,
                _oslo(m.sent_at),
            )
            for m in messages
        ),
        audit=tuple(AuditLine(e.seq, _in_oslo(e.at), e.actor, e.action) for e in entries),
    )


def pliktvakt_version() -> str:
    try:
        return version("pliktvakt")
    except PackageNotFoundError:
        return "ukjent"
