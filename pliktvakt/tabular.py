"""The one reader of tabular import files, CSV and XLSX (DESIGN.md principle 9).

Every import (grant awards, publications, settlement figures) reads its file here and then
validates the rows itself. The rules, the same for every import:

- The file type is chosen by its suffix: ``.csv`` or ``.txt`` is CSV, ``.xlsx`` or ``.xlsm``
  is Excel. It must be a regular file: a FIFO, a device or a directory is refused before it
  is opened (a FIFO would hang, ``/dev/zero`` would fill the memory).
- Every row is read or the file is refused (issue 30):
  - XLSX: the rows are read as the sheet's XML has them, never trusting its ``<dimension>``
    record (openpyxl's read-only mode stops where that record says, and pads every row to
    its width). The data sheet is the one visible sheet with data; a workbook whose first
    sheet is hidden, or with several visible sheets with data, is refused, naming them.
    ``Table.sheet_name`` says which sheet was read.
  - CSV: read strictly. A quote that is never closed, or text after a closing quote, is
    refused; so is a quoted field that spans lines in a column that does not allow it (only
    the columns an import names in ``multiline``), and a record with fewer fields than the
    header, or with text beyond it.
- Bounds: a cell or field has at most 10 000 characters and a file at most 100 columns. An
  XLSX is checked for a longer text before it is read, so a small compressed file cannot make
  a huge string.
- XLSX is read by calamine (Rust, about ten times openpyxl's speed) when a scan of the XML
  finds nothing calamine might read otherwise (``_Scan``); any other workbook by openpyxl.
  Both give the same rows (tests/test_xlsx_parity.py), so the rules here hold for both.
- CSV encoding: UTF-8, with or without BOM. Otherwise Windows-1252, what Excel on Norwegian
  Windows writes for "CSV (semikolondelt)". Decoded as the WHATWG Encoding Standard (and so
  every browser) does: the five bytes cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D)
  become the control characters of the same number, as in ISO-8859-1. So the fallback never
  raises, and an ISO-8859-1 file reads the same except for the rarely used C1 controls
  (Windows-1252 puts «–», «€» and the curly quotes there). Æ, ø and å are the same in both.
  Refused, with the encoding named: UTF-16 (Excel's «Unicode-tekst»), and a file that is
  UTF-8 but for a stray byte (it has UTF-8's æ, ø or å, so it is not Windows-1252).
- At most ``PLIKTVAKT_IMPORT_ROW_LIMIT`` rows (default 200 000): a longer file is refused
  when the reader gets past the limit, before any row is validated, so memory stays bounded.
- CSV delimiter: semicolon or comma, whichever the header line has more of; semicolon when
  it has neither (Excel's Norwegian default). A header with tabs and neither is refused as
  tab-separated. A field may be up to 128 KiB (the csv module's limit).
- Blank lines, and lines starting with ``#`` before the header, are skipped. The header's
  names are compared in lower case, with spaces as ``_``; empty names at its end are dropped,
  as are empty cells beyond the header.
- Every cell is text; in a sheet a row has at least the header's number of cells. An XLSX
  number that is whole is written without decimals (2025, not 2025.0), one with decimals
  with a decimal comma (1,5), as a Norwegian types it; a date at midnight as ``ÅÅÅÅ-MM-DD``.
- Line numbers are those of the file (the line a record starts on) or of the sheet's rows.

A file that cannot be read raises ``FileRejected``, the one rejection type: every import
raises it (or a subclass), naming the file, the line and the field of each problem.
"""

import codecs
import csv
import gc
import io
import itertools
import math
import re
import stat
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
WHOLE_FILE = 0  # the line of a problem with the file as a whole
MAX_CELL = 10_000  # characters in one cell or field
MAX_COLUMNS = 100
MAX_SHOWN = 1_000  # problems kept of one rejected file; the total is counted


@dataclass(frozen=True)
class Rejection:
    """One reason a file was rejected: where (file, line, field) and why (bokmål)."""

    file: str
    line: int  # the line or sheet row; the header is usually 1; WHOLE_FILE for the file as a whole
    field: str | None  # the column's header, or None when the line or file as a whole is wrong
    reason: str
    raw: dict[str, str] = field(default_factory=dict)  # the rejected row, kept with its reason

    @property
    def message(self) -> str:  # the grants import's name for the reason
        return self.reason

    def __str__(self) -> str:
        where = self.file if self.line == WHOLE_FILE else f"{self.file}, linje {self.line}"
        if self.field:
            where += f", felt «{self.field}»"
        return f"{where}: {self.reason}"


class FileRejected(ValueError):
    """A file rejected whole: nothing of it is imported. ``rejected`` holds every problem
    found; ``line``, ``field`` and ``reason`` are those of the first."""

    def __init__(self, file: str, rejected: list[Rejection], total: int | None = None):
        self.file = file
        # At most MAX_SHOWN problems are kept (and stored, and printed); ``total`` counts them all.
        self.rejected = list(rejected)[:MAX_SHOWN]
        self.total = len(rejected) if total is None else total
        first = self.rejected[0]
        self.line, self.field, self.reason = first.line, first.field, first.reason
        more = self.total - len(self.rejected)
        super().__init__(
            f"{file}: filen ble avvist, ingenting er lagt inn ({self.total} feil):\n"
            + "\n".join(f"- {problem}" for problem in self.rejected)
            + (f"\n- … og {more} feil til" if more else "")
        )

    @property
    def errors(self) -> list[Rejection]:  # the grants import's name for ``rejected``
        return self.rejected


def rejected(file: str, reason: str, line: int = WHOLE_FILE, field: str | None = None) -> FileRejected:
    """A rejection with one problem."""
    return FileRejected(file, [Rejection(file, line, field, reason)])


def row_limit() -> int:
    from pliktvakt.settings import get_settings

    return get_settings().import_row_limit


def _too_many_rows(file: str, limit: int) -> FileRejected:
    shown = f"{limit:,}".replace(",", " ")
    return rejected(
        file,
        f"filen har mer enn {shown} rader, grensen for én import (PLIKTVAKT_IMPORT_ROW_LIMIT); "
        "del den i flere filer",
    )


@dataclass(frozen=True)
class Table:
    """A file's header and rows, as text."""

    file: str  # the name used in messages
    header_line: int
    header: list[str]  # normalised: lower case, spaces as _
    rows: list[tuple[int, list[str]]]  # (line, cells); blank rows left out
    from_sheet: bool = False  # read from XLSX, where Excel may have made numbers of codes
    sheet: Path | None = None  # the XLSX file, to say what an empty cell really is (``explain``)
    sheet_name: str | None = None  # the sheet read, of an XLSX file
    # Rows whose shape is wrong (fields missing or beyond the header, a cell too long):
    # returned by ``column_problems``, which every import checks before any row.
    shape_problems: tuple[Rejection, ...] = ()

    def explain(self, line: int, column: str | None, reason: str, value: str = "") -> str:
        """``reason`` for the cell, or, for an empty cell of a sheet that is a formula with no
        stored value or part of a merged cell, that. Looked up only when asked: a bad file."""
        if self.sheet is None or value.strip() or column not in self.header:
            return reason
        notes = _sheet_notes(self.sheet, self.sheet.stat().st_mtime_ns, self.sheet_name)
        return notes.get((line, self.header.index(column)), reason)

    def record(self, cells: list[str]) -> dict[str, str]:
        """The cells by header; missing cells are empty."""
        return {name: cells[i] if i < len(cells) else "" for i, name in enumerate(self.header)}

    def column_problems(self, required: Iterable[str], known: Iterable[str] | None = None) -> list[Rejection]:
        """Required columns missing, columns named twice, and, where ``known`` is given,
        columns outside it; then the rows whose shape is wrong (``shape_problems``)."""
        problems = []
        if known is not None:
            known = list(known)
            problems += [
                self._problem(name or "(tom)", f"ukjent kolonne; gyldige er {', '.join(known)}")
                for name in self.header
                if name not in known
            ]
        seen: set[str] = set()
        for name in self.header:
            if name in seen and name:
                problems.append(self._problem(name, "kolonnen står flere ganger i overskriften"))
            seen.add(name)
        problems += [
            self._problem(name, "kolonnen mangler i overskriften")
            for name in required
            if name not in self.header
        ]
        return problems + list(self.shape_problems)

    def _problem(self, name: str, reason: str) -> Rejection:
        return Rejection(self.file, self.header_line, name, reason)


@contextmanager
def bulk() -> Iterator[None]:
    """Pause the cyclic garbage collector while many plain rows are made: a file read and
    validated, a compliance record built, a watch pass queued.

    A load makes a few hundred thousand small lists, dicts and tuples that all stay alive, so
    the collector runs again and again and finds nothing: it more than doubled the settlement
    load (bench/settlement_bench.py). The rows hold no reference cycles; reference counting
    still frees everything, and the collector is restored as it was, even on an error."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_table(
    path: str | Path, file: str | None = None, limit: int | None = None, multiline: Iterable[str] = ()
) -> Table:
    """Read a CSV or XLSX file, chosen by its suffix; ``file`` is its name in messages
    (default: the path as given), ``limit`` the most rows (default: the setting),
    ``multiline`` the columns of a CSV whose field may span lines."""
    path = Path(path)
    file = str(path) if file is None else file
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return read_xlsx(path, file, limit)
    if suffix not in CSV_SUFFIXES:
        raise rejected(file, "filen må være .csv eller .xlsx")
    regular_file(path, file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise rejected(file, f"filen kan ikke leses ({exc.strerror})") from None
    return read_csv(data, file, limit, multiline)


def regular_file(path: Path, file: str) -> None:
    """Refuse anything but a regular file (after symlinks), before it is opened: a FIFO
    blocks for ever, a device never ends, a directory is no file."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise rejected(file, f"filen kan ikke leses ({exc.strerror})") from None
    if stat.S_ISDIR(mode):
        raise rejected(file, "er en mappe, ikke en fil")
    if not stat.S_ISREG(mode):
        raise rejected(file, "er ikke en vanlig fil (en FIFO, en enhet eller en socket); oppgi en fil")


# UTF-8's æ, ø, å, Æ, Ø, Å: in a file that is not valid UTF-8, a sign it is UTF-8 with a stray byte.
_UTF8_LETTERS = re.compile(rb"\xc3[\xa6\xb8\xa5\x86\x98\x85]")


def _looks_utf16(data: bytes) -> bool:
    head = data[:4096]
    return head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or head.count(b"\x00") * 3 > len(head)


def decode(data: bytes, file: str = "filen") -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as the WHATWG standard decodes it.
    UTF-16, and UTF-8 with a stray byte, are refused with the encoding named."""
    return "".join(_lines(data, file))


def _lines(data: bytes, file: str) -> Iterator[str]:
    """The file's lines, decoded as it comes (``decode``): the text is never held whole."""
    utf8 = _is_utf8(data, file)
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig" if utf8 else "latin-1", newline="")
    return stream if utf8 else (line.translate(_WINDOWS_1252) for line in stream)


_CHUNK = 1 << 20


def _is_utf8(data: bytes, file: str) -> bool:
    """Whether ``data`` is UTF-8, checked a chunk at a time; raises for UTF-16 and for UTF-8
    with a stray byte, whose encoding is then plain."""
    if _looks_utf16(data):
        raise rejected(
            file,
            "filen ser ut som UTF-16 (Excels «Unicode-tekst»); lagre den som «CSV UTF-8» "
            "eller «CSV (semikolondelt)»",
        )
    decoder = codecs.getincrementaldecoder("utf-8")()
    for at in range(0, len(data), _CHUNK):
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(data[at : at + _CHUNK], final=at + _CHUNK >= len(data))
        except UnicodeDecodeError as exc:
            if not _UTF8_LETTERS.search(data):
                return False
            bad = at - pending + exc.start
            raise rejected(
                file,
                f"filen er UTF-8, men har en ugyldig byte (0x{data[bad]:02X}); lagre den på nytt "
                "som «CSV UTF-8»",
                data.count(b"\n", 0, bad) + 1,
            ) from None
    return True


def _windows_1252(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:  # one of the five bytes cp1252 leaves undefined
        return chr(byte)


# latin-1 and Windows-1252 differ only in 0x80-0x9F.
_WINDOWS_1252 = {byte: _windows_1252(byte) for byte in range(0x80, 0xA0)}


def delimiter(header_line: str) -> str:
    return "," if header_line.count(",") > header_line.count(";") else ";"


def read_csv(
    data: bytes, file: str, limit: int | None = None, multiline: Iterable[str] | None = None
) -> Table:
    """``multiline``: the columns whose quoted field may span lines; None for any column
    (the reader alone, in its own tests), an empty set for none."""
    limit = row_limit() if limit is None else limit
    # More lines than the limit may still be fewer records (a quoted field may span lines):
    # count the records first, holding none, so a file over the limit is refused up front.
    if data.count(b"\n") > limit + 1 and sum(1 for _ in _records(data, file)) > limit + 1:
        raise _too_many_rows(file, limit)
    rows = []
    for row in _records(data, file):
        rows.append(row)
        if len(rows) > limit + 1:  # the header and ``limit`` rows
            raise _too_many_rows(file, limit)
    table = table_of(file, rows)
    if multiline is None:
        return table
    spanning = _spanning_fields(table, set(multiline))
    return replace(table, shape_problems=(*spanning, *table.shape_problems)) if spanning else table


def _spanning_fields(table: Table, allowed: set[str]) -> list[Rejection]:
    """A quoted field spanning lines where its column does not allow it, or, where it does,
    with a line inside that has a record's separators: most often a stray quote that
    swallowed the records after it into one field."""
    width = len(table.header)
    problems = []
    for line, cells in table.rows:
        for name, cell in zip(table.header, cells, strict=False):
            if "\n" not in cell and "\r" not in cell:
                continue
            if name not in allowed:
                reason = "feltet går over flere linjer, og kolonnen tillater ikke linjeskift"
            elif width > 1 and any(
                max(part.count(";"), part.count(",")) >= width - 1 for part in cell.splitlines()[1:]
            ):
                reason = "feltet har en linje som ser ut som en egen rad"
            else:
                continue
            problems.append(
                Rejection(table.file, line, name, f"{reason}; et anførselstegn som ikke er lukket?")
            )
    return problems


def _records(data: bytes, file: str) -> Iterator[tuple[int, list[str]]]:
    """The header and the records after it, each with the line it starts on."""
    lines = _lines(data, file)
    first = 0
    for text in lines:  # skip what comes before the header
        first += 1
        if not _preamble([text]):
            break
    else:
        raise rejected(file, "filen er tom")
    if "\t" in text and delimiter(text) == ";" and ";" not in text:
        raise rejected(
            file, "filen ser ut som tabulator-separert; bruk semikolon eller komma mellom feltene", first
        )
    # strict: a quote never closed, or text after a closing quote, is an error, not a field
    # that silently swallows the records after it.
    reader = csv.reader(itertools.chain([text], lines), delimiter=delimiter(text), strict=True)
    start = first
    try:
        for cells in reader:
            yield start, cells  # the line the record starts on
            start = first + reader.line_num
    except csv.Error as exc:
        raise rejected(file, f"ugyldig CSV: {_csv_reason(exc)}", start) from None


# The csv module's messages, in bokmål.
_CSV_REASONS = (
    ("field larger than field limit", "et felt er lengre enn 128 KiB"),
    ("line contains nul", "linjen har et NUL-tegn (en binærfil, eller UTF-16?)"),
    ("new-line character seen in unquoted field", "linjeskift inne i et felt uten anførselstegn"),
    ("unexpected end of data", "filen slutter inne i et felt i anførselstegn"),
    ("expected after", "anførselstegn midt i et felt; sett hele feltet i anførselstegn"),
)


def _csv_reason(exc: csv.Error) -> str:
    text = str(exc).lower()
    return next((reason for known, reason in _CSV_REASONS if known in text), "filen kan ikke leses som CSV")


def read_xlsx(path: Path, file: str, limit: int | None = None) -> Table:
    """The rows of the workbook's data sheet. calamine reads the sheet (in Rust: 120,000 rows
    in about a second); a workbook it might read otherwise than openpyxl does (``_Scan``) is
    read by openpyxl, whose reading the rules above describe."""
    limit = row_limit() if limit is None else limit
    regular_file(Path(path), file)
    try:
        scan = _scan_workbook(path, file)
        read = _calamine_rows(path, file, limit, scan) if scan.plain else None
        rows, title = read if read is not None else _openpyxl_rows(path, file, limit)
    except FileRejected:
        raise
    except FileNotFoundError as exc:
        raise rejected(file, f"filen kan ikke leses ({exc.strerror})") from None
    except Exception:  # openpyxl raises many types for a broken workbook (zip, XML, missing parts)
        raise rejected(file, "kan ikke lese filen som Excel (.xlsx)") from None
    while rows and _preamble(rows[0][1]):
        rows.pop(0)
    table = table_of(file, rows, from_sheet=True)
    return replace(table, sheet=Path(path), sheet_name=title)


def _openpyxl_rows(path: Path, file: str, limit: int) -> tuple[list[tuple[int, list[str]]], str]:
    workbook = _open_workbook(path, data_only=True)
    try:
        sheet = _data_sheet(
            file,
            [(s.title, s.sheet_state == "visible") for s in workbook.worksheets],
            lambda i: _has_data(workbook.worksheets[i]),
        )
        sheet = workbook.worksheets[sheet]
        rows = []
        for row in _sheet_rows(sheet, file):
            rows.append(row)
            if len(rows) > limit + 1:
                raise _too_many_rows(file, limit)
    finally:
        workbook.close()
    return rows, sheet.title


def _data_sheet(file: str, sheets: list[tuple[str, bool]], has_data) -> int:
    """The one sheet with the data: the first, visible, and the only visible one with data.
    ``sheets`` are (title, visible) in the workbook's order; ``has_data(index)`` reads one."""
    if not sheets:
        raise rejected(file, "arbeidsboken har ingen regneark")
    title, visible = sheets[0]
    if not visible:
        raise rejected(
            file,
            f"det første arket, «{title}», er skjult; vis det eller slett det, så det er "
            "klart hvilket ark som skal leses",
        )
    with_data = [i for i, (_, visible) in enumerate(sheets) if visible and has_data(i)]
    if len(with_data) > 1:
        names = ", ".join(f"«{sheets[i][0]}»" for i in with_data)
        raise rejected(
            file, f"flere synlige ark har data ({names}); la bare ett ark ha data, så det er klart hvilket"
        )
    return with_data[0] if with_data else 0


class _Unsure(Exception):
    """A value calamine may give otherwise than openpyxl: the workbook is read by openpyxl."""


# --- calamine, and the scan that says when to trust it ---------------------------------
# calamine and openpyxl differ on some XML (found by tests/test_xlsx_parity.py and by hand):
# calamine trims a <t> without xml:space="preserve", decodes _x000D_ escapes, does not turn a
# CR in the XML into LF, gives an error cell as empty, every number as a float (an integer of
# 17 digits loses its last ones), places a cell by its own reference rather than its row's,
# and holds the sheet as a dense grid. So calamine reads only a workbook whose XML has none of
# these, and whose grid is small; any other is read by openpyxl, as before.

# Anything here in a sheet or the shared strings: openpyxl reads the workbook. A text's leading
# or trailing space in a <t> without attributes (so without xml:space="preserve") is found by
# _TRIMMED; a namespace prefix for the sheet's elements by _MAIN_NAMESPACE, in the first chunk.
# Each is a search of the XML for something that is not there: about 0.1 s for 40 MB of XML.
_UNSURE_BYTES = (b"\r", b"<!", b"<rPh")
_TRIMMED = tuple(space + b"</t>" for space in (b" ", b"\t", b"\n"))
_TRIMMED_START = re.compile(rb"<t>\s")
_ESCAPE = re.compile(rb"_x[0-9A-Fa-f]{4}_")
_MAIN_NAMESPACE = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
# A value that is not a plain number (or shared string index, or boolean), which both read alike.
_UNSURE_VALUE = re.compile(rb"<v(?!>-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?</v>)")
# A cell without its place (r="A1" first), which calamine may place otherwise.
_UNPLACED_CELL = re.compile(rb'<c(?! r="[A-Z])[\s>/]')
# A row that is not its number and cells of that row only (calamine places a cell by its own
# reference, openpyxl by its row's): possessive, so 120,000 rows take a quarter of a second.
_UNSURE_ROW = re.compile(
    rb'<row(?! r="([0-9]+)"[^>]*+(?<!/)>(?:<c r="[A-Z]+\1"[^>]*+(?:(?<=/)>|>[^<]*+(?:<(?!/c>)[^<]*+)*+'
    rb'</c>))*+</row>)(?! r="[0-9]+"[^>]*+/>)'
)
_ROW_NUMBER = re.compile(rb'<row r="([0-9]+)"')
_BEYOND_CV = re.compile(rb'<c r="(?:[A-Z]{3}|C[W-Z]|[D-Z][A-Z])[0-9]')  # beyond column 100
_COLUMN = re.compile(rb'<c r="([A-Z]{1,2})[0-9]')
_MAX_GRID = 4_000_000  # cells of calamine's dense grid (about 32 bytes each)
# Where a row or a shared string starts: the XML before it is whole elements.
_PART_STARTS = (b"<row ", b"<si>", b"<si ")


@dataclass
class _Scan:
    plain: bool = True  # calamine reads it as openpyxl would
    rows: int = 0  # <row> elements in all sheets: what openpyxl counts against the limit
    sheets: int = 0
    row: int = 0  # the last row of the sheet being scanned
    column: int = 0  # its last column with a cell


def _scan_workbook(path: Path, file: str) -> _Scan:
    """Refuse a workbook with a text longer than a cell may be, before openpyxl or calamine
    reads it: openpyxl keeps every shared string in memory, so a small compressed file could
    hold one of hundreds of megabytes. Streams each sheet and the shared strings, a chunk at a
    time, and says whether calamine reads the workbook as openpyxl would (``_Scan.plain``)."""
    scan = _Scan()
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            name = info.filename
            if not (name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml"):
                continue
            if not name.endswith(".xml"):
                continue
            sheet = name != "xl/sharedStrings.xml"
            scan.sheets += sheet and "/" not in name.removeprefix("xl/worksheets/")
            scan.row = scan.column = 0
            run = 0  # bytes since the last "<"
            carry = b""  # the XML after the last whole element of the chunks so far
            with archive.open(info) as member:
                while chunk := member.read(_CHUNK):
                    first = chunk.find(b"<")
                    if first < 0:
                        run += len(chunk)
                    elif run + first > _MAX_XML_TEXT or _long_text(chunk):
                        run = _MAX_XML_TEXT + 1
                    else:
                        run = len(chunk) - chunk.rfind(b"<") - 1
                    if run > _MAX_XML_TEXT:
                        raise rejected(
                            file,
                            f"filen har en tekst på mer enn {MAX_CELL:,} tegn i {name}; en celle kan "
                            f"ha høyst {MAX_CELL:,} tegn".replace(",", " "),
                        )
                    if member.tell() == len(chunk) and _MAIN_NAMESPACE not in chunk:
                        scan.plain = False  # the sheet's elements have a prefix, or another namespace
                    if scan.plain:
                        carry += chunk
                        cut = max(map(carry.rfind, _PART_STARTS))
                        if cut > 0:
                            _scan_part(carry[:cut], sheet, scan)
                            carry = carry[cut:]
                        elif len(carry) > 4 * _CHUNK:
                            scan.plain, carry = False, b""
            if scan.plain:
                _scan_part(carry, sheet, scan)
    return scan


def _long_text(chunk: bytes) -> bool:
    """Whether the chunk has more than _MAX_XML_TEXT bytes between two "<". Such a run holds a
    whole window of half that length, aligned to it, without "<": only those are measured."""
    width = _MAX_XML_TEXT // 2
    for start in range(0, len(chunk), width):
        if chunk.find(b"<", start, start + width) < 0:
            left, right = chunk.rfind(b"<", 0, start), chunk.find(b"<", start + width)
            if left >= 0 and right >= 0 and right - left - 1 > _MAX_XML_TEXT:
                return True
    return False


def _scan_part(xml: bytes, sheet: bool, scan: _Scan) -> None:
    """Whether this part of a sheet's or the shared strings' XML, whole elements, is plain."""
    if (
        any(sign in xml for sign in _UNSURE_BYTES)
        or any(space in xml for space in _TRIMMED)
        or _TRIMMED_START.search(xml)
        or (b"_x" in xml and _ESCAPE.search(xml))
        or _UNSURE_VALUE.search(xml)
    ):
        scan.plain = False
        return
    if not sheet:
        return
    rows = [int(number) for number in _ROW_NUMBER.findall(xml)]
    if (
        _UNSURE_ROW.search(xml)
        or _UNPLACED_CELL.search(xml)
        or any(a >= b for a, b in zip([scan.row, *rows], rows, strict=False))  # out of order
        or _BEYOND_CV.search(xml)
    ):
        scan.plain = False
        return
    scan.rows += len(rows)
    scan.row = rows[-1] if rows else scan.row
    if _beyond(scan.column).search(xml):
        scan.column = max(scan.column, *map(_column_index, set(_COLUMN.findall(xml))))
    if scan.row * scan.column > _MAX_GRID:
        scan.plain = False


@lru_cache(maxsize=128)
def _beyond(column: int) -> re.Pattern:
    """A cell beyond ``column`` (up to 100, as _BEYOND_CV keeps them)."""
    names = [_column_name(at) for at in range(column + 1, MAX_COLUMNS + 1)]
    return re.compile(rb'<c r="(?:' + b"|".join(names) + rb")[0-9]")


def _column_name(index: int) -> bytes:
    name = b""
    while index:
        index, rest = divmod(index - 1, 26)
        name = bytes([65 + rest]) + name
    return name


@lru_cache(maxsize=256)
def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index


def _date_styles(path: Path) -> bool:
    """Whether the workbook may have a cell style that openpyxl reads as a date, time or
    duration. calamine decides that by rules of its own, and gives the date rather than the
    number, so such a workbook is read by openpyxl. Read from styles.xml by the searches below
    rather than by openpyxl's stylesheet, whose import alone was a tenth of the read of
    120,000 rows (issue 30); where unsure, the answer is yes."""
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        if "xl/styles.xml" not in names:
            return any(name.endswith("styles.xml") for name in names)
        styles = archive.read("xl/styles.xml")
    if _MAIN_NAMESPACE not in styles:
        return True  # prefixed elements: not what the searches read
    if any(int(id_) in _DATE_FORMAT_IDS for id_ in _FORMAT_ID.findall(styles)):
        return True
    # A format of the workbook's own: openpyxl reads it as a date or duration when its first
    # section has one of these letters outside quotes; here, when any of it does.
    return any(
        code is None or _DATE_LETTER.search(code.group(1))
        for code in map(_FORMAT_CODE.search, _CUSTOM_FORMAT.findall(styles))
    )


# Built-in formats that are dates, times or durations in openpyxl (BUILTIN_FORMATS 14-22 and
# 45-47), and the locale ids (27-36, 50-58) Excel may use for dates too.
_DATE_FORMAT_IDS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_FORMAT_ID = re.compile(rb"numFmtId\s*=\s*[\"']([0-9]+)[\"']")
_CUSTOM_FORMAT = re.compile(rb"<numFmt\b[^>]*>")
_FORMAT_CODE = re.compile(rb"formatCode\s*=\s*(\"[^\"]*\"|'[^']*')")
_DATE_LETTER = re.compile(rb"[dmhysDMHYS]")


def _calamine_rows(
    path: Path, file: str, limit: int, scan: _Scan
) -> tuple[list[tuple[int, list[str]]], str] | None:
    """The data sheet's rows and title, read by calamine; None for a workbook it might read
    otherwise than openpyxl (then openpyxl reads it, and refuses it where it should)."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    if scan.rows > limit + 1 or _date_styles(path):
        return None
    try:
        with CalamineWorkbook.from_path(path) as book:
            sheets = book.sheets_metadata
            if not sheets or len(sheets) != scan.sheets:
                return None
            if any(s.typ != SheetTypeEnum.WorkSheet for s in sheets):
                return None
            read: dict[int, list[tuple[int, list[str]]]] = {}

            def has_data(i: int) -> bool:
                read[i] = _calamine_sheet_rows(book.get_sheet_by_name(sheets[i].name))
                return bool(read[i])

            chosen = _data_sheet(
                file, [(s.name, s.visible == SheetVisibleEnum.Visible) for s in sheets], has_data
            )
            rows = (
                read[chosen]
                if chosen in read
                else _calamine_sheet_rows(book.get_sheet_by_name(sheets[chosen].name))
            )
            return rows, sheets[chosen].name
    except (FileRejected, KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # calamine's errors, _Unsure, and a panic in its Rust (a BaseException)
        return None


def _calamine_sheet_rows(sheet) -> list[tuple[int, list[str]]]:
    """The rows with a value, as ``_sheet_rows`` has them: (row number, texts), each row as
    wide as its last cell with a value. A text met before is kept once (``_sheet_rows``)."""
    if sheet.start is None:
        return []
    last_row, first_column = sheet.end[0], sheet.start[1]
    pad = [""] * first_column
    texts: dict[str, str] = {}
    rows = []
    count = 0
    # iter_rows gives a row at a time (to_python would hold the sheet twice), from row 1 but
    # from the first column with a value; the count of rows at the end checks the first.
    for count, values in enumerate(sheet.iter_rows(), start=1):
        cells = [v if type(v) is str else _calamine_text(v) for v in values]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        if len(texts) < _KEPT_TEXTS:
            cells = [texts.setdefault(c, c) for c in cells]
        else:
            cells = [texts.get(c, c) for c in cells]
        rows.append((count, pad + cells if first_column else cells))
    if count != last_row + 1:
        raise _Unsure  # rows numbered otherwise than this reads them
    return rows


# Typed: True and 1.0 are equal keys, but not the same text. A file repeats its years and
# amounts, so most cells are found here: a third of the read of 120,000 rows (issue 30).
@lru_cache(maxsize=4096, typed=True)
def _calamine_text(value: object) -> str:
    """``_cell_text`` of a calamine value, or ``_Unsure`` where openpyxl may give another:
    a date or time (by calamine's rules, not openpyxl's), a number that is not finite, and a
    whole number too large for a float to hold exactly (openpyxl reads it as an int)."""
    if isinstance(value, float) and (
        not math.isfinite(value) or (value.is_integer() and abs(value) >= 2**53)
    ):
        raise _Unsure
    if isinstance(value, (date, time, timedelta)):
        raise _Unsure
    return _cell_text(value)


def first_sheet_rows(data: bytes, file: str) -> list[tuple[int, list[str]]]:
    """The first sheet of a workbook held in memory, each row as text by its row number, with
    no header taken: for a file whose header may be below a title (the grants register's
    public allocation file). Read as ``read_xlsx`` reads with openpyxl, no size trusted."""
    workbook = _open_workbook(io.BytesIO(data), data_only=True)
    try:
        return list(_sheet_rows(workbook.worksheets[0], file))
    finally:
        workbook.close()


def _open_workbook(path: Path, data_only: bool):
    """The workbook, read only, with its sheets unopened. openpyxl's ``load_workbook`` asks each
    read-only sheet for its size at once, and for a sheet without a ``<dimension>`` record
    (openpyxl's own write-only mode writes none) that parses the whole sheet to its end, a
    second full pass that is never used here: no size is trusted (issue 30)."""
    # Imported only when a workbook is read: the CLI stays light.
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class UnsizedSheet(ReadOnlyWorksheet):
        def _get_size(self) -> None:
            pass

    class Reader(ExcelReader):
        def read_worksheets(self) -> None:  # ExcelReader's read-only branch, without the sizes
            for sheet, rel in self.parser.find_sheets():
                if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                    ws = UnsizedSheet(self.wb, sheet.name, rel.target, self.shared_strings)
                    ws.sheet_state = sheet.state
                    self.wb._sheets.append(ws)

    reader = Reader(path, read_only=True, data_only=data_only)
    reader.read()
    return reader.wb


def _parsed_rows(sheet):
    """(row number, parsed cells) as the sheet's XML has them: no ``<dimension>`` trusted,
    no row padded to a width it only claims (openpyxl's ``_cells_by_row`` without them)."""
    book = sheet.parent
    with sheet._get_source() as source:
        parser = _sheet_parser()(
            source,
            sheet._shared_strings,
            data_only=book.data_only,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        yield from parser.parse()


@lru_cache(maxsize=1)
def _sheet_parser():
    """openpyxl's sheet parser, reading inline strings (what openpyxl's own write-only mode and
    many exporters write) straight from the XML: its ``Text.from_tree`` builds a rich-text object
    per cell only to join its texts, a third of the time of reading a large sheet. The text is
    the same: the ``<t>`` of ``<is>`` and of each ``<r>`` run, without phonetic runs."""
    from openpyxl.worksheet._reader import INLINE_STRING, WorkSheetParser
    from openpyxl.xml.constants import SHEET_MAIN_NS

    text, run = f"{{{SHEET_MAIN_NS}}}t", f"{{{SHEET_MAIN_NS}}}r"

    class Parser(WorkSheetParser):
        def parse_cell(self, element):
            inline = element.find(INLINE_STRING) if element.get("t") == "inlineStr" else None
            if inline is None:
                return super().parse_cell(element)
            element.remove(inline)  # the rest (place, style, a formula) as openpyxl reads it
            cell = super().parse_cell(element)
            if cell["data_type"] == "inlineStr":
                parts = [inline.findtext(text), *(r.findtext(text) for r in inline.iterfind(run))]
                cell["value"], cell["data_type"] = "".join(p for p in parts if p), "s"
            return cell

    return Parser


def _has_data(sheet) -> bool:
    return any(
        cell["value"] is not None and str(cell["value"]).strip()
        for _, cells in _parsed_rows(sheet)
        for cell in cells
    )


_KEPT_TEXTS = 10_000


def _sheet_rows(sheet, file: str) -> Iterator[tuple[int, list[str]]]:
    """The rows of the sheet as text, each as wide as its last cell with a value; a value
    beyond column 100 refuses the file. A text met before is kept once: a sheet repeats its
    schemes, years and amounts on every row (a third less memory for 120,000 rows); the first
    10,000 texts are kept for this, so a column of unique names costs no more than before."""
    from openpyxl.utils import get_column_letter

    texts: dict[str, str] = {}
    for number, cells in _parsed_rows(sheet):
        values: dict[int, str] = {}
        for cell in cells:
            text = _cell_text(cell["value"])
            if not text:
                continue
            text = texts.setdefault(text, text) if len(texts) < _KEPT_TEXTS else texts.get(text, text)
            column = cell["column"]
            if column > MAX_COLUMNS:
                raise rejected(
                    file,
                    f"arket «{sheet.title}» har en verdi i kolonne {get_column_letter(column)}; "
                    f"en fil kan ha høyst {MAX_COLUMNS} kolonner",
                    number,
                )
            values[column] = text
        yield number, [values.get(c, "") for c in range(1, max(values, default=0) + 1)]


# A text of MAX_CELL characters is at most this many bytes of XML (6 for ``&quot;``).
_MAX_XML_TEXT = MAX_CELL * 6


@lru_cache(maxsize=4)
def _sheet_notes(path: Path, modified: int, sheet_name: str | None = None) -> dict[tuple[int, int], str]:
    """(row, column index) -> what an empty cell of the sheet read really is. The value pass
    (``data_only``) shows a formula Excel never calculated, and each merged cell but the first,
    as empty; this pass over the formulas and the merged ranges tells them apart."""
    from openpyxl.utils import range_boundaries

    notes: dict[tuple[int, int], str] = {}
    try:
        workbook = _open_workbook(path, data_only=False)
        try:
            sheet = workbook[sheet_name] if sheet_name else workbook.worksheets[0]
            for n, cells in _parsed_rows(sheet):
                for column, value in ((cell["column"] - 1, cell["value"]) for cell in cells):
                    if (
                        isinstance(value, str)
                        and value.startswith("=")
                        or type(value).__name__ == "ArrayFormula"
                    ):
                        notes[(n, column)] = (
                            f"cellen er en formel ({getattr(value, 'text', value)}) uten lagret verdi; "
                            "åpne og lagre filen i Excel, eller lim inn verdiene"
                        )
            for ref in _merged_ranges(sheet):
                first_column, first_row, last_column, last_row = range_boundaries(ref)
                for n in range(first_row, last_row + 1):
                    for column in range(first_column, last_column + 1):
                        if (n, column) != (first_row, first_column):
                            notes[(n, column - 1)] = (
                                f"cellen er en del av den flettede cellen {ref}; opphev flettingen "
                                "og skriv verdien i hver celle"
                            )
        finally:
            workbook.close()
    except Exception:  # only an explanation: the file was read once already
        return notes
    return notes


def _merged_ranges(sheet) -> list[str]:
    """The merged ranges of a read-only sheet, which openpyxl does not parse in that mode."""
    from xml.etree.ElementTree import iterparse

    with sheet._get_source() as source:
        return [
            element.get("ref", "")
            for _, element in iterparse(source)
            if element.tag.endswith("}mergeCell") and element.get("ref")
        ]


def _preamble(cells: list[str]) -> bool:
    """A blank row or a comment: what may come before the header."""
    return not any(c.strip() for c in cells) or cells[0].startswith("#")


def table_of(file: str, rows: list[tuple[int, list[str]]], from_sheet: bool = False) -> Table:
    """A table of ``(line, cells)`` rows whose first row is the header. Refused: a header of
    more than 100 columns. Kept as ``shape_problems``, for the import to report with its
    header's: a cell of more than 10 000 characters, a CSV record with fewer fields than the
    header, and any row with text beyond the header's columns."""
    if not rows:
        raise rejected(file, "filen er tom")
    header_line, cells = rows[0]
    header = [" ".join(c.split()).lower().replace(" ", "_") for c in cells]
    while header and not header[-1]:
        header.pop()
    if len(header) > MAX_COLUMNS:
        raise rejected(file, f"overskriften har {len(header)} kolonner; høyst {MAX_COLUMNS}", header_line)
    width, body, problems = len(header), [], []
    for row in [(header_line, cells), *rows[1:]]:  # the hot loop of a large import
        line, cells = row
        joined = "".join(cells)  # one string per row for the checks that any cell fails
        if len(joined) > MAX_CELL and max(map(len, cells)) > MAX_CELL:
            problems += _long_cells(file, line, header, cells)
        if "\x00" in joined:  # PostgreSQL refuses it, SQLite would store it
            problems += [
                Rejection(file, line, header[i] if i < len(header) else None, "feltet har et NUL-tegn (0x00)")
                for i, cell in enumerate(cells)
                if "\x00" in cell
            ]
        if line == header_line:
            continue
        if not joined.strip():
            continue  # a blank row
        if len(cells) != width:
            problems += _misfit(file, line, header, cells, from_sheet)
            cells = cells[:width] if len(cells) > width else cells + [""] * (width - len(cells))
            row = (line, cells)
            if not "".join(cells).strip():
                continue  # blank within the header's columns
        body.append(row)
    # All kept, however many: ``FileRejected`` keeps the first MAX_SHOWN and counts the total.
    return Table(file, header_line, header, body, from_sheet, shape_problems=tuple(problems))


def _long_cells(file: str, line: int, header: list[str], cells: list[str]) -> list[Rejection]:
    return [
        Rejection(
            file,
            line,
            header[i] if i < len(header) else f"kolonne {i + 1}",
            f"feltet har {len(cell):,} tegn; høyst {MAX_CELL:,}".replace(",", " "),
        )
        for i, cell in enumerate(cells)
        if len(cell) > MAX_CELL
    ]


def _misfit(file: str, line: int, header: list[str], cells: list[str], from_sheet: bool) -> list[Rejection]:
    """A row whose width is not the header's: text beyond the header, or, in a CSV, missing
    fields (a sheet has no missing cells, only empty ones)."""
    width = len(header)
    beyond = [i for i in range(width, len(cells)) if cells[i].strip()]
    if beyond and from_sheet:
        return [
            Rejection(
                file,
                line,
                None,
                f"raden har en verdi i kolonne {beyond[0] + 1}, utenfor overskriftens {width} kolonner",
            )
        ]
    if beyond or (not from_sheet and len(cells) < width):
        hint = "; et anførselstegn som ikke er lukket, eller et skilletegn som mangler?" if not beyond else ""
        field = None if beyond else header[len(cells)]
        return [Rejection(file, line, field, f"linjen har {len(cells)} felt, overskriften {width}{hint}")]
    return []


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        # A number with decimals as Norway writes it (150000,5): read like a typed amount,
        # where a point is a thousands separator and refused.
        return format(Decimal(repr(value)), "f").replace(".", ",")
    if isinstance(value, datetime) and value.time() == time(0, 0):
        return value.date().isoformat()  # Excel keeps a date as a datetime at midnight
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


class NotUtf8(ValueError):
    """A configuration file that is not UTF-8; ``line`` is where the first bad byte is."""

    def __init__(self, line: int, byte: int):
        self.line = line
        super().__init__(
            f"filen er ikke UTF-8 (ugyldig byte 0x{byte:02X} på linje {line}); lagre den som UTF-8"
        )


def utf8(data: bytes) -> str:
    """The text of a configuration file, which is UTF-8 (with or without BOM) and nothing else."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotUtf8(data.count(b"\n", 0, exc.start) + 1, data[exc.start]) from None


# --- writing ---------------------------------------------------------------------------
# The one writer of the CSV and XLSX files pliktvakt makes (exports, the compliance record,
# the evaluation plan). It returns bytes; writing them to disk is for ``tasks/files``.

# A text starting with one of these is run as a formula by Excel, LibreOffice and Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text a spreadsheet would run as a formula, made plain text with a leading ``'``
    (OWASP, CSV injection); every other value as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv_cell(value) -> str:
    if type(value) is str:  # most cells: first, before the checks for times (issue 31)
        return neutralise(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(neutralise(value))


def csv_bytes(rows: Iterable[Iterable], preamble: str | None = None, lineterminator: str = "\r\n") -> bytes:
    """Rows (the header first) as CSV for Excel with Norwegian settings: UTF-8 with a byte order
    mark and ``;`` between fields. ``preamble`` is a ``#`` line above the header."""
    buffer = io.StringIO()
    if preamble:
        buffer.write(f"# {preamble}{lineterminator}")
    writer = csv.writer(buffer, delimiter=";", lineterminator=lineterminator)
    writer.writerows([_csv_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(sheets: dict[str, Iterable[Iterable]], frozen_header: Iterable[str] = ()) -> bytes:
    """One sheet per name, rows as given (the header first); headers of the ``frozen_header``
    sheets stay in view. Every text cell neutralised."""
    from openpyxl import Workbook  # imported only when a workbook is written: the CLI stays light

    workbook = Workbook(write_only=True)
    frozen = set(frozen_header)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        if name in frozen:
            sheet.freeze_panes = "A2"
        for row in rows:
            sheet.append([neutralise(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
