"""What a write waits for (issue 30).

A long import holds SQLite's one write lock; another write then waits for it, up to 30 s,
and used to fail with the wrong advice. While an import runs it leaves a note beside the
database file (``<file>.skriver``), so another command can say what it waits for.

On PostgreSQL writes to different rows do not wait on each other, but a write to a row or a
key the import holds does (the same round, a decision it changes). There the note is the
import's connection's ``application_name`` («pliktvakt: grants import av runden "r1" fra
g.csv», in ASCII, as PostgreSQL keeps it): a write that gives up after ``lock_timeout`` reads
it from ``pg_stat_activity`` (``postgres_writer``) and names it.

Light on purpose (no SQLAlchemy): every CLI command may look for the note.
"""

import json
import os
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone
from pathlib import Path


def _note_path(url: str) -> Path | None:
    if not url.startswith("sqlite:///"):
        return None
    database = url.removeprefix("sqlite:///").split("?", 1)[0]
    return Path(database + ".skriver") if database and database != ":memory:" else None


PREFIX = "pliktvakt: "
_writing: ContextVar[str | None] = ContextVar("pliktvakt_writing", default=None)


def postgres_application_name() -> str | None:
    """The note of the write this process is doing, as a PostgreSQL application_name: ASCII
    (PostgreSQL turns anything else into «?»), at most 63 bytes (NAMEDATALEN)."""
    what = _writing.get()
    if what is None:
        return None
    ascii_what = what.translate(str.maketrans({"«": '"', "»": '"', "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O"}))
    ascii_what = unicodedata.normalize("NFKD", ascii_what).encode("ascii", "ignore").decode()
    return (PREFIX + "".join(c for c in ascii_what if c.isprintable()))[:63]


def postgres_writer(engine) -> str | None:
    """What another pliktvakt process with an open transaction notes it is writing to this
    PostgreSQL database, and since when (Oslo time); None if none does."""
    from sqlalchemy import text

    from pliktvakt.clock import OSLO

    query = text(
        "SELECT application_name, pid, xact_start FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid() "
        "AND application_name LIKE :prefix AND xact_start IS NOT NULL ORDER BY xact_start LIMIT 1"
    )
    try:
        with engine.connect() as connection:
            row = connection.execute(query, {"prefix": PREFIX + "%"}).first()
    except Exception:  # only a better message: the error itself is said anyway
        return None
    if row is None:
        return None
    name, pid, since = row
    return f"{name.removeprefix(PREFIX)} (tilkobling {pid}, startet {since.astimezone(OSLO):%H:%M:%S})"


@contextmanager
def writing(url: str, what: str) -> Iterator[None]:
    """Note, while the block runs, that this process writes ``what`` (bokmål, e.g. «grants
    import av runden 2025-1»): beside a SQLite file for ``current_writer`` in another process
    to read, and on PostgreSQL as the application_name of connections made meanwhile."""
    token = _writing.set(what)
    try:
        with _file_note(url, what):
            yield
    finally:
        _writing.reset(token)


@contextmanager
def _file_note(url: str, what: str) -> Iterator[None]:
    path = _note_path(url)
    if path is not None:
        note = {"pid": os.getpid(), "what": what, "since": datetime.now(timezone.utc).isoformat()}
        try:
            path.write_text(json.dumps(note, ensure_ascii=False), encoding="utf-8")
        except OSError:
            path = None  # only a note: the write itself goes on
    try:
        yield
    finally:
        if path is not None:
            path.unlink(missing_ok=True)


def current_writer(url: str) -> str | None:
    """What another live process notes it is writing to this database, and since when (Oslo
    time); None if nothing, or if the note was left by a process that is gone."""
    from pliktvakt.clock import OSLO

    path = _note_path(url)
    try:
        note = json.loads(path.read_text(encoding="utf-8")) if path is not None else None
        pid = int(note["pid"])
        if pid == os.getpid():
            return None
        os.kill(pid, 0)  # raises if the process is gone
        since = datetime.fromisoformat(note["since"]).astimezone(OSLO)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return f"{note['what']} (prosess {pid}, startet {since:%H:%M:%S})"
