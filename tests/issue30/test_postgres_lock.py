"""Issue 30, locking on PostgreSQL: a write that waits on a long import gives up after
``lock_timeout`` and says what it waited for, as on SQLite (where a note beside the file does).
Two real connections to the real PostgreSQL: the import's, holding the round, and the CLI's."""

from pathlib import Path

import pytest

from pliktvakt import db
from pliktvakt.db import make_engine, migrate, session_scope
from pliktvakt.grants.tables import GrantRound
from pliktvakt.writer_note import postgres_application_name, writing
from tests.grants.conftest import HEADER, ORGNR_A

ROOT = Path(__file__).resolve().parents[2]
ENKELTVEDTAK = "integreringsarbeid-frivillige-organisasjoner"


def test_the_import_note_is_ascii_and_fits_postgres():
    with writing("postgresql+psycopg://h/db", "grants import av runden «Tilskudd å søke» fra ø.csv"):
        name = postgres_application_name()
    assert name == 'pliktvakt: grants import av runden "Tilskudd a soke" fra o.csv'
    with writing("postgresql+psycopg://h/db", "x" * 200):
        assert len(postgres_application_name().encode()) == 63
    assert postgres_application_name() is None  # only while the import runs


def test_a_write_waiting_on_an_import_says_what_it_waits_for(pg_url, pliktvakt_cli, monkeypatch, tmp_path):
    # 2 s instead of 30, so the test does not wait half a minute; the rule is the same.
    monkeypatch.setattr(db, "LOCK_WAIT_SECONDS", 2)
    migrate(pg_url)
    (tmp_path / "g.csv").write_text(f"{HEADER}\n{ENKELTVEDTAK};2025;Lag;{ORGNR_A};2000;1000;;sats\n")
    env = {"PLIKTVAKT_DATABASE_URL": pg_url, "PLIKTVAKT_CONFIG_DIR": str(ROOT / "config")}
    with (
        writing(pg_url, "grants import av runden «r1» fra stor.csv"),
        session_scope(make_engine(pg_url)) as other,
    ):
        other.add(GrantRound(name="r1", imported_file="stor.csv", file_sha256="0" * 64))
        other.flush()  # the long import holds the round, not yet committed
        result = pliktvakt_cli("grants", "import", "g.csv", "--round", "r1", expect=2, extra_env=env)
        other.rollback()
    said = " ".join(result.stderr.split())
    assert 'databasen er låst: grants import av runden "r1" fra stor.csv (tilkobling ' in said
    assert "holdt den i mer enn 2 sekunder. Ingenting er endret" in said
    assert "Kjør `pliktvakt init`" not in said


@pytest.mark.parametrize("seconds", [30])
def test_postgres_connections_carry_the_lock_timeout_and_keep_the_urls_options(pg_url, seconds):
    from sqlalchemy import text

    with make_engine(pg_url).connect() as connection:
        assert connection.execute(text("SHOW lock_timeout")).scalar() == f"{seconds}s"
        assert connection.execute(text("SHOW search_path")).scalar().startswith("t_")  # the URL's options
