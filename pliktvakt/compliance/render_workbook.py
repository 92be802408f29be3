"""Render of the compliance record's workbook, written with XlsxWriter.

``tabular.xlsx_bytes`` (openpyxl's write-only mode) spent 19 of 28 s on 20,000 rows building
and serialising an XML element per cell (bench/compliance_bench.py). XlsxWriter writes the
same cells as plain strings. What a reader sees is the same: every cell's value and type, the
date formats openpyxl gives dates and times (``yyyy-mm-dd``, ``yyyy-mm-dd h:mm:ss``), no
column widths or other styles, the frozen header, and every text neutralised by
``tabular.neutralise`` (OWASP, CSV injection). XlsxWriter's own conversions of text (to
formulas, links or numbers) are off, so a text is always written as the text it is.
"""

import io
from collections.abc import Iterable
from datetime import date, datetime

from pliktvakt.tabular import neutralise

DATE_FORMAT = "yyyy-mm-dd"  # openpyxl's for a date
DATETIME_FORMAT = "yyyy-mm-dd h:mm:ss"  # and for a datetime


def xlsx_bytes(sheets: dict[str, Iterable[Iterable]], frozen_header: Iterable[str] = ()) -> bytes:
    """As ``tabular.xlsx_bytes``: one sheet per name, rows as given (the header first); the
    headers of the ``frozen_header`` sheets stay in view. An empty text or None is no cell."""
    import xlsxwriter  # imported only when a workbook is written: the CLI stays light

    buffer = io.BytesIO()
    options = {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    workbook = xlsxwriter.Workbook(buffer, options)
    formats = (
        workbook.add_format({"num_format": DATE_FORMAT}),
        workbook.add_format({"num_format": DATETIME_FORMAT}),
    )
    frozen = set(frozen_header)
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        if name in frozen:
            sheet.freeze_panes(1, 0)
        _write_rows(sheet, rows, *formats)
    workbook.close()
    return buffer.getvalue()


def _write_rows(sheet, rows: Iterable[Iterable], date_format, datetime_format) -> None:
    write_string, write_number, write_datetime = sheet.write_string, sheet.write_number, sheet.write_datetime
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            kind = type(value)
            if kind is str:
                if value:
                    write_string(r, c, neutralise(value))
            elif kind is int or kind is float:
                write_number(r, c, value)
            elif kind is datetime:
                write_datetime(r, c, value, datetime_format)
            elif kind is date:
                write_datetime(r, c, value, date_format)
            elif value is not None:
                raise TypeError(f"cannot write {kind.__name__} to a workbook")
