"""The duty desk's routes: FastAPI, Jinja templates rendered on the server, plain HTML forms.

Every page is bokmål and works without JavaScript. Every action is a POST with a CSRF token
and goes through the same domain functions as the CLI, audited with the officer as actor
and "via pliktvakt web".
"""

import logging
import time
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from desk import identity, pages, views
from desk.identity import Visitor
from desk.web import (
    Refused,
    SignInFirst,
    check_csrf,
    forbidden,
    need_session,
    now_of,
    render,
    session_visitor,
)
from pliktvakt import access, clock, go_live, links, notify, occurrences, signin
from pliktvakt.catalogue import load_catalogue
from pliktvakt.db import make_engine, session_scope
from pliktvakt.settings import Settings, get_settings
from pliktvakt.tables import Occurrence, OccurrenceError
from pliktvakt.templating import environment

HERE = Path(__file__).resolve().parent
VIA = "pliktvakt web"
PAGE_SIZE = 25
log = logging.getLogger("desk")

# No script at all, no framing, forms only back to the desk (issue 27: security headers).
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # A duty link carries its token in the address: never hand it on as a Referer.
    "Referrer-Policy": "no-referrer",
}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.key = links.secret_key(settings)
    app.state.engine = make_engine(settings.database_url)
    app.state.catalogue = load_catalogue(settings.config_dir)
    app.state.now = clock.resolve  # the one clock; tests move it
    app.state.templates = environment(HERE / "templates")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _middleware(app)
    _errors(app)
    _hooks(app)
    app.include_router(router)
    pages.add_routes(app)
    return app


def _middleware(app: FastAPI) -> None:
    @app.middleware("http")
    async def headers_and_log(request: Request, call_next):
        started = time.perf_counter()
        response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)  # a page may set a stricter or its own CSP
        if not request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"  # every page may hold personal data
        identity.keep_csrf_cookie(request, response)
        # The path only: a query string may hold a token, and no token is ever logged.
        log.info(
            "%s %s %d %.0f ms",
            request.method,
            request.url.path,
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response


def _errors(app: FastAPI) -> None:
    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused):
        return render(
            request,
            "refused.html",
            exc.status,
            visitor=session_visitor(request),
            title=exc.title,
            text=exc.text,
            **exc.extra,
        )

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        texts = {
            404: ("Fant ikke siden", "Siden finnes ikke."),
            405: ("Ikke tillatt", "Metoden er ikke tillatt."),
        }
        title, text = texts.get(exc.status_code, ("Feil", "Forespørselen kunne ikke behandles."))
        return render(
            request,
            "refused.html",
            exc.status_code,
            visitor=session_visitor(request),
            title=title,
            text=text,
        )

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        return render(
            request,
            "refused.html",
            400,
            title="Ugyldig forespørsel",
            text="Adressen eller skjemaet er ugyldig.",
        )


# The desk's own pages: the officer's duties, a duty and its completion, and signing in and out.
router = APIRouter()


def _hooks(app: FastAPI) -> None:
    @app.exception_handler(SignInFirst)
    async def sign_in_first(request: Request, exc: SignInFirst):
        return RedirectResponse(f"/logg-inn?neste={quote(exc.then)}", status_code=303)

    @app.middleware("http")
    async def renew_session(request: Request, call_next):
        response = await call_next(request)
        now = request.app.state.now(None)
        officer = identity.signed_in(request, now)
        if officer is not None and identity.SESSION_COOKIE not in _cookie_names(response):
            identity.start_session(request, response, officer.email, now)  # 8 idle hours from now
        return response


@router.get("/", response_class=HTMLResponse)
def mine(request: Request, side: int = 1):
    visitor = need_session(request)
    state, catalogue = request.app.state, request.app.state.catalogue
    today = now_of(request).date()
    with session_scope(state.engine) as session:
        away = notify.away_on(notify.read_absences(session, today), today)
        started = go_live.go_live_date(session)
        side = max(side, 1)
        args = (session, catalogue, visitor.officer.id, away, today, started)
        total, shown = access.my_duties(*args, (side - 1) * PAGE_SIZE, PAGE_SIZE)
        pages = max(1, -(-total // PAGE_SIZE))
        if side > pages:  # past the last page: show the last
            side = pages
            total, shown = access.my_duties(*args, (side - 1) * PAGE_SIZE, PAGE_SIZE)
        rows = [
            views.duty_row(d.occurrence, catalogue, today, started) | {"why": views.WHY_NAMES[d.why]}
            for d in shown
        ]
    return render(
        request,
        "mine.html",
        visitor=visitor,
        title="Mine plikter",
        rows=rows,
        total=total,
        page=side,
        pages=pages,
    )


@router.get("/plikt/{occurrence_id}", response_class=HTMLResponse)
def duty(request: Request, occurrence_id: int, t: str | None = None):
    visitor = _visitor_for_duty(request, occurrence_id, t)
    return _duty_page(request, visitor, occurrence_id)


@router.post("/plikt/{occurrence_id}/utfort", response_class=HTMLResponse)
def complete(
    request: Request,
    occurrence_id: int,
    evidence: str = Form(""),
    csrf: str = Form(""),
    t: str = Form(""),
):
    check_csrf(request, csrf)
    visitor = _visitor_for_duty(request, occurrence_id, t or None)
    if not evidence.strip():
        return _duty_page(
            request,
            visitor,
            occurrence_id,
            status=400,
            evidence_error="Skriv dokumentasjonen: en tekst, en lenke eller et saksnummer.",
        )
    state = request.app.state
    with session_scope(state.engine) as session:
        _may_act(request, session, visitor, occurrence_id)
        try:
            occurrences.complete(
                session, occurrence_id, visitor.officer.email, evidence, now_of(request), via=VIA
            )
        except OccurrenceError as exc:
            raise Refused(409, "Kunne ikke registreres", f"{exc} Ingenting er endret.") from None
    back = f"/plikt/{occurrence_id}" + (f"?t={quote(visitor.token)}" if visitor.token else "")
    return RedirectResponse(back, status_code=303)


@router.get("/logg-inn", response_class=HTMLResponse)
def signin_form(request: Request, neste: str | None = None):
    return render(request, "signin.html", title="Logg inn", then=_safe_next(neste), email="")


@router.post("/logg-inn", response_class=HTMLResponse)
def signin_request(request: Request, email: str = Form(""), csrf: str = Form(""), neste: str = Form("")):
    check_csrf(request, csrf)
    return _send_signin_link(request, email, _safe_next(neste))


@router.get("/logg-inn/lenke", response_class=HTMLResponse)
def signin_confirm(request: Request, t: str = "", neste: str | None = None):
    # A button, not an automatic sign-in: mail scanners open links, and would use it up.
    return render(request, "signin_confirm.html", title="Logg inn", token=t, then=_safe_next(neste))


@router.post("/logg-inn/lenke")
def signin_redeem(request: Request, t: str = Form(""), csrf: str = Form(""), neste: str = Form("")):
    check_csrf(request, csrf)
    now = now_of(request)
    with session_scope(request.app.state.engine) as session:
        try:
            redeemed = signin.redeem(session, t, now)
        except signin.LinkRefused as exc:
            raise Refused(
                403,
                "Innloggingen virket ikke",
                f"{exc.reason} Be om en ny lenke nedenfor.",
                offer_signin=True,
            ) from None
    response = RedirectResponse(_safe_next(neste) or "/", status_code=303)
    identity.start_session(request, response, redeemed.email, now)
    return response


@router.post("/logg-ut")
def signout(request: Request, csrf: str = Form("")):
    check_csrf(request, csrf)
    response = RedirectResponse("/logg-inn", status_code=303)
    identity.end_session(request, response)
    return response


def _cookie_names(response: Response) -> set[str]:
    return {v.decode().split("=")[0] for k, v in response.raw_headers if k.decode().lower() == "set-cookie"}


def _safe_next(then: str | None) -> str | None:
    """Only a path on this desk: never another site (an open redirect)."""
    if then and then.startswith("/") and not then.startswith("//") and "\\" not in then:
        return then
    return None


def _visitor_for_duty(request: Request, occurrence_id: int, token: str | None) -> Visitor:
    state = request.app.state
    if token:
        try:
            return identity.from_duty_link(state.catalogue, state.key, token, occurrence_id, now_of(request))
        except links.LinkError as exc:
            email = identity.expired_link_email(state.key, token) if exc.expired else None
            title = "Lenken er utløpt" if exc.expired else "Lenken er ugyldig"
            text = (
                "Lenken til plikten varer i 30 dager og er utløpt."
                if exc.expired
                else "Lenken til plikten er endret eller ufullstendig, så den kan ikke åpnes."
            )
            raise Refused(
                403,
                title,
                text + " Få en ny lenke på e-post, så kommer du rett til plikten.",
                offer_signin=True,
                email=email or "",
                then=f"/plikt/{occurrence_id}",
            ) from None
        except identity.NotAnOfficer:
            raise forbidden() from None
    signed = identity.signed_in(request, now_of(request))
    if signed is None:
        raise SignInFirst(f"/plikt/{occurrence_id}")
    return Visitor(signed)


def _may_act(request: Request, session, visitor: Visitor, occurrence_id: int) -> Occurrence:
    catalogue, today = request.app.state.catalogue, now_of(request).date()
    occurrence = session.get(Occurrence, occurrence_id)
    if occurrence is None:
        raise Refused(404, "Fant ikke plikten", f"Det finnes ingen plikt med nummer {occurrence_id}.")
    away = notify.away_on(notify.read_absences(session, today), today)
    if not access.may_act(catalogue, visitor.officer.id, occurrence.role, away):
        raise forbidden()
    return occurrence


def _duty_page(
    request: Request, visitor: Visitor, occurrence_id: int, status: int = 200, **extra
) -> HTMLResponse:
    state, catalogue = request.app.state, request.app.state.catalogue
    today = now_of(request).date()
    with session_scope(state.engine) as session:
        occurrence = session.get(Occurrence, occurrence_id)
        if occurrence is None:
            raise Refused(404, "Fant ikke plikten", f"Det finnes ingen plikt med nummer {occurrence_id}.")
        away = notify.away_on(notify.read_absences(session, today), today)
        acts = access.may_act(catalogue, visitor.officer.id, occurrence.role, away)
        if not acts and not (visitor.only is None and access.sees_all(catalogue, visitor.officer.id)):
            raise forbidden()
        duty = views.duty_page(session, catalogue, occurrence, today, go_live.go_live_date(session))
    return render(
        request,
        "duty.html",
        status,
        visitor=visitor,
        title=duty["title"],
        duty=duty,
        may_act=acts,
        is_open=occurrence.is_open,
        token=visitor.token or "",
        evidence_error=extra.get("evidence_error"),
    )


def _send_signin_link(request: Request, email: str, then: str | None) -> HTMLResponse:
    from desk import signin_mail

    state = request.app.state
    address = email.strip()
    if "@" not in address or len(address) > 300:
        return render(
            request,
            "signin.html",
            400,
            title="Logg inn",
            then=then,
            email=address,
            email_error="Skriv e-postadressen din, for eksempel navn@imdi.no.",
        )
    officer = access.officer_by_email(state.catalogue, address)
    client = request.client.host if request.client else "ukjent"
    with session_scope(state.engine) as session:
        try:
            link_id, token = signin.request_link(
                session, address, client, officer is not None, now_of(request)
            )
        except signin.TooMany:
            raise Refused(
                429,
                "For mange forespørsler",
                "Det er bedt om for mange innloggingslenker på kort tid. Vent et kvarter og prøv igjen.",
            ) from None
    if officer is not None:
        url = signin_mail.signin_url(state.settings, token, then)
        if not signin_mail.send(state.engine, state.settings, state.catalogue, officer, link_id, url, token):
            log.warning("Innloggingslenke %d ble ikke levert; se `pliktvakt outbox`.", link_id)
    # The same answer whether the address is an officer's or not: addresses cannot be probed.
    return render(request, "signin_sent.html", title="Sjekk e-posten din", email=address)
