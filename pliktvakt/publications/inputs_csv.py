"""Inputs of publications from a file: a CSV or XLSX import, all or nothing (DESIGN.md principle 9).

Headers (Norwegian, as staff export them from Excel):
``tittel;type;publiseres;eier;sammendrag``. ``sammendrag`` may be left out. Encoding,
separator and sheets follow the one reader, ``pliktvakt.tabular``.
"""

from pathlib import Path

from pydantic import ValidationError

from pliktvakt import validation
from pliktvakt.publications.inputs import PublicationInput, unknown_owner
from pliktvakt.tabular import FileRejected, Rejection, Table, read_table

COLUMNS = {
    "tittel": "title",
    "type": "kind",
    "publiseres": "publish_on",
    "eier": "owner",
    "sammendrag": "summary",
}
REQUIRED = ("tittel", "type", "publiseres", "eier")
FIELD_TO_COLUMN = {field: column for column, field in COLUMNS.items()}

_PYDANTIC_REASONS = {
    "missing": "mangler",
    "string_too_short": "kan ikke være tom",
    "string_too_long": "er for lang",
}

# The one rejection type, under the name the publication register and CLI catch.
PublicationImportError = FileRejected


def read_publications_csv(path: str | Path, owners: set[str] | None = None) -> list[PublicationInput]:
    """Parse and validate every row; raise ``PublicationImportError`` if any row is bad.

    ``owners``: the known role ids; an ``eier`` outside them is rejected.
    """
    return [publication for _, publication in read_publications(path, owners)]


def read_publications(path: str | Path, owners: set[str] | None = None) -> list[tuple[int, PublicationInput]]:
    """``read_publications_csv`` with the line of each publication."""
    table = read_table(path, multiline=("sammendrag",))  # only a summary may span lines
    header_problems = table.column_problems(REQUIRED, COLUMNS)
    if header_problems:
        raise PublicationImportError(table.file, header_problems)
    publications: list[tuple[int, PublicationInput]] = []
    rejected: list[Rejection] = []
    seen: dict[tuple[str, object], int] = {}
    for line, cells in table.rows:
        publication, problems = _row(table, line, cells, owners)
        rejected += problems
        if publication is None:
            continue
        key = (publication.title.casefold(), publication.publish_on)
        if key in seen:
            rejected.append(
                _rejection(table, line, cells, "tittel", f"samme tittel og dato som linje {seen[key]}")
            )
            continue
        seen[key] = line
        publications.append((line, publication))
    if rejected:
        raise PublicationImportError(table.file, rejected)
    return publications


def _row(
    table: Table, line: int, cells: list[str], owners: set[str] | None
) -> tuple[PublicationInput | None, list[Rejection]]:
    """The row as a publication, or None and why it is rejected."""
    if len(cells) > len(table.header):
        return None, [_rejection(table, line, cells, None, "raden har flere felt enn overskriften")]
    # A CSV row may be short: the fields it leaves out are missing (sammendrag may be).
    values = {COLUMNS[name]: cell for name, cell in zip(table.header, cells, strict=False)}
    try:
        publication = PublicationInput(**values)
    except ValidationError as exc:
        return None, [
            _rejection(table, line, cells, _column(error), _reason(error)) for error in exc.errors()
        ]
    if owners is not None and publication.owner not in owners:
        return None, [_rejection(table, line, cells, "eier", unknown_owner(publication.owner, owners))]
    return publication, []


def _rejection(table: Table, line: int, cells: list[str], column: str | None, reason: str) -> Rejection:
    raw = table.record(cells)
    if len(cells) > len(table.header):
        raw["(ekstra)"] = ";".join(cells[len(table.header) :])
    return Rejection(
        table.file, line, column, table.explain(line, column, reason, raw.get(column or "", "")), raw
    )


def _column(error: dict) -> str | None:
    return FIELD_TO_COLUMN.get(str(error["loc"][0])) if error["loc"] else None


def _reason(error: dict) -> str:
    return _PYDANTIC_REASONS.get(error["type"]) or validation.reason(error)
