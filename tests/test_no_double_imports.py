"""Issue 30: the same file, or the same decisions, imported under a new round name would
store (and pay, and register) every award again; the same publications file twice would
notify the ministry twice. Refused, naming the earlier round; on SQLite and PostgreSQL, as a
user runs the command."""

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from pliktvakt.settings import get_settings
from tests.grants.conftest import PARTY_HEADER as HEADER
from tests.test_every_byte import orgnrs
from tests.test_hostile_input import ENKELTVEDTAK, PUBLICATIONS, said, write

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cli(db_url, monkeypatch, pliktvakt_cli):
    """``pliktvakt`` on a migrated SQLite file or PostgreSQL schema."""
    monkeypatch.setenv("PLIKTVAKT_DATABASE_URL", db_url)
    monkeypatch.setenv("PLIKTVAKT_CONFIG_DIR", str(ROOT / "config"))
    get_settings.cache_clear()
    yield lambda *args, expect=0: pliktvakt_cli(*args, expect=expect, extra_env={"COLUMNS": "250"})
    get_settings.cache_clear()


def grants_file(tmp_path: Path, name: str, count: int = 3, applicant: str = "Lag") -> Path:
    rows = [
        f"{ENKELTVEDTAK};2025;{applicant} {n};{org};2000;1000;;sats;ramme;FLI"
        for n, org in enumerate(orgnrs(count))
    ]
    return write(tmp_path, name, HEADER + "\n" + "\n".join(rows) + "\n")


def rounds(cli) -> list[tuple[str, int]]:
    return [(r["round"], r["decisions"]) for r in json.loads(cli("grants", "list", "--json").stdout)]


def audited(db_url: str, action: str) -> list[dict]:
    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT details FROM audit_entry WHERE action = :a"), {"a": action})
        return [json.loads(row[0]) for row in rows]


def test_the_same_grants_file_under_a_new_round_name_is_refused(cli, tmp_path):
    grants_file(tmp_path, "g.csv")
    cli("grants", "import", "g.csv", "--round", "r1")
    text_ = said(cli("grants", "import", "g.csv", "--round", "r2", expect=2))
    assert "g.csv: den samme filen er allerede lest inn som runden «r1»; ingenting er lagt inn" in text_
    assert rounds(cli) == [("r1", 3)]


def test_the_same_decisions_in_another_file_are_refused_naming_line_and_round(cli, tmp_path):
    grants_file(tmp_path, "g.csv")
    cli("grants", "import", "g.csv", "--round", "r1")
    grants_file(tmp_path, "g2.csv", applicant="Laget")  # other bytes, the same decisions
    text_ = said(cli("grants", "import", "g2.csv", "--round", "r2", expect=2))
    assert "g2.csv: vedtak med samme ordning, organisasjonsnummer og år er allerede lest inn" in text_
    assert "linje 2 finnes i runden «r1»; linje 3 finnes i runden «r1»" in text_
    assert rounds(cli) == [("r1", 3)]


def test_allow_duplicate_imports_and_audits_the_reason(cli, db_url, tmp_path):
    grants_file(tmp_path, "g.csv")
    cli("grants", "import", "g.csv", "--round", "r1")
    cli("grants", "import", "g.csv", "--round", "r2", "--allow-duplicate", "Rettet runde etter klage")
    assert sorted(rounds(cli)) == [("r1", 3), ("r2", 3)]
    (second,) = [d for d in audited(db_url, "grant.round.imported") if "allow_duplicate" in d]
    assert second["allow_duplicate"] == {
        "reason": "Rettet runde etter klage",
        "same_file_as": "r1",
        "repeated_decisions": 3,
        "rounds": ["r1"],
    }
    cli("audit", "verify")


def test_allow_duplicate_needs_a_reason(cli, tmp_path):
    grants_file(tmp_path, "g.csv")
    text_ = said(cli("grants", "import", "g.csv", "--round", "r1", "--allow-duplicate", " ", expect=2))
    assert "--allow-duplicate må ha en begrunnelse" in text_
    assert rounds(cli) == []


def test_the_same_publications_file_twice_is_refused(cli, tmp_path):
    write(tmp_path, "p.csv", f"{PUBLICATIONS}\nRapport A;rapport;2026-06-01;kunnskap\n")
    cli("publication", "import", "p.csv")
    text_ = said(cli("publication", "import", "p.csv", expect=2))
    assert (
        "p.csv, linje 2, felt «tittel»: samme tittel og dato som publikasjon 1, som allerede er registrert"
        in text_
    )
    assert len(json.loads(cli("publication", "list", "--json").stdout)) == 1


# --- the same bounds on both databases ---------------------------------------------------------


@pytest.mark.parametrize("ref", ["r" * 5000, "sak\x1b[2J"])
def test_long_or_controlled_ref_is_refused_alike_on_both_databases(cli, ref):
    cli("init", "--as-of", "2025-06-02")
    text_ = said(cli("trigger", "grant-stop-reclaim-notice", "--on", "2025-06-02", "--ref", ref, expect=2))
    assert "--ref: referansen har" in text_
    assert "grant-stop-reclaim-notice" not in cli("status", "--json", "--as-of", "2025-06-02").stdout


@pytest.mark.parametrize("name", ["r" * 5000, "runde\x1ben"])
def test_long_or_controlled_round_is_refused_alike_on_both_databases(cli, tmp_path, name):
    grants_file(tmp_path, "g.csv")
    assert "--round: navnet har" in said(cli("grants", "import", "g.csv", "--round", name, expect=2))
    assert rounds(cli) == []


def test_nul_in_an_imported_cell_is_refused_alike_on_both_databases(cli, tmp_path):
    path = grants_file(tmp_path, "g.csv")
    path.write_bytes(path.read_bytes().replace(b"Lag 1", b"Lag\x001"))
    text_ = said(cli("grants", "import", "g.csv", "--round", "r1", expect=2))
    assert "g.csv, linje 3, felt «søker»: feltet har et NUL-tegn (0x00)" in text_
    assert rounds(cli) == []


def test_two_imports_of_the_same_round_at_once_exit_2_in_bokmal(pg_url, monkeypatch, tmp_path):
    """The other import has inserted the round but not committed when this one starts: this one
    waits on the unique index, then finds the round taken (IntegrityError), said in bokmål."""
    import os
    import subprocess
    import sys

    from pliktvakt.db import make_engine, migrate, session_scope
    from pliktvakt.grants.tables import GrantRound

    migrate(pg_url)
    grants_file(tmp_path, "g.csv")
    env = {**os.environ, "PLIKTVAKT_DATABASE_URL": pg_url, "PLIKTVAKT_CONFIG_DIR": str(ROOT / "config")}
    with session_scope(make_engine(pg_url)) as other:
        other.add(GrantRound(name="r1", imported_file="annen.csv", file_sha256="0" * 64))
        other.flush()  # the other import's round, not yet committed
        process = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "grants", "import", "g.csv", "--round", "r1"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        _wait_until_blocked(pg_url, process)  # it reads the file and waits on the round's unique index
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 2, stdout + stderr
    text_ = " ".join(stderr.split())
    assert "Traceback" not in stderr
    assert (
        "en annen skriving kom først (samme runde eller fil lest inn samtidig?); ingenting er lagt inn"
        in text_
    )


def _wait_until_blocked(pg_url: str, process, limit: float = 90) -> None:
    """Until some session waits for a lock (the import's insert of the round), or fail."""
    import time

    import psycopg

    started = time.monotonic()
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as conn:
        while time.monotonic() - started < limit:
            if conn.execute("SELECT count(*) FROM pg_locks WHERE NOT granted").fetchone()[0]:
                return
            assert process.poll() is None, process.communicate()
            time.sleep(0.2)
    pytest.fail("the import never waited on the round's unique index")
