"""The sign-in link by email: queued through the one notify path, delivered at once by the
one delivery path (tasks/delivery.py), and then removed from the stored copy of the mail."""

from urllib.parse import quote

from sqlalchemy.engine import Engine

from pliktvakt import outbox
from pliktvakt.catalogue import Catalogue, Officer
from pliktvakt.db import session_scope
from pliktvakt.notify import Key, Message, notify_officer_now
from pliktvakt.settings import Settings
from tasks.delivery import deliver_pending

DUTY = "signin"
FORGOTTEN = "(lenken er fjernet fra den lagrede kopien)"


def signin_url(settings: Settings, token: str, then: str | None) -> str:
    url = f"{settings.public_url.rstrip('/')}/logg-inn/lenke?t={quote(token)}"
    return url + (f"&neste={quote(then)}" if then else "")


def message(url: str, officer: Officer) -> Message:
    text = (
        f"Hei, {officer.name}.\n\n"
        "Du ba om å logge inn på pliktvakt, IMDis plikter etter instruksen fra AID.\n"
        f"Åpne denne lenken for å logge inn:\n\n{url}\n\n"
        "Lenken virker én gang og i 15 minutter. Ba du ikke om den, kan du se bort fra denne e-posten."
    )
    html = (
        f"<p>Hei, {_escape(officer.name)}.</p>"
        "<p>Du ba om å logge inn på pliktvakt, IMDis plikter etter instruksen fra AID.</p>"
        f'<p>Åpne denne lenken for å logge inn:</p><p><a href="{_escape(url)}">{_escape(url)}</a></p>'
        "<p>Lenken virker én gang og i 15 minutter. Ba du ikke om den, kan du se bort fra denne e-posten.</p>"
    )
    return Message(subject="Innlogging til pliktvakt", text=text, html=html)


def _escape(text: str) -> str:
    from html import escape

    return escape(text, quote=True)


def send(
    engine: Engine,
    settings: Settings,
    catalogue: Catalogue,
    officer: Officer,
    link_id: int,
    url: str,
    token: str,
) -> bool:
    """Queue and deliver the mail; True if the SMTP server took it. The token is then replaced
    in the stored copy, delivered or not: a link that failed is asked for again."""
    with session_scope(engine) as session:
        notified = notify_officer_now(
            session, officer, message(url, officer), Key(DUTY, str(link_id), "link")
        )
    report = deliver_pending(engine, settings, catalogue, duties=(DUTY,))
    with session_scope(engine) as session:
        outbox.forget_secret(session, notified.keys, token, FORGOTTEN)
    return all(key in report.sent for key in notified.keys)
