"""Deliver the outbox by apprise: email (mailto/mailtos) and Microsoft Teams (workflows://).

One delivery path for every flow. A failing channel is retried by the one retry policy; what is
still undelivered stays pending for the next run, and one channel never blocks another.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import apprise
from apprise.attachment.memory import AttachMemory
from httpx_retries import Retry
from prefect import get_run_logger
from sqlalchemy.engine import Engine

from pliktvakt import outbox
from pliktvakt.bokmal import datetime_short
from pliktvakt.catalogue import Catalogue
from pliktvakt.db import session_scope
from pliktvakt.notify import DESK_LINK, desk_link_in
from pliktvakt.redact import scrub
from pliktvakt.settings import Settings
from pliktvakt.tables import OutboxMessage, utcnow
from tasks import http, receipts
from tasks.common import io_task


@dataclass
class DeliveryReport:
    sent: list[str] = field(default_factory=list)  # keys
    failed: dict[str, str] = field(default_factory=dict)  # key -> error (redacted)
    no_channel: list[str] = field(default_factory=list)  # keys with nowhere to go yet
    duty_of: dict[str, str] = field(default_factory=dict)  # key -> duty, for every key this pass looked at

    @property
    def undelivered(self) -> int:
        return len(self.failed) + len(self.no_channel)

    def failed_for(self, duties: tuple[str, ...]) -> dict[str, str]:
        """The failures of these duties only: another duty's failing channel is not this run's."""
        return {key: error for key, error in self.failed.items() if self.duty_of.get(key) in duties}


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
    query += [("to", address), ("+X-Pliktvakt-Key", key)]
    return urlunsplit(parts._replace(query=urlencode(query)))


# The Adaptive Card of a Teams message about a duty: title, text and a button (Action.OpenUrl)
# to the duty's page on the desk. apprise's workflows plugin fills it in ({{app_title}},
# {{app_body}}, and the tokens given in the URL as ``:name=value``), JSON-escaped.
TEAMS_CARD = Path(__file__).with_name("teams_card.json")


def with_card(url: str, link: str) -> str:
    """The workflows:// URL that posts ``TEAMS_CARD`` with a button to ``link``."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in ("template", ":link", ":label")]
    query += [("template", str(TEAMS_CARD)), (":link", link), (":label", DESK_LINK)]
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))


def teams_lines(text: str) -> str:
    """Plain text for a card's TextBlock, which reads CommonMark: there a single line break
    joins two lines into one, so each line becomes a paragraph of its own."""
    return "\n\n".join(line.strip() for line in text.split("\n") if line.strip())


def target_url(message: OutboxMessage, settings: Settings, catalogue: Catalogue) -> str | None:
    if message.channel == "email":
        return email_url_for(settings, message.recipient, message.key)
    return teams_url_for(catalogue, message.recipient)


@dataclass(frozen=True)
class Receipt:
    text: str  # what the server answered, and when: the evidence
    message_id: str | None = None  # email only


def send_once(url: str, message: OutboxMessage) -> Receipt:
    """Send one message; return its receipt, or raise DeliveryError with apprise's reason."""
    body = message.body
    if message.channel == "teams":
        if message.occurrence_id is not None:
            body, link = desk_link_in(message.body)  # the link is the card's button instead
            url = with_card(url, link) if link else url
        body = teams_lines(body)
    notifier = apprise.Apprise(asset=apprise.AppriseAsset(async_mode=False))
    if not notifier.add(url):
        raise DeliveryError("ugyldig leveringsadresse (apprise godtok ikke URL-en)")
    attachments = apprise.AppriseAttachment()
    for item in outbox.decode_attachments(message.attachments):
        attachments.add(AttachMemory(content=item.content, name=item.filename, mimetype=item.content_type))
    is_email = message.channel == "email"
    is_html = is_email and message.html is not None
    chosen = receipts.new_message_id(_sender_domain(url)) if is_email else None
    with apprise.LogCapture(level=logging.INFO) as log, receipts.noting(chosen) as noted:
        ok = notifier.notify(
            body=message.html if is_html else body,
            title=message.subject,
            body_format=apprise.NotifyFormat.HTML if is_html else apprise.NotifyFormat.MARKDOWN,
            attach=attachments if len(attachments) else None,
        )
        captured = log.getvalue().strip()
    if not ok:
        raise DeliveryError(captured.splitlines()[-1] if captured else "levering feilet")
    return _receipt(message.channel, url, noted)


def _sender_domain(url: str) -> str:
    parts = urlsplit(url)
    sender = dict(parse_qsl(parts.query)).get("from", "")
    return sender.rpartition("@")[2] or parts.hostname or "pliktvakt"


def _receipt(channel: str, url: str, noted: receipts.Noted) -> Receipt:
    parts = urlsplit(url)
    where = f"{parts.hostname}:{parts.port}" if parts.port else f"{parts.hostname}"
    at = utcnow().isoformat(timespec="seconds")
    if channel == "email":
        return Receipt(
            f"Message-ID {noted.message_id}; godtatt av SMTP-tjeneren {where} {at}", noted.message_id
        )
    return Receipt(f"HTTP {noted.http_status} fra Teams-arbeidsflyten på {where} {at}")


def send_with_retries(url: str, message: OutboxMessage, retry: Retry) -> Receipt:
    """Send, trying again on DeliveryError as the one retry policy (tasks/http.py) says how
    often and how long to wait. The claim is taken once, before: retries are one attempt."""
    while True:
        try:
            return send_once(url, message)
        except DeliveryError as exc:
            if retry.is_exhausted():
                raise
            retry = retry.increment()
            retry.sleep(exc)


def deliver_pending(
    engine: Engine, settings: Settings, catalogue: Catalogue, duties: tuple[str, ...] | None = None
) -> DeliveryReport:
    """Try every deliverable message of ``duties`` (all with None) once, with in-run retries.
    Never raises for a failed send."""
    report = DeliveryReport()
    secrets = _secrets(settings, catalogue)
    channels = ("email", "teams") if settings.email_url else ("teams",)
    with session_scope(engine) as session:
        candidates = outbox.deliverable(session, utcnow(), channels, duties)
        waiting = [] if settings.email_url else outbox.pending(session, "email", duties)
    for key, duty in waiting:
        report.no_channel.append(key)
        report.duty_of[key] = duty
    for message in candidates:
        _deliver_one(engine, settings, catalogue, message, secrets, report)
    return report


def _deliver_one(
    engine: Engine,
    settings: Settings,
    catalogue: Catalogue,
    message: OutboxMessage,
    secrets: list,
    report: DeliveryReport,
) -> None:
    report.duty_of[message.key] = message.duty
    url = target_url(message, settings, catalogue)
    if url is None:
        report.no_channel.append(message.key)
        return
    with session_scope(engine) as session:
        # Claims use the wall clock, not as_of: they guard against a concurrent run now.
        if not outbox.claim(session, message, utcnow()):
            return  # another run has it
    try:
        receipt = send_with_retries(url, message, _retry_policy(settings))
    except Exception as exc:  # any failure of one message must not stop the others
        error = scrub(
            f"{type(exc).__name__}: {exc}" if not isinstance(exc, DeliveryError) else str(exc), secrets
        )
        with session_scope(engine) as session:
            outbox.record_failed(session, message.id, error)
        report.failed[message.key] = error
        return
    with session_scope(engine) as session:
        outbox.record_sent(session, message.id, receipt.text, utcnow(), receipt.message_id)
    report.sent.append(message.key)


def _retry_policy(settings: Settings) -> Retry:
    return http.retry_policy(settings.delivery_retries + 1, settings.delivery_backoff_seconds)


def _secrets(settings: Settings, catalogue: Catalogue) -> list:
    holders = [*catalogue.officers.values(), *catalogue.roles.values()]
    return [settings.email_url, *(holder.teams_url for holder in holders)]


@io_task(name="deliver-outbox")
def deliver_outbox(
    engine: Engine, settings: Settings, catalogue: Catalogue, now: datetime, duties: tuple[str, ...] | None
) -> DeliveryReport:
    """Deliver the messages of ``duties`` (None: every duty's); ``now`` is the run's as_of, for the log."""
    logger = get_run_logger()
    report = deliver_pending(engine, settings, catalogue, duties)
    logger.info(
        "Utboksen per %s: levert %d melding(er); %d feilet; %d venter på kanal.",
        datetime_short(now),
        len(report.sent),
        len(report.failed),
        len(report.no_channel),
    )
    for key, error in report.failed.items():
        logger.warning("Ikke levert %s: %s", key, error)
    if report.no_channel:
        logger.warning(
            "%d melding(er) ligger i utboksen uten kanal: sett PLIKTVAKT_EMAIL_URL "
            "(og Teams-URL-er i officers.yaml) for å levere dem.",
            len(report.no_channel),
        )
    return report
