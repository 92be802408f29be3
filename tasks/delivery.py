"""Deliver the outbox by apprise: email (mailto/mailtos) and Microsoft Teams (workflows://).

One delivery path for every flow. A failing channel is retried with backoff; what is
still undelivered stays pending for the next run, and one channel never blocks another.
"""

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import apprise
from apprise.attachment.memory import AttachMemory
from prefect import get_run_logger, task
from sqlalchemy.engine import Engine

from pliktvakt import outbox
from pliktvakt.catalogue import Catalogue
from pliktvakt.db import session_scope
from pliktvakt.models import OutboxMessage, utcnow
from pliktvakt.redact import scrub
from pliktvakt.settings import Settings


@dataclass
class DeliveryReport:
    sent: list[str] = field(default_factory=list)  # keys
    failed: dict[str, str] = field(default_factory=dict)  # key -> error (redacted)
    no_channel: list[str] = field(default_factory=list)  # keys with nowhere to go yet

    @property
    def undelivered(self) -> int:
        return len(self.failed) + len(self.no_channel)


class DeliveryError(RuntimeError):
    pass


def teams_url_for(catalogue: Catalogue, recipient: str) -> str | None:
    """The workflows:// URL of an officer or a role, or None."""
    holder = catalogue.officers.get(recipient) or catalogue.roles.get(recipient)
    if holder is None or holder.teams_url is None:
        return None
    return holder.teams_url.get_secret_value()


def email_url_for(settings: Settings, address: str, key: str) -> str | None:
    if settings.email_url is None:
        return None
    parts = urlsplit(settings.email_url.get_secret_value())
    query = [(k, v) for k, v in parse_qsl(parts.query) if k.lower() != "to"]
    # A header of our own ties the mail to its outbox row for tracing.
    query += [("to", address), ("+X-Pliktvakt-Key", key[:200])]
    return urlunsplit(parts._replace(query=urlencode(query)))


def target_url(message: OutboxMessage, settings: Settings, catalogue: Catalogue) -> str | None:
    if message.channel == "email":
        return email_url_for(settings, message.recipient, message.key)
    return teams_url_for(catalogue, message.recipient)


def send_once(url: str, message: OutboxMessage) -> str:
    """Send one message; return the receipt, or raise DeliveryError with apprise's reason."""
    notifier = apprise.Apprise()
    if not notifier.add(url):
        raise DeliveryError("ugyldig leveringsadresse (apprise godtok ikke URL-en)")
    attachments = apprise.AppriseAttachment()
    for item in outbox.decode_attachments(message.attachments):
        attachments.add(AttachMemory(content=item.content, name=item.filename, mimetype=item.content_type))
    is_html = message.channel == "email" and message.html is not None
    with apprise.LogCapture(level=logging.INFO) as log:
        ok = notifier.notify(
            body=message.html if is_html else message.body,
            title=message.subject,
            body_format=apprise.NotifyFormat.HTML if is_html else apprise.NotifyFormat.MARKDOWN,
            attach=attachments if len(attachments) else None,
        )
        captured = log.getvalue().strip()
    if not ok:
        raise DeliveryError(captured.splitlines()[-1] if captured else "levering feilet")
    return _receipt(message.channel, url)


def _receipt(channel: str, url: str) -> str:
    host = urlsplit(url).hostname or "?"
    sent_at = utcnow().isoformat(timespec="seconds")
    if channel == "email":
        return f"SMTP: akseptert av {host} {sent_at}"
    return f"HTTP 200/202: akseptert av Teams-arbeidsflyt på {host} {sent_at}"


def send_with_backoff(url: str, message: OutboxMessage, retries: int, backoff: float) -> str:
    for attempt in range(retries + 1):
        try:
            return send_once(url, message)
        except DeliveryError:
            if attempt == retries:
                raise
            time.sleep(backoff * (2**attempt))
    raise AssertionError("unreachable")


def deliver_pending(engine: Engine, settings: Settings, catalogue: Catalogue, now: datetime) -> DeliveryReport:
    """Try every deliverable message once (with in-run retries). Never raises for a failed send."""
    report = DeliveryReport()
    secrets = _secrets(settings, catalogue)
    with session_scope(engine) as session:
        candidates = outbox.deliverable(session, now)
    for message in candidates:
        url = target_url(message, settings, catalogue)
        if url is None:
            report.no_channel.append(message.key)
            continue
        with session_scope(engine) as session:
            if not outbox.claim(session, message, now):
                continue  # another run has it
        try:
            receipt = send_with_backoff(url, message, settings.delivery_retries, settings.delivery_backoff_seconds)
        except Exception as exc:  # any failure of one message must not stop the others
            error = scrub(f"{type(exc).__name__}: {exc}" if not isinstance(exc, DeliveryError) else str(exc), secrets)
            with session_scope(engine) as session:
                outbox.record_failed(session, message.id, error)
            report.failed[message.key] = error
            continue
        with session_scope(engine) as session:
            outbox.record_sent(session, message.id, receipt, utcnow())
        report.sent.append(message.key)
    return report


def _secrets(settings: Settings, catalogue: Catalogue) -> list:
    holders = [*catalogue.officers.values(), *catalogue.roles.values()]
    return [settings.email_url, *(holder.teams_url for holder in holders)]


@task(name="deliver-outbox")
def deliver_outbox(engine: Engine, settings: Settings, catalogue: Catalogue, now: datetime) -> DeliveryReport:
    logger = get_run_logger()
    report = deliver_pending(engine, settings, catalogue, now)
    logger.info("Levert %d melding(er); %d feilet; %d venter på kanal.",
                len(report.sent), len(report.failed), len(report.no_channel))
    for key, error in report.failed.items():
        logger.warning("Ikke levert %s: %s", key, error)
    if report.no_channel:
        logger.warning("%d melding(er) ligger i utboksen uten kanal: sett PLIKTVAKT_EMAIL_URL "
                       "(og Teams-URL-er i officers.yaml) for å levere dem.", len(report.no_channel))
    return report
