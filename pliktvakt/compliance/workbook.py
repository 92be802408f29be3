"""The compliance record's workbook: the sheets' XML written directly, in one pass over the rows.

XlsxWriter (before it, openpyxl's write-only mode) spent about 3 s of a record of 20,000
occurrences on its per-cell calls: a cell object, a check and a dictionary entry for each of
320,000 cells (bench/compliance_bench.py, issue 31). This writer makes one string per row.
What a reader sees is what XlsxWriter wrote (tests/compliance/test_workbook.py reads both
back and compares them): every cell's value and type, texts as shared strings escaped as
XlsxWriter escapes them (control characters as ``_xHHHH_``, at most 32,767 UTF-16 units), the
date formats openpyxl gives dates and times (``yyyy-mm-dd``, ``yyyy-mm-dd h:mm:ss``), numbers
as ``%.16G``, no column widths or other styles, the frozen header, and every text neutralised
by ``tabular.neutralise`` (OWASP, CSV injection). A text is always written as the text it is,
never as a formula, a link or a number.
"""

import io
import math
import re
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache

from pliktvakt.tabular import neutralise

DATE_FORMAT = "yyyy-mm-dd"  # openpyxl's for a date
DATETIME_FORMAT = "yyyy-mm-dd h:mm:ss"  # and for a datetime
DATE_STYLE, DATETIME_STYLE = 1, 2  # their places in styles.xml's cellXfs
MAX_TEXT = 32_767  # Excel's longest text, in UTF-16 units
EPOCH = datetime(1899, 12, 31)  # Excel's day 0 (1900 date system)

_ESCAPED_ESCAPE = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0B-\x1F])")
_EDGE_SPACE = re.compile(r"^\s|\s$")


def xlsx_bytes(sheets: dict[str, Iterable[Iterable]], frozen_header: Iterable[str] = ()) -> bytes:
    """One sheet per name, rows as given (the header first); the headers of the
    ``frozen_header`` sheets stay in view. An empty text or None is no cell."""
    strings: dict[str, int] = {}
    frozen = set(frozen_header)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        count = 0
        for number, (name, rows) in enumerate(sheets.items(), start=1):
            xml, used = _sheet(rows, strings, name in frozen)
            count += used
            _add(package, f"xl/worksheets/sheet{number}.xml", xml)
        _add(package, "xl/sharedStrings.xml", _shared_strings(strings, count))
        _add(package, "xl/styles.xml", _STYLES)
        _add(package, "xl/workbook.xml", _workbook(list(sheets)))
        _add(package, "xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
        _add(package, "_rels/.rels", _RELS)
        _add(package, "[Content_Types].xml", _content_types(len(sheets)))
    return buffer.getvalue()


def _add(package: zipfile.ZipFile, name: str, xml: str) -> None:
    """One part, dated 1 January 1980 (the earliest a zip can say), so the same record
    makes the same bytes."""
    part = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    package.writestr(part, xml, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)


def _sheet(rows: Iterable[Iterable], strings: dict[str, int], frozen: bool) -> tuple[str, int]:
    """The sheet's XML, and how many text cells it has."""
    lines, used, width, height = [], 0, 0, 0
    for r, row in enumerate(rows, start=1):
        cells, last = [], -1
        for c, value in enumerate(row):
            kind = type(value)
            if kind is str:
                if not value:
                    continue
                text = _fitted(neutralise(value))
                index = strings.get(text)
                if index is None:
                    index = strings[text] = len(strings)
                cells.append(f'<c r="{_column(c)}{r}" t="s"><v>{index}</v></c>')
                used += 1
            elif kind is int or kind is float:
                cells.append(f'<c r="{_column(c)}{r}"><v>{_number(value)}</v></c>')
            elif kind is datetime:
                cells.append(f'<c r="{_column(c)}{r}" s="{DATETIME_STYLE}"><v>{_serial(value)}</v></c>')
            elif kind is date:
                cells.append(f'<c r="{_column(c)}{r}" s="{DATE_STYLE}"><v>{_serial(value)}</v></c>')
            elif value is not None:
                raise TypeError(f"cannot write {kind.__name__} to a workbook")
            else:
                continue
            last = c
        if cells:
            width, height = max(width, last + 1), r
            lines.append(f'<row r="{r}">{"".join(cells)}</row>')
    dimension = f"A1:{_column(width - 1)}{height}" if height else "A1"
    pane = (
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft"/>'
        if frozen
        else ""
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}"><dimension ref="{dimension}"/>'
        f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><sheetData>{"".join(lines)}</sheetData></worksheet>'
    )
    return xml, used


@lru_cache(maxsize=256)
def _column(index: int) -> str:
    """A, B, …, Z, AA, …: a column's letters from its zero-based index."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _fitted(text: str) -> str:
    """At most MAX_TEXT UTF-16 units, cut before a character that would pass it (as XlsxWriter)."""
    if len(text) <= MAX_TEXT // 2 or len(text.encode("utf-16-le", "surrogatepass")) // 2 <= MAX_TEXT:
        return text
    length = 0
    for index, char in enumerate(text):
        length += 2 if ord(char) > 0xFFFF else 1
        if length > MAX_TEXT:
            return text[:index]
    return text


def _number(value: int | float) -> str:
    if math.isnan(value) or math.isinf(value):
        raise TypeError("cannot write NaN or infinity to a workbook")
    return f"{value:.16G}"


@lru_cache(maxsize=4096)  # a year's rows share their dates
def _serial(value: date) -> str:
    """Excel's serial day number of a date or a naive datetime (1900 date system), as XlsxWriter
    computes it: Excel counts a 29 February 1900 that never was."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise TypeError("a workbook has no time zones: give the time as Oslo wall-clock time")
        moment = value
    else:
        moment = datetime.fromordinal(value.toordinal())
    delta = moment - EPOCH
    days = delta.days + (float(delta.seconds) + float(delta.microseconds) / 1e6) / (60 * 60 * 24)
    if isinstance(value, datetime) and moment.isocalendar() == (1900, 1, 1):
        days -= 1
    if days > 59:
        days += 1
    return _number(days)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(text: str) -> str:
    """A text as an XML attribute's value, in its quotes."""
    return '"' + _escape(text).replace('"', "&quot;") + '"'


def _shared_strings(strings: dict[str, int], count: int) -> str:
    items = "".join(map(_shared_string, strings))
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<sst xmlns="{_MAIN}" count="{count}" uniqueCount="{len(strings)}">{items}</sst>'
    )


def _shared_string(text: str) -> str:
    """One text as XlsxWriter writes it: ``_xHHHH_`` for a control character (and for a
    literal ``_xHHHH_``, its ``_`` escaped), space at either end kept."""
    text = _ESCAPED_ESCAPE.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda match: f"_x{ord(match.group(1)):04X}_", text)
    text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    space = ' xml:space="preserve"' if _EDGE_SPACE.search(text) else ""
    return f"<si><t{space}>{_escape(text)}</t></si>"


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"

_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet xmlns="{_MAIN}">'
    f'<numFmts count="2"><numFmt numFmtId="164" formatCode={_attribute(DATE_FORMAT)}/>'
    f'<numFmt numFmtId="165" formatCode={_attribute(DATETIME_FORMAT)}/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/>'
    '<scheme val="minor"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '<dxfs count="0"/><tableStyles count="0"/></styleSheet>'
)

_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{_PACKAGE_RELS}"><Relationship Id="rId1" '
    f'Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)


def _workbook(names: list[str]) -> str:
    sheets = "".join(
        f'<sheet name={_attribute(name)} sheetId="{n}" r:id="rId{n}"/>' for n, name in enumerate(names, 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}"><bookViews><workbookView/></bookViews>'
        f"<sheets>{sheets}</sheets></workbook>"
    )


def _workbook_rels(count: int) -> str:
    sheets = "".join(
        f'<Relationship Id="rId{n}" Type="{_DOC_RELS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, count + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{_PACKAGE_RELS}">{sheets}'
        f'<Relationship Id="rId{count + 1}" Type="{_DOC_RELS}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId{count + 2}" Type="{_DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    )


def _content_types(count: int) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_TYPE}.worksheet+xml"/>'
        for n in range(1, count + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>{sheets}'
        f'<Override PartName="/xl/styles.xml" ContentType="{_TYPE}.styles+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_TYPE}.sharedStrings+xml"/>'
        "</Types>"
    )
