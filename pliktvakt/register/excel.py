"""The Excel backend: the register's upload file, and the officer's confirmation.

Administrators without API access upload an Excel file to the register. pliktvakt writes it
with one sheet for schemes and one for awards, in the columns below. The register does not
publish its template, so the column names are pliktvakt's reading of what it asks for: IMDi
must check them against the template the register hands out (a placeholder, said in the message
that tells the officer the file is ready: ``alerts.upload_ready``).

A submission in a file stays unregistered until an officer records the upload
(`pliktvakt grants-register confirm-upload SHA256 --by EMAIL`). The receipt is then the
file's SHA-256 and the officer who confirmed it.
"""

import hashlib
import json
from datetime import datetime

from sqlmodel import Session, select

from pliktvakt import audit, bokmal, clock, tabular
from pliktvakt.register import plan
from pliktvakt.register.tables import Kind, RegisterSubmission, RegisterUpload, SubmissionStatus

SCHEMES_SHEET = "Tilskuddsordninger"
AWARDS_SHEET = "Enkeltstående tilskudd"
# (column header, payload field)
SCHEME_COLUMNS = (
    ("Ekstern ID", "ekstern_id"),
    ("Tilskuddsordning", "navn"),
    ("Tilskuddsforvalter", "forvalter"),
    ("Ansvarlig departement", "ansvarlig_departement"),
    ("Regelverk", "regelverk"),
    ("Formål", "formaal"),
    ("Målgruppe", "malgruppe"),
)
AWARD_COLUMNS = (
    ("Ekstern ID", "ekstern_id"),
    ("Tilskuddsordning", "ordning"),
    ("Tilskuddsforvalter", "forvalter"),
    ("Ansvarlig departement", "ansvarlig_departement"),
    ("Mottakers organisasjonsnummer", "mottaker_orgnr"),
    ("Mottaker", "mottaker"),
    ("Tildelt beløp", "tildelt_belop"),
    ("Søkt beløp", "sokt_belop"),
    ("År", "aar"),
    ("Fylke", "fylke"),
)
AMOUNTS = {"tildelt_belop", "sokt_belop"}


class UploadError(ValueError):
    """A confirmation that cannot be recorded; the message is bokmål."""


def _cell(field: str, value):
    if value is None:
        return ""
    if field in AMOUNTS:
        return float(value)  # a number in the sheet, as the register reads it
    return value


def _rows(columns, payloads: list[dict]) -> list[list]:
    return [[header for header, _ in columns]] + [
        [_cell(field, payload.get(field)) for _, field in columns] for payload in payloads
    ]


def workbook(submissions: list[RegisterSubmission]) -> bytes:
    """The upload file of ``submissions``; every text cell neutralised (``tabular.xlsx_bytes``)."""
    by_kind = {Kind.SCHEME: [], Kind.AWARD: []}
    for submission in submissions:
        by_kind[Kind(submission.kind)].append(json.loads(submission.payload))
    sheets = {
        SCHEMES_SHEET: _rows(SCHEME_COLUMNS, by_kind[Kind.SCHEME]),
        AWARDS_SHEET: _rows(AWARD_COLUMNS, by_kind[Kind.AWARD]),
    }
    return tabular.xlsx_bytes(sheets, frozen_header=sheets)


def waiting(session: Session) -> list[RegisterSubmission]:
    query = select(RegisterSubmission).where(RegisterSubmission.status == SubmissionStatus.PENDING)
    return list(session.exec(query.order_by(RegisterSubmission.id)))


def record_upload(
    session: Session, submissions: list[RegisterSubmission], file: str, content: bytes
) -> RegisterUpload:
    """Put ``submissions`` in the upload file ``file`` (written by the caller's task)."""
    sha = hashlib.sha256(content).hexdigest()
    upload = RegisterUpload(sha256=sha, file=file, rows=len(submissions))
    session.add(upload)
    for submission in submissions:
        submission.put_in_upload(sha)
        session.add(submission)
    audit.append(session, "pliktvakt", "register.upload.written", f"register-upload/{sha}", {"file": file})
    return upload


def find_upload(session: Session, sha: str) -> RegisterUpload:
    """The upload whose checksum is ``sha`` or starts with it (at least 12 hex digits)."""
    sha = sha.strip().lower()
    if len(sha) < 12 or any(c not in "0123456789abcdef" for c in sha):
        raise UploadError(f"«{sha}» er ikke en sjekksum: oppgi minst 12 heksadesimale tegn av SHA-256.")
    found = list(session.exec(select(RegisterUpload).where(RegisterUpload.sha256.startswith(sha))))
    if not found:
        raise UploadError(f"Ingen opplastingsfil har sjekksum {sha}. Se `pliktvakt grants-register status`.")
    if len(found) > 1:
        raise UploadError(f"Flere opplastingsfiler begynner med {sha}; oppgi hele sjekksummen.")
    return found[0]


def confirm(session: Session, sha: str, by: str, now: datetime) -> tuple[RegisterUpload, int]:
    """The officer ``by`` uploaded the file: its submissions get the file's checksum and the
    officer as their receipt, and their occurrences are completed. Returns (upload, completed)."""
    upload = find_upload(session, sha)
    if upload.confirmed_at is not None:
        when = bokmal.datetime_short(clock.resolve(clock.stored(upload.confirmed_at)))
        raise UploadError(f"Opplastingen av {upload.file} ble bekreftet {when} av {upload.confirmed_by}.")
    event = upload.confirm(by, now)
    session.add(upload)
    receipt = f"opplastingsfil {upload.file} (SHA-256 {upload.sha256}), lastet opp og bekreftet av {by}"
    query = select(RegisterSubmission).where(RegisterSubmission.upload_sha256 == upload.sha256)
    for submission in session.exec(query.where(RegisterSubmission.status == SubmissionStatus.IN_UPLOAD)):
        submission.confirm_uploaded(receipt, now)
        session.add(submission)
    audit.record(session, event)
    session.flush()
    return upload, plan.complete_registered(session, now)
