"""Kind: inputs. Reading settlement figures from CSV, XLSX or a JSON payload.

All three share one long format, one row per municipality, month and category:

    år;måned;kommunenr;kommune;kategori;antall;herav_em

- kategori is ``anmodet``, ``vedtatt`` or ``bosatt``. anmodet and vedtatt are the year's
  figures as known at the month's end; bosatt is the number settled in the month.
- ``:`` in antall or herav_em is a suppressed count (under 5). An empty herav_em is unknown.
- CSV and XLSX are read by the one reader, ``pliktvakt.tabular`` (encoding, separator, and
  ``#`` comment lines before the header, which the synthetic sample uses to say what it is).
  Every line must have the header's number of fields. Excel turns the code 0301 into the
  number 301; in a sheet a code of fewer than four digits is padded with zeros.

JSON payload (the HTTP source), version 1::

    {"format": "pliktvakt-bosetting/1",
     "rader": [{"år": 2026, "måned": 10, "kommunenr": "0301", "kommune": "Oslo",
                "kategori": "bosatt", "antall": 41, "herav_em": ":"}, ...]}

antall and herav_em are integers, ``":"`` (suppressed) or null (herav_em only: unknown).

Errors: a file that cannot be read as this format raises ``SettlementFileError`` naming
file, line and field, and nothing is loaded. A readable row with a bad value is
quarantined with its reasons; the good rows are loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, TypeAdapter, ValidationError
from typing_extensions import TypedDict

from pliktvakt import bounds
from pliktvakt.settlement.inputs import (
    Category,
    LoadResult,
    QuarantinedRow,
    SettlementFileError,
    SettlementRow,
)
from pliktvakt.tabular import FileRejected, Table, bulk, read_csv, read_table, read_xlsx

COLUMNS = ["år", "måned", "kommunenr", "kommune", "kategori", "antall", "herav_em"]
JSON_FORMAT = "pliktvakt-bosetting/1"
SUPPRESSED = ":"


# At most what a database integer holds; a larger count is quarantined, not carried on.
NonNegativeInt = Annotated[int, Field(ge=0, le=bounds.MAX_ID, strict=False)]


class RowIn(TypedDict):
    """The edge: one raw row. Validated for the whole file in one pydantic call (fast, in
    pydantic-core); the errors are then turned into bokmål reasons per field."""

    år: Annotated[int, Field(ge=2000, le=2100)]
    måned: Annotated[int, Field(ge=1, le=12)]
    kommunenr: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{4}$")]
    kommune: str
    kategori: Literal["anmodet", "vedtatt", "bosatt"]
    antall: NonNegativeInt | Literal[":"]
    herav_em: NonNegativeInt | Literal[":", ""] | None


ROWS = TypeAdapter(list[RowIn])
CATEGORIES = {c.value: c for c in Category}


def _field_reason(field: str, value: Any) -> str:
    if isinstance(value, int) and value.bit_length() > 63:  # str() refuses past 4300 digits
        return f"{field}: tallet er større enn {bounds.MAX_ID}"
    shown = f"«{value}»"
    if field == "år":
        return f"{field}: året {shown} er ikke et heltall mellom 2000 og 2100"
    if field == "måned":
        return f"{field}: måneden {shown} er ikke et heltall mellom 1 og 12"
    if field == "kommunenr":
        return f"{field}: kommunenummer {shown} er ikke fire siffer"
    if field == "kategori":
        return f"{field}: ukjent kategori {shown} (anmodet, vedtatt eller bosatt)"
    if field in ("antall", "herav_em"):
        text = str(value).strip()
        if text.startswith("-") and text[1:].isdigit():  # no int(): it refuses over 4300 digits
            return f"{field}: negativt antall ({text})"
        if text == "" or value is None:
            return f"{field}: mangler tall"
        return f"{field}: {shown} er ikke et heltall eller «:»"
    return f"{field}: {shown} må være tekst"


def _reasons_by_row(exc: ValidationError, raw: list[tuple[int, dict[str, Any]]]) -> dict[int, list[str]]:
    reasons: dict[int, list[str]] = {}
    for err in exc.errors():
        index, field = err["loc"][0], str(err["loc"][1]) if len(err["loc"]) > 1 else "rad"
        values = raw[index][1]
        reason = f"{field}: mangler" if err["type"] == "missing" else _field_reason(field, values.get(field))
        row_reasons = reasons.setdefault(index, [])
        if reason not in row_reasons:  # a union field reports once per member
            row_reasons.append(reason)
    return reasons


def validate_rows(
    source: str,
    raw_rows: Iterable[tuple[int, dict[str, Any]]],
    known_municipalities: Iterable[str] | None = None,
) -> LoadResult:
    """Validate raw rows (line number, mapping): good rows loaded, bad rows quarantined."""
    raw = list(raw_rows)
    known = set(known_municipalities) if known_municipalities is not None else None
    validated: list[RowIn | None]
    try:
        validated = ROWS.validate_python([values for _, values in raw])
        bad: dict[int, list[str]] = {}
    except ValidationError as exc:
        bad = _reasons_by_row(exc, raw)
        good = [i for i in range(len(raw)) if i not in bad]
        validated = [None] * len(raw)
        for i, row in zip(good, ROWS.validate_python([raw[i][1] for i in good]), strict=True):
            validated[i] = row
    seen: dict[tuple[int, int, str, Category], int] = {}
    rows: list[SettlementRow] = []
    quarantined: list[QuarantinedRow] = []
    for index, (line, values) in enumerate(raw):
        row = validated[index]
        if row is None:
            quarantined.append(QuarantinedRow(line, values, tuple(bad[index])))
            continue
        count, em = row["antall"], row["herav_em"]
        count = count if count.__class__ is int else None  # ":" -> suppressed
        em = em if em.__class__ is int else None  # ":", "" or null -> not known
        code, category = row["kommunenr"], CATEGORIES[row["kategori"]]
        reasons = []
        if known is not None and code not in known:
            reasons.append(f"kommunenr: ukjent kommunenummer ({code})")
        if count is not None and em is not None and em > count:
            reasons.append(f"herav_em: større enn antall ({em} > {count})")
        key = (row["år"], row["måned"], code, category)
        if key in seen:
            reasons.append(f"rad: duplikat (samme som linje {seen[key]})")
        if reasons:
            quarantined.append(QuarantinedRow(line, values, tuple(reasons)))
            continue
        seen[key] = line
        rows.append(SettlementRow(row["år"], row["måned"], code, category, count, em))
    return LoadResult(source=source, rows=rows, quarantined=quarantined)


def _parse(
    known_municipalities: Iterable[str] | None, reader: Callable[..., Table], *args: Any
) -> LoadResult:
    """Read with the one reader, its rejection as the settlement error callers catch; validate."""
    try:
        table = reader(*args)
    except FileRejected as exc:
        raise SettlementFileError(exc.file, exc.line, exc.field, exc.reason) from None
    return validate_rows(table.file, _raw_rows(table), known_municipalities)


def _raw_rows(table: Table) -> list[tuple[int, dict[str, Any]]]:
    """The rows by column name. The structure is checked for the whole file before any row is
    validated: all or nothing."""
    problems = table.column_problems(COLUMNS)
    if problems:
        raise SettlementFileError(table.file, problems[0].line, problems[0].field, problems[0].reason)
    # Every row is as wide as the header: ``table_of`` reported any other as a problem above.
    # The hot loop of a large file (see bench/settlement_bench.py): one dict per row, no more.
    if table.header == COLUMNS:
        rows = [(line, dict(zip(COLUMNS, values, strict=True))) for line, values in table.rows]
    else:
        positions = [(name, table.header.index(name)) for name in COLUMNS]
        rows = [(line, {name: values[pos] for name, pos in positions}) for line, values in table.rows]
    if table.from_sheet:
        for _, row in rows:
            if row["kommunenr"].isdigit():
                row["kommunenr"] = row["kommunenr"].zfill(4)  # Excel stores 0301 as the number 301
    return rows


# Each load runs under ``bulk()``: a large file makes hundreds of thousands of live rows.
@bulk()
def parse_csv(data: bytes, file: str, known_municipalities: Iterable[str] | None = None) -> LoadResult:
    return _parse(known_municipalities, read_csv, data, file, None, ())  # no field spans lines


@bulk()
def parse_xlsx(path: Path, known_municipalities: Iterable[str] | None = None) -> LoadResult:
    return _parse(known_municipalities, read_xlsx, path, str(path))


@bulk()
def parse_json_payload(
    payload: Any, source: str, known_municipalities: Iterable[str] | None = None
) -> LoadResult:
    """Validate a decoded JSON payload of the shape in the module docstring.
    The 'line' of a row is its 1-based position in ``rader``."""
    if not isinstance(payload, dict):
        raise SettlementFileError(source, None, None, "svaret er ikke et JSON-objekt")
    if payload.get("format") != JSON_FORMAT:
        raise SettlementFileError(
            source, None, "format", f"forventet «{JSON_FORMAT}», fikk «{payload.get('format')}»"
        )
    rows = payload.get("rader")
    if not isinstance(rows, list):
        raise SettlementFileError(source, None, "rader", "mangler eller er ikke en liste")
    raw = []
    for index, item in enumerate(rows, start=1):
        if not isinstance(item, dict):
            raise SettlementFileError(source, index, None, "raden er ikke et JSON-objekt")
        raw.append((index, {name: item.get(name, "") for name in COLUMNS}))
    return validate_rows(source, raw, known_municipalities)


@bulk()
def load_settlement_file(path: Path, known_municipalities: Iterable[str] | None = None) -> LoadResult:
    """Read a CSV or XLSX file, chosen by its suffix."""
    return _parse(known_municipalities, read_table, path, None, None, ())  # no field spans lines
