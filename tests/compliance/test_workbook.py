"""The record's workbook, written as XML directly (issue 31), reads back as the XlsxWriter
workbook it replaces: every sheet, cell value, type and number format, the dimensions and the
frozen header, for hostile and edge-case values; and the import reader reads it."""

import io
import math
from datetime import date, datetime, timezone

import openpyxl
import pytest
import xlsxwriter

from pliktvakt.compliance import workbook
from pliktvakt.tabular import neutralise, read_table


def xlsxwriter_bytes(sheets: dict, frozen_header=()) -> bytes:
    """The workbook as pliktvakt wrote it before issue 31 (commit f8f5671), with XlsxWriter."""
    buffer = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    book = xlsxwriter.Workbook(buffer, {**options, "strings_to_numbers": False})
    date_format = book.add_format({"num_format": workbook.DATE_FORMAT})
    datetime_format = book.add_format({"num_format": workbook.DATETIME_FORMAT})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        if name in frozen_header:
            sheet.freeze_panes(1, 0)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                kind = type(value)
                if kind is str:
                    if value:
                        sheet.write_string(r, c, neutralise(value))
                elif kind is int or kind is float:
                    sheet.write_number(r, c, value)
                elif kind is datetime:
                    sheet.write_datetime(r, c, value, datetime_format)
                elif kind is date:
                    sheet.write_datetime(r, c, value, date_format)
                elif value is not None:
                    raise TypeError(kind.__name__)
    book.close()
    return buffer.getvalue()


def read_back(content: bytes) -> dict:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {
        sheet.title: (
            sheet.freeze_panes,
            sheet.max_row,
            sheet.max_column,
            [
                [
                    (cell.value, cell.data_type, cell.number_format if cell.value is not None else None)
                    for cell in row
                ]
                for row in sheet.iter_rows()
            ],
        )
        for sheet in book.worksheets
    }


HOSTILE = [
    "=SUM(A1)",
    "+47 22 00 00 00",
    "-1",
    "@evil",
    "\tinnrykk",
    "\rvogn",
    "ctrl \x00\x01\x07\x08\x0b\x0c\x0e\x1f slutt",
    "literal _x0041_ and _X00a1_ and _x12_",
    " leading space",
    "trailing space ",
    "line\nbreak",
    "tab\tinside",
    "quotes \" and ' & <tag> > æøå ÆØÅ",
    "non-characters \ufffe \uffff",
    "emoji 🙂 and \u2028 and \u00a0nbsp\u00a0",
    "x" * 40_000,
    "🙂" * 16_384,  # 32,768 UTF-16 units: one too many
    "a" + "🙂" * 16_383,  # exactly 32,767
    "https://example.org/not-a-link",
    "0042",
    "1e5",
]
NUMBERS = [0, 1, -7, 2**53 + 1, 0.1, 1 / 3, 2 / 3 * 100, 1e20, 1.5e-10, -0.0, 123456789.123456789]
MOMENTS = [
    date(1900, 1, 1),
    date(1900, 2, 28),
    date(1900, 3, 1),
    date(2025, 12, 31),
    datetime(1900, 1, 1, 12),
    datetime(1900, 3, 1, 0, 0, 1),
    datetime(2025, 3, 30, 2, 30, 15, 123456),
    datetime(2025, 10, 26, 23, 59, 59, 999999),
]


def sheets() -> dict:
    header = ["Tekst", "Tall", "Tid", "Tom", "Ingen"]
    rows = [header]
    for n in range(max(len(HOSTILE), len(NUMBERS), len(MOMENTS))):
        rows.append(
            [HOSTILE[n % len(HOSTILE)], NUMBERS[n % len(NUMBERS)], MOMENTS[n % len(MOMENTS)], "", None]
        )
    rows += [[], ["bare én"], [None, None, None, "", ""], [None, None, "siste i kolonne C"]]
    return {
        "Forekomster": rows,
        "Sammendrag": [["Punkt", "Andel"], ["pkt. 1", 0.75], [], ["Alle", None]],
        "Tom": [],
    }


def test_the_workbook_reads_back_as_xlsxwriter_wrote_it():
    content = workbook.xlsx_bytes(sheets(), frozen_header=["Forekomster"])
    assert read_back(content) == read_back(xlsxwriter_bytes(sheets(), frozen_header=["Forekomster"]))


def test_the_import_reader_reads_it(tmp_path):
    path = tmp_path / "etterlevelse.xlsx"
    path.write_bytes(workbook.xlsx_bytes({"Ark": [["navn", "frist"], ["=1+1", date(2025, 3, 14)]]}))
    table = read_table(path)
    assert table.header == ["navn", "frist"]
    assert [cells for _, cells in table.rows] == [["'=1+1", "2025-03-14"]]


@pytest.mark.parametrize(
    "value",
    [True, datetime(2025, 1, 1, tzinfo=timezone.utc), math.nan, math.inf, b"bytes", 1j],
)
def test_what_a_workbook_cannot_hold_is_refused_as_before(value):
    with pytest.raises(TypeError):
        xlsxwriter_bytes({"Ark": [[value]]})
    with pytest.raises(TypeError):
        workbook.xlsx_bytes({"Ark": [[value]]})


def test_the_same_sheets_make_the_same_bytes():
    assert workbook.xlsx_bytes(sheets(), ["Forekomster"]) == workbook.xlsx_bytes(sheets(), ["Forekomster"])
