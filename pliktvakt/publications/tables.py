"""Tables of the publications register (instruks pkt. 6.1 and 4.3)."""

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from pliktvakt.models import utcnow

STATUSES = ("planned", "published", "cancelled")


class Publication(SQLModel, table=True):
    """A publication IMDi plans; ``notice_*`` record the notice to the ministry."""

    __tablename__ = "publication"
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=500)
    kind: str = Field(max_length=20)  # fou | evaluering | rapport | annet
    publish_on: date = Field(index=True)
    owner_role: str = Field(max_length=100)
    summary: str | None = None
    contact: str = Field(max_length=300)
    status: str = Field(default="planned", index=True, max_length=20)  # planned | published | cancelled
    # The first notice: queued on one day, delivered (to every recipient) on another. The
    # 14 days of pkt. 6.1 count from delivery.
    notice_queued_on: date | None = None
    notice_delivered_on: date | None = None
    notices_queued: int = 0  # the first notice, plus new notices after content changes
    notice_occurrence_id: int | None = Field(default=None, foreign_key="occurrence.id")
    kudos_occurrence_id: int | None = Field(default=None, foreign_key="occurrence.id")
    kudos_url: str | None = None
    kudos_checked_at: datetime | None = None
    kudos_last_status: str | None = Field(default=None, max_length=20)  # found | not_found | unavailable | bad_response
    source: str = Field(default="cli", max_length=300)  # cli | prefect | csv:<file>
    # The flow has acted on every change up to this change number.
    changes_handled: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


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
