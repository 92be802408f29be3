from datetime import date, datetime

import pytest
from openpyxl import Workbook

from pliktvakt.publications.inputs import PublicationKind
from pliktvakt.publications.inputs_csv import PublicationImportError, read_publications_csv


def write(tmp_path, text: str, encoding: str = "utf-8", name: str = "publikasjoner.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_semicolon_file_from_excel(tmp_path):
    # Excel writes a BOM; Norwegian dates are allowed; blank lines are skipped.
    path = write(
        tmp_path,
        (
            "tittel;type;publiseres;eier;sammendrag\n"
            "Evaluering av introduksjonsprogrammet;Evaluering;20.06.2025;"
            "avdelingsdirektør analyse;Resultater 2022–2024\n"
            "\n"
            "Integreringsbarometeret;FoU;2025-09-01;seksjonssjef;\n"
        ),
        encoding="utf-8-sig",
    )
    first, second = read_publications_csv(path)
    assert first.kind is PublicationKind.EVALUERING and first.publish_on == date(2025, 6, 20)
    assert first.summary == "Resultater 2022–2024"
    assert second.kind is PublicationKind.FOU and second.summary is None


def test_comma_file_without_summary_column(tmp_path):
    path = write(
        tmp_path, 'tittel,type,publiseres,eier\n"Rapport om bosetting, 2024",rapport,2025-10-01,analysesjef\n'
    )
    (only,) = read_publications_csv(path)
    assert only.title == "Rapport om bosetting, 2024" and only.summary is None


def test_bad_rows_reject_the_whole_file_naming_file_line_and_field(tmp_path):
    path = write(
        tmp_path,
        (
            "tittel;type;publiseres;eier;sammendrag\n"
            "God rad;rapport;2025-10-01;analysesjef;\n"
            "Feil type;notat;2025-10-01;analysesjef;\n"
            "Feil dato;rapport;31.02.2025;analysesjef;\n"
            ";rapport;2025-10-01;;\n"
        ),
    )
    with pytest.raises(PublicationImportError) as caught:
        read_publications_csv(path)
    error = caught.value
    assert (error.file, error.line, error.field) == (str(path), 3, "type")
    assert "notat" in error.reason
    # Every rejected row kept with its reason; line 5 has two.
    assert [(r.line, r.field) for r in error.rejected] == [
        (3, "type"),
        (4, "publiseres"),
        (5, "tittel"),
        (5, "eier"),
    ]
    assert error.rejected[1].reason.startswith("'31.02.2025' er ikke en gyldig dato")
    assert error.rejected[2].reason == "kan ikke være tom"
    message = str(error)
    assert message.startswith(f"{path}: filen ble avvist, ingenting er lagt inn (4 feil):")
    assert f"- {path}, linje 3, felt «type»: " in message


def test_missing_and_unknown_columns(tmp_path):
    path = write(tmp_path, "tittel;type;dato;eier\nX;rapport;2025-10-01;sjef\n")
    with pytest.raises(PublicationImportError) as caught:
        read_publications_csv(path)
    assert [(r.line, r.field, r.reason) for r in caught.value.rejected] == [
        (1, "dato", "ukjent kolonne; gyldige er tittel, type, publiseres, eier, sammendrag"),
        (1, "publiseres", "kolonnen mangler i overskriften"),
    ]


def test_empty_file(tmp_path):
    with pytest.raises(PublicationImportError) as caught:
        read_publications_csv(write(tmp_path, ""))
    assert caught.value.line == 0 and caught.value.reason == "filen er tom"  # the file as a whole


def test_windows_1252_from_excel_is_read(tmp_path):
    path = write(
        tmp_path,
        "tittel;type;publiseres;eier\nÅrsrapport 2024–2025;rapport;2025-10-01;sjef\n",
        encoding="cp1252",
    )
    (only,) = read_publications_csv(path)
    assert only.title == "Årsrapport 2024–2025"


def test_xlsx_file_is_read_like_csv(tmp_path):
    book = Workbook()
    book.active.append(["Tittel", "Type", "Publiseres", "Eier"])
    book.active.append(["Barometeret", "FoU", datetime(2025, 9, 1), "seksjonssjef"])
    path = tmp_path / "publikasjoner.xlsx"
    book.save(path)
    (only,) = read_publications_csv(path)
    assert (only.title, only.kind, only.publish_on) == ("Barometeret", PublicationKind.FOU, date(2025, 9, 1))


def test_too_many_cells_and_duplicates(tmp_path):
    path = write(
        tmp_path,
        (
            "tittel;type;publiseres;eier\n"
            "A;rapport;2025-10-01;sjef\n"
            "B;rapport;2025-10-01;sjef;ekstra\n"
            "a;annet;01.10.2025;sjef\n"
        ),
    )
    with pytest.raises(PublicationImportError) as caught:
        read_publications_csv(path)
    # The file's shape is checked before any row (issue 30): the extra field first, alone.
    assert [(r.line, r.field, r.reason) for r in caught.value.rejected] == [
        (3, None, "linjen har 5 felt, overskriften 4"),
    ]
    path.write_text(path.read_text().replace(";ekstra", ""))
    with pytest.raises(PublicationImportError) as caught:
        read_publications_csv(path)
    assert [(r.line, r.field, r.reason) for r in caught.value.rejected] == [
        (4, "tittel", "samme tittel og dato som linje 2"),
    ]
