"""Sign-in links for the duty desk (issue 27): single-use, 15 minutes, stored only as a hash.

An officer types an address; a link is mailed if the address is an officer's. Every request
is stored (also for an unknown address, whose token is never sent), so that requests can be
counted per address and per client and the answer is the same either way. The token itself
is never stored: only its SHA-256, and the client only as a hash of its address.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, select

from pliktvakt.clock import stored
from pliktvakt.tables import SignInLink

LIFETIME = timedelta(minutes=15)
# Within WINDOW, at most this many links per address and requests per client.
WINDOW = timedelta(minutes=15)
PER_ADDRESS = 3
PER_CLIENT = 10


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class TooMany(Exception):
    """More requests than the rate limit allows, per address or per client."""


def request_link(session: Session, email: str, client: str, known: bool, now: datetime) -> tuple[int, str]:
    """(row id, new token) for ``email``; only the token's hash is stored. TooMany past the rate limit."""
    email, client_hash, since = email.strip().lower(), digest(client), now - WINDOW
    if (
        _count(session, SignInLink.email == email, since) >= PER_ADDRESS
        or _count(session, SignInLink.client == client_hash, since) >= PER_CLIENT
    ):
        raise TooMany()
    token = secrets.token_urlsafe(32)
    row = SignInLink(
        token_hash=digest(token),
        email=email,
        client=client_hash,
        known=known,
        created_at=now,
        expires_at=now + LIFETIME,
    )
    session.add(row)
    session.flush()
    return row.id, token


def _count(session: Session, condition, since: datetime) -> int:
    query = select(func.count()).select_from(SignInLink).where(condition, SignInLink.created_at > since)
    return session.exec(query).one()


@dataclass(frozen=True)
class Redeemed:
    email: str


class LinkRefused(Exception):
    """A sign-in link that is unknown, used or expired; ``reason`` says which, in bokmål."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def redeem(session: Session, token: str, now: datetime) -> Redeemed:
    """Use the link once: the first redeem wins, even with two at once (a conditional update)."""
    row = session.exec(select(SignInLink).where(SignInLink.token_hash == digest(token))).first()
    if row is None or not row.known:
        raise LinkRefused("Lenken er ugyldig.")
    if row.used_at is not None:
        raise LinkRefused("Lenken er allerede brukt. En innloggingslenke virker bare én gang.")
    if stored(row.expires_at) <= now:
        raise LinkRefused("Lenken er utløpt. En innloggingslenke varer i 15 minutter.")
    taken = session.execute(
        update(SignInLink).where(SignInLink.id == row.id, SignInLink.used_at.is_(None)).values(used_at=now)
    )
    if taken.rowcount != 1:
        raise LinkRefused("Lenken er allerede brukt. En innloggingslenke virker bare én gang.")
    return Redeemed(row.email)


def forget_old(session: Session, now: datetime) -> int:
    """Rows older than a day serve no rate limit and no link; removed."""
    old = session.exec(select(SignInLink).where(SignInLink.created_at < now - timedelta(days=1))).all()
    for row in old:
        session.delete(row)
    return len(old)
