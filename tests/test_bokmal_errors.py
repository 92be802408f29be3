"""Issue 30: secrets that leak and the last tracebacks. Each case as a user runs the command (a
real process), exiting 2 with a bokmål message and no traceback; where a secret is in play, it
is looked for in the output and in the database."""

import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.test_hostile_input import config_copy, said, write

ROOT = Path(__file__).resolve().parent.parent
SECRET = "hemmeligPassord4242"


@pytest.fixture
def cli(wide_cli):
    return wide_cli


def database_text(env) -> str:
    """Every value in every table of the SQLite database."""
    path = env.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return "\n".join(str(row) for table in tables for row in conn.execute(f'SELECT * FROM "{table}"'))


# --- secrets -------------------------------------------------------------------------------------


def test_malformed_api_token_is_not_echoed(cli):
    result = cli("status", expect=2, extra_env={"PLIKTVAKT_TILSKUDD_API_TOKEN": f"{SECRET}\x01"})
    text = said(result)
    assert "PLIKTVAKT_TILSKUDD_API_TOKEN: nøkkelen kan bare ha synlige ASCII-tegn" in text
    assert SECRET not in result.stdout + result.stderr


def test_bad_setting_is_named_in_bokmal(cli):
    text = said(cli("status", expect=2, extra_env={"PLIKTVAKT_IMPORT_ROW_LIMIT": "mange"}))
    assert "ugyldige innstillinger: PLIKTVAKT_IMPORT_ROW_LIMIT: må være et heltall" in text
    assert "Input should be" not in text


def test_dotenv_that_is_not_utf8(cli, tmp_path):
    write(tmp_path, ".env", "PLIKTVAKT_OPS_ROLE=drift-ø\n".encode("latin-1"))
    text = said(cli("status", expect=2))
    assert ".env: filen er ikke UTF-8 (ugyldig byte 0xF8)" in text


def test_variable_in_an_obligation_title_is_not_expanded_or_stored(cli, tmp_path, env):
    title = b"title: Departementet orientert om planlagte vesentlige"
    config = config_copy(
        tmp_path,
        "obligations.yaml",
        lambda b: b.replace(title, b"title: 'Se ${PLIKTVAKT_EMAIL_URL} og $HOME' #", 1),
    )
    secret_env = {**config, "PLIKTVAKT_EMAIL_URL": f"mailtos://kari:{SECRET}@smtp.example"}
    cli("init", "--as-of", "2026-01-05", extra_env=secret_env)
    listing = cli("obligations", "list", extra_env=secret_env).stdout
    assert "Se ${PLIKTVAKT_EMAIL_URL} og $HOME" in listing
    assert SECRET not in listing and SECRET not in database_text(env)


def test_yaml_error_in_officers_does_not_show_the_teams_signature(cli, tmp_path):
    def broken(data: bytes) -> bytes:
        return data + b"\nbroken: 'sig ${PLIKTVAKT_TEAMS_TEST}\n"

    config = config_copy(tmp_path, "officers.yaml", broken)
    result = cli("obligations", "list", expect=2, extra_env={**config, "PLIKTVAKT_TEAMS_TEST": SECRET})
    text = said(result)
    lines = (ROOT / "config" / "officers.yaml").read_bytes().count(b"\n")
    assert f"officers.yaml, linje {lines + 2}" in text  # where the quote opens, not the end of the file
    assert "ugyldig YAML: filen slutter før et anførselstegn er lukket" in text
    assert SECRET not in result.stdout + result.stderr


def test_teams_url_variable_is_still_expanded_in_its_own_field(tmp_path, monkeypatch):
    from pliktvakt.catalogue import load_catalogue

    target = tmp_path / "config"
    shutil.copytree(ROOT / "config", target)
    officers = (target / "officers.yaml").read_text()
    assert "${" in officers  # the shipped file keeps Teams URLs in variables
    name = re.search(r"teams_url: \$\{(\w+)\}", officers).group(1)
    monkeypatch.setenv(name, f"workflows://example.logic.azure.com/workflows/abc/{SECRET}")
    catalogue = load_catalogue(target)
    urls = [o.teams_url.get_secret_value() for o in catalogue.officers.values() if o.teams_url] + [
        r.teams_url.get_secret_value() for r in catalogue.roles.values() if r.teams_url
    ]
    assert any(SECRET in url for url in urls)


# --- configuration and database tracebacks -------------------------------------------------------


def test_duplicate_obligations_key(cli, tmp_path):
    config = config_copy(tmp_path, "obligations.yaml", lambda b: b + b"\nobligations: []\n")
    text = said(cli("config", "check", expect=2, extra_env=config))
    assert "nøkkelen 'obligations' står flere ganger i filen" in text


def test_directory_as_obligations_yaml(cli, tmp_path):
    target = tmp_path / "config"
    shutil.copytree(ROOT / "config", target)
    (target / "obligations.yaml").unlink()
    (target / "obligations.yaml").mkdir()
    text = said(cli("obligations", "list", expect=2, extra_env={"PLIKTVAKT_CONFIG_DIR": str(target)}))
    assert "obligations.yaml: (fil): feltet 'obligations': er en mappe, ikke en fil" in text


def test_unknown_database_url_scheme(cli):
    text = said(cli("status", expect=2, extra_env={"PLIKTVAKT_DATABASE_URL": f"mysgl://kari:{SECRET}@db/x"}))
    assert "PLIKTVAKT_DATABASE_URL" in text and "er ikke en database pliktvakt kan bruke" in text
    assert SECRET not in text


def test_csv_file_as_the_database(cli, tmp_path):
    write(tmp_path, "data.csv", "a;b\n1;2\n" * 200)
    text = said(
        cli("status", expect=2, extra_env={"PLIKTVAKT_DATABASE_URL": f"sqlite:///{tmp_path / 'data.csv'}"})
    )
    assert "peker på en fil som ikke er en SQLite-database" in text


def test_seed_of_31_digits(cli, tmp_path):
    text = said(cli("grants", "control-sample", "r1", "--share", "0.1", "--seed", "9" * 31, expect=2))
    assert f"er ikke et heltall fra 0 til {2**63 - 1}" in text


# A NUL cannot be passed in an argument at all (execve); ESC stands for the control characters.
@pytest.mark.parametrize("name", ["r" * 5000, "runde\x1ben"])
def test_round_name_too_long_or_with_nul(cli, tmp_path, name):
    write(tmp_path, "g.csv", "ordning\n")  # never read: the name is refused first
    text = said(cli("grants", "import", "g.csv", "--round", name, expect=2))
    assert "--round: navnet har" in text


# --- terminal hygiene -------------------------------------------------------------------------

HOSTILE = "Rapport\x1b]52;c;aGVtbWVsaWc=\x07\x1b[2J\x9b31mslutt\x7f"


def test_control_characters_in_a_title_never_reach_the_terminal(cli, tmp_path):
    write(tmp_path, "p.csv", f'tittel;type;publiseres;eier\n"{HOSTILE}";rapport;2026-06-01;kunnskap\n')
    cli("publication", "import", "p.csv")
    listing = cli("publication", "list", "--as-of", "2026-01-05").stdout
    assert "Rapport]52;c;aGVtbWVsaWc=[2J31mslutt" in listing
    assert not any(ch in listing for ch in "\x1b\x07\x9b\x7f")


def test_control_characters_in_an_applicant_never_reach_the_terminal(cli, tmp_path):
    from tests.grants.conftest import ORGNR_A
    from tests.grants.conftest import PARTY_HEADER as HEADER
    from tests.test_hostile_input import ENKELTVEDTAK

    write(
        tmp_path, "g.csv", f'{HEADER}\n{ENKELTVEDTAK};2025;"{HOSTILE}";{ORGNR_A};2000;1000;;sats;ramme;FLI\n'
    )
    cli("grants", "import", "g.csv", "--round", "r1")
    payments = cli("grants", "payments", "r1", "--as-of", "2025-05-01").stdout
    assert "Rapport]52;c;" in payments and not any(ch in payments for ch in "\x1b\x07\x9b\x7f")
