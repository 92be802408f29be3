"""Issue 30: a write that waits on a long import says what it waits for, instead of «database
is locked. Kjør `pliktvakt init` først» after 30 s. A real SQLite file, a real write lock held
by another connection, and the note a running import leaves."""

import json
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone

import pytest


@pytest.fixture
def importer(env):
    """A live process noted as running an import on the test database (what `grants import`
    writes while it runs); stopped afterwards."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    note = {
        "pid": process.pid,
        "what": "grants import av runden «r1»",
        "since": datetime.now(timezone.utc).isoformat(),
    }
    path = env.database_url.removeprefix("sqlite:///") + ".skriver"
    with open(path, "w", encoding="utf-8") as file:
        json.dump(note, file)
    yield process
    process.kill()
    process.wait()


def test_a_command_says_an_import_is_writing(env, pliktvakt_cli, importer):
    result = pliktvakt_cli("status", "--as-of", "2025-06-02")
    assert "Merk: grants import av runden «r1» (prosess" in result.stderr
    importer.kill()
    importer.wait()  # a note left by a process that is gone is no longer news
    assert "Merk:" not in pliktvakt_cli("status", "--as-of", "2025-06-02").stderr


def test_a_write_that_timed_out_names_what_held_the_lock(env, pliktvakt_cli, importer):
    pliktvakt_cli("init", "--as-of", "2025-06-02")
    holder = sqlite3.connect(env.database_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # the import's write lock
    try:
        result = pliktvakt_cli("trigger", "grant-stop-reclaim-notice", "--on", "2025-06-02", expect=2)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    text = " ".join(result.stderr.split())
    assert "databasen er låst: grants import av runden «r1» (prosess" in text
    assert "Kjør `pliktvakt init`" not in text
