"""Signed links to the duty desk: the one format shared by alerts (which make them) and the
desk (which reads them).

A duty link is bound to one officer and one occurrence and lasts 30 days (issue 27), so a
forwarded mail opens that one duty and nothing else. A token is
``base64url(payload).base64url(hmac_sha256(secret, purpose + payload))``, where the payload is
``email|occurrence_id|expires`` (Unix seconds). The purpose is inside the MAC, so a token made
for one use (a duty link) is never accepted for another (a sign-in link, a session).
"""

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from pliktvakt.settings import Settings

DUTY_LINK_LIFETIME = timedelta(days=30)
DUTY = "duty"
# Used only when PLIKTVAKT_WEB_SECRET is unset, which the desk allows on localhost alone.
DEV_SECRET = "pliktvakt-dev-only"


class LinkError(ValueError):
    """A token that is tampered with, malformed or expired; ``expired`` tells which."""

    def __init__(self, expired: bool) -> None:
        super().__init__("lenken er utløpt" if expired else "lenken er ugyldig")
        self.expired = expired


@dataclass(frozen=True)
class DutyGrant:
    email: str
    occurrence_id: int
    expires: datetime


def secret_key(settings: Settings) -> bytes:
    if settings.web_secret is not None and settings.web_secret.get_secret_value():
        return settings.web_secret.get_secret_value().encode()
    return _dev_key(settings.database_url)


@lru_cache(maxsize=16)
def _dev_key(database_url: str) -> bytes:
    return hashlib.sha256(f"{DEV_SECRET}:{database_url}".encode()).digest()


def _b64(raw: bytes) -> str:
    return binascii.b2a_base64(raw, newline=False).translate(_URL_SAFE).rstrip(b"=").decode()


# base64url (RFC 4648 §5): base64 with "-" and "_" for "+" and "/", as urlsafe_b64encode.
_URL_SAFE = bytes.maketrans(b"+/", b"-_")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(key: bytes, purpose: str, payload: str) -> str:
    body = payload.encode()
    # hmac.digest is the one-shot C path: a watch run signs a link per alert (100,000 after
    # downtime), and building an HMAC object each time was most of the cost (issue 31).
    mac = hmac.digest(key, purpose.encode() + b"\0" + body, "sha256")
    return f"{_b64(body)}.{_b64(mac)}"


def unsign(key: bytes, purpose: str, token: str) -> str:
    """The payload of a token signed for ``purpose``; LinkError(expired=False) otherwise."""
    try:
        body_text, mac_text = token.split(".")
        body, mac = _unb64(body_text), _unb64(mac_text)
    except ValueError:
        raise LinkError(expired=False) from None
    expected = hmac.new(key, purpose.encode() + b"\0" + body, hashlib.sha256).digest()
    if not hmac.compare_digest(mac, expected):
        raise LinkError(expired=False)
    try:
        return body.decode()
    except UnicodeDecodeError:
        raise LinkError(expired=False) from None


def duty_token(key: bytes, email: str, occurrence_id: int, now: datetime) -> str:
    expires = int((now + DUTY_LINK_LIFETIME).timestamp())
    return sign(key, DUTY, f"{email.lower()}|{occurrence_id}|{expires}")


def read_duty_token(key: bytes, token: str, now: datetime) -> DutyGrant:
    email, occurrence, expires = _fields(unsign(key, DUTY, token))
    grant = DutyGrant(email, occurrence, datetime.fromtimestamp(expires, now.tzinfo))
    if grant.expires <= now:
        raise LinkError(expired=True)
    return grant


def _fields(payload: str) -> tuple[str, int, int]:
    try:
        email, occurrence, expires = payload.split("|")
        return email, int(occurrence), int(expires)
    except ValueError:
        raise LinkError(expired=False) from None


def duty_url(settings: Settings, email: str, occurrence_id: int, now: datetime) -> str:
    """The desk's page for one occurrence, opened as ``email`` without signing in."""
    token = duty_token(secret_key(settings), email, occurrence_id, now)
    # base64url and the dot are all unreserved characters in a URL: nothing to quote.
    return f"{settings.public_url.rstrip('/')}/plikt/{occurrence_id}?t={token}"
