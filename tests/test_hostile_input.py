"""Issue 18: every careless or hostile input in its "Why" list exits 2 with a bokmål message
naming the file, line and field, never a traceback. One test per case, named for it, run as a
user runs the command (a real process on a real SQLite database)."""

import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.grants.conftest import ORGNR_A
from tests.grants.conftest import PARTY_HEADER as HEADER

ROOT = Path(__file__).resolve().parent.parent
ENKELTVEDTAK = "integreringsarbeid-frivillige-organisasjoner"  # payable without acceptance
PUBLICATIONS = "tittel;type;publiseres;eier"


@pytest.fixture
def cli(wide_cli):
    return wide_cli


def said(result) -> str:
    """stdout and stderr as one line: rich wraps long messages and boxes usage errors."""
    return " ".join((result.stdout + result.stderr).replace("│", " ").split())


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def config_copy(tmp_path: Path, name: str, change) -> dict:
    """The repository's config with one file changed; the env to point the CLI at it."""
    target = tmp_path / "config"
    shutil.copytree(ROOT / "config", target)
    path = target / name
    path.write_bytes(change(path.read_bytes()))
    return {"PLIKTVAKT_CONFIG_DIR": str(target)}


def grant_row(applicant: str = "Frivillig lag", applied: str = "2000", awarded: str = "1000") -> str:
    return f"{ENKELTVEDTAK};2025;{applicant};{ORGNR_A};{applied};{awarded};;sats;ramme;FLI"


# --- user text read as rich markup -------------------------------------------------------


def test_publication_titled_closing_tag_is_listed_literally(cli, tmp_path):
    write(tmp_path, "p.csv", f"{PUBLICATIONS}\n[/x];rapport;2026-06-01;kunnskap\n")
    cli("publication", "import", "p.csv")
    for _ in range(2):  # every later call too, not only the first
        listing = cli("publication", "list", "--as-of", "2026-01-05")
        assert "│ [/x] " in listing.stdout


def test_grant_applicant_closing_tag_in_grants_payments(cli, tmp_path):
    write(tmp_path, "g.csv", f"{HEADER}\n{grant_row('[/x]')}\n")
    cli("grants", "import", "g.csv", "--round", "r1")
    assert "│ [/x] " in cli("grants", "payments", "r1", "--as-of", "2025-05-01").stdout


def test_obligation_title_closing_tag_in_obligations_list(cli, tmp_path):
    title = b"title: Departementet orientert om planlagte vesentlige"
    config = config_copy(tmp_path, "obligations.yaml", lambda b: b.replace(title, b"title: '[/x]' #", 1))
    assert "[/x]" in cli("obligations", "list", extra_env=config).stdout


def test_error_message_quoting_markup_is_shown_as_text(cli):
    result = cli("trigger", "[/x]", "--on", "2026-01-05", expect=2)
    assert "Ukjent plikt" in result.stderr and "[/x]" in result.stderr


# --- undecodable bytes -------------------------------------------------------------------


@pytest.mark.parametrize("byte", [0x81, 0x8D, 0x8F, 0x90, 0x9D])
def test_grants_csv_with_byte_undefined_in_windows_1252(cli, tmp_path, byte):
    # A Windows-1252 file (ø is 0xF8) with one of the five bytes cp1252 leaves undefined: read
    # as the WHATWG standard reads it, the byte becomes the C1 control of the same number.
    data = f"{HEADER}\n{grant_row('Lag')}\n".encode("cp1252").replace(
        b";Lag;", b";Lag" + bytes([byte]) + b";"
    )
    write(tmp_path, "g.csv", data)
    assert "1 vedtak lest inn" in said(cli("grants", "import", "g.csv", "--round", "r1"))


def test_grants_csv_that_is_utf8_but_for_one_byte(cli, tmp_path):
    data = f"{HEADER}\n{grant_row('Lag')}\n".encode().replace(b";Lag;", b";Lag\x81;")
    write(tmp_path, "g.csv", data)
    text = said(cli("grants", "import", "g.csv", "--round", "r1", expect=2))
    assert "g.csv, linje 2: filen er UTF-8, men har en ugyldig byte (0x81)" in text


@pytest.mark.parametrize(
    ("name", "command"),
    [
        ("obligations.yaml", ("obligations", "list")),
        ("officers.yaml", ("obligations", "list")),
        ("grant_schemes.yaml", ("grants", "list")),
    ],
)
def test_config_file_not_utf8(cli, tmp_path, name, command):
    lines = (ROOT / "config" / name).read_bytes().count(b"\n")
    config = config_copy(tmp_path, name, lambda b: b + "# æøå\n".encode("latin-1"))
    text = said(cli(*command, expect=2, extra_env=config))
    # The comment is the line after the last one; æ is 0xE6 in latin-1.
    assert f"{name}, linje {lines + 1}" in text
    assert f"filen er ikke UTF-8 (ugyldig byte 0xE6 på linje {lines + 1})" in text


# --- numbers and dates out of range ------------------------------------------------------


def test_grants_csv_amount_1e400(cli, tmp_path):
    write(tmp_path, "g.csv", f"{HEADER}\n{grant_row(applied='1e400')}\n")
    text = said(cli("grants", "import", "g.csv", "--round", "r1", expect=2))
    # An exponent is not a way to write kroner (issue 30): refused as a form, before any bound.
    assert "g.csv, linje 2, felt «søkt_beløp»: «1e400» er ikke et beløp i kroner" in text


def test_budget_1e999(cli, tmp_path):
    write(tmp_path, "g.csv", f"{HEADER}\n{grant_row()}\n")
    result = cli("grants", "import", "g.csv", "--round", "r1", "--budget", f"{ENKELTVEDTAK}=1e999", expect=2)
    assert "«1e999» er ikke et beløp i kroner" in said(result)


def test_xlsx_cell_1e308(cli, tmp_path):
    workbook = Workbook()
    workbook.active.append(HEADER.split(";"))
    workbook.active.append([ENKELTVEDTAK, 2025, "Lag", ORGNR_A, 1e308, 1000, None, "sats", "ramme", "FLI"])
    workbook.save(tmp_path / "g.xlsx")
    text = said(cli("grants", "import", "g.xlsx", "--round", "r1", expect=2))
    assert (
        "g.xlsx, linje 2, felt «søkt_beløp»:" in text and "over grensen på 1 000 000 000 000 kroner" in text
    )


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_publication_date_out_of_range(cli, tmp_path, day):
    write(tmp_path, "p.csv", f"{PUBLICATIONS}\nRapport;rapport;{day};kunnskap\n")
    text = said(cli("publication", "import", "p.csv", expect=2))
    assert f"p.csv, linje 2, felt «publiseres»: datoen {day} er utenfor årene 1900–2200" in text
    added = cli(
        "publication",
        "add",
        "--title",
        "T",
        "--kind",
        "rapport",
        "--publish-on",
        day,
        "--owner",
        "kunnskap",
        expect=2,
    )
    assert "utenfor årene 1900–2200" in said(added)


def test_deadline_add_9999999999w(cli):
    assert "'9999999999w' er lenger enn 100 år" in said(
        cli("deadline", "--from", "2025-01-01", "--add", "9999999999w", expect=2)
    )


def test_deadline_add_more_than_100_years(cli):
    # 100 years are 5217 weeks (36525 days / 7, rounded down): 5217w is the last one allowed.
    # 2025-01-01 is a Wednesday; 5217 × 7 = 36519 days on is Wednesday 2124-12-27, a business day.
    assert cli("deadline", "--from", "2025-01-01", "--add", "5217w").stdout.strip() == "2124-12-27"
    assert "er lenger enn 100 år" in said(cli("deadline", "--from", "2025-01-01", "--add", "5218w", expect=2))
    assert "er lenger enn 100 år" in said(cli("deadline", "--from", "2025-01-01", "--add", "1201m", expect=2))


def test_deadline_from_out_of_range(cli):
    text = said(cli("deadline", "--from", "9999-12-31", "--add", "1d", expect=2))
    assert "--from: «9999-12-31»: datoen 9999-12-31 er utenfor årene 1900–2200" in text


@pytest.mark.parametrize(
    "command",
    [
        ("complete", "99999999999999999999999", "--by", "a@imdi.example", "--evidence", "x"),
        ("absence", "remove", "99999999999999999999999"),
        ("publication", "check", "99999999999999999999999"),
        ("grants", "accept", "99999999999999999999999", "--on", "2025-01-01"),
    ],
)
def test_id_beyond_a_database_integer(cli, command):
    text = said(cli(*command, expect=2))
    assert "«99999999999999999999999» er ikke en gyldig id (et heltall fra 1 til 9223372036854775807)" in text


def test_obligation_offset_99999999999d_in_init(cli, tmp_path):
    config = config_copy(
        tmp_path, "obligations.yaml", lambda b: b.replace(b"offset: -1m", b"offset: 99999999999d", 1)
    )
    text = said(cli("init", extra_env=config, expect=2))
    assert "obligations.yaml, linje" in text and "feltet 'deadline.offset'" in text
    assert "'99999999999d' er lenger enn 100 år" in text


# --- malformed files ---------------------------------------------------------------------


def test_xlsx_that_is_a_zip_of_garbage(cli, tmp_path):
    import zipfile

    with zipfile.ZipFile(tmp_path / "g.xlsx", "w") as archive:
        archive.writestr("[Content_Types].xml", "<<ikke xml")
        archive.writestr("xl/workbook.xml", "\x00\x01")
    text = said(cli("grants", "import", "g.xlsx", "--round", "r1", expect=2))
    assert "g.xlsx: kan ikke lese filen som Excel (.xlsx)" in text


def test_field_over_128_kib_in_publication_import(cli, tmp_path):
    write(tmp_path, "p.csv", f"{PUBLICATIONS}\n{'x' * 140_000};rapport;2026-06-01;kunnskap\n")
    text = said(cli("publication", "import", "p.csv", expect=2))
    assert "p.csv, linje 2: ugyldig CSV: et felt er lengre enn 128 KiB" in text


SETTLEMENT = "år;måned;kommunenr;kommune;kategori;antall;herav_em\n"


def test_field_over_128_kib_in_settlement_loader():
    from pliktvakt.settlement.inputs import SettlementFileError
    from pliktvakt.settlement.inputs_figures import parse_csv

    data = f"{SETTLEMENT}2026;1;0301;{'O' * 140_000};bosatt;1;\n".encode()
    with pytest.raises(SettlementFileError) as caught:
        parse_csv(data, "s.csv")
    assert str(caught.value.rejected[0]) == "s.csv, linje 2: ugyldig CSV: et felt er lengre enn 128 KiB"


def test_count_of_5000_digits_in_settlement_file_is_quarantined():
    from pliktvakt.settlement.inputs_figures import parse_csv

    result = parse_csv(f"{SETTLEMENT}2026;1;0301;Oslo;bosatt;{'9' * 5000};\n".encode(), "s.csv")
    assert result.rows == [] and result.quarantined[0].line == 2
    assert result.quarantined[0].reasons[0].startswith("antall: «999")
    assert result.quarantined[0].reasons[0].endswith("» er ikke et heltall eller «:»")


def test_count_of_5000_digits_in_settlement_json_is_quarantined():
    from pliktvakt.settlement.inputs_figures import parse_json_payload

    row = {"år": 2026, "måned": 1, "kommunenr": "0301", "kommune": "Oslo", "kategori": "bosatt"}
    payload = {"format": "pliktvakt-bosetting/1", "rader": [{**row, "antall": 10**4000, "herav_em": None}]}
    result = parse_json_payload(payload, "https://bosetting.example/api")
    assert result.quarantined[0].reasons == ("antall: tallet er større enn 9223372036854775807",)


# --- bad --as-of -------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["yesterday", "2026-13-45", "2025-1-1"])
@pytest.mark.parametrize("command", [("status",), ("publication", "list"), ("grants", "list")])
def test_bad_as_of(cli, command, value):
    text = said(cli(*command, "--as-of", value, expect=2))
    assert f"Ugyldig verdi for '--as-of': «{value}» er ikke en dato (ÅÅÅÅ-MM-DD)" in text


def test_as_of_out_of_range(cli):
    text = said(cli("status", "--as-of", "9999-12-31", expect=2))
    assert "«9999-12-31»: datoen 9999-12-31 er utenfor årene 1900–2200" in text


# --- worse than a crash ------------------------------------------------------------------


def test_grants_file_with_the_same_decision_twice_is_refused(cli, tmp_path):
    write(tmp_path, "g.csv", f"{HEADER}\n{grant_row()}\n{grant_row()}\n")
    text = said(cli("grants", "import", "g.csv", "--round", "r1", expect=2))
    assert "g.csv, linje 3, felt «orgnr»: samme ordning og organisasjonsnummer som linje 2" in text
    assert cli("grants", "list", "--json").stdout.strip() == "[]"  # nothing of the file was kept


# --- smaller problems ---------------------------------------------------------------------


def test_header_only_publication_file_warns(cli, tmp_path):
    write(tmp_path, "p.csv", f"{PUBLICATIONS}\n")
    result = cli("publication", "import", "p.csv")
    assert "Advarsel: p.csv har ingen rader under overskriften; ingenting er lagt inn." in said(result)


def test_header_only_grants_file_is_refused(cli, tmp_path):
    write(tmp_path, "g.csv", f"{HEADER}\n")
    assert "g.csv: filen har ingen vedtak" in said(
        cli("grants", "import", "g.csv", "--round", "r1", expect=2)
    )


def test_utf16_file_is_named_as_such(cli, tmp_path):
    write(tmp_path, "p.csv", f"{PUBLICATIONS}\nRapport;rapport;2026-06-01;kunnskap\n".encode("utf-16"))
    text = said(cli("publication", "import", "p.csv", expect=2))
    assert "p.csv: filen ser ut som UTF-16 (Excels «Unicode-tekst»)" in text


def test_tab_separated_file_is_named_as_such(cli, tmp_path):
    write(tmp_path, "p.csv", "tittel\ttype\tpubliseres\teier\nRapport\trapport\t2026-06-01\tkunnskap\n")
    text = said(cli("publication", "import", "p.csv", expect=2))
    assert "p.csv, linje 1: filen ser ut som tabulator-separert; bruk semikolon eller komma" in text


def test_file_over_the_row_limit_is_refused_up_front(cli, tmp_path):
    write(tmp_path, "g.csv", f"{HEADER}\n" + "\n".join(grant_row(f"Lag {n}") for n in range(4)) + "\n")
    result = cli(
        "grants", "import", "g.csv", "--round", "r1", expect=2, extra_env={"PLIKTVAKT_IMPORT_ROW_LIMIT": "3"}
    )
    assert "g.csv: filen har mer enn 3 rader, grensen for én import (PLIKTVAKT_IMPORT_ROW_LIMIT)" in said(
        result
    )


def test_xlsx_formula_and_merged_cells_are_named_as_such(cli, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    # Line 2: the awarded amount is a formula openpyxl writes without a stored value, as a
    # sheet saved by a program that does not calculate. Lines 3-4: the applicant merged over both.
    sheet.append([ENKELTVEDTAK, 2025, "Lag", ORGNR_A, 2000, "=E2/2", None, "sats", "ramme", "FLI"])
    sheet.append([ENKELTVEDTAK, 2025, "Felles søker", "987879696", 2000, 1000, None, "sats", "ramme", "FLI"])
    sheet.append([ENKELTVEDTAK, 2025, None, "971526920", 2000, 1000, None, "sats", "ramme", "FLI"])
    sheet.merge_cells("C3:C4")
    workbook.save(tmp_path / "g.xlsx")
    text = said(cli("grants", "import", "g.xlsx", "--round", "r1", expect=2))
    assert "g.xlsx, linje 2, felt «tildelt_beløp»: cellen er en formel (=E2/2) uten lagret verdi" in text
    assert "g.xlsx, linje 4, felt «søker»: cellen er en del av den flettede cellen C3:C4" in text
    assert "mangler verdi" not in text


# --- found beside the list: whole-number options out of range ----------------------------


def test_status_days_out_of_range(cli):
    text = said(cli("status", "--days", "999999999999", expect=2))
    assert "Ugyldig verdi for '--days': «999999999999» er ikke et heltall fra 0 til 36525" in text


def test_evaluation_plan_year_out_of_range(cli):
    text = said(cli("evaluation", "plan", "--year", "99999", expect=2))
    assert "Ugyldig verdi for '--year': «99999» er ikke et heltall fra 1900 til 2200" in text


def test_status_days_default_and_given(cli):
    cli("status", "--as-of", "2026-01-05")
    cli("status", "--days", "0", "--as-of", "2026-01-05")
