"""Shared fixtures: real SQLite and PostgreSQL databases, settings, and a real Prefect server."""

import os
import re
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from pliktvakt.db import migrate
from pliktvakt.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get("PLIKTVAKT_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_reachable() -> str | None:
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return None
    except psycopg.OperationalError as exc:
        return str(exc).strip()


@pytest.fixture(scope="session")
def pg_available() -> None:
    problem = _pg_reachable()
    if problem is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL på {PG_ADMIN} svarer ikke under CI: {problem}")
    pytest.skip(f"PostgreSQL-testene hoppes over: {PG_ADMIN} svarer ikke ({problem})")


@contextmanager
def made_in_postgres(create: str, drop: str):
    """Run ``create`` as the admin, and ``drop`` when the block ends: a schema or a database for one test."""
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(create)
    try:
        yield
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(drop)


@pytest.fixture
def pg_url(pg_available) -> str:
    """A fresh schema in the test database, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with made_in_postgres(f'CREATE SCHEMA "{schema}"', f'DROP SCHEMA "{schema}" CASCADE'):
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'pliktvakt.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request) -> str:
    """The same test on both databases, migrated."""
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    migrate(url)
    return url


@pytest.fixture
def env(monkeypatch, sqlite_url):
    """Settings pointing at a migrated SQLite file and the repository's config."""
    monkeypatch.setenv("PLIKTVAKT_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("PLIKTVAKT_CONFIG_DIR", str(ROOT / "config"))
    monkeypatch.setenv("PLIKTVAKT_DELIVERY_BACKOFF_SECONDS", "0")
    get_settings.cache_clear()
    migrate(sqlite_url)
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture
def pliktvakt_cli(tmp_path):
    """``pliktvakt`` as a user runs it: a real process in ``tmp_path`` with this process's environment.

    Fails the test on an exit code other than ``expect`` or on a traceback; with ``server_noise``
    only a traceback from our own code fails it (the ephemeral Prefect server may log its own).
    """

    def run(
        *args: str,
        expect: int = 0,
        extra_env: dict | None = None,
        timeout: int = 120,
        server_noise: bool = False,
    ) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "-m", "pliktvakt.cli", *args],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env={**os.environ, **(extra_env or {})},
            timeout=timeout,
        )
        assert result.returncode == expect, result.stdout + result.stderr
        if server_noise:
            assert not re.search(r'File "[^"]*/(pliktvakt|flows|tasks)/', result.stderr), result.stderr
        else:
            assert "Traceback" not in result.stderr
        return result

    return run


@pytest.fixture(scope="session")
def prefect_server():
    """A real Prefect server for the whole session (about 10 s to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def smtp_server():
    from tests.servers import SmtpServer

    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def teams_endpoint():
    from tests.servers import TeamsEndpoint

    endpoint = TeamsEndpoint().start()
    yield endpoint
    endpoint.stop()
