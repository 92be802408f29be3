"""What pliktvakt has sent to the grants register, and the register's receipts.

A submission is one version of one scheme or award. It is written, with its idempotency
key, before it is sent: a run that stops midway leaves it pending, and the next run sends
it again under the same key, so the register never gets it twice. A changed scheme or award
is a new submission with a new key. Only a receipt makes a submission registered.
"""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from pliktvakt.models import utcnow


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
