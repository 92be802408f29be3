"""What pliktvakt has sent to the grants register, and the register's receipts.

A submission is one version of one scheme or award. It is written, with its idempotency
key, before it is sent: a run that stops midway leaves it pending, and the next run sends
it again under the same key, so the register never gets it twice. A changed scheme or award
is a new submission with a new key. Only a receipt makes a submission registered.

A submission's status and an upload's confirmation change only by their transitions below.
"""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from pliktvakt.tables import Event, utcnow


class Kind(StrEnum):
    SCHEME = "ordning"
    AWARD = "tilskudd"


class SubmissionStatus(StrEnum):
    PENDING = "venter"  # not yet sent, or sent without an answer
    IN_UPLOAD = "i-opplastingsfil"  # Excel backend: in a file an officer is to upload
    REGISTERED = "registrert"  # the register's receipt is held
    REFUSED = "avvist"  # the register refused it (4xx): a person must look at it
    SUPERSEDED = "erstattet"  # a newer version of the same scheme or award replaced it


class RegisterSubmission(SQLModel, table=True):
    __tablename__ = "register_submission"
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    ref: str = Field(max_length=100, index=True)  # scheme id, or grant-decision/<id>
    idempotency_key: str = Field(max_length=200, unique=True)
    payload: str  # the request body as JSON; never a secret
    backend: str = Field(max_length=10)  # api | excel
    status: str = Field(default=SubmissionStatus.PENDING, max_length=20, index=True)
    attempts: int = 0
    receipt: str | None = None  # the register's id, or the upload file's checksum and who confirmed
    upload_sha256: str | None = Field(default=None, max_length=64, index=True)
    error: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    registered_at: datetime | None = None

    def supersede(self) -> None:
        """A newer version replaces it; it was never registered as it was."""
        self.status = SubmissionStatus.SUPERSEDED

    def put_in_upload(self, sha256: str) -> None:
        """Written to the Excel backend's upload file whose checksum is ``sha256``."""
        self.status, self.upload_sha256, self.backend = SubmissionStatus.IN_UPLOAD, sha256, "excel"

    def attempted(self, backend: str) -> None:
        """Sent once more, by ``backend``; the answer is recorded by one of the three below."""
        self.attempts, self.backend = self.attempts + 1, backend

    def mark_registered(self, receipt: str, at: datetime) -> dict[str, str]:
        """The register's receipt is held; what the batch's ``register.registered`` entry lists."""
        self.status, self.receipt = SubmissionStatus.REGISTERED, receipt
        self.registered_at, self.error = at, None
        return {"ref": self.ref, "key": self.idempotency_key, "receipt": receipt}

    def mark_refused(self, reason: str) -> None:
        """The register refused it: a person must look at it."""
        self.status, self.error = SubmissionStatus.REFUSED, reason

    def mark_failed(self, error: str | None) -> None:
        """No answer yet: still pending, sent again next run."""
        self.error = error

    def confirm_uploaded(self, receipt: str, at: datetime) -> None:
        """The officer confirmed the upload file it is in: ``receipt`` names the file and them."""
        self.status, self.receipt, self.registered_at = SubmissionStatus.REGISTERED, receipt, at


class RegisterUpload(SQLModel, table=True):
    """An upload file of the Excel backend, from its writing to the officer's confirmation."""

    __tablename__ = "register_upload"
    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64, unique=True)
    file: str
    rows: int
    created_at: datetime = Field(default_factory=utcnow)
    confirmed_by: str | None = None
    confirmed_at: datetime | None = None

    def confirm(self, by: str, at: datetime) -> Event:
        """The officer ``by`` uploaded the file to the register."""
        self.confirmed_by, self.confirmed_at = by, at
        return Event(by, "register.upload.confirmed", f"register-upload/{self.sha256}", {"file": self.file})
