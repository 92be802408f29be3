"""Fixtures and helpers of the grants register tests: the stand-in register on 127.0.0.1
(tests/register_server.py), settings pointing at it, and rounds of awards to voluntary
organisations."""

from datetime import date
from pathlib import Path

import pytest

from pliktvakt.catalogue import load_catalogue
from pliktvakt.db import make_engine, session_scope
from pliktvakt.grants import store_intake
from pliktvakt.register import store
from pliktvakt.settings import get_settings
from pliktvakt.settlement.inputs import municipalities_by_code
from tests.grants.conftest import HEADER, ROOT
from tests.register_server import TOKEN, RegisterServer

FRIVILLIG = "integreringsarbeid-frivillige-organisasjoner"
FRIVILLIG_NAME = "Tilskudd til integreringsarbeid i regi av frivillige organisasjoner"
# Organisation numbers with valid mod-11 check digits (python-stdnum), one per award.
ORGNRS = ["971000007", "971000015", "971000023", "971000031", "971000058", "971000066"]
OSLO = "0301"


@pytest.fixture
def register():
    with RegisterServer(token=TOKEN) as server:
        yield server


@pytest.fixture
def register_env(grants_env, register, db_url, monkeypatch, tmp_path):
    """Settings for the API backend against the stand-in, on SQLite and on PostgreSQL:
    short timeouts, quick backoff."""
    values = {
        "DATABASE_URL": db_url,
        "TILSKUDD_API_URL": register.url,
        "TILSKUDD_API_TOKEN": TOKEN,
        "TILSKUDD_BACKEND": "api",
        "TILSKUDD_TIMEOUT_SECONDS": "0.5",
        "TILSKUDD_ATTEMPTS": "4",
        "TILSKUDD_BACKOFF_SECONDS": "0.05",
        "TILSKUDD_CONCURRENCY": "3",
        "TILSKUDD_UPLOAD_DIR": str(tmp_path / "opplasting"),
    }
    for name, value in values.items():
        monkeypatch.setenv(f"PLIKTVAKT_{name}", value)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


def award_lines(count: int, amount: int = 100_000) -> list[str]:
    return [
        f"{FRIVILLIG};2025;Forening {n};{ORGNRS[n]};{amount + 20_000};{amount + n * 1000};;Sats;privat;"
        + ("ramme" if n < 20 else "")
        for n in range(count)
    ]


def import_round(settings, schemes, write_csv, name: str, lines: list[str], on: date, municipality=OSLO):
    """Import a round as `grants import` does, as a municipality's (default) or IMDi's."""
    path = write_csv(HEADER + ";søkertype;grunn", *lines, name=f"{name}.csv")
    catalogue = load_catalogue(Path(settings.config_dir))
    municipalities = municipalities_by_code(ROOT / "config")
    with session_scope(make_engine(settings.database_url)) as session:
        grant_round = store_intake.import_round(session, schemes, path, name, {}, "test")
        if municipality:
            store.mark_municipal(session, schemes, municipalities, grant_round, municipality, "test")
        store.open_occurrences(session, catalogue, schemes, grant_round, on, "test")
        return grant_round.id
