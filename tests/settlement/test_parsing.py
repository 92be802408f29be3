"""Reading CSV, XLSX and JSON: quarantine of bad rows, encodings, malformed files."""

import openpyxl
import pytest

from pliktvakt.settlement.inputs import Category, SettlementFileError
from pliktvakt.settlement.inputs_figures import (
    COLUMNS,
    load_settlement_file,
    parse_csv,
    parse_json_payload,
)
from tests.settlement.handmade import MUNICIPALITIES, csv_text, json_payload

KNOWN = [m.code for m in MUNICIPALITIES]


def test_bad_rows_are_quarantined_with_reasons_and_good_rows_loaded():
    body = (
        "2025;1;0301;Oslo;bosatt;4;1\n"  # line 2: good
        "2025;1;9999;Ukjent;bosatt;4;0\n"  # line 3: unknown municipality
        "2025;13;0301;Oslo;bosatt;4;0\n"  # line 4: month 13
        "2025;1;0301;Oslo;flyttet;4;0\n"  # line 5: unknown category
        "2025;2;0301;Oslo;bosatt;-3;0\n"  # line 6: negative
        "2025;3;0301;Oslo;bosatt;abc;0\n"  # line 7: not a number
        "2025;4;0301;Oslo;bosatt;2;3\n"  # line 8: EM more than the total
        "2025;1;0301;Oslo;bosatt;5;0\n"  # line 9: duplicate of line 2
        "2025;5;301;Oslo;bosatt;;0\n"  # line 10: 3-digit code and no count
        "2025;1;4601;Bergen;vedtatt;:;\n"  # line 11: good, suppressed, EM unknown
    )
    result = parse_csv(csv_text(body).encode(), "inn.csv", KNOWN)
    assert [(r.municipality, r.count, r.em) for r in result.rows] == [("0301", 4, 1), ("4601", None, None)]
    assert result.rows[1].category is Category.AGREED
    reasons = {q.line: q.reasons for q in result.quarantined}
    assert reasons == {
        3: ("kommunenr: ukjent kommunenummer (9999)",),
        4: ("måned: måneden «13» er ikke et heltall mellom 1 og 12",),
        5: ("kategori: ukjent kategori «flyttet» (anmodet, vedtatt eller bosatt)",),
        6: ("antall: negativt antall (-3)",),
        7: ("antall: «abc» er ikke et heltall eller «:»",),
        8: ("herav_em: større enn antall (3 > 2)",),
        9: ("rad: duplikat (samme som linje 2)",),
        10: ("kommunenr: kommunenummer «301» er ikke fire siffer", "antall: mangler tall"),
    }
    # The raw row is kept with the reasons.
    assert result.quarantined[0].raw["kommune"] == "Ukjent"
    assert result.quarantine_reasons()["antall: negativt antall"] == 1


def test_iso_8859_1_is_detected():
    text = csv_text("2025;1;3901;Tønsberg;bosatt;7;0\n2025;1;9998;Ærø;bosatt;1;0\n")
    data = ("# Kilde: fagsystemet, eksport i ISO-8859-1\n" + text).encode("iso-8859-1")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the test file really is not UTF-8
    result = parse_csv(data, "latin1.csv", ["3901"])
    # "år" and "måned" in the header only match if the bytes were decoded as ISO-8859-1.
    assert [(r.municipality, r.count) for r in result.rows] == [("3901", 7)]
    assert result.quarantined[0].raw["kommune"] == "Ærø"


def test_utf8_with_bom_is_read():
    data = csv_text("2025;1;3901;Tønsberg;bosatt;7;0\n").encode("utf-8-sig")
    assert len(parse_csv(data, "bom.csv").rows) == 1


def test_missing_column_names_file_line_and_field():
    data = "# kommentar\når;måned;kommunenr;kommune;kategori;herav_em\n".encode()
    with pytest.raises(SettlementFileError) as info:
        parse_csv(data, "mangler.csv")
    error = info.value
    assert (error.file, error.line, error.field) == ("mangler.csv", 2, "antall")
    assert str(error.rejected[0]) == "mangler.csv, linje 2, felt «antall»: kolonnen mangler i overskriften"
    assert str(error).startswith("mangler.csv: filen ble avvist, ingenting er lagt inn (1 feil):")


def test_short_line_fails_the_whole_file():
    body = "2025;1;0301;Oslo;bosatt;4;1\n2025;1;4601;Bergen;bosatt\n2025;1;4602;Kinn;bosatt;1;0\n"
    with pytest.raises(SettlementFileError) as info:
        parse_csv(csv_text(body).encode(), "kort.csv", KNOWN)
    # Line 3 has 5 fields: the 6th, antall, is the first missing one. No rows are returned
    # at all, not even line 2.
    assert (info.value.line, info.value.field) == (3, "antall")
    assert "linjen har 5 felt, overskriften 7" in str(info.value)


def test_comma_separated_file_is_read():
    # The separator is decided from the header, as for every import (pliktvakt.tabular).
    data = (",".join(COLUMNS) + "\n2025,1,0301,Oslo,bosatt,4,1\n").encode()
    assert [(r.municipality, r.count) for r in parse_csv(data, "komma.csv", KNOWN).rows] == [("0301", 4)]


def test_xlsx_is_read_like_csv(tmp_path):
    path = tmp_path / "bosetting.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    sheet.append([2025, 1, 301, "Oslo", "bosatt", 6, 1])  # Excel turned 0301 into 301
    sheet.append([2025, 1, "4601", "Bergen", "anmodet", ":", None])
    sheet.append([2025, 1, "4602", "Kinn", "bosatt", -1, 0])
    workbook.save(path)
    result = load_settlement_file(path, KNOWN)
    assert [(r.municipality, r.category.value, r.count, r.em) for r in result.rows] == [
        ("0301", "bosatt", 6, 1),
        ("4601", "anmodet", None, None),
    ]
    assert [(q.line, q.reasons) for q in result.quarantined] == [(4, ("antall: negativt antall (-1)",))]


def test_broken_xlsx_names_the_file(tmp_path):
    path = tmp_path / "ødelagt.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(SettlementFileError, match="ødelagt.xlsx: kan ikke lese filen som Excel"):
        load_settlement_file(path)


def test_json_payload():
    payload = json_payload(
        {"kategori": "bosatt", "antall": 12, "herav_em": None},
        {"kategori": "vedtatt", "antall": ":", "herav_em": ":"},
        {"år": "2025", "kategori": "anmodet"},
    )
    result = parse_json_payload(payload, "http://x/", KNOWN)
    assert [(r.category.value, r.count) for r in result.rows] == [("bosatt", 12), ("vedtatt", None)]
    # Row 3 has no antall: "" -> missing count.
    assert [(q.line, q.reasons) for q in result.quarantined] == [(3, ("antall: mangler tall",))]
    with pytest.raises(SettlementFileError) as info:
        parse_json_payload({"format": "annet", "rader": []}, "http://x/")
    assert info.value.field == "format"
