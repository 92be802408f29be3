"""Rules of the publications duty, pure: the 14-day gate and what to do about a publication today.

## The 14-day gate of instruks pkt. 6.1

"IMDi skal også orientere departementet minst 14 dager i forkant ved publiseringer av
FoU-rapporter, evalueringer m.m."

Counting rule (the instruction is silent, so we chose and document it):
- The ministry is informed when the notice is *delivered* to every recipient, not when it
  is queued (informed means delivered). The delivery day is day 0. Publication is allowed
  from delivery + 14 calendar days: a notice delivered Monday 3 March allows publication on
  Monday 17 March. A notice queued but not yet delivered has not started the 14 days.
- Publication itself may happen on any day, business day or not: the rule protects the
  ministry's 14 days of notice, and a weekend publication does not shorten them.
- The notice is due ``lead_days`` (default 21) before the planned date. That is an
  "at least N days before" deadline, so it moves backwards to a business day
  (``legal_calendar.at_least_before``), never forwards.

## What to do about a publication today, returned as actions

A flow reads the stored state, calls these functions and executes the actions (each
action has a deterministic outbox ``key``, so re-running a day sends nothing twice).

Choices where the instruction is silent:
- The 14 days count from the delivery of the *first* notice. A later notice about changed content
  informs the ministry of the change but does not restart the clock: it is the same
  publication, and a corrected summary should not push publication back two weeks.
- A publication whose planned date passed without any notice gets no notice (it would
  announce a date in the past); the owner is alerted to set a new date, and the
  occurrence is marked late.
- Changing the date to one before notice + 14 days (usually: moving it earlier) alerts
  the owner and tells the ministry of the new date, but does not mark the occurrence
  late: nothing is late until the publication goes out, and the gate blocks that.
- Changes made before any notice is sent need no action: the notice, when it goes,
  carries the current content and date.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import ClassVar

from pliktvakt.legal_calendar import at_least_before, business_days_between
from pliktvakt.notify import Key
from pliktvakt.publications.inputs import PublicationKind

NOTICE_DAYS = 14  # instruks pkt. 6.1
DEFAULT_LEAD_DAYS = 21
DEFAULT_KUDOS_REMINDER_DAYS = 30
DUTY = "publication"
# A notice still undelivered after this many business days is alerted to the owner.
UNDELIVERED_ALERT_AFTER = 1


def notice_due_date(publish_on: date, lead_days: int = DEFAULT_LEAD_DAYS) -> date:
    """The business day on which the notice to the ministry is to be sent."""
    if lead_days < NOTICE_DAYS:
        raise ValueError(
            f"varslingstiden må være minst {NOTICE_DAYS} dager (instruks pkt. 6.1), ikke {lead_days}"
        )
    return at_least_before(publish_on, lead_days)


def delivery_day(queued_on: date, last_accepted_on: date, today: date) -> date:
    """The day a notice counts as delivered: the day its last copy was accepted, on the run's
    clock, and never before the day it was queued. A run replayed at an earlier ``today``
    never counts from the wall clock's later day; a run at a later ``today`` (``--as-of`` ahead
    of the wall clock) never counts from a day before the notice existed."""
    return max(queued_on, min(today, last_accepted_on))


def earliest_publication_date(delivered_on: date) -> date:
    """The first day a publication may go out after a notice delivered on ``delivered_on``."""
    return delivered_on + timedelta(days=NOTICE_DAYS)


def is_notice_late(delivered_on: date, publish_on: date) -> bool:
    return earliest_publication_date(delivered_on) > publish_on


@dataclass(frozen=True)
class GateResult:
    publish_on: date
    delivered_on: date | None
    # Open only once a notice is delivered at least 14 days before the planned date.
    may_publish_on_planned_date: bool
    earliest_date: date
    # Not delivered yet: earliest_date assumes delivery today (a best case), and
    # planned_date_reachable says whether the planned date can still be kept.
    best_case: bool
    planned_date_reachable: bool
    reason: str  # bokmål, for the CLI and the flow's artifact


def check_gate(
    publish_on: date,
    delivered_on: date | None,
    as_of: date,
    queued_on: date | None = None,
    waiting: tuple[str, ...] = (),
) -> GateResult:
    """May the publication go out on ``publish_on``? If not, from which date?

    ``queued_on`` is the day the first notice went into the outbox; ``waiting`` names its
    copies that are not delivered yet (recipient and state), for the reason."""
    if delivered_on is not None:
        return _delivered(publish_on, delivered_on)
    return _not_delivered(publish_on, as_of, queued_on, waiting)


def _delivered(publish_on: date, delivered_on: date) -> GateResult:
    earliest = earliest_publication_date(delivered_on)
    ok = earliest <= publish_on
    if ok:
        reason = (
            f"Varselet ble levert til departementet {delivered_on.isoformat()}; publisering er tillatt "
            f"fra {earliest.isoformat()} (Instruks for IMDi, pkt. 6.1)."
        )
    else:
        reason = (
            f"Varselet ble levert til departementet {delivered_on.isoformat()}, "
            f"mindre enn {NOTICE_DAYS} dager før planlagt publisering {publish_on.isoformat()}. "
            f"Tidligste tillatte dato er {earliest.isoformat()} (Instruks for IMDi, pkt. 6.1)."
        )
    return GateResult(publish_on, delivered_on, ok, earliest, False, ok, reason)


def _not_delivered(
    publish_on: date, as_of: date, queued_on: date | None, waiting: tuple[str, ...]
) -> GateResult:
    """Closed: at best the notice is delivered today (a best case for ``earliest_date``)."""
    earliest = earliest_publication_date(as_of)
    ok = earliest <= publish_on
    if queued_on is not None:
        reason = (
            f"Varselet ble lagt i utboksen {queued_on.isoformat()}, "
            "men er ikke levert til departementet ennå, "
            f"så de {NOTICE_DAYS} dagene har ikke begynt. Venter: {', '.join(waiting) or 'ukjent'}. "
            f"Blir det levert i dag ({as_of.isoformat()}), er tidligste tillatte dato {earliest.isoformat()} "
            "(Instruks for IMDi, pkt. 6.1)."
        )
    else:
        reason = (
            f"Departementet er ikke varslet ennå. Blir varselet levert i dag ({as_of.isoformat()}), "
            f"er tidligste tillatte dato {earliest.isoformat()} (Instruks for IMDi, pkt. 6.1)."
        )
    if ok:
        reason += (
            f" Planlagt dato {publish_on.isoformat()} holder dersom varselet leveres senest "
            f"{(publish_on - timedelta(days=NOTICE_DAYS)).isoformat()}."
        )
    return GateResult(publish_on, None, False, earliest, True, ok, reason)


@dataclass(frozen=True)
class PublicationState:
    """What the flow knows of one publication now."""

    id: int
    title: str
    kind: PublicationKind
    publish_on: date
    owner: str
    summary: str | None = None
    notice_queued_on: date | None = None  # the first notice went into the outbox
    notice_delivered_on: date | None = None  # ... and reached every recipient (the 14 days count from it)
    notices_queued: int = 0  # first notice plus new notices after content changes

    def content(self) -> tuple:
        return (self.title.strip(), self.kind, (self.summary or "").strip())


class NoticeReason(StrEnum):
    FIRST = "first"
    CONTENT_CHANGED = "content_changed"


class AlertReason(StrEnum):
    LATE_NOTICE = "late_notice"  # notice sent < 14 days before the planned date
    DATE_TOO_EARLY = "date_too_early"  # date changed to one before notice + 14 days
    NOTICE_MISSED = "notice_missed"  # planned date passed with no notice at all
    NOTICE_UNDELIVERED = "notice_undelivered"  # queued over a business day ago, not yet delivered


@dataclass(frozen=True)
class _Message:
    """An action that sends a message. Its outbox key names the publication and the step:
    the class's ``step``, filled in from the action's fields."""

    STEP: ClassVar[str]
    publication_id: int

    def __init_subclass__(cls, step: str, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.STEP = step

    @property
    def key(self) -> Key:
        return Key(DUTY, f"publication-{self.publication_id}", self.STEP.format(**vars(self)))


@dataclass(frozen=True)
class SendNotice(_Message, step="notice-{number}"):
    """Send the notice of instruks pkt. 6.1 to the ministry."""

    number: int  # 1 = first notice; 2, 3 ... after content changes
    reason: NoticeReason


@dataclass(frozen=True)
class SendMinistryUpdate(_Message, step="update-{change_no}"):
    """Tell the ministry that the planned date has changed."""

    change_no: int
    old_date: date
    new_date: date


@dataclass(frozen=True)
class AlertOwner(_Message, step="alert-{reason}-{discriminator}"):
    """Tell the owner what stands in the way of the planned date, and the earliest date."""

    owner: str
    reason: AlertReason
    earliest_date: date  # earliest compliant publication date
    discriminator: str  # notice number or change number: one alert per event


@dataclass(frozen=True)
class MarkLate:
    """Mark the publication's notice occurrence late."""

    publication_id: int
    earliest_date: date
    reason: str  # bokmål, goes into the compliance record


@dataclass(frozen=True)
class CompleteKudos:
    """The evaluation is found in Kudos: complete the occurrence with the link (pkt. 4.3)."""

    publication_id: int
    evidence_url: str


@dataclass(frozen=True)
class RemindKudos(_Message, step="kudos-reminder-{round}"):
    """Remind the owner that the evaluation is not yet in Kudos."""

    owner: str
    days_since_publication: int
    round: int  # one reminder per ``reminder_after_days`` period


Action = SendNotice | SendMinistryUpdate | AlertOwner | MarkLate | CompleteKudos | RemindKudos


def plan_notice(state: PublicationState, as_of: date, lead_days: int = DEFAULT_LEAD_DAYS) -> list[Action]:
    """The first notice: due ``lead_days`` before, sent even when late (then alert + mark late)."""
    if state.notices_queued > 0 or as_of < notice_due_date(state.publish_on, lead_days):
        return []
    earliest = earliest_publication_date(as_of)
    if state.publish_on < as_of:
        return [
            AlertOwner(state.id, state.owner, AlertReason.NOTICE_MISSED, earliest, "0"),
            MarkLate(
                state.id,
                earliest,
                f"Planlagt dato {state.publish_on.isoformat()} passerte uten varsel til departementet.",
            ),
        ]
    actions: list[Action] = [SendNotice(state.id, 1, NoticeReason.FIRST)]
    if is_notice_late(as_of, state.publish_on):
        actions += [
            AlertOwner(state.id, state.owner, AlertReason.LATE_NOTICE, earliest, "1"),
            MarkLate(
                state.id,
                earliest,
                f"Varsel sendt {as_of.isoformat()}, mindre enn 14 dager før planlagt publisering "
                f"{state.publish_on.isoformat()}; tidligste tillatte dato {earliest.isoformat()}.",
            ),
        ]
    return actions


def plan_undelivered(state: PublicationState, as_of: date) -> list[Action]:
    """The first notice waited for delivery more than a business day: the 14 days have not
    started, so the owner hears of it (once per publication)."""
    if state.notice_queued_on is None or state.notice_delivered_on is not None:
        return []
    if business_days_between(state.notice_queued_on, as_of) <= UNDELIVERED_ALERT_AFTER:
        return []
    return [
        AlertOwner(
            state.id, state.owner, AlertReason.NOTICE_UNDELIVERED, earliest_publication_date(as_of), "1"
        )
    ]


def decide_change(
    before: PublicationState, after: PublicationState, change_no: int, as_of: date
) -> list[Action]:
    """A publication was edited (change number ``change_no``). What must follow?

    ``before`` and ``after`` carry the same notice facts; only content, date or owner differ.
    """
    if before.notices_queued == 0 or before.notice_queued_on is None:
        return []
    actions: list[Action] = []
    date_changed = before.publish_on != after.publish_on
    if before.content() != after.content():
        # The new notice carries the new date too, so no separate update.
        actions.append(SendNotice(after.id, before.notices_queued + 1, NoticeReason.CONTENT_CHANGED))
    elif date_changed:
        actions.append(SendMinistryUpdate(after.id, change_no, before.publish_on, after.publish_on))
    # Not delivered yet: at best it is delivered today.
    earliest = earliest_publication_date(before.notice_delivered_on or as_of)
    if date_changed and after.publish_on < earliest:
        actions.append(
            AlertOwner(after.id, after.owner, AlertReason.DATE_TOO_EARLY, earliest, str(change_no))
        )
    return actions


def kudos_lookup_due(state: PublicationState, as_of: date) -> bool:
    """Evaluations are looked up in Kudos from their publication day on (pkt. 4.3)."""
    return state.kind == PublicationKind.EVALUERING and state.publish_on <= as_of


def decide_kudos(
    state: PublicationState,
    as_of: date,
    found_url: str | None,
    reminder_after_days: int = DEFAULT_KUDOS_REMINDER_DAYS,
) -> list[Action]:
    """After a lookup: complete with the link, or remind every ``reminder_after_days`` days."""
    if not kudos_lookup_due(state, as_of):
        return []
    if found_url:
        return [CompleteKudos(state.id, found_url)]
    days = (as_of - state.publish_on).days
    if days < reminder_after_days:
        return []
    return [RemindKudos(state.id, state.owner, days, days // reminder_after_days)]


def kudos_reminder_date(publish_on: date, reminder_after_days: int = DEFAULT_KUDOS_REMINDER_DAYS) -> date:
    return publish_on + timedelta(days=reminder_after_days)
