"""Rules: the deadlines of grant letters, appeals (enkeltvedtak) and acceptance (aksept).

Pure functions on dates. A deadline "has passed" only when the day after its due date has
begun: the whole due day belongs to the recipient.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from pliktvakt.grants.schemes import DecisionKind, GrantScheme
from pliktvakt.legal_calendar import Deadline, statutory_deadline

APPEAL_PERIOD = "3w"  # forvaltningsloven § 29 første ledd
POSTAL_GRACE_DAYS = 7  # default of GrantScheme.postal_grace_days


def appeal_deadline(letter_received: date) -> Deadline:
    """Forvaltningsloven § 29: three weeks from when the letter reached the party, ending on
    the same weekday (domstolloven § 148), rolled to the next business day (§ 149)."""
    return statutory_deadline(letter_received, APPEAL_PERIOD)


def acceptance_deadline(scheme: GrantScheme, letter_date: date) -> Deadline:
    """The acceptance deadline written in the letter (vedlegg 1 pkt. 3), counted from the
    letter date by the scheme's rule and, like a statutory deadline, rolled forwards."""
    if scheme.acceptance_deadline is None:
        raise ValueError(f"ordningen «{scheme.id}» har ingen regel for akseptfrist")
    return statutory_deadline(letter_date, scheme.acceptance_deadline)


def deadline_passed(due: date, as_of: date) -> bool:
    return as_of > due


def appeal_in_time(letter_received: date, appeal_posted: date) -> bool:
    """``appeal_posted`` is the day the appeal was handed to the post addressed to IMDi, or
    sent to it electronically, or handed in (forvaltningsloven § 30): the day it arrived does
    not count. A late appeal may still be heard under § 31; that is a decision for an officer,
    not for this function."""
    return appeal_posted <= appeal_deadline(letter_received).due


def postal_grace_end(appeal_due: date, grace_days: int = POSTAL_GRACE_DAYS) -> date:
    """The last day an appeal posted in time may still arrive before the recipients list goes:
    ``grace_days`` calendar days after the appeal deadline (fvl. § 30; the grace is pliktvakt's
    choice, set per scheme in config/grant_schemes.yaml)."""
    return appeal_due + timedelta(days=grace_days)


@dataclass(frozen=True)
class Appeal:
    submitted_on: date
    closed_on: date | None = None

    @property
    def open(self) -> bool:
        return self.closed_on is None


@dataclass(frozen=True)
class GrantCase:
    """What the deadline rules need to know about one decision and its letter."""

    key: str  # the decision's id, for messages and look-ups
    applicant: str
    decision_kind: DecisionKind
    amount_awarded: Decimal
    letter_received: date | None = None  # enkeltvedtak: when the letter reached the party
    acceptance_due: date | None = None  # aksept: the deadline written in the letter
    accepted_on: date | None = None
    appeals: tuple[Appeal, ...] = field(default_factory=tuple)
    postal_grace_days: int = POSTAL_GRACE_DAYS

    @property
    def rejected(self) -> bool:
        return self.amount_awarded == 0


def grant_lapsed(case: GrantCase, as_of: date) -> bool:
    """Vedlegg 1 pkt. 5: an awarded grant under a non-enkeltvedtak decision lapses when the
    acceptance letter has not arrived by the deadline. A late acceptance does not save it."""
    if case.decision_kind is not DecisionKind.AKSEPT or case.rejected:
        return False
    if case.acceptance_due is None or not deadline_passed(case.acceptance_due, as_of):
        return False
    return case.accepted_on is None or case.accepted_on > case.acceptance_due


def payable(case: GrantCase, as_of: date) -> bool:
    """Whether the grant may go on a payment list (vedlegg 1 pkt. 5: no payment before
    acceptance; lapsed grants are left out)."""
    if case.rejected:
        return False
    if case.decision_kind is DecisionKind.AKSEPT:
        return (
            case.accepted_on is not None
            and case.acceptance_due is not None
            and case.accepted_on <= case.acceptance_due
        )
    return True


def _case_blocker(case: GrantCase, as_of: date) -> str | None:
    if case.decision_kind is DecisionKind.ENKELTVEDTAK:
        if any(appeal.open for appeal in case.appeals):
            return f"{case.applicant} ({case.key}): klagen er ikke ferdig behandlet"
        if case.letter_received is None:
            return f"{case.applicant} ({case.key}): det er ikke registrert når brevet kom fram"
        due = appeal_deadline(case.letter_received).due
        if not deadline_passed(due, as_of):
            return f"{case.applicant} ({case.key}): klagefristen løper til og med {due.isoformat()}"
        # Forvaltningsloven § 30: an appeal posted on the last day is in time, and may arrive later.
        grace = postal_grace_end(due, case.postal_grace_days)
        if not deadline_passed(grace, as_of):
            return (
                f"{case.applicant} ({case.key}): klagefristen gikk ut {due.isoformat()}; venter til og med "
                f"{grace.isoformat()} på klager som er postlagt i tide (forvaltningsloven § 30)"
            )
        return None
    if case.rejected or case.accepted_on is not None:
        return None
    if case.acceptance_due is None:
        return f"{case.applicant} ({case.key}): akseptfristen er ikke registrert"
    if not deadline_passed(case.acceptance_due, as_of):
        return (
            f"{case.applicant} ({case.key}): akseptfristen løper til og med {case.acceptance_due.isoformat()}"
        )
    return None


def recipients_list_blockers(cases: list[GrantCase], as_of: date) -> list[str]:
    """Why the ministry cannot yet be told who received grants (vedlegg 1 pkt. 2,
    "Informasjon om tildelinger": after processing, once the appeal deadline has passed).

    Empty when every appeal deadline and its postal grace (fvl. § 30) has passed with no
    open appeal, and every acceptance
    deadline has passed or been met, so the list of recipients is final. Messages in bokmål.
    """
    if not cases:
        return ["runden har ingen vedtak"]
    return [reason for case in cases if (reason := _case_blocker(case, as_of))]


def round_final(cases: list[GrantCase], as_of: date) -> bool:
    return not recipients_list_blockers(cases, as_of)


def recipients(cases: list[GrantCase], as_of: date) -> list[GrantCase]:
    """Those who received a grant: awarded and not lapsed."""
    return [c for c in cases if not c.rejected and not grant_lapsed(c, as_of)]
