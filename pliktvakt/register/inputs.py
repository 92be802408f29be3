"""Validated input: the grants register's public allocation file (vedlegg 1 pkt. 1).

It is read for the weekly check of the register against what it publishes.

The public side gives a year's allocations to voluntary organisations as an xlsx file at
``GET {base}/api/download/allocation-to-volunteers?year=ÅÅÅÅ``. Two things about it:

- it is xlsx even where the response says ``application/json``, so the body is checked for
  the zip signature ``PK`` and the header is not trusted;
- the dimensions the sheet records can be wrong (openpyxl's read-only mode would stop at
  them), so none is trusted: the sheet is read by ``pliktvakt.tabular``, as every workbook.

Each award pliktvakt registered must be in it with the same orgnr, scheme and amount
(``rules.compare``). Awards are compared as sums per organisation and scheme, since one
organisation can have two awards under one scheme in a year.
"""

from collections import defaultdict
from decimal import Decimal, InvalidOperation

from pliktvakt import tabular
from pliktvakt.register.rules import allocation_key

# Header names the public file uses, after casefold and trimming; the first that is found wins.
ORGNR_HEADERS = ("organisasjonsnummer", "orgnr", "mottakers organisasjonsnummer", "org.nr.")
SCHEME_HEADERS = ("tilskuddsordning", "ordning", "ordningsnavn")
AMOUNT_HEADERS = ("beløp", "tildelt beløp", "tildelt", "innvilget beløp")
HEADER_SEARCH_ROWS = 20  # a title or notes may stand above the header


class AllocationFileError(ValueError):
    """The public file cannot be read; the message names the file, the row and the field."""


def read_allocations(data: bytes, source: str) -> dict[tuple[str, str], Decimal]:
    """The public file as sums by (orgnr, scheme name); AllocationFileError if it is not one."""
    if not data.startswith(b"PK"):
        start = data[:40].decode("utf-8", "replace")
        raise AllocationFileError(f"{source}: svaret er ikke en xlsx-fil (begynner med «{start}»)")
    rows = _first_sheet(data, source)
    header_line, columns = _header(rows, source)
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for line, values in rows:
        cells = [value.strip() for value in values]
        if line <= header_line or not any(cells):
            continue
        orgnr, scheme, amount = (cells[i] if i < len(cells) else "" for i in columns)
        sums[allocation_key(orgnr, scheme)] += _amount(amount, source, line)
    return dict(sums)


def _first_sheet(data: bytes, source: str) -> list[tuple[int, list[str]]]:
    """The first sheet's rows as text, by row number, read by ``tabular`` (no recorded size
    trusted)."""
    try:
        return tabular.first_sheet_rows(data, source)
    except tabular.FileRejected as exc:
        raise AllocationFileError(str(exc.rejected[0])) from None
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise AllocationFileError(f"{source}: kan ikke lese xlsx-filen ({type(exc).__name__})") from None


def _header(rows: list[tuple[int, list[str]]], source: str) -> tuple[int, tuple[int, int, int]]:
    for line, values in rows:
        if line > HEADER_SEARCH_ROWS:
            break
        names = [v.strip().casefold() for v in values]
        found = [_column(names, headers) for headers in (ORGNR_HEADERS, SCHEME_HEADERS, AMOUNT_HEADERS)]
        if all(index is not None for index in found):
            return line, tuple(found)
    raise AllocationFileError(
        f"{source}: fant ingen overskriftsrad med organisasjonsnummer, tilskuddsordning og beløp "
        f"blant de første {HEADER_SEARCH_ROWS} radene"
    )


def _column(names: list[str], headers: tuple[str, ...]) -> int | None:
    for header in headers:
        if header in names:
            return names.index(header)
    return None


def _amount(text: str, source: str, line: int) -> Decimal:
    try:
        return Decimal(text.replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except InvalidOperation:
        raise AllocationFileError(f"{source}, rad {line}, felt «beløp»: «{text}» er ikke et beløp") from None
