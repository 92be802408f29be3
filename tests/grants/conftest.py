from pathlib import Path

import pytest

from pliktvakt.grants.schemes import load_schemes

ROOT = Path(__file__).resolve().parents[2]
HEADER = "ordning;år;søker;orgnr;søkt_beløp;tildelt_beløp;avslagsgrunn;beregning"

# Real organisation numbers with valid check digits (mod 11), used as test applicants.
ORGNR_A = "974760673"
ORGNR_B = "987879696"
ORGNR_C = "971526920"


@pytest.fixture(scope="session")
def schemes():
    return load_schemes(ROOT / "config" / "grant_schemes.yaml")


@pytest.fixture
def write_csv(tmp_path):
    def write(*lines: str, name: str = "tildelinger.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
        return path

    return write


# --- real servers and the wired database (phase 2) -----------------------------------------

from pliktvakt.settings import get_settings  # noqa: E402

ORGNR_D = "923609016"
MINISTRY = ["aid.postmottak@dep.example", "aid.tilskudd@dep.example"]
OFFICER = "fatima.ali@imdi.example"  # holder of role tilskudd in config/officers.yaml


@pytest.fixture
def smtp(smtp_server):
    """The shared SMTP server (tests/servers.py); add addresses to ``smtp.refuse`` to get 550."""
    return smtp_server


@pytest.fixture
def grants_env(env, smtp, monkeypatch):
    """Settings with a migrated SQLite file, the SMTP server above and two ministry recipients."""
    monkeypatch.setenv("PLIKTVAKT_EMAIL_URL", smtp.url)
    monkeypatch.setenv("PLIKTVAKT_MINISTRY_RECIPIENTS", ",".join(MINISTRY))
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


# The grants register's stand-in and settings (issue 11).
from tests.grants.register_support import register, register_env  # noqa: E402, F401
