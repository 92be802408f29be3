"""What a write waits for (issue 30).

A long import holds SQLite's one write lock; another write then waits for it, up to 30 s,
and used to fail with the wrong advice. While an import runs it leaves a note beside the
database file (``<file>.skriver``), so another command can say what it waits for. On
PostgreSQL writes to different rows do not wait on each other, and no note is left.

Light on purpose (no SQLAlchemy): every CLI command may look for the note.
"""

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path


def _note_path(url: str) -> Path | None:
    if not url.startswith("sqlite:///"):
        return None
    database = url.removeprefix("sqlite:///").split("?", 1)[0]
    return Path(database + ".skriver") if database and database != ":memory:" else None


@contextmanager
def writing(url: str, what: str) -> Iterator[None]:
    """Note, while the block runs, that this process writes ``what`` (bokmål, e.g. «grants
    import av runden 2025-1»), for ``current_writer`` in another process to read."""
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
