"""The one way to tell an officer or the ministry anything (DESIGN: Notify).

- ``notify_role`` resolves the officer for a role, the deputy while the officer is absent
  and the manager for an escalation, and queues one message per channel the officer has
  (email, and Teams where a workflow URL is set), held for the digest if the officer chose one.
- ``notify_ministry`` queues one email per ministry recipient. With none set, nothing is
  queued and ``NoMinistryRecipients`` says so, in the same words for every duty.
- ``delivered`` answers every gate and completion that depends on a message, and
  ``complete_with_receipts`` completes an occurrence with the receipts as its evidence.

Every key has one shape: ``{duty}:{reference}:{step}:{recipient}:{channel}``, where the
recipient is the officer id (or, for the ministry, the address). The duty, the officer
and the channel are columns of their own as well, so nothing reads them back out of a key.
"""

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from html import escape

from sqlmodel import Session, select

from pliktvakt import links, occurrences, outbox
from pliktvakt.catalogue import Catalogue, Officer
from pliktvakt.outbox import Attachment
from pliktvakt.settings import get_settings
from pliktvakt.tables import Occurrence, OfficerAbsence, OutboxMessage, OutboxStatus, utcnow

ESCALATION = "escalation"
NO_MINISTRY_RECIPIENTS = (
    "Ingen mottakere i departementet er satt (PLIKTVAKT_MINISTRY_RECIPIENTS): departementet "
    "er ikke varslet, og plikten står åpen til det er gjort."
)


class NoMinistryRecipients(Exception):
    def __init__(self) -> None:
        super().__init__(NO_MINISTRY_RECIPIENTS)


@dataclass(frozen=True)
class Message:
    """What every duty sends: alerts, notices and reports alike."""

    subject: str
    text: str  # plain text: what Teams shows and what the outbox keeps
    html: str | None = None  # the email's HTML part; made from ``text`` for an officer when None
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class Key:
    """The part of a message key that names the duty, what it is about, and the step."""

    duty: str
    reference: str
    step: str

    def __post_init__(self) -> None:
        for part in (self.duty, self.reference, self.step):
            if not part or ":" in part:
                raise ValueError(f"nøkkeldelen {part!r} kan ikke være tom eller inneholde «:»")

    def to(self, recipient: str, channel: str) -> str:
        return f"{self.prefix}{recipient}:{channel}"

    @property
    def prefix(self) -> str:
        """What the keys of every recipient and channel of this message start with."""
        return f"{self.duty}:{self.reference}:{self.step}:"


@dataclass(frozen=True)
class Absence:
    officer_id: str
    start: date
    end: date


def read_absences(session: Session, today: date) -> list[Absence]:
    query = select(OfficerAbsence).where(OfficerAbsence.start <= today, OfficerAbsence.end >= today)
    return [Absence(a.officer_id, a.start, a.end) for a in session.exec(query)]


def away_on(absences: list[Absence], today: date) -> frozenset[str]:
    return frozenset(a.officer_id for a in absences if a.start <= today <= a.end)


def stand_in(catalogue: Catalogue, officer_id: str, away: frozenset[str]) -> Officer:
    """The officer, or while absent the deputy (then the deputy's deputy), else the manager."""
    seen: set[str] = set()
    current = catalogue.officers[officer_id]
    while current.id in away and current.id not in seen:
        seen.add(current.id)
        if current.deputy and current.deputy not in seen:
            current = catalogue.officers[current.deputy]
        elif current.manager:
            current = catalogue.officers[current.manager]
        else:
            break
    return current


def recipient_for(catalogue: Catalogue, role: str, escalate: bool, away: frozenset[str]) -> Officer:
    """Whoever should be told: the role's officer, or the manager for an escalation."""
    officer = catalogue.officer_for_role(role)
    return stand_in(catalogue, (officer.manager or officer.id) if escalate else officer.id, away)


def channels(officer: Officer) -> list[tuple[str, str]]:
    """(channel, recipient): email to the address; Teams to the officer (URL looked up at delivery)."""
    pairs = [("email", officer.email)]
    if officer.teams_url is not None:
        pairs.append(("teams", officer.id))
    return pairs


DESK_LINK = "Åpne plikten i pliktvakt"
_URL = re.compile(r"https?://[^\s<>\"«»]+")


def html_of(text: str) -> str:
    """Plain text as HTML: paragraphs at blank lines, line breaks kept, addresses as links. The
    mail's plain-text part is made back from it (apprise), so it reads as ``text`` does."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join("<p>" + "<br>".join(_linked(line) for line in p.split("\n")) + "</p>" for p in paragraphs)


def _linked(line: str) -> str:
    parts, last = [], 0
    for found in _URL.finditer(line):
        url = escape(found.group(0))
        parts += [escape(line[last : found.start()]), f'<a href="{url}">{url}</a>']
        last = found.end()
    return "".join(parts) + escape(line[last:])


def with_desk_link(message: Message, url: str) -> Message:
    """``message`` ending with the link to the duty's page on the desk, in the text and the HTML."""
    line = f"{DESK_LINK}: {url}"
    html = message.html if message.html is not None else html_of(message.text)
    shown = escape(url)
    paragraph = f'<p>{DESK_LINK}: <a href="{shown}">{shown}</a></p>'
    end = html.rfind("</body>")
    html = html[:end] + paragraph + html[end:] if end >= 0 else html + paragraph
    # Made directly rather than by dataclasses.replace, which costs more than the rest here
    # (the watch adds a link to every alert).
    return Message(message.subject, f"{message.text.rstrip()}\n\n{line}", html, message.attachments)


def desk_link_in(text: str) -> tuple[str, str | None]:
    """(the text before it, the link) where ``text`` ends with the line ``with_desk_link`` wrote;
    (text, None) otherwise. Teams shows that link as the card's button."""
    head, _, last = text.rstrip().rpartition("\n\n")
    if last.startswith(f"{DESK_LINK}: ") and "\n" not in last:
        return head, last.removeprefix(f"{DESK_LINK}: ")
    return text, None


def for_officer(officer: Officer, message: Message, occurrence_id: int | None) -> Message:
    """What ``officer`` is sent: about an occurrence, with the signed link to it on the desk in
    the officer's own name (a deputy's or manager's copy carries theirs); always with HTML.

    The link's 30 days count from the wall clock, not the run's as_of: they are the
    days the mail is out in the world (as claims, in tasks/delivery.py, guard the send now)."""
    if occurrence_id is not None:
        url = links.duty_url(get_settings(), officer.email, occurrence_id, utcnow())
        return with_desk_link(message, url)
    return message if message.html is not None else replace(message, html=html_of(message.text))


def rows_for(officer: Officer, message: Message, key: Key, occurrence_id: int | None = None) -> list[dict]:
    """The outbox rows that tell ``officer`` ``message``: one per channel."""
    message = for_officer(officer, message, occurrence_id)
    return [
        {
            "key": key.to(officer.id, channel),
            "duty": key.duty,
            "officer_id": officer.id,
            "channel": channel,
            "recipient": recipient,
            "subject": message.subject,
            "body": message.text,
            "html": message.html if channel == "email" else None,
            "attachments": outbox.encode_attachments(list(message.attachments))
            if channel == "email"
            else None,
            "occurrence_id": occurrence_id,
            "step": key.step,
            "status": OutboxStatus.DIGEST if officer.digest else OutboxStatus.PENDING,
        }
        for channel, recipient in channels(officer)
    ]


@dataclass
class Notified:
    keys: list[str]  # every key the message went under, queued now or before
    queued: int  # how many of them this call wrote
    to: str  # the officer id or addresses told


def notify_role(
    session: Session,
    catalogue: Catalogue,
    role: str,
    message: Message,
    key: Key,
    as_of: date,
    escalate: bool = False,
    occurrence_id: int | None = None,
) -> Notified:
    """Tell whoever holds ``role`` today (the deputy while the officer is absent)."""
    officer = recipient_for(catalogue, role, escalate, away_on(read_absences(session, as_of), as_of))
    rows = rows_for(officer, message, key, occurrence_id)
    queued = sum(outbox.enqueue(session, row) for row in rows)
    return Notified([row["key"] for row in rows], queued, officer.id)


def notify_ministry(
    session: Session, recipients: list[str], message: Message, key: Key, occurrence_id: int | None = None
) -> Notified:
    """One email per ministry recipient; raises NoMinistryRecipients when there are none."""
    if not recipients:
        raise NoMinistryRecipients()
    rows = [
        {
            "key": key.to(address, "email"),
            "duty": key.duty,
            "officer_id": None,
            "channel": "email",
            "recipient": address,
            "subject": message.subject,
            "body": message.text,
            "html": message.html,
            "attachments": outbox.encode_attachments(list(message.attachments)),
            "occurrence_id": occurrence_id,
            "step": key.step,
            "status": OutboxStatus.PENDING,
        }
        for address in recipients
    ]
    queued = sum(outbox.enqueue(session, row) for row in rows)
    return Notified([row["key"] for row in rows], queued, ", ".join(recipients))


def delivered(
    session: Session, keys: list[str] | None = None, prefix: str | None = None
) -> list[OutboxMessage] | None:
    """The messages with exactly ``keys`` (or under ``prefix``), oldest first, if there are
    some and every one was delivered with a receipt; otherwise None. Queued is not delivered."""
    return outbox.delivered(session, prefix=prefix, keys=keys)


def receipts_text(messages: list[OutboxMessage]) -> str:
    return "; ".join(f"{m.recipient}: {m.receipt}" for m in sorted(messages, key=lambda m: m.recipient))


def complete_with_receipts(
    session: Session,
    occurrence_id: int,
    messages: list[OutboxMessage],
    what: str,
    actor: str,
    as_of: datetime,
) -> bool:
    """Complete an open occurrence whose duty was to tell someone, with the receipts as evidence."""
    occurrence = session.get(Occurrence, occurrence_id)
    if occurrence is None or not occurrence.is_open:
        return False
    occurrences.complete(
        session, occurrence_id, actor, f"{what}. Kvittering: {receipts_text(messages)}", as_of
    )
    return True


def notify_officer_now(
    session: Session, officer: Officer, message: Message, key: Key, channel: str = "email"
) -> Notified:
    """Tell one officer on one channel, never held for a digest: what the officer asked for
    this minute (a sign-in link from the duty desk) cannot wait for tomorrow's digest."""
    rows = [
        row | {"status": OutboxStatus.PENDING}
        for row in rows_for(officer, message, key)
        if row["channel"] == channel
    ]
    queued = sum(outbox.enqueue(session, row) for row in rows)
    return Notified([row["key"] for row in rows], queued, officer.id)
