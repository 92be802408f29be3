"""Shared fixtures: real SQLite and PostgreSQL databases, settings, and a real Prefect server."""

import os
import re
import sqlite3
import subprocess
import uuid
from contextlib import closing, contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from pliktvakt.db import migrate
from pliktvakt.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent

# pytest-xdist sets COLUMNS=80 in its workers, and a rich console created with COLUMNS set
# keeps that width for good. Without it the CLI's consoles read COLUMNS at each print, as a
# process of their own would: 80 unless a test sets another width.
os.environ.pop("COLUMNS", None)

from tests.cli_runner import invoke  # noqa: E402  (after COLUMNS is gone: see tests/cli_runner.py)

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


def pg_database_url(name: str) -> str:
    """The URL of database ``name`` on the test server, with psycopg 3."""
    url = make_url(PG_ADMIN).set(drivername="postgresql+psycopg", database=name)
    return url.render_as_string(hide_password=False)


# Migrating costs 0.2 s on SQLite and 1.2 s on PostgreSQL, and most tests want a migrated
# database: each test worker migrates one template of each kind, and each test gets a copy
# (SQLite's backup API, 3 ms; CREATE DATABASE … TEMPLATE, under 0.1 s).


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "pliktvakt.db"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template(pg_available) -> str:
    name = f"tpl_{uuid.uuid4().hex[:12]}"
    with made_in_postgres(f'CREATE DATABASE "{name}"', f'DROP DATABASE "{name}" WITH (FORCE)'):
        migrate(pg_database_url(name))
        yield name


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """A new, empty SQLite file."""
    return f"sqlite:///{tmp_path / 'pliktvakt.db'}"


@pytest.fixture
def migrated_sqlite_url(sqlite_url, sqlite_template) -> str:
    """``sqlite_url`` holding a copy of the migrated template."""
    copy_sqlite(sqlite_template, Path(sqlite_url.removeprefix("sqlite:///")))
    return sqlite_url


def copy_sqlite(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


@pytest.fixture
def migrated_pg_url(pg_template) -> str:
    """A database of its own, copied from the migrated template, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with made_in_postgres(
        f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"', f'DROP DATABASE "{name}" WITH (FORCE)'
    ):
        yield pg_database_url(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request) -> str:
    """The same test on both databases, migrated."""
    return request.getfixturevalue(f"migrated_{'sqlite' if request.param == 'sqlite' else 'pg'}_url")


@pytest.fixture
def env(monkeypatch, migrated_sqlite_url):
    """Settings pointing at a migrated SQLite file and the repository's config."""
    monkeypatch.setenv("PLIKTVAKT_DATABASE_URL", migrated_sqlite_url)
    monkeypatch.setenv("PLIKTVAKT_CONFIG_DIR", str(ROOT / "config"))
    monkeypatch.setenv("PLIKTVAKT_DELIVERY_BACKOFF_SECONDS", "0")
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture
def pliktvakt_cli(tmp_path):
    """``pliktvakt`` as a user runs it, in this process (tests/cli_runner.py), in ``tmp_path``.

    Fails the test on an exit code other than ``expect`` or on a traceback; with ``server_noise``
    only a traceback from our own code fails it (a Prefect server may log its own).
    ``timeout`` is kept for the callers' sake: pytest-timeout bounds the whole test.
    """

    def run(
        *args: str,
        expect: int = 0,
        extra_env: dict | None = None,
        timeout: int = 120,
        server_noise: bool = False,
    ) -> subprocess.CompletedProcess:
        result = invoke(list(args), tmp_path, extra_env)
        assert result.returncode == expect, result.stdout + result.stderr
        if server_noise:
            assert not re.search(r'File "[^"]*/(pliktvakt|flows|tasks)/', result.stderr), result.stderr
        else:
            assert "Traceback" not in result.stderr
        return result

    return run


@pytest.fixture
def wide_cli(env, pliktvakt_cli):
    """``pliktvakt_cli`` on a terminal 250 columns wide, so that no table cell is cut: what is
    stored is seen whole."""

    def run(*args: str, expect: int = 0, **kwargs):
        extra = {"COLUMNS": "250", **kwargs.pop("extra_env", {})}
        return pliktvakt_cli(*args, expect=expect, extra_env=extra, **kwargs)

    return run


@pytest.fixture(scope="session")
def prefect_server():
    """A real Prefect server for the whole session (about 10 s to start), one per test worker.

    Without flow-run heartbeats: Prefect's heartbeat thread sleeps in whole seconds, and each
    flow run waited up to a second at its end for it to notice (1.1 s a run instead of 0.14 s).
    Heartbeats are how a Prefect server finds crashed runs, which no test here looks for; the
    servers in tests/ops keep them."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
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
