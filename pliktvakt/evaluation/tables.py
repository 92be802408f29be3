"""Tables of evaluation: the recorded evaluations of the schemes, with their transitions (vedl. 1 pkt. 9)."""

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from pliktvakt.bokmal import date_short
from pliktvakt.tables import Event, utcnow


class Evaluation(SQLModel, table=True):
    """One evaluation of a scheme: started, and once the report is done, completed."""

    __tablename__ = "evaluation"
    id: int | None = Field(default=None, primary_key=True)
    scheme_id: str = Field(index=True, max_length=100)
    started_on: date
    completed_on: date | None = None
    report_title: str | None = Field(default=None, max_length=500)
    publish_on: date | None = None
    # The evaluation as a publication (kind evaluering): the 14-day notice and Kudos follow.
    publication_id: int | None = Field(default=None, foreign_key="publication.id")
    recorded_by: str = Field(max_length=300)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    @property
    def in_progress(self) -> bool:
        return self.completed_on is None

    @property
    def subject(self) -> str:
        return f"evaluation:{self.scheme_id}:{self.id}"

    def started(self) -> Event:
        return Event(self.recorded_by, "evaluation.started", self.subject, {"started_on": self.started_on})

    def complete(self, on: date, by: str, report_title: str | None, publish_on: date | None) -> Event:
        """Completion of an evaluation under way; refused before its start."""
        if on < self.started_on:
            raise ValueError(
                f"fullført {date_short(on)} er før evalueringen ble startet {date_short(self.started_on)}"
            )
        self.completed_on, self.report_title, self.publish_on = on, report_title, publish_on
        self.updated_at = utcnow()
        return Event(
            by,
            "evaluation.completed",
            self.subject,
            {"completed_on": on, "report_title": report_title, "publish_on": publish_on},
        )

    def published_as(self, publication_id: int) -> None:
        """Its report is registered as publication ``publication_id`` (the 14-day notice and Kudos follow)."""
        self.publication_id = publication_id
