"""Who is asking: the one place a request becomes an officer (the seam for single sign-on).

Two ways in today:
- a **session**, after a sign-in link from the mail: a signed cookie
  ``email|last_seen`` (HttpOnly, SameSite=Lax, Secure on https) that ends after 8 hours idle;
- a **duty link** from an alert (``?t=``): that one occurrence as that officer, nothing else.

Single sign-on through the agency's identity provider would be added in ``signed_in``: read
the proxy's or the OIDC session's identity there and return the officer it names.

Forms carry a CSRF token: an HMAC of a random nonce kept in its own cookie (signed double
submit), so a form is accepted only from a page this desk served to this browser.
"""

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import Request, Response

from pliktvakt import access, links
from pliktvakt.catalogue import Catalogue, Officer

SESSION_COOKIE = "pv_session"
CSRF_COOKIE = "pv_csrf"
SESSION = "session"
CSRF = "csrf"
IDLE = timedelta(hours=8)


@dataclass(frozen=True)
class Visitor:
    officer: Officer
    # The occurrence a duty link opens; None for a signed-in session (the whole desk).
    only: int | None = None
    token: str | None = None  # the duty link's token, carried in its page's forms


def _secure(request: Request) -> bool:
    return request.app.state.settings.public_url.lower().startswith("https://")


def signed_in(request: Request, now: datetime) -> Officer | None:
    """The officer of a live session cookie; None when there is none, it is forged, idle too
    long, or names someone no longer in officers.yaml."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    try:
        email, last_seen = links.unsign(request.app.state.key, SESSION, cookie).split("|")
        idle = now.timestamp() - int(last_seen)
    except (links.LinkError, ValueError):
        return None
    if idle > IDLE.total_seconds() or idle < -60:
        return None
    return access.officer_by_email(request.app.state.catalogue, email)


def start_session(request: Request, response: Response, email: str, now: datetime) -> None:
    """Set (or renew, so the 8 idle hours count from now) the session cookie."""
    value = links.sign(request.app.state.key, SESSION, f"{email.lower()}|{int(now.timestamp())}")
    response.set_cookie(
        SESSION_COOKIE, value, httponly=True, samesite="lax", secure=_secure(request), path="/"
    )


def end_session(request: Request, response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=_secure(request))


class NotAnOfficer(Exception):
    """A valid link for an address that is no longer an officer's."""


def from_duty_link(
    catalogue: Catalogue, key: bytes, token: str, occurrence_id: int, now: datetime
) -> Visitor:
    """The officer a duty link names, for its one occurrence; LinkError when it is tampered
    with, made for another occurrence or expired."""
    grant = links.read_duty_token(key, token, now)
    if grant.occurrence_id != occurrence_id:
        raise links.LinkError(expired=False)
    officer = access.officer_by_email(catalogue, grant.email)
    if officer is None:
        raise NotAnOfficer()
    return Visitor(officer, only=occurrence_id, token=token)


def expired_link_email(key: bytes, token: str) -> str | None:
    """The address of a genuine but expired duty link, to offer a fresh link to it."""
    try:
        return links.unsign(key, links.DUTY, token).split("|")[0]
    except links.LinkError:
        return None


def csrf_nonce(request: Request) -> str:
    """This browser's nonce; a new one (set on the response by ``keep_csrf_cookie``) if none."""
    nonce = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
    if not nonce:
        nonce = request.state.new_csrf = secrets.token_urlsafe(24)
    return nonce


def csrf_token(request: Request) -> str:
    return links.sign(request.app.state.key, CSRF, csrf_nonce(request)).split(".")[1]


def csrf_ok(request: Request, sent: str | None) -> bool:
    nonce = request.cookies.get(CSRF_COOKIE)
    if not nonce or not sent:
        return False
    return hmac.compare_digest(links.sign(request.app.state.key, CSRF, nonce).split(".")[1], sent)


def keep_csrf_cookie(request: Request, response: Response) -> None:
    nonce = getattr(request.state, "new_csrf", None)
    if nonce:
        response.set_cookie(
            CSRF_COOKIE, nonce, httponly=True, samesite="lax", secure=_secure(request), path="/"
        )
