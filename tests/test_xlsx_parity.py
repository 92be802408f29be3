"""calamine reads an XLSX sheet exactly as openpyxl does (issue 30).

``read_table`` reads a workbook's data sheet with calamine unless the scan of its XML finds
something calamine might read otherwise (``tabular._Scan``); then openpyxl reads it, as before.
The reference here is openpyxl in full (not read-only) mode, which parses every cell and trusts
no ``<dimension>`` record: random workbooks of mixed cells, written by openpyxl (which writes
its texts inline) or with their texts moved to a shared string table as Excel keeps them (some
split into rich-text runs), some with their dimension record patched, must give the same table
by either reader, and by ``read_table``.
"""

import re
import zipfile
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from pliktvakt import tabular
from pliktvakt.tabular import FileRejected, read_table, table_of
from tests.workbooks import patch_sheet

LIMIT = 200_000


def reference_table(path: Path, file: str):
    """The table as openpyxl's full mode reads the first sheet: every cell it holds, by row."""
    book = load_workbook(path, data_only=True)
    sheet = book.worksheets[0]
    by_row: dict[int, dict[int, str]] = {}
    for (row, column), cell in sorted(sheet._cells.items()):
        text = tabular._cell_text(cell.value)
        if text:
            by_row.setdefault(row, {})[column] = text
    rows = [(n, [cells.get(c, "") for c in range(1, max(cells) + 1)]) for n, cells in sorted(by_row.items())]
    while rows and tabular._preamble(rows[0][1]):
        rows.pop(0)
    return table_of(file, rows, from_sheet=True)


def table_by(reader, path: Path, file: str):
    rows, title = reader(path, file)
    rows = [row for row in rows if row[1]]  # openpyxl also gives the rows with no value
    while rows and tabular._preamble(rows[0][1]):
        rows.pop(0)
    return title, table_of(file, rows, from_sheet=True)


def calamine(path: Path, file: str):
    scan = tabular._scan_workbook(path, file)
    read = tabular._calamine_rows(path, file, LIMIT, scan) if scan.plain else None
    assert read is not None, "calamine did not read the workbook"
    return read


def openpyxl_read_only(path: Path, file: str):
    return tabular._openpyxl_rows(path, file, LIMIT)


def outcome(read, *args):
    """What a reader makes of the workbook: its table, or the reasons it refused it."""
    try:
        table = read(*args)
    except FileRejected as refused:
        return [str(problem) for problem in refused.rejected]
    table = table[1] if isinstance(table, tuple) else table
    return (table.header_line, table.header, table.rows, table.shape_problems)


def same(a, b) -> None:
    assert outcome(lambda: a) == outcome(lambda: b)


def dimension(ref: str | None):
    def change(xml: bytes) -> bytes:
        xml = re.sub(rb"<dimension [^>]*/>", b"", xml)
        if ref is None:
            return xml
        return xml.replace(b"<sheetData", f'<dimension ref="{ref}"/><sheetData'.encode(), 1)

    return change


# Texts as typed: Norwegian letters, spaces inside, a newline, a minus sign first, and
# some longer than a cell may be (a shape problem, kept as one).
texts = st.one_of(
    st.sampled_from(["Frivillig lag", "Bærum", "200 000", "1,5", "-5 kr", "a\nb", "x" * 10_001, "0301"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30)
    .map(str.strip)
    .filter(lambda text: text and not text.startswith("=")),  # openpyxl writes that as a formula
)
# Numbers as Excel holds them: whole ones (below 2**53, what a float holds exactly), decimals.
numbers = st.one_of(
    st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1),
    # (A float at or beyond 2**53 is whole and might have been typed as a longer integer: read
    # by openpyxl, see test_values_calamine_might_give_otherwise_are_read_by_openpyxl.)
    st.floats(min_value=-(2**53) + 1, max_value=2**53 - 1, allow_nan=False),
    st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=2).map(float),
)
plain_cells = st.one_of(st.none(), texts, numbers, st.booleans())
dated_cells = st.one_of(
    plain_cells,
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)).map(
        lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000)
    ),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 1, 1)),
)


def workbook(path: Path, rows: list[list], write_only: bool, gaps: list[int]) -> Path:
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("Vedtak") if write_only else book.active
    if not write_only:
        sheet.title = "Vedtak"
    for row, gap in zip(rows, [*gaps, *[0] * len(rows)], strict=False):  # no gap where none given
        if write_only:
            for _ in range(gap):
                sheet.append([])
            sheet.append(row)
        else:
            for _ in range(gap):
                sheet.append([None])
            sheet.append(row)
    book.save(path)
    return path


_INLINE = re.compile(rb'<c r="([A-Z]+[0-9]+)" t="inlineStr"><is>(<t[^>]*>[^<]*</t>)</is></c>')


def shared_strings(path: Path, runs: bool) -> None:
    """Move the sheet's texts to a shared string table, as Excel writes them; with ``runs``, a
    text of two characters or more as two rich-text runs, the second in bold."""
    table: dict[bytes, int] = {}

    def share(match: re.Match) -> bytes:
        text = match.group(2)
        index = table.setdefault(text, len(table))
        return b'<c r="%s" t="s"><v>%d</v></c>' % (match.group(1), index)

    def entry(text: bytes) -> bytes:
        inner = re.fullmatch(rb"<t([^>]*)>([^<]*)</t>", text)
        body = inner.group(2)
        if runs and len(body) >= 2 and b"&" not in body:  # not inside an entity (&lt;)
            half = len(body) // 2
            while half and (body[half] & 0xC0) == 0x80:  # not inside a UTF-8 character
                half -= 1
            if half:
                space = b' xml:space="preserve"'
                return b"<si><r><t%s>%s</t></r><r><rPr><b/></rPr><t%s>%s</t></r></si>" % (
                    space,
                    body[:half],
                    space,
                    body[half:],
                )
        return b"<si>%s</si>" % text

    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    name = next(n for n in parts if n.startswith("xl/worksheets/sheet"))
    parts[name] = _INLINE.sub(share, parts[name])
    parts["xl/sharedStrings.xml"] = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" '
        b'uniqueCount="%d">%s</sst>' % (len(table), len(table), b"".join(map(entry, table)))
    )
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'sharedStrings" Target="sharedStrings.xml" Id="rId9"/></Relationships>',
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for member, data in parts.items():
            target.writestr(member, data)


def sheets(cells):
    return st.lists(st.lists(cells, min_size=1, max_size=12), min_size=1, max_size=25)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=sheets(plain_cells),
    write_only=st.booleans(),
    gaps=st.lists(st.integers(0, 3), max_size=25),
    ref=st.sampled_from([None, "A1", "A1:B2", "A1:XFD5000", "C3:D4"]),
    strings=st.sampled_from(["inline", "shared", "rich"]),
)
def test_calamine_reads_plain_workbooks_as_openpyxl(tmp_path, rows, write_only, gaps, ref, strings):
    path = workbook(tmp_path / "parity.xlsx", rows, write_only, gaps)
    patch_sheet(path, dimension(ref))
    if strings != "inline":
        shared_strings(path, runs=strings == "rich")
    reference = outcome(reference_table, path, "parity.xlsx")
    assert outcome(table_by, calamine, path, "parity.xlsx") == reference
    assert outcome(table_by, openpyxl_read_only, path, "parity.xlsx") == reference
    assert outcome(read_table, path, "parity.xlsx") == reference
    if not isinstance(reference, list):  # not refused (an empty sheet is)
        assert (
            table_by(calamine, path, "parity.xlsx")[0]
            == read_table(path, "parity.xlsx").sheet_name
            == "Vedtak"
        )


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=sheets(dated_cells), write_only=st.booleans())
def test_workbooks_with_dates_read_as_openpyxl(tmp_path, rows, write_only):
    """A date style sends the workbook to openpyxl (calamine has its own date rules)."""
    path = workbook(tmp_path / "datoer.xlsx", rows, write_only, [])
    assert outcome(read_table, path, "datoer.xlsx") == outcome(reference_table, path, "datoer.xlsx")


def plain_workbook(path: Path) -> Path:
    return workbook(path, [["navn", "beløp", "år"], ["MARK", 2000, 2025], ["Lag", 1.5, 2026]], True, [])


# Each is XML calamine reads otherwise than openpyxl (seen by hand, 0.9.1), or XML that could
# make its dense grid large; each makes the scan, or the values calamine gives, hand the
# workbook to openpyxl.
UNSURE = {
    "untrimmed text": lambda x: x.replace(b"<t>MARK</t>", b"<t>  Lag  </t>"),
    "escaped CR": lambda x: x.replace(b"<t>MARK</t>", b"<t>a_x000D_b</t>"),
    "CR in the XML": lambda x: x.replace(b"<t>MARK</t>", b'<t xml:space="preserve">a\r\nb</t>'),
    "error cell": lambda x: x.replace(
        b'<c r="A2" t="inlineStr"><is><t>MARK</t></is></c>', b'<c r="A2" t="e"><v>#N/A</v></c>'
    ),
    "17-digit integer": lambda x: x.replace(b"<v>2000</v>", b"<v>12345678901234567890</v>"),
    "number with a space": lambda x: x.replace(b"<v>2000</v>", b"<v> 2000</v>"),
    "cell of another row": lambda x: x.replace(b'<c r="B2"', b'<c r="B9"'),
    "rows out of order": lambda x: (
        x.replace(b'<row r="2">', b'<row r="7">')
        .replace(b'r="A2"', b'r="A7"')
        .replace(b'r="B2"', b'r="B7"')
        .replace(b'r="C2"', b'r="C7"')
    ),
    "cells without a place": lambda x: re.sub(rb' r="[A-Z]+[0-9]+"', b"", x),
    "phonetic run": lambda x: x.replace(b"<t>MARK</t>", b'<t>Lag</t><rPh sb="0" eb="1"><t>RAG</t></rPh>'),
    "a far row": lambda x: x.replace(
        b"</sheetData>", b'<row r="900000"><c r="CV900000"><v>1</v></c></row></sheetData>'
    ),
}


@pytest.mark.parametrize("change", UNSURE.values(), ids=UNSURE.keys())
def test_xml_calamine_might_read_otherwise_is_read_by_openpyxl(tmp_path, change):
    path = plain_workbook(tmp_path / "uvanlig.xlsx")
    assert tabular._scan_workbook(path, "uvanlig.xlsx").plain  # as written, calamine reads it
    patch_sheet(path, change)
    scan = tabular._scan_workbook(path, "uvanlig.xlsx")  # the XML, or the values calamine gives
    assert not scan.plain or tabular._calamine_rows(path, "uvanlig.xlsx", LIMIT, scan) is None
    try:
        expected = table_by(openpyxl_read_only, path, "uvanlig.xlsx")[1]
    except Exception:  # openpyxl cannot read it: read_table refuses it, as before
        with pytest.raises(FileRejected, match="kan ikke lese filen som Excel"):
            read_table(path, "uvanlig.xlsx")
        return
    same(read_table(path, "uvanlig.xlsx"), expected)


def test_values_calamine_might_give_otherwise_are_read_by_openpyxl():
    """Values the scan cannot see in the XML: a date or time, which calamine decides by its
    own rules, a number that is not finite, and a whole number beyond a float's exact range."""
    for value in (date(2025, 1, 1), datetime(2025, 1, 1, 12), time(12), timedelta(hours=2), float("inf")):
        with pytest.raises(tabular._Unsure):
            tabular._calamine_text(value)
    with pytest.raises(tabular._Unsure):
        tabular._calamine_text(float(2**53))
    # Below 2**53 a whole float is exact: written as openpyxl writes the int.
    assert tabular._calamine_text(float(2**53 - 1)) == str(2**53 - 1)
    assert [tabular._calamine_text(v) for v in (2025.0, 1.5, -0.0, True, "")] == [
        "2025",
        "1,5",
        "0",
        "True",
        "",
    ]


def test_ambiguous_workbooks_are_refused_by_the_calamine_path_too(tmp_path):
    """The first sheet hidden, or two visible sheets with data: refused, naming the sheets,
    by calamine's reading as by openpyxl's (the scan finds nothing unsure in these)."""
    book = Workbook()
    book.active.title = "Gammel"
    book.active.append(["a"])
    book.active.sheet_state = "hidden"
    book.create_sheet("Vedtak").append(["a"])
    book.save(tmp_path / "skjult.xlsx")
    book["Gammel"].sheet_state = "visible"
    book.save(tmp_path / "to.xlsx")
    for name, reason in [
        ("skjult.xlsx", "det første arket, «Gammel», er skjult"),
        ("to.xlsx", "flere synlige ark har data («Gammel», «Vedtak»)"),
    ]:
        path = tmp_path / name
        scan = tabular._scan_workbook(path, name)
        assert scan.plain
        with pytest.raises(FileRejected, match=re.escape(reason)):
            tabular._calamine_rows(path, name, LIMIT, scan)
        with pytest.raises(FileRejected, match=re.escape(reason)):
            read_table(path, name)


def test_a_sheet_over_the_row_limit_is_refused_as_before(tmp_path):
    path = workbook(tmp_path / "lang.xlsx", [["a"], *[[n] for n in range(30)]], True, [])
    assert tabular._calamine_rows(path, "lang.xlsx", 10, tabular._scan_workbook(path, "lang.xlsx")) is None
    with pytest.raises(FileRejected, match="filen har mer enn 10 rader"):
        read_table(path, "lang.xlsx", limit=10)


@pytest.mark.parametrize(
    ("number_format", "dated"),
    [
        ("General", False),
        ("#,##0", False),  # a format of the workbook's own, without a date letter
        ("yyyy-mm-dd", True),
        ("dd.mm.yyyy", True),
        ("[h]:mm", True),  # a duration
        ('"dager" 0', True),  # letters only inside quotes: openpyxl says no, the search unsure
        ("mm-dd-yy", True),  # built-in 14
    ],
)
def test_a_workbook_that_may_hold_dates_is_read_by_openpyxl(tmp_path, number_format, dated):
    book = Workbook()
    book.active.append(["ordning", 2025])
    book.active["B1"].number_format = number_format
    book.save(tmp_path / "b.xlsx")
    assert tabular._date_styles(tmp_path / "b.xlsx") is dated
