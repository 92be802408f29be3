"""What every page of the desk shares: rendering, refusals, the clock, who is asking, CSRF."""

from datetime import datetime

from fastapi import Request
from fastapi.responses import HTMLResponse

from desk import identity
from desk.identity import Visitor
from pliktvakt import access


class Refused(Exception):
    """An answer other than the page: a bokmål page with its status, and nothing changed."""

    def __init__(self, status: int, title: str, text: str, **extra) -> None:
        super().__init__(text)
        self.status, self.title, self.text, self.extra = status, title, text, extra


def render(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
    visitor: Visitor | None = context.pop("visitor", None)
    catalogue = request.app.state.catalogue
    context.setdefault("title", "")
    html = request.app.state.templates.get_template(name).render(
        request=request,
        visitor=visitor,
        signed_in=visitor is not None and visitor.only is None,
        sees_all=visitor is not None and access.sees_all(catalogue, visitor.officer.id),
        csrf=identity.csrf_token(request),
        **context,
    )
    return HTMLResponse(html, status_code=status)


def now_of(request: Request) -> datetime:
    return request.app.state.now(None)


def session_visitor(request: Request) -> Visitor | None:
    officer = identity.signed_in(request, now_of(request))
    return Visitor(officer) if officer else None


def need_session(request: Request) -> Visitor:
    officer = identity.signed_in(request, now_of(request))
    if officer is None:
        raise SignInFirst(request.url.path)
    return Visitor(officer)


class SignInFirst(Exception):
    def __init__(self, then: str) -> None:
        self.then = then


def check_csrf(request: Request, sent: str | None) -> None:
    if not identity.csrf_ok(request, sent):
        raise Refused(
            403,
            "Skjemaet ble ikke godtatt",
            "Skjemaet manglet en gyldig sikkerhetsnøkkel, så ingenting er endret. "
            "Gå tilbake, last siden på nytt og prøv igjen.",
        )


def forbidden() -> Refused:
    return Refused(
        403,
        "Ingen tilgang",
        "Du har ikke tilgang til denne plikten: den hører ikke til dine roller, du er ikke "
        "stedfortreder for den i dag, og den hører ikke til noen du er leder for. Ingenting er endret.",
    )
