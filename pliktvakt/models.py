"""Database tables. Times are stored in UTC; dates are Europe/Oslo calendar dates."""

from datetime import date, datetime, timezone
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class OccurrenceStatus(StrEnum):
    """What is stored for an occurrence. Whether it is due or overdue today is derived from it."""

    OPEN = "open"
    DONE = "done"
    WITHDRAWN = "withdrawn"


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


class Occurrence(SQLModel, table=True):
    """One time an obligation falls due. Unique per obligation and period."""

    __table_args__ = (UniqueConstraint("obligation_id", "period", name="uq_occurrence_period"),)
    id: int | None = Field(default=None, primary_key=True)
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


class AuditEntry(SQLModel, table=True):
    """Append-only, hash-chained record of everything sent, completed, triggered and changed."""

    __tablename__ = "audit_entry"
    seq: int = Field(primary_key=True)  # position in the chain, 1, 2, 3, ... without gaps
    at: datetime
    actor: str
    action: str = Field(index=True, max_length=60)
    subject: str
    details: str  # canonical JSON
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """One row that serialises appends to the chain, on SQLite and PostgreSQL alike."""

    __tablename__ = "audit_head"
    id: int = Field(default=1, primary_key=True)
    seq: int = 0
    hash: str = Field(default="0" * 64, max_length=64)


class OutboxMessage(SQLModel, table=True):
    """A message to deliver, written before it is sent. ``key`` makes sending idempotent."""

    __tablename__ = "outbox_message"
    # The watch and delivery look up pending messages by channel (migration 0002_watch).
    __table_args__ = (Index("ix_outbox_message_channel_status", "channel", "status"),)
    id: int | None = Field(default=None, primary_key=True)
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
    # pending | sending | sent (delivered: the server accepted it) | digest | digested
    status: str = Field(default="pending", index=True, max_length=20)
    claimed_at: datetime | None = None  # set while one run is sending it, so no other run does
    attempts: int = 0
    last_error: str | None = None
    receipt: str | None = None  # what the server answered, and when
    message_id: str | None = Field(default=None, max_length=300)  # the Message-ID pliktvakt gave the email
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None


class OfficerAbsence(SQLModel, table=True):
    """While an officer is absent, the deputy gets the officer's alerts."""

    __tablename__ = "officer_absence"
    id: int | None = Field(default=None, primary_key=True)
    officer_id: str = Field(index=True, max_length=100)
    start: date
    end: date
    reason: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
