"""Tables of the publications register, with their transitions (instruks pkt. 6.1 and 4.3)."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from pliktvakt.publications.inputs import PublicationKind
from pliktvakt.publications.kudos import KudosLookup
from pliktvakt.publications.rules import GateResult, NoticeReason, PublicationState, check_gate, delivery_day
from pliktvakt.tables import Event, utcnow


def as_text(value) -> str | None:
    """A field's value as the change history and the audit log keep it: a date in ISO form."""
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


class PublicationStatus(StrEnum):
    PLANNED = "planned"
    PUBLISHED = "published"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        """The status as officers read it, e.g. "planlagt"."""
        return {"planned": "planlagt", "published": "publisert", "cancelled": "avlyst"}[self.value]


class Publication(SQLModel, table=True):
    """A publication IMDi plans; ``notice_*`` record the notice to the ministry.

    Its state changes only through its transitions (``edit``, ``link_notice_occurrence``,
    ``publish``, ``queue_notice``, ``mark_notice_delivered``, ``link_kudos_occurrence``,
    ``record_kudos_lookup``, ``found_in_kudos``, ``mark_changes_handled``); those the audit log
    records return the event to record."""

    __tablename__ = "publication"
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=500)
    kind: str = Field(max_length=20)  # fou | evaluering | rapport | annet
    publish_on: date = Field(index=True)
    owner_role: str = Field(max_length=100)
    summary: str | None = None
    contact: str = Field(max_length=300)
    status: str = Field(default=PublicationStatus.PLANNED, index=True, max_length=20)  # PublicationStatus
    # The first notice: queued on one day, delivered (to every recipient) on another. The
    # 14 days of pkt. 6.1 count from delivery.
    notice_queued_on: date | None = None
    notice_delivered_on: date | None = None
    notices_queued: int = 0  # the first notice, plus new notices after content changes
    notice_occurrence_id: int | None = Field(default=None, foreign_key="occurrence.id")
    kudos_occurrence_id: int | None = Field(default=None, foreign_key="occurrence.id")
    kudos_url: str | None = None
    kudos_checked_at: datetime | None = None
    kudos_last_status: str | None = Field(
        default=None, max_length=20
    )  # found | not_found | unavailable | bad_response
    source: str = Field(default="cli", max_length=300)  # cli | prefect | csv:<file>
    # The flow has acted on every change up to this change number.
    changes_handled: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    @property
    def subject(self) -> str:
        """The publication as the audit log and its occurrences' ``ref`` name it."""
        return f"publication:{self.id}"

    def gate(self, day: date, waiting: tuple[str, ...] = ()) -> GateResult:
        """May it go out on its planned date, seen on ``day``? (pkt. 6.1) ``waiting`` names the
        undelivered copies of the notice, for the reason only."""
        return check_gate(self.publish_on, self.notice_delivered_on, day, self.notice_queued_on, waiting)

    def blocked_on(self, day: date) -> bool:
        """Still planned, and the 14 days do not allow the planned date."""
        return self.status == PublicationStatus.PLANNED and not self.gate(day).may_publish_on_planned_date

    def goes_out_on(self, day: date) -> bool:
        """Planned, its date has come, and the gate allows it: it counts as published."""
        return (
            self.status == PublicationStatus.PLANNED
            and self.publish_on <= day
            and self.gate(day).may_publish_on_planned_date
        )

    def state(self) -> PublicationState:
        """What the pure decisions need to know of it."""
        return PublicationState(
            id=self.id,
            title=self.title,
            kind=PublicationKind(self.kind),
            publish_on=self.publish_on,
            owner=self.owner_role,
            summary=self.summary,
            notice_queued_on=self.notice_queued_on,
            notice_delivered_on=self.notice_delivered_on,
            notices_queued=self.notices_queued,
        )

    def edit(self, change_no: int, values: dict, actor: str) -> Event:
        """Edit number ``change_no``: the new ``values`` of its date or content, by field."""
        changes = {field: [as_text(getattr(self, field)), as_text(value)] for field, value in values.items()}
        for field, value in values.items():
            setattr(self, field, value)
        self.updated_at = utcnow()
        return Event(actor, "publication.changed", self.subject, {"change_no": change_no, "changes": changes})

    def link_notice_occurrence(self, occurrence_id: int) -> None:
        """The notice duty (pkt. 6.1) is this occurrence: the first, or the one on a moved date."""
        self.notice_occurrence_id = occurrence_id

    def link_kudos_occurrence(self, occurrence_id: int) -> None:
        """The Kudos duty (pkt. 4.3) of a published evaluation is this occurrence."""
        self.kudos_occurrence_id = occurrence_id

    def publish(self, actor: str) -> Event:
        """Its planned date has come and the gate allowed it: it counts as published."""
        self.status, self.updated_at = PublicationStatus.PUBLISHED, utcnow()
        return Event(actor, "publication.published", self.subject, {"publish_on": self.publish_on})

    def queue_notice(
        self, number: int, reason: NoticeReason, on: date, recipients: list[str], actor: str
    ) -> Event:
        """Notice ``number`` to the ministry is in the outbox; the first one's day is kept."""
        if number == 1:
            self.notice_queued_on = on
        self.notices_queued = max(self.notices_queued, number)
        self.updated_at = utcnow()
        return Event(
            actor,
            "publication.notice_queued",
            self.subject,
            {
                "number": number,
                "reason": str(reason),
                "on": on,
                "publish_on": self.publish_on,
                "recipients": recipients,
            },
        )

    def mark_notice_delivered(
        self, last_accepted_on: date, today: date, recipients: list[str], actor: str
    ) -> Event:
        """The first notice reached every recipient: the 14 days count from its delivery day."""
        self.notice_delivered_on = delivery_day(self.notice_queued_on, last_accepted_on, today)
        return Event(
            actor,
            "publication.notice_delivered",
            self.subject,
            {"on": self.notice_delivered_on, "recipients": recipients},
        )

    def record_kudos_lookup(self, lookup: KudosLookup, at: datetime, actor: str) -> Event | None:
        """Kudos was asked at ``at``; a failed lookup is an event, a plain answer is not."""
        self.kudos_checked_at, self.kudos_last_status = at, lookup.status
        if not lookup.failed:
            return None
        return Event(
            actor,
            "publication.kudos_lookup_failed",
            self.subject,
            {"status": lookup.status, "message": lookup.message},
        )

    def found_in_kudos(self, url: str) -> None:
        """The evaluation is in Kudos at ``url`` (its occurrence is completed with the link)."""
        self.kudos_url = url

    def mark_changes_handled(self, change_no: int) -> None:
        """The daily flow has acted on every change up to ``change_no``."""
        self.changes_handled = change_no


class PublicationChange(SQLModel, table=True):
    """One field changed by one edit; the fields of one edit share ``change_no``."""

    __tablename__ = "publication_change"
    __table_args__ = (UniqueConstraint("publication_id", "change_no", "field", name="uq_publication_change"),)
    id: int | None = Field(default=None, primary_key=True)
    publication_id: int = Field(foreign_key="publication.id", index=True)
    change_no: int
    changed_at: datetime = Field(default_factory=utcnow)
    changed_by: str = Field(max_length=200)
    field: str = Field(max_length=40)  # publish_on | title | summary | kind
    old_value: str | None = None
    new_value: str | None = None
    content_changed: bool = False  # title, kind or summary: the ministry gets a new notice


class PublicationImportRejection(SQLModel, table=True):
    """A row of a rejected CSV import, kept with its reason (nothing else of the file is stored)."""

    __tablename__ = "publication_import_rejection"
    id: int | None = Field(default=None, primary_key=True)
    import_id: str = Field(index=True, max_length=40)
    file: str
    line: int
    field: str | None = Field(default=None, max_length=40)
    reason: str
    raw: str | None = None  # the row as JSON
    created_at: datetime = Field(default_factory=utcnow)
