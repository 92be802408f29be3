"""The outbox: every message is written with a deterministic key before it is sent.

A unique key makes retries, reruns and concurrent runs harmless (DESIGN principle 4).
Sending claims a message first, so two runs never send the same one.
"""

import base64
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from pliktvakt import audit
from pliktvakt.models import OutboxMessage, utcnow

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
    return json.dumps([{"filename": a.filename, "content_type": a.content_type,
                        "base64": base64.b64encode(a.content).decode("ascii")} for a in attachments])


def decode_attachments(text: str | None) -> list[Attachment]:
    return [Attachment(item["filename"], item["content_type"], base64.b64decode(item["base64"]))
            for item in json.loads(text or "[]")]


def enqueue(session: Session, key: str, channel: str, recipient: str, subject: str, body: str,
            html: str | None = None, attachments: list[Attachment] | None = None,
            occurrence_id: int | None = None, step: str | None = None) -> bool:
    """Write the message unless one with ``key`` exists. True if this call wrote it."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    values = dict(key=key, channel=channel, recipient=recipient, subject=subject, body=body, html=html,
                  attachments=encode_attachments(attachments), occurrence_id=occurrence_id, step=step,
                  status="pending", attempts=0, created_at=utcnow())
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (dialect.insert(OutboxMessage).values(**values)
                 .on_conflict_do_nothing(index_elements=["key"]).returning(OutboxMessage.id))
    written = session.execute(statement).first() is not None
    if written:
        audit.append(session, "pliktvakt", "message.queued", key, {"channel": channel, "recipient": recipient,
                                                                   "subject": subject})
    return written


def deliverable(session: Session, now: datetime) -> list[OutboxMessage]:
    """Pending messages, and those whose claim went stale, oldest first."""
    stale = now - STALE_CLAIM
    query = select(OutboxMessage).where(
        or_(OutboxMessage.status == "pending",
            (OutboxMessage.status == "sending") & (OutboxMessage.claimed_at < stale))
    ).order_by(OutboxMessage.id)
    return list(session.exec(query))


def claim(session: Session, message: OutboxMessage, now: datetime) -> bool:
    """Take the message for this run. Only one of several concurrent runs gets True."""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.status == message.status,
               OutboxMessage.attempts == message.attempts)
        .values(status="sending", claimed_at=now, attempts=OutboxMessage.attempts + 1)
    )
    return result.rowcount == 1


def record_sent(session: Session, message_id: int, receipt: str, now: datetime) -> None:
    message = session.get(OutboxMessage, message_id)
    message.status, message.receipt, message.sent_at, message.last_error = "sent", receipt, now, None
    session.add(message)
    audit.append(session, "pliktvakt", "message.sent", message.key,
                 {"channel": message.channel, "recipient": message.recipient, "receipt": receipt})


def record_failed(session: Session, message_id: int, error: str) -> None:
    """Back to pending, so the next run tries again."""
    message = session.get(OutboxMessage, message_id)
    message.status, message.claimed_at, message.last_error = "pending", None, error
    session.add(message)
    audit.append(session, "pliktvakt", "message.failed", message.key, {"channel": message.channel, "error": error})


def undelivered(session: Session) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.status != "sent").order_by(OutboxMessage.id)
    return list(session.exec(query))


def messages(session: Session, limit: int = 200) -> list[OutboxMessage]:
    return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)))
