"""Import publications from a CSV file, all or nothing (DESIGN.md principle 9).

Headers (Norwegian, as staff export them from Excel):
``tittel;type;publiseres;eier;sammendrag``. ``sammendrag`` may be left out.
Semicolon or comma as separator; UTF-8 with or without BOM.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from pliktvakt.publications.models import PublicationInput

COLUMNS = {"tittel": "title", "type": "kind", "publiseres": "publish_on", "eier": "owner", "sammendrag": "summary"}
REQUIRED = ("tittel", "type", "publiseres", "eier")
FIELD_TO_COLUMN = {field: column for column, field in COLUMNS.items()}

_PYDANTIC_REASONS = {
    "missing": "mangler",
    "string_too_short": "kan ikke være tom",
    "string_too_long": "er for lang",
}


@dataclass(frozen=True)
class RejectedRow:
    line: int  # line number in the file, header = 1
    field: str | None  # CSV column name, None when the row as a whole is wrong
    reason: str  # bokmål
    raw: dict[str, str] | None = None


class PublicationImportError(ValueError):
    """The file was rejected whole. Names the file, line and field of the first error;
    ``rejected`` keeps every rejected row with its reason."""

    def __init__(self, file: str, rejected: list[RejectedRow]):
        self.file = file
        self.rejected = rejected
        first = rejected[0]
        self.line = first.line
        self.field = first.field
        self.reason = first.reason
        super().__init__(self._message())

    def _message(self) -> str:
        lines = [f"{self.file}: filen ble avvist, ingen publikasjoner er lagt inn ({len(self.rejected)} feil)."]
        lines += [f"  {_describe(row)}" for row in self.rejected]
        return "\n".join(lines)


def _describe(row: RejectedRow) -> str:
    where = f"linje {row.line}"
    if row.field:
        where += f", felt «{row.field}»"
    return f"{where}: {row.reason}"


def _reason(error: dict) -> str:
    if error["type"] == "value_error":
        return str(error["ctx"]["error"])
    return _PYDANTIC_REASONS.get(error["type"], error["msg"])


def _delimiter(header_line: str) -> str:
    return ";" if header_line.count(";") >= header_line.count(",") and ";" in header_line else ","


def read_publications_csv(path: str | Path, owners: set[str] | None = None) -> list[PublicationInput]:
    """Parse and validate every row; raise ``PublicationImportError`` if any row is bad.

    ``owners``: the known role ids; an ``eier`` outside them is rejected.
    """
    path = Path(path)
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise PublicationImportError(name, [RejectedRow(1, None, "filen er ikke UTF-8; lagre den som CSV UTF-8")])
    except OSError as exc:
        raise PublicationImportError(name, [RejectedRow(0, None, f"filen kan ikke leses ({exc.strerror})")])
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise PublicationImportError(name, [RejectedRow(1, None, "filen er tom; første linje skal være overskriftene")])

    reader = csv.DictReader(lines, delimiter=_delimiter(lines[0]))
    headers = [(h or "").strip().lower() for h in reader.fieldnames or []]
    reader.fieldnames = headers
    header_errors = [RejectedRow(1, h, "ukjent kolonne") for h in headers if h not in COLUMNS]
    header_errors += [RejectedRow(1, c, "kolonnen mangler") for c in REQUIRED if c not in headers]
    if header_errors:
        raise PublicationImportError(name, header_errors)

    publications: list[PublicationInput] = []
    rejected: list[RejectedRow] = []
    seen: dict[tuple[str, object], int] = {}
    for row in reader:
        line = reader.line_num
        if None in row:  # more cells than headers
            rejected.append(RejectedRow(line, None, "raden har flere felt enn overskriften", _raw(row)))
            continue
        if not any((value or "").strip() for value in row.values()):
            continue  # blank line
        values = {COLUMNS[column]: value for column, value in row.items() if value is not None}
        try:
            publication = PublicationInput(**values)
        except ValidationError as exc:
            for error in exc.errors():
                field = FIELD_TO_COLUMN.get(str(error["loc"][0])) if error["loc"] else None
                rejected.append(RejectedRow(line, field, _reason(error), _raw(row)))
            continue
        if owners is not None and publication.owner not in owners:
            rejected.append(RejectedRow(line, "eier", unknown_owner(publication.owner, owners), _raw(row)))
            continue
        key = (publication.title.casefold(), publication.publish_on)
        if key in seen:
            rejected.append(
                RejectedRow(line, "tittel", f"samme tittel og dato som linje {seen[key]}", _raw(row))
            )
            continue
        seen[key] = line
        publications.append(publication)
    if rejected:
        raise PublicationImportError(name, rejected)
    return publications


def unknown_owner(owner: str, owners: set[str]) -> str:
    return f"ukjent rolle '{owner}'; kjente roller: {', '.join(sorted(owners))}"


def _raw(row: dict) -> dict[str, str]:
    return {str(k): v if isinstance(v, str) else repr(v) for k, v in row.items()}
