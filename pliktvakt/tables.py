"""Database tables, and the transitions of their state.

Times are stored in UTC; dates are Europe/Oslo calendar dates. In the style of Healthchecks'
``Check``, each transition is one small method that makes one change and returns the audit
event it makes (``audit.record`` appends it to the chain in the caller's transaction).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from pliktvakt.legal_calendar import local_date


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class OccurrenceStatus(StrEnum):
    """What is stored for an occurrence. Whether it is due or overdue today is derived from it."""

    OPEN = "open"
    DONE = "done"
    WITHDRAWN = "withdrawn"


# The stored status, in a refusal ("Forekomst 3 er fullført og kan ikke fullføres"). What an
# occurrence is on a day is its derived state (``OccurrenceState``), with its own words.
STATUS_NAMES = {
    OccurrenceStatus.OPEN: "åpen",
    OccurrenceStatus.DONE: "fullført",
    OccurrenceStatus.WITHDRAWN: "trukket tilbake",
}


class OccurrenceState(StrEnum):
    """What an occurrence is on a day, derived from what is stored and the go-live date
    (``derive_state``). The one set that status, the watch's artifact, the desk and the
    compliance record show, with one set of words (``STATE_NAMES``)."""

    OPEN = "open"  # not past its due date
    DUE = "due"  # due today
    OVERDUE = "overdue"
    BEFORE_GO_LIVE = "before-go-live"  # open, due before pliktvakt went live: never alerted
    DONE = "done"
    ON_TIME = "on-time"  # done by its due date, as the compliance record tells done apart
    LATE = "late"
    WITHDRAWN = "withdrawn"


STATE_NAMES = {
    OccurrenceState.OPEN: "åpen, ikke forfalt",
    OccurrenceState.DUE: "forfaller i dag",
    OccurrenceState.OVERDUE: "over fristen",
    OccurrenceState.BEFORE_GO_LIVE: "før pliktvakt",
    OccurrenceState.DONE: "fullført",
    OccurrenceState.ON_TIME: "fullført i tide",
    OccurrenceState.LATE: "fullført for sent",
    OccurrenceState.WITHDRAWN: "trukket tilbake",
}


def before_go_live(due: date, go_live: date | None) -> bool:
    """Whether an occurrence due on ``due`` fell due before pliktvakt went live."""
    return go_live is not None and due < go_live


def derive_state(
    status: str,
    due: date,
    completed_at: datetime | None,
    today: date,
    go_live: date | None,
    now: datetime | None = None,
) -> OccurrenceState:
    """The state on ``today``. A completion after ``now`` (when given) has not happened yet, so
    a record as of an earlier day shows the occurrence open. Open ones due before ``go_live``
    are before go-live, whatever their due date says."""
    if status == OccurrenceStatus.WITHDRAWN:
        return OccurrenceState.WITHDRAWN
    done = status == OccurrenceStatus.DONE
    if done and (now is None or (completed_at is not None and completed_at <= now)):
        return OccurrenceState.DONE
    if before_go_live(due, go_live):
        return OccurrenceState.BEFORE_GO_LIVE
    if today > due:
        return OccurrenceState.OVERDUE
    return OccurrenceState.DUE if today == due else OccurrenceState.OPEN


class OutboxStatus(StrEnum):
    """Where an outbox message is. Only SENT is delivered: the server accepted it and gave its
    receipt (informed means delivered). A DIGESTED one went out inside a digest, which is a
    message of its own."""

    PENDING = "pending"
    SENDING = "sending"  # claimed by one run; a stale claim is taken over
    SENT = "sent"
    DIGEST = "digest"  # held for the officer's daily digest
    DIGESTED = "digested"  # went out inside a digest


class OccurrenceError(ValueError):
    """A request about occurrences that cannot be carried out; the message is in bokmål."""


@dataclass(frozen=True)
class Event:
    """What the audit log records of one change: who did what to which subject."""

    actor: str
    action: str
    subject: str
    details: dict = field(default_factory=dict)


class SurrogateKey(SQLModel):
    """The integer primary key a table's rows are numbered by (the first column, assigned on insert)."""

    id: int | None = Field(default=None, primary_key=True)


class ObligationRecord(SQLModel, table=True):
    """The catalogue as last loaded, so that reports can be read without the YAML."""

    __tablename__ = "obligation"
    id: str = Field(primary_key=True, max_length=100)
    title: str
    section: str = Field(max_length=40)
    clause: str
    kind: str = Field(max_length=20)
    role: str = Field(max_length=100)
    flow: str | None = Field(default=None, max_length=100)
    spec: str  # the entry as JSON, to detect changed rules
    active: bool = True
    updated_at: datetime = Field(default_factory=utcnow)


class Occurrence(SurrogateKey, table=True):
    """One time an obligation falls due. Unique per obligation and period."""

    __table_args__ = (
        UniqueConstraint("obligation_id", "period", name="uq_occurrence_period"),
        # The duty desk: an officer's open duties by role and deadline («Mine plikter»), and
        # every duty by state, obligation and deadline («Alle plikter»).
        Index("ix_occurrence_role_status_due", "role", "status", "due"),
        Index("ix_occurrence_status_obligation_due", "status", "obligation_id", "due"),
    )
    obligation_id: str = Field(foreign_key="obligation.id", index=True, max_length=100)
    period: str = Field(max_length=100)  # anchor date for recurring, event:<date>:<ref> for events
    anchor: date
    due: date = Field(index=True)
    ref: str | None = None
    role: str = Field(max_length=100)
    status: str = Field(default=OccurrenceStatus.OPEN, index=True, max_length=20)
    late: bool = False
    completed_at: datetime | None = None
    completed_by: str | None = None
    evidence: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    @property
    def subject(self) -> str:
        return f"{self.obligation_id}/{self.period}"

    @property
    def is_open(self) -> bool:
        return self.status == OccurrenceStatus.OPEN

    def state_on(self, day: date, go_live: date | None = None) -> OccurrenceState:
        return derive_state(self.status, self.due, self.completed_at, day, go_live)

    def created(self, actor: str, reason: str | None = None, via: str | None = None) -> Event:
        """The audit event of a new occurrence: an event's is triggered, a rule's is created.
        ``via`` names the face a person triggered it through when not the CLI."""
        if self.period.startswith("event:"):
            details = {"id": self.id, "due": self.due, "ref": self.ref} | ({"via": via} if via else {})
            return Event(actor, "occurrence.triggered", self.subject, details)
        return Event(
            actor, "occurrence.created", self.subject, {"id": self.id, "due": self.due, "reason": reason}
        )

    def complete(self, by: str, evidence: str, at: datetime, via: str | None = None) -> Event:
        """Done by ``by`` at ``at`` on ``evidence``; late if ``at`` is after the due date (Oslo).
        ``via`` names the face it came through when not the CLI (e.g. "pliktvakt web")."""
        if self.status == OccurrenceStatus.DONE:
            raise OccurrenceError(
                f"Forekomst {self.id} ble fullført {self.completed_at:%Y-%m-%d} av {self.completed_by}."
            )
        # A withdrawn occurrence is no longer due: done on evidence, it would count as a duty met.
        self._require(OccurrenceStatus.OPEN, "fullføres")
        if not evidence.strip() or not by.strip():
            raise OccurrenceError("Både hvem som fullførte (--by) og dokumentasjon (--evidence) må oppgis.")
        self.status, self.completed_by, self.evidence = OccurrenceStatus.DONE, by.strip(), evidence.strip()
        self.completed_at, self.late = at, self.late or local_date(at) > self.due
        self.updated_at = utcnow()
        return Event(
            by,
            "occurrence.completed",
            self.subject,
            {"id": self.id, "evidence": self.evidence, "late": self.late, "as_of": at}
            | ({"via": via} if via else {}),
        )

    def withdraw(self, reason: str, actor: str, details: dict | None = None) -> Event:
        """No longer due (a changed rule, a moved date). Only an open occurrence is withdrawn."""
        self._require(OccurrenceStatus.OPEN, "trekkes tilbake")
        self.status, self.updated_at = OccurrenceStatus.WITHDRAWN, utcnow()
        return Event(actor, "occurrence.withdrawn", self.subject, {**(details or {}), "reason": reason})

    def reopen(self, reason: str, actor: str) -> Event:
        """Due again after a withdrawal (a date moved back)."""
        self._require(OccurrenceStatus.WITHDRAWN, "åpnes igjen")
        self.status, self.updated_at = OccurrenceStatus.OPEN, utcnow()
        return Event(actor, "occurrence.reopened", self.subject, {"id": self.id, "reason": reason})

    def mark_late(self, reason: str, actor: str) -> Event | None:
        """Late whenever it is done; None if it was already marked."""
        if self.late:
            return None
        self.late, self.updated_at = True, utcnow()
        return Event(actor, "occurrence.marked_late", self.subject, {"reason": reason})

    def _require(self, status: OccurrenceStatus, verb: str) -> None:
        if self.status != status:
            raise OccurrenceError(f"Forekomst {self.id} er {STATUS_NAMES[self.status]} og kan ikke {verb}.")


class AuditEntry(SQLModel, table=True):
    """Append-only, hash-chained record of everything sent, completed, triggered and changed."""

    __tablename__ = "audit_entry"
    seq: int = Field(primary_key=True)  # position in the chain, 1, 2, 3, ... without gaps
    at: datetime
    actor: str
    action: str = Field(index=True, max_length=60)
    subject: str = Field(index=True)  # the duty desk reads one occurrence's history by it
    details: str  # canonical JSON
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """One row that serialises appends to the chain, on SQLite and PostgreSQL alike."""

    __tablename__ = "audit_head"
    id: int = Field(default=1, primary_key=True)
    seq: int = 0
    hash: str = Field(default="0" * 64, max_length=64)


class OutboxMessage(SurrogateKey, table=True):
    """A message to deliver, written before it is sent. ``key`` makes sending idempotent."""

    __tablename__ = "outbox_message"
    # The watch and delivery look up pending messages by channel (migration 0002_watch).
    __table_args__ = (Index("ix_outbox_message_channel_status", "channel", "status"),)
    key: str = Field(unique=True, max_length=300)  # {duty}:{reference}:{step}:{recipient}:{channel}
    duty: str = Field(index=True, max_length=40)  # watch | ops | settlement | publication | grants
    officer_id: str | None = Field(default=None, max_length=100)  # None for the ministry
    channel: str = Field(max_length=20)  # email | teams
    # An email address, or for Teams the officer or role id whose URL is looked up at
    # delivery time: the URL carries a signature and is never stored.
    recipient: str = Field(max_length=300)
    subject: str
    body: str
    html: str | None = None
    attachments: str | None = None  # JSON list of {filename, content_type, base64}
    occurrence_id: int | None = Field(default=None, foreign_key="occurrence.id", index=True)
    step: str | None = Field(default=None, max_length=60)
    status: str = Field(default=OutboxStatus.PENDING, index=True, max_length=20)
    claimed_at: datetime | None = None  # set while one run is sending it, so no other run does
    attempts: int = 0
    last_error: str | None = None
    receipt: str | None = None  # what the server answered, and when
    message_id: str | None = Field(default=None, max_length=300)  # the Message-ID pliktvakt gave the email
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None

    def claim(self, now: datetime) -> None:
        """Taken for sending by this run: pending, or a stale claim of a run that died mid-send.
        ``outbox.claim`` stores it only where the row is still as read, so one run wins."""
        if self.status not in (OutboxStatus.PENDING, OutboxStatus.SENDING):
            raise ValueError(f"message {self.key} is {self.status}, not to be sent")
        self.status, self.claimed_at, self.attempts = OutboxStatus.SENDING, now, self.attempts + 1

    def mark_delivered(self, receipt: str, at: datetime, email_message_id: str | None = None) -> Event:
        """The server took it: ``receipt`` says what it answered, and when (SENT means delivered)."""
        self.status, self.receipt, self.sent_at, self.last_error = OutboxStatus.SENT, receipt, at, None
        self.message_id = email_message_id
        return Event(
            "pliktvakt",
            "message.sent",
            self.key,
            {
                "channel": self.channel,
                "recipient": self.recipient,
                "receipt": receipt,
                "message_id": email_message_id,
            },
        )

    def mark_digested(self, digest_key: str) -> None:
        """Folded into the digest ``digest_key``, which carries its delivery."""
        self.status, self.receipt = OutboxStatus.DIGESTED, f"samlet i {digest_key}"

    def mark_failed(self, error: str) -> Event:
        """Back to pending, so the next run tries again."""
        self.status, self.claimed_at, self.last_error = OutboxStatus.PENDING, None, error
        return Event("pliktvakt", "message.failed", self.key, {"channel": self.channel, "error": error})


class OfficerAbsence(SurrogateKey, table=True):
    """While an officer is absent, the deputy gets the officer's alerts."""

    __tablename__ = "officer_absence"
    officer_id: str = Field(index=True, max_length=100)
    start: date
    end: date
    reason: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


class SignInLink(SurrogateKey, table=True):
    """A duty-desk sign-in request (``pliktvakt.signin``): the token only as its hash, used once."""

    __tablename__ = "signin_link"
    token_hash: str = Field(unique=True, max_length=64)
    email: str = Field(index=True, max_length=300)
    client: str = Field(index=True, max_length=64)  # SHA-256 of the client's address
    known: bool  # an officer's address; a link was sent
    created_at: datetime = Field(index=True)
    expires_at: datetime
    used_at: datetime | None = None


class Installation(SQLModel, table=True):
    """One row: when this installation of pliktvakt went live."""

    __tablename__ = "installation"
    id: int = Field(default=1, primary_key=True)
    go_live: date
    recorded_at: datetime = Field(default_factory=utcnow)
