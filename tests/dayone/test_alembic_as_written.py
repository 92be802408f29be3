"""`alembic upgrade head`, as a DBA types it, migrates the database PLIKTVAKT_DATABASE_URL names."""

import os
import sqlite3
import subprocess
from pathlib import Path

from alembic.script import ScriptDirectory

from pliktvakt.db import alembic_config
from tests.conftest import ROOT


def test_alembic_upgrade_head_reads_the_database_url_from_the_settings(tmp_path: Path):
    # The repository's alembic.ini as it is, run from a folder of its own so that the relative
    # sqlite:///x.db of the command lands in it, not in the checkout.
    (tmp_path / "alembic.ini").write_text(
        (ROOT / "alembic.ini")
        .read_text()
        .replace("script_location = migrations", f"script_location = {ROOT / 'migrations'}")
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLIKTVAKT_")}
    env["PLIKTVAKT_DATABASE_URL"] = "sqlite:///x.db"
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "alembic"), "upgrade", "head"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    with sqlite3.connect(tmp_path / "x.db") as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [(head,)]
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"occurrence", "outbox_message", "audit_entry"} <= tables
