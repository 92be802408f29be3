import shutil
from pathlib import Path

import pytest
import yaml

from pliktvakt.grants.schemes import ANNOUNCEMENT_FACT_NAMES, FACT_NAMES, load_schemes
from pliktvakt.settings import get_settings

ROOT = Path(__file__).resolve().parents[2]
# The required columns; a file adds søkertype or organisasjonsform, and grunn where it has a
# rejection or a reduced amount (issue 29).
HEADER = "ordning;år;søker;orgnr;søkt_beløp;tildelt_beløp;avslagsgrunn;beregning"
PARTY_HEADER = HEADER + ";grunn;organisasjonsform"
# Line ends for PARTY_HEADER: a reduced amount of a voluntary organisation, a full award.
REDUCED = ";ramme;FLI"
FULL = ";;FLI"

# Real organisation numbers with valid check digits (mod 11), used as test applicants.
ORGNR_A = "974760673"
ORGNR_B = "987879696"
ORGNR_C = "971526920"


# The shipped config/grant_schemes.yaml holds placeholders for every scheme fact IMDi has not
# entered, and letters for those schemes are refused (test_letters.py shows it). The other tests
# use a copy of the config where each fact of a letter scheme is filled with a test text that
# says it is one, sourced to a made-up point of the scheme's regelverk.
TEST_REPORT_DUE = "03-01"  # 1 March the year after the grant year
TEST_REPAYMENT_PERIOD = "30d"  # a reclaim is repaid within 30 days of its letter


def fill_facts(raw: dict) -> dict:
    for scheme in raw["schemes"]:
        if scheme.get("facts"):
            scheme["facts"] = {
                name: {
                    "text": f"Testtekst for {label} ({scheme['id']})",
                    "source": "regelverk",
                    "reference": f"Testregelverket pkt. {number}",
                    **({"due": TEST_REPORT_DUE} if name == "reporting" else {}),
                }
                for number, (name, label) in enumerate(FACT_NAMES.items(), start=1)
            }
            scheme["grounds"] = {
                ground: {
                    "text": f"Testgrunn {ground} ({scheme['id']})",
                    "use": values["use"],
                    "source": "regelverk",
                    "reference": f"Testregelverket pkt. 5.{number}",
                }
                for number, (ground, values) in enumerate(scheme.get("grounds", {}).items(), start=1)
            }
            scheme["announcement"] = {
                name: {
                    "text": f"Testtekst for {label} ({scheme['id']})",
                    "source": "regelverk",
                    "reference": "Testregelverket pkt. 10",
                }
                for name, label in ANNOUNCEMENT_FACT_NAMES.items()
            }
            scheme["repayment_period"] = {
                "period": TEST_REPAYMENT_PERIOD,
                "source": "regelverk",
                "reference": "Testregelverket pkt. 9",
            }
    return raw


# What every letter states besides the decision (issue 29), as test texts.
LETTER_SETTINGS = {
    "PLIKTVAKT_GRANT_CONTACT": "Testkontakt Kari, tlf. 22 00 00 00",
    "PLIKTVAKT_GRANT_APPEAL_ADDRESS": "IMDi, Testpostboks 1, 0101 Oslo",
    "PLIKTVAKT_GRANT_APPEAL_EMAIL": "klage@imdi.example",
}


@pytest.fixture(scope="session")
def filled_config_dir(tmp_path_factory) -> Path:
    """A copy of config/ whose grant_schemes.yaml has every placeholder fact filled for tests."""
    target = tmp_path_factory.mktemp("config")
    shutil.copytree(ROOT / "config", target, dirs_exist_ok=True)
    raw = yaml.safe_load((ROOT / "config" / "grant_schemes.yaml").read_text(encoding="utf-8"))
    (target / "grant_schemes.yaml").write_text(
        yaml.safe_dump(fill_facts(raw), allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return target


@pytest.fixture(scope="session")
def schemes(filled_config_dir):
    return load_schemes(filled_config_dir / "grant_schemes.yaml")


@pytest.fixture(scope="session")
def shipped_schemes():
    """The schemes as shipped, placeholders and all."""
    return load_schemes(ROOT / "config" / "grant_schemes.yaml")


@pytest.fixture
def env(env, monkeypatch, filled_config_dir):
    """The repository's settings fixture, with the filled copy of the config."""
    monkeypatch.setenv("PLIKTVAKT_CONFIG_DIR", str(filled_config_dir))
    for name, value in LETTER_SETTINGS.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture
def write_csv(tmp_path):
    def write(*lines: str, name: str = "tildelinger.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
        return path

    return write


# --- real servers and the wired database (phase 2) -----------------------------------------


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
