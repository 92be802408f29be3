"""The one reader of import files: encoding, delimiter, line numbers, sheets and rejections."""

from datetime import datetime

import pytest
from openpyxl import Workbook

from pliktvakt.tabular import FileRejected, Rejection, decode, delimiter, read_csv, read_table, table_of


def test_utf8_with_and_without_bom():
    assert decode("år;måned".encode("utf-8-sig")) == "år;måned"
    assert decode("år;måned".encode()) == "år;måned"


def test_windows_1252_fallback_never_raises():
    # Excel on Windows writes «–» and «€» in the bytes cp1252 defines; the five it leaves
    # undefined become the control characters of the same number instead of an error.
    assert decode("Tønsberg – 5 €".encode("cp1252")) == "Tønsberg – 5 €"
    undefined = bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D])
    with pytest.raises(UnicodeDecodeError):
        undefined.decode("cp1252")
    assert decode(b"\xe6" + undefined) == "æ\x81\x8d\x8f\x90\x9d"


@pytest.mark.parametrize(
    ("header", "expected"), [("a;b;c", ";"), ("a,b,c", ","), ("a", ";"), ("a,b;c", ";"), ('"x;y",b,c', ",")]
)
def test_delimiter_is_decided_from_the_header(header, expected):
    assert delimiter(header) == expected


def test_comments_blank_lines_and_multiline_records_keep_file_line_numbers():
    data = b'# kilde: test\n\nTittel , Type;Ekstra kolonne;\n"to\nlinjer";b;\n\n;;\nc;d;;\n'
    table = read_csv(data, "t.csv")
    assert (table.header_line, table.header) == (3, ["tittel_,_type", "ekstra_kolonne"])
    # Line 4-5 one record; 6 and 7 blank; empty cells beyond the header dropped.
    assert table.rows == [(4, ["to\nlinjer", "b"]), (8, ["c", "d"])]
    assert table.record(["x"]) == {"tittel_,_type": "x", "ekstra_kolonne": ""}


def test_column_problems_name_line_and_field():
    table = table_of("t.csv", [(1, ["a", "a", "x"])])
    assert [(p.line, p.field, p.reason) for p in table.column_problems(["a", "b"], ["a", "b"])] == [
        (1, "x", "ukjent kolonne; gyldige er a, b"),
        (1, "a", "kolonnen står flere ganger i overskriften"),
        (1, "b", "kolonnen mangler i overskriften"),
    ]
    assert [p.field for p in table.column_problems(["a", "b"])] == ["a", "b"]  # unknown columns allowed


def test_xlsx_cells_are_text_and_rows_padded(tmp_path):
    book = Workbook()
    book.active.append(["Kode", "Dato", "Beløp", "Tekst"])
    book.active.append([301, datetime(2025, 6, 20), 150000.0, None])
    book.active.append([None, None, None, None])
    book.active.append(["0302", datetime(2025, 6, 20, 9, 30), 1.5])
    path = tmp_path / "ark.xlsx"
    book.save(path)
    table = read_table(path)
    assert table.from_sheet and table.header == ["kode", "dato", "beløp", "tekst"]
    assert table.rows == [
        (2, ["301", "2025-06-20", "150000", ""]),
        (4, ["0302", "2025-06-20T09:30:00", "1,5", ""]),  # a decimal comma, as typed
    ]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("ødelagt.xlsx", b"not a zip", "ødelagt.xlsx: kan ikke lese filen som Excel (.xlsx)"),
        ("tom.csv", b"# bare en kommentar\n\n", "tom.csv: filen er tom"),
        ("data.json", b"{}", "data.json: filen må være .csv eller .xlsx"),
    ],
)
def test_unreadable_files_are_rejected_whole(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FileRejected) as caught:
        read_table(path, name)
    assert [str(r) for r in caught.value.rejected] == [expected]
    assert caught.value.line == 0 and str(caught.value).startswith(
        f"{name}: filen ble avvist, ingenting er lagt inn"
    )


def test_missing_file_names_the_file(tmp_path):
    with pytest.raises(FileRejected, match="borte.csv: filen kan ikke leses"):
        read_table(tmp_path / "borte.csv", "borte.csv")


def test_rejection_names_file_line_and_field():
    error = FileRejected(
        "f.csv", [Rejection("f.csv", 3, "orgnr", "mangler verdi"), Rejection("f.csv", 4, None, "for lang")]
    )
    assert str(error) == (
        "f.csv: filen ble avvist, ingenting er lagt inn (2 feil):\n"
        "- f.csv, linje 3, felt «orgnr»: mangler verdi\n- f.csv, linje 4: for lang"
    )
    assert (error.line, error.field, error.reason) == (3, "orgnr", "mangler verdi")


def test_bulk_restores_the_collector_as_it_was_even_on_an_error():
    import gc

    from pliktvakt.tabular import bulk

    assert gc.isenabled()
    with pytest.raises(RuntimeError), bulk():
        assert not gc.isenabled()
        raise RuntimeError("a rejected file")
    assert gc.isenabled()
    gc.disable()
    try:
        with bulk():
            pass
        assert not gc.isenabled()  # a caller that had it off keeps it off
    finally:
        gc.enable()


# --- the one writer ----------------------------------------------------------------------

CALC = "=cmd|' /C calc'!A0"  # OWASP's example of CSV injection: runs calc.exe on old Excel


def test_neutralise_follows_owasp():
    from pliktvakt.tabular import neutralise

    values = ("=1", "+1", "-1", "@a", "\t", "\rx", CALC, "ok", "", 5, None)
    assert [neutralise(v) for v in values] == [
        "'=1",
        "'+1",
        "'-1",
        "'@a",
        "'\t",
        "'\rx",
        "'" + CALC,
        "ok",
        "",
        5,
        None,
    ]


def test_exported_csv_cell_holding_a_formula_is_written_neutralised():
    from pliktvakt.tabular import csv_bytes

    data = csv_bytes([["søker", "beløp"], [CALC, -5], ["Lag", "-5"]])
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    assert data.decode("utf-8-sig") == "søker;beløp\r\n'=cmd|' /C calc'!A0;-5\r\nLag;'-5\r\n"
    # Read back by the one reader, the cell is the text, never a formula.
    assert read_csv(data, "x.csv").rows == [(2, ["'" + CALC, "-5"]), (3, ["Lag", "'-5"])]


def test_exported_xlsx_cell_holding_a_formula_is_written_neutralised(tmp_path):
    from openpyxl import load_workbook

    from pliktvakt.tabular import xlsx_bytes

    path = tmp_path / "x.xlsx"
    path.write_bytes(xlsx_bytes({"Ark": [["søker", "beløp"], [CALC, -5]]}, frozen_header=["Ark"]))
    sheet = load_workbook(path).active  # not data_only: a formula would show as one
    cell = sheet["A2"]
    assert (cell.value, cell.data_type, sheet["B2"].value) == ("'" + CALC, "s", -5)
    assert sheet.freeze_panes == "A2"


def test_inline_strings_read_as_openpyxl_reads_them(tmp_path):
    """The fast path for inline strings (``tabular._sheet_parser``) gives openpyxl's own text:
    the plain part and each rich-text run joined, phonetic runs left out, an empty string
    empty; a number, a shared string and a formula's cached value are openpyxl's as they were."""
    import zipfile

    from openpyxl import load_workbook

    path = tmp_path / "inline.xlsx"
    book = Workbook(write_only=True)  # writes its strings inline
    sheet = book.create_sheet("Ark")
    sheet.append(["navn", "tall"])
    sheet.append(["RICH", 2025])
    sheet.append(["EMPTY", 1.5])
    book.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    xml = parts["xl/worksheets/sheet1.xml"]
    xml = xml.replace(
        b"<is><t>RICH</t></is>",
        b'<is><t xml:space="preserve">Frivillig </t><r><rPr><b/></rPr><t>lag</t></r>'
        b'<r><t>&amp; venner</t></r><rPh sb="0" eb="1"><t>FONETISK</t></rPh></is>',
    )
    xml = xml.replace(b"<is><t>EMPTY</t></is>", b"<is><t></t></is>")
    parts["xl/worksheets/sheet1.xml"] = xml
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    table = read_table(path, "inline.xlsx")
    assert table.rows == [(2, ["Frivillig lag& venner", "2025"]), (3, ["", "1,5"])]
    openpyxl_reads = [row for row in load_workbook(path, read_only=True).worksheets[0].values]
    assert openpyxl_reads[1] == ("Frivillig lag& venner", 2025)
    assert openpyxl_reads[2][0] == ""
