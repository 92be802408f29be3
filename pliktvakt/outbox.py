"""The outbox: every message is written with a deterministic key before it is sent.

A unique key makes retries, reruns and concurrent runs harmless (DESIGN principle 4).
Sending claims a message first, so two runs never send the same one.
"""

import base64
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import itemgetter

from sqlalchemy import or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from pliktvakt import audit
from pliktvakt.db import check_texts
from pliktvakt.tables import OutboxMessage, OutboxStatus, utcnow

CHANNELS = ("email", "teams")
# A claim older than this is taken to be from a run that died mid-send.
STALE_CLAIM = timedelta(minutes=15)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


def encode_attachments(attachments: list[Attachment] | None) -> str | None:
    if not attachments:
        return None
    return json.dumps(
        [
            {
                "filename": a.filename,
                "content_type": a.content_type,
                "base64": base64.b64encode(a.content).decode("ascii"),
            }
            for a in attachments
        ]
    )


def decode_attachments(text: str | None) -> list[Attachment]:
    return [
        Attachment(item["filename"], item["content_type"], base64.b64decode(item["base64"]))
        for item in json.loads(text or "[]")
    ]


_DEFAULTS = {
    "html": None,
    "attachments": None,
    "occurrence_id": None,
    "step": None,
    "officer_id": None,
    "status": OutboxStatus.PENDING,
}


def enqueue(session: Session, row: dict) -> bool:
    """Write the message unless one with its key exists. True if this call wrote it.

    ``row`` has the columns of OutboxMessage; ``notify`` builds it, and nothing else should.
    """
    if row["channel"] not in CHANNELS:
        raise ValueError(f"unknown channel {row['channel']!r}")
    values = {**_DEFAULTS, **row, "attempts": 0, "created_at": utcnow()}
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(OutboxMessage)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(OutboxMessage.id)
    )
    written = session.execute(statement).first() is not None
    if written:
        audit.append(
            session,
            "pliktvakt",
            "message.queued",
            row["key"],
            {"channel": row["channel"], "recipient": row["recipient"], "subject": row["subject"]},
        )
    return written


def enqueue_many(session: Session, rows: list[dict]) -> int:
    """Write many messages at once, skipping keys that exist. Returns how many were new.

    Each row has the fields of ``enqueue``, plus ``status``: PENDING, or DIGEST for a
    message held for its recipient's daily digest. One audit entry covers the batch.
    """
    if not rows:
        return 0
    # Straight to the driver, one statement per batch: a watch run after downtime can queue
    # 100,000 messages, and SQLAlchemy's per-row parameter handling alone would take seconds.
    if session.get_bind().dialect.name == "postgresql":
        written = _insert_many_postgresql(session, _tuples(rows, utcnow()))
    else:
        connection = session.connection()
        stored_time = OutboxMessage.__table__.c.created_at.type.bind_processor(connection.dialect)
        written = _insert_many_sqlite(session, _tuples(rows, _sqlite_text(stored_time(utcnow()))))
    if written:
        audit.append(
            session,
            "pliktvakt",
            "messages.queued",
            f"{written} meldinger",
            {"written": written, "first_key": rows[0]["key"], "last_key": rows[-1]["key"]},
        )
    return written


_COLUMNS = (
    "key",
    "duty",
    "officer_id",
    "channel",
    "recipient",
    "subject",
    "body",
    "html",
    "attachments",
    "occurrence_id",
    "step",
    "status",
    "attempts",
    "created_at",
)
_IN_ORDER = itemgetter(*_COLUMNS)


def _tuples(rows: list[dict], created_at) -> list[tuple]:
    """Each row's values in the order of ``_COLUMNS``, defaults filled in, none attempted yet.
    Each text within the one rule of both databases first (issue 30), as a flush checks it."""
    table = OutboxMessage.__table__
    for row in rows:
        check_texts(table, row, row)
    return [_IN_ORDER({**_DEFAULTS, **row, "attempts": 0, "created_at": created_at}) for row in rows]


def _insert_many_postgresql(session: Session, values: list[tuple]) -> int:
    """COPY straight into the table, the fastest way PostgreSQL takes rows. Should a key exist
    already (the watch leaves out the keys it read, but another run may have queued one since),
    the COPY is undone to a savepoint and the rows go by a temporary table and one INSERT that
    skips the existing keys."""
    from psycopg.errors import UniqueViolation

    cursor = session.connection().connection.driver_connection.cursor()
    cursor.execute("SAVEPOINT outbox_copy")
    try:
        with cursor.copy(f"COPY outbox_message ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)
    except UniqueViolation:
        cursor.execute("ROLLBACK TO SAVEPOINT outbox_copy")
        return _insert_new_keys_postgresql(cursor, values)
    cursor.execute("RELEASE SAVEPOINT outbox_copy")
    return len(values)


def _insert_new_keys_postgresql(cursor, values: list[tuple]) -> int:
    """COPY into a temporary table, then one INSERT that skips existing keys."""
    columns = ", ".join(_COLUMNS)
    cursor.execute(
        "CREATE TEMPORARY TABLE IF NOT EXISTS outbox_incoming "
        "(LIKE outbox_message INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
    )
    with cursor.copy(f"COPY outbox_incoming ({columns}) FROM STDIN") as copy:
        for row in values:
            copy.write_row(row)
    cursor.execute(
        f"INSERT INTO outbox_message ({columns}) SELECT {columns} FROM outbox_incoming "
        "ON CONFLICT (key) DO NOTHING"
    )
    written = cursor.rowcount
    cursor.execute("DELETE FROM outbox_incoming")
    return written


def _sqlite_text(moment):
    """The time as sqlite3's default adapter stores it, made once for the batch, not per row."""
    return moment.isoformat(" ") if isinstance(moment, datetime) else moment


def _insert_many_sqlite(session: Session, values: list[tuple]) -> int:
    """One executemany on the driver; sqlite3 sums the rows inserted, skipped keys not counted."""
    placeholders = ", ".join("?" for _ in _COLUMNS)
    cursor = session.connection().connection.driver_connection.cursor()
    cursor.executemany(
        f"INSERT INTO outbox_message ({', '.join(_COLUMNS)}) VALUES ({placeholders}) "
        "ON CONFLICT (key) DO NOTHING",
        values,
    )
    return cursor.rowcount


def deliverable(
    session: Session,
    now: datetime,
    channels: tuple[str, ...] = CHANNELS,
    duties: tuple[str, ...] | None = None,
) -> list[OutboxMessage]:
    """Pending messages on ``channels`` (of ``duties``, or all) and those with a stale claim, oldest first."""
    stale = now - STALE_CLAIM
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.channel.in_(channels),
            or_(
                OutboxMessage.status == OutboxStatus.PENDING,
                (OutboxMessage.status == OutboxStatus.SENDING) & (OutboxMessage.claimed_at < stale),
            ),
        )
        .order_by(OutboxMessage.id)
    )
    if duties is not None:
        query = query.where(OutboxMessage.duty.in_(duties))
    return list(session.exec(query))


def pending(session: Session, channel: str, duties: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """(key, duty) of the pending messages on ``channel``."""
    query = select(OutboxMessage.key, OutboxMessage.duty).where(
        OutboxMessage.channel == channel, OutboxMessage.status == OutboxStatus.PENDING
    )
    if duties is not None:
        query = query.where(OutboxMessage.duty.in_(duties))
    return [tuple(row) for row in session.exec(query)]


def held_for_digest(session: Session) -> list[OutboxMessage]:
    return list(
        session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.DIGEST)
            .order_by(OutboxMessage.id)
        )
    )


def mark_digested(session: Session, messages_in_digest: list[OutboxMessage], digest_key: str) -> None:
    for message in messages_in_digest:
        message.mark_digested(digest_key)
        session.add(message)


def claim(session: Session, message: OutboxMessage, now: datetime) -> bool:
    """Take the message for this run. Only one of several concurrent runs gets True: the row
    is written only where it is still as this run read it."""
    seen_status, seen_attempts = message.status, message.attempts
    message.claim(now)
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message.id,
            OutboxMessage.status == seen_status,
            OutboxMessage.attempts == seen_attempts,
        )
        .values(status=message.status, claimed_at=message.claimed_at, attempts=message.attempts)
    )
    return result.rowcount == 1


def record_sent(
    session: Session, message_id: int, receipt: str, now: datetime, email_message_id: str | None = None
) -> None:
    """The server took the message: ``receipt`` says what it answered, and when."""
    message = session.get(OutboxMessage, message_id)
    audit.record(session, message.mark_delivered(receipt, now, email_message_id))
    session.add(message)


def record_failed(session: Session, message_id: int, error: str) -> None:
    """Back to pending, so the next run tries again."""
    message = session.get(OutboxMessage, message_id)
    audit.record(session, message.mark_failed(error))
    session.add(message)


def delivered(
    session: Session, prefix: str | None = None, keys: list[str] | None = None
) -> list[OutboxMessage] | None:
    """The messages under ``prefix``, or with exactly ``keys``, oldest first, if there are
    some and every one was delivered with a receipt; otherwise None. Flows use this to
    complete an occurrence with the receipts as evidence, or to open a gate."""
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    query = (
        query.where(OutboxMessage.key.startswith(prefix))
        if prefix is not None
        else query.where(OutboxMessage.key.in_(keys or []))
    )
    rows = list(session.exec(query))
    if not rows or (keys is not None and len(rows) != len(set(keys))):
        return None
    return rows if all(m.status == OutboxStatus.SENT and m.receipt for m in rows) else None


def undelivered(session: Session) -> list[OutboxMessage]:
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status.not_in([OutboxStatus.SENT, OutboxStatus.DIGESTED]))
        .order_by(OutboxMessage.id)
    )
    return list(session.exec(query))


def messages(session: Session, limit: int = 200) -> list[OutboxMessage]:
    return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)))


def forget_secret(session: Session, keys: list[str], secret: str, replacement: str) -> None:
    """Replace ``secret`` in the stored text of these messages once they were tried: a sign-in
    link must reach the officer's mailbox, never stay in the database (DESIGN principle 10)."""
    for message in session.exec(select(OutboxMessage).where(OutboxMessage.key.in_(keys))):
        message.body = message.body.replace(secret, replacement)
        message.html = message.html.replace(secret, replacement) if message.html else message.html
        session.add(message)
