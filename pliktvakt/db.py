"""Engines, sessions and migrations for SQLite (embedded default) and PostgreSQL."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

ROOT = Path(__file__).resolve().parent.parent


class StoredValueRefused(ValueError):
    """A text the databases do not treat alike: a NUL character (PostgreSQL refuses it,
    SQLite stores it) or one longer than its column (PostgreSQL refuses it, SQLite stores it
    whole). Refused before anything is written, on both; the message is in bokmål."""


def _check_texts(session, _context, _instances) -> None:
    """Before every flush: each text of a new or changed row within the one rule of both
    databases (issue 30), so a value stored on SQLite is never one PostgreSQL would refuse.

    Only text columns are looked at, and of a changed row only the attributes it changed: the
    rest were checked when they were written (issue 31: this runs on every flush)."""
    for row in session.new:
        _check_row(row, None)
    for row in session.dirty:
        _check_row(row, inspect(row).committed_state)


def _check_row(row, changed) -> None:
    table = getattr(row, "__table__", None)
    if table is not None:
        check_texts(table, row.__dict__, changed)


def check_texts(table, values, only=None) -> None:
    """The rule for one row of ``table``, ``values`` by column key (with ``only``, just those
    keys): the flush uses it, and so does a bulk insert that goes past the ORM."""
    for key, limit, column in _text_columns(table):
        if only is not None and key not in only:
            continue
        value = values.get(key)
        if not isinstance(value, str):
            continue
        if limit is not None and len(value) > limit:
            raise StoredValueRefused(
                f"{_field(table, column)}: teksten har {len(value):,} tegn; høyst {limit:,}".replace(",", " ")
            )
        if "\x00" in value:
            raise StoredValueRefused(f"{_field(table, column)}: teksten har et NUL-tegn (0x00)")


@lru_cache(maxsize=None)
def _text_columns(table) -> tuple:
    """(attribute key, length limit or None, column) of each text column of ``table``."""
    return tuple(
        (column.key, getattr(column.type, "length", None), column)
        for column in table.columns
        if _holds_text(column)
    )


def _holds_text(column) -> bool:
    """False only for a column whose type says it holds something else (a number, a time)."""
    kind = getattr(column.type, "impl_instance", column.type)  # a TypeDecorator's own type
    try:
        held = kind.python_type
    except NotImplementedError:  # a type that does not say: checked, as before
        return True
    return held is object or issubclass(held, str)


def _field(table, column) -> str:
    return f"«{column.key}» ({table.name})"


event.listen(Session, "before_flush", _check_texts)


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given without a driver."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


class DatabaseFolderError(ValueError):
    """The folder of the SQLite file cannot be made (a file is in its way, or no permission);
    the message is in bokmål and names the folder."""


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        in_the_way = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), folder)
        raise DatabaseFolderError(
            f"PLIKTVAKT_DATABASE_URL: mappen {folder} for SQLite-filen kan ikke lages, fordi "
            f"{in_the_way} er en fil, ikke en mappe; flytt filen eller velg en annen sti"
        ) from None
    except OSError as exc:
        raise DatabaseFolderError(
            f"PLIKTVAKT_DATABASE_URL: mappen {folder} for SQLite-filen kan ikke lages ({exc.strerror})"
        ) from None


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            _make_folder(Path(parsed.database).parent)
        engine = create_engine(url, connect_args={"timeout": LOCK_WAIT_SECONDS})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(url, pool_pre_ping=True)
    event.listen(engine, "do_connect", _postgres_session)
    return engine


# How long a write waits for a lock another transaction holds (a long import) before it gives
# up and says what it waited for: SQLite's busy timeout above, PostgreSQL's lock_timeout here.
LOCK_WAIT_SECONDS = 30


def _postgres_session(_dialect, _record, _cargs, params: dict) -> None:
    """Each new PostgreSQL connection: ``lock_timeout``, added to any options the URL gives
    (a search_path), and, while this process notes a long write, that note as its
    application_name, for a waiting process to name (``writer_note``)."""
    from pliktvakt.writer_note import postgres_application_name

    options = params.get("options", "")
    params["options"] = f"{options} -c lock_timeout={LOCK_WAIT_SECONDS * 1000}".strip()
    name = postgres_application_name()
    if name:
        params["application_name"] = name


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: committed if the block succeeds, rolled back otherwise."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(url: str):
    from alembic.config import Config  # only when migrating: `pliktvakt status` need not load alembic

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def migrate(url: str) -> None:
    """Bring the schema up to date: one linear migration history, applied to its head."""
    from alembic import command

    if make_url(normalise_url(url)).get_backend_name() == "sqlite":
        make_engine(url).dispose()  # creates the folder of the file
    command.upgrade(alembic_config(url), "head")
