"""The weekly check of the register against what it publishes (vedlegg 1 pkt. 1).

The public side gives a year's allocations to voluntary organisations as an xlsx file at
``GET {base}/api/download/allocation-to-volunteers?year=ÅÅÅÅ``. Two things about it:

- it is xlsx even where the response says ``application/json``, so the body is checked for
  the zip signature ``PK`` and the header is not trusted;
- the dimensions the sheet records can be wrong (openpyxl's read-only mode would stop at
  them), so they are reset and every row is read.

Each award pliktvakt registered must be in it with the same orgnr, scheme and amount. Awards
are compared as sums per organisation and scheme, since one organisation can have two
awards under one scheme in a year.
"""

import io
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlmodel import Session

from pliktvakt import bokmal
from pliktvakt.register import plan
from pliktvakt.register.tables import Kind

# Header names the public file uses, after casefold and trimming; the first that is found wins.
ORGNR_HEADERS = ("organisasjonsnummer", "orgnr", "mottakers organisasjonsnummer", "org.nr.")
SCHEME_HEADERS = ("tilskuddsordning", "ordning", "ordningsnavn")
AMOUNT_HEADERS = ("beløp", "tildelt beløp", "tildelt", "innvilget beløp")
HEADER_SEARCH_ROWS = 20  # a title or notes may stand above the header


class AllocationFileError(ValueError):
    """The public file cannot be read; the message names the file, the row and the field."""


@dataclass(frozen=True)
class Difference:
    orgnr: str
    scheme: str
    registered: Decimal
    published: Decimal | None  # None: not in the public file at all
    refs: tuple[str, ...]

    @property
    def kind(self) -> str:
        return "mangler" if self.published is None else "endret"

    def row(self) -> dict[str, str]:
        """The table artifact's row, in bokmål."""
        return {
            "Avvik": "Mangler i registeret" if self.published is None else "Annet beløp i registeret",
            "Organisasjonsnummer": self.orgnr,
            "Tilskuddsordning": self.scheme,
            "Registrert av pliktvakt": bokmal.kroner(self.registered),
            "Publisert": "—" if self.published is None else bokmal.kroner(self.published),
            "Vedtak": ", ".join(self.refs),
        }


def _key(orgnr: str, scheme: str) -> tuple[str, str]:
    return "".join(orgnr.split()), " ".join(scheme.split()).casefold()


def read_allocations(data: bytes, source: str) -> dict[tuple[str, str], Decimal]:
    """The public file as sums by (orgnr, scheme name); AllocationFileError if it is not one."""
    from openpyxl import load_workbook  # only the reconciliation needs it

    if not data.startswith(b"PK"):
        start = data[:40].decode("utf-8", "replace")
        raise AllocationFileError(f"{source}: svaret er ikke en xlsx-fil (begynner med «{start}»)")
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise AllocationFileError(f"{source}: kan ikke lese xlsx-filen ({type(exc).__name__})") from None
    sheet.reset_dimensions()  # the recorded dimensions can be wrong
    rows = sheet.iter_rows(values_only=True)
    header_line, columns = _header(rows, source)
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for line, values in enumerate(rows, start=header_line + 1):
        cells = [_text(v) for v in values]
        if not any(cells):
            continue
        orgnr, scheme, amount = (cells[i] if i < len(cells) else "" for i in columns)
        sums[_key(orgnr, scheme)] += _amount(amount, source, line)
    return dict(sums)


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an orgnr or a whole amount stored as a number
    return "" if value is None else str(value).strip()


def _header(rows, source: str) -> tuple[int, tuple[int, int, int]]:
    for line, values in enumerate(rows, start=1):
        names = ["" if v is None else str(v).strip().casefold() for v in values]
        found = [_column(names, headers) for headers in (ORGNR_HEADERS, SCHEME_HEADERS, AMOUNT_HEADERS)]
        if all(index is not None for index in found):
            return line, tuple(found)
        if line >= HEADER_SEARCH_ROWS:
            break
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


def registered_awards(session: Session, year: int) -> dict[tuple[str, str], tuple[Decimal, tuple[str, ...]]]:
    """What pliktvakt registered for ``year``, newest registered version of each award:
    sums and decision refs by (orgnr, scheme name)."""
    newest = {}
    for submission in plan.registered(session, Kind.AWARD):
        newest[submission.ref] = json.loads(submission.payload)
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    refs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for ref, payload in newest.items():
        if payload["aar"] == year:
            key = _key(payload["mottaker_orgnr"], payload["ordning"])
            sums[key] += Decimal(str(payload["tildelt_belop"]))
            refs[key].append(ref)
    return {key: (total, tuple(refs[key])) for key, total in sums.items()}


def compare(
    registered: dict[tuple[str, str], tuple[Decimal, tuple[str, ...]]],
    published: dict[tuple[str, str], Decimal],
    scheme_names: dict[str, str],
) -> list[Difference]:
    """Each registered (orgnr, scheme) that is missing from the public file or has another sum."""
    differences = []
    for key, (total, refs) in sorted(registered.items()):
        shown = published.get(key)
        if shown is None or shown != total:
            name = scheme_names.get(key[1], key[1])
            differences.append(Difference(key[0], name, total, shown, refs))
    return differences
