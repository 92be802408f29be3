"""The desk's other pages (issue 27): «Alle plikter», «Fravær», event duties, the grants
register's upload files and the settlement analysis that waits for approval. Each action is
the CLI's own domain function, audited with the signed-in officer as actor "via pliktvakt web"."""

from datetime import date, datetime

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import func
from sqlmodel import select

from desk import views
from desk.web import Refused, check_csrf, forbidden, need_session, now_of, render
from pliktvakt import absences, access, bokmal, clock, go_live, notify, occurrences
from pliktvakt.tables import Occurrence, OccurrenceError, OccurrenceStatus
from pliktvakt.texts_status import section_order

VIA = "pliktvakt web"
ALL_PAGE = 100
FEW = 2000  # fewer matches than this are read at once and put in order here
STATES = {
    "open": "åpne (også over fristen)",
    "overdue": "over fristen",
    "done": "fullført",
    "all": "alle",
}
# Whose duty the grants register and the settlement approval are: the roles the catalogue gives.
REGISTER_OBLIGATION = "tilskudd-registration"
SETTLEMENT_OBLIGATION = "settlement-analysis-approval"


def add_routes(app: FastAPI) -> None:
    app.get("/alle", response_class=HTMLResponse)(all_duties)
    app.get("/alle/etterlevelse", response_class=HTMLResponse)(compliance_record)
    app.get("/fravaer", response_class=HTMLResponse)(absence_page)
    app.post("/fravaer", response_class=HTMLResponse)(absence_add)
    app.get("/hendelse", response_class=HTMLResponse)(event_page)
    app.post("/hendelse", response_class=HTMLResponse)(event_trigger)
    app.get("/tilskuddsregister", response_class=HTMLResponse)(register_page)
    app.post("/tilskuddsregister/bekreft", response_class=HTMLResponse)(register_confirm)
    app.get("/bosetting", response_class=HTMLResponse)(settlement_page)
    app.post("/bosetting/svar", response_class=HTMLResponse)(settlement_answer)


def _away(session, today: date) -> frozenset[str]:
    return notify.away_on(notify.read_absences(session, today), today)


# --- «Alle plikter» -------------------------------------------------------------------


def all_duties(request: Request, rolle: str = "", status: str = "open", side: int = 1):
    """Every duty by section of the instruction, for styring, drift and ledelse (the compliance view)."""
    visitor = need_session(request)
    catalogue = request.app.state.catalogue
    if not access.sees_all(catalogue, visitor.officer.id):
        raise Refused(
            403,
            "Ingen tilgang",
            "«Alle plikter» er for rollene styring, drift og ledelse. Ingenting er endret.",
        )
    status = status if status in STATES else "open"
    rolle = rolle if rolle in catalogue.roles else ""
    today = now_of(request).date()
    conditions = [Occurrence.status != OccurrenceStatus.WITHDRAWN]
    if status == "open":
        conditions.append(Occurrence.status == OccurrenceStatus.OPEN)
    elif status == "overdue":
        conditions += [Occurrence.status == OccurrenceStatus.OPEN, Occurrence.due < today]
    elif status == "done":
        conditions.append(Occurrence.status == OccurrenceStatus.DONE)
    if rolle:
        conditions.append(Occurrence.role == rolle)
    with _session(request) as session:
        counts = dict(
            session.exec(
                select(Occurrence.obligation_id, func.count())
                .where(*conditions)
                .group_by(Occurrence.obligation_id)
            ).all()
        )
        total = sum(counts.values())
        pages = max(1, -(-total // ALL_PAGE))
        side = min(max(side, 1), pages)
        started = go_live.go_live_date(session)
        rows = [
            views.duty_row(o, catalogue, today, started)
            for o in _page_by_section(session, catalogue, counts, conditions, (side - 1) * ALL_PAGE)
        ]
    sections: list[tuple[str, list[dict]]] = []
    for row in rows:
        if not sections or sections[-1][0] != row["clause"]:
            sections.append((row["clause"], []))
        sections[-1][1].append(row)
    return render(
        request,
        "all.html",
        visitor=visitor,
        title="Alle plikter",
        sections=sections,
        total=total,
        page=side,
        pages=pages,
        roles=sorted(catalogue.roles.values(), key=lambda r: r.title),
        states=STATES,
        chosen_role=rolle,
        chosen_state=status,
        year=today.year,
    )


def compliance_record(request: Request, ar: int | None = None):
    """The yearly compliance record (pkt. 4.1, 4.2), as `pliktvakt report compliance --format html`."""
    from pliktvakt.compliance import render as record_render
    from pliktvakt.compliance import rules, store

    visitor = need_session(request)
    catalogue = request.app.state.catalogue
    if not access.sees_all(catalogue, visitor.officer.id):
        raise forbidden()
    now = now_of(request)
    year = ar or now.year
    try:
        store.check_year(year, now.date())
        with _session(request) as session:
            stored = store.read(session, catalogue, year, None, None)
    except rules.ReportError as exc:
        raise Refused(400, "Rapporten kan ikke lages", str(exc)) from None
    html = record_render.render(rules.build(stored, year, now, None, None), "html")
    response = HTMLResponse(html if isinstance(html, str) else html.decode())
    # The record carries its own stylesheet inline; still no script of any kind.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        "frame-ancestors 'none'; base-uri 'none'"
    )
    return response


def _page_by_section(session, catalogue, counts: dict[str, int], conditions: list, skip: int) -> list:
    """ALL_PAGE occurrences after ``skip``, in the instruction's order of sections, then by
    deadline: read one obligation at a time by its index, never sorting every occurrence."""
    known = sorted(
        (o for o in catalogue.obligations.values() if o.id in counts),
        key=lambda o: (section_order(o.clause.section), o.id),
    )
    sequence = [o.id for o in known] + sorted(set(counts) - {o.id for o in known})
    if sum(counts.values()) <= FEW:  # one role's duties, say: one read by the role's index
        rank = {obligation_id: n for n, obligation_id in enumerate(sequence)}
        every = session.exec(select(Occurrence).where(*conditions)).all()
        every.sort(key=lambda o: (rank[o.obligation_id], o.due, o.id))
        return every[skip : skip + ALL_PAGE]
    found, room = [], ALL_PAGE
    for obligation_id in sequence:
        if skip >= counts[obligation_id]:
            skip -= counts[obligation_id]
            continue
        query = (
            select(Occurrence)
            .where(*conditions, Occurrence.obligation_id == obligation_id)
            .order_by(Occurrence.due, Occurrence.id)
            .offset(skip)
            .limit(room)
        )
        found += session.exec(query).all()
        skip, room = 0, ALL_PAGE - len(found)
        if room <= 0:
            break
    return found


# --- «Fravær» -------------------------------------------------------------------------


def absence_page(request: Request, status: int = 200, error: str | None = None):
    visitor = need_session(request)
    catalogue, today = request.app.state.catalogue, now_of(request).date()
    with _session(request) as session:
        rows = absences.current_and_coming(session, today)
        listed = []
        for absence in rows:
            officer = catalogue.officers.get(absence.officer_id)
            away = frozenset(a.officer_id for a in rows if a.start <= max(today, absence.start) <= a.end)
            standing = notify.stand_in(catalogue, absence.officer_id, away) if officer else None
            listed.append(
                {
                    "who": officer.name if officer else absence.officer_id,
                    "from": bokmal.date_long(absence.start),
                    "to": bokmal.date_long(absence.end),
                    "reason": absence.reason or "",
                    "stand_in": standing.name if standing and standing.id != absence.officer_id else "ingen",
                }
            )
    me = visitor.officer.id
    choices = [o for o in catalogue.officers.values() if o.id == me or access.manages(catalogue, me, o.id)]
    return render(
        request,
        "absence.html",
        status,
        visitor=visitor,
        title="Fravær",
        rows=listed,
        choices=choices,
        me=me,
        error=error,
        today=today.isoformat(),
    )


def absence_add(
    request: Request,
    officer: str = Form(""),
    fra: str = Form(""),
    til: str = Form(""),
    grunn: str = Form(""),
    csrf: str = Form(""),
):
    check_csrf(request, csrf)
    visitor = need_session(request)
    catalogue, me = request.app.state.catalogue, visitor.officer.id
    if officer != me and not access.manages(catalogue, me, officer):
        raise Refused(
            403,
            "Ingen tilgang",
            "Du kan registrere ditt eget fravær og fraværet til dem du er leder for. Ingenting er endret.",
        )
    try:
        first, last = clock.parse_day(fra), clock.parse_day(til)
    except ValueError as exc:
        return absence_page(request, 400, f"Datoene: {exc}.")
    try:
        with _session(request) as session:
            absences.add(session, catalogue, officer, first, last, grunn.strip(), visitor.officer.email, VIA)
    except OccurrenceError as exc:
        return absence_page(request, 400, str(exc))
    return RedirectResponse("/fravaer", status_code=303)


# --- Event duties ---------------------------------------------------------------------


def _event_obligations(request: Request, officer_id: str, away: frozenset[str]) -> list:
    catalogue = request.app.state.catalogue
    return sorted(
        (
            o
            for o in catalogue.obligations.values()
            if o.kind == "event"
            and o.deadline is not None
            and access.may_act(catalogue, officer_id, o.role, away)
        ),
        key=lambda o: (section_order(o.clause.section), o.title),
    )


def event_page(request: Request, status: int = 200, error: str | None = None):
    visitor = need_session(request)
    today = now_of(request).date()
    with _session(request) as session:
        choices = _event_obligations(request, visitor.officer.id, _away(session, today))
    return render(
        request,
        "event.html",
        status,
        visitor=visitor,
        title="Meld en hendelse",
        choices=choices,
        error=error,
        today=today.isoformat(),
    )


def event_trigger(
    request: Request,
    plikt: str = Form(""),
    dato: str = Form(""),
    klokkeslett: str = Form(""),
    referanse: str = Form(""),
    csrf: str = Form(""),
):
    check_csrf(request, csrf)
    visitor = need_session(request)
    catalogue, today = request.app.state.catalogue, now_of(request).date()
    obligation = catalogue.obligations.get(plikt)
    with _session(request) as session:
        if obligation is None or obligation not in _event_obligations(
            request, visitor.officer.id, _away(session, today)
        ):
            raise forbidden()
    moment = f"{dato.strip()}T{klokkeslett.strip()}" if klokkeslett.strip() else dato.strip()
    try:
        when = clock.parse(moment)  # the CLI's one parser (`pliktvakt trigger --on`)
    except ValueError as exc:
        return event_page(request, 400, f"Datoen eller klokkeslettet: {exc}.")
    day, at = (when.date(), when.time().replace(tzinfo=None)) if isinstance(when, datetime) else (when, None)
    if obligation.deadline.straks and at is None:
        return event_page(request, 400, "For en «straks»-plikt må du oppgi klokkeslettet det ble kjent.")
    try:
        with _session(request) as session:
            occurrence, _ = occurrences.trigger(
                session, catalogue, plikt, day, referanse.strip() or None, visitor.officer.email, at, via=VIA
            )
            occurrence_id = occurrence.id
    except (OccurrenceError, ValueError) as exc:
        return event_page(request, 400, str(exc))
    return RedirectResponse(f"/plikt/{occurrence_id}", status_code=303)


# --- The grants register's upload files (vedlegg 1 pkt. 1) ------------------------------


def _role_of(request: Request, obligation_id: str) -> str | None:
    obligation = request.app.state.catalogue.obligations.get(obligation_id)
    return obligation.role if obligation else None


def register_page(request: Request):
    from pliktvakt.register.tables import RegisterUpload

    visitor = need_session(request)
    with _session(request) as session:
        waiting = session.exec(
            select(RegisterUpload).where(RegisterUpload.confirmed_at.is_(None)).order_by(RegisterUpload.id)
        ).all()
        uploads = [{"file": u.file, "sha256": u.sha256, "rows": u.rows} for u in waiting]
        may = _may(request, session, visitor, _role_of(request, REGISTER_OBLIGATION))
    return render(
        request, "register.html", visitor=visitor, title="Tilskuddsregisteret", uploads=uploads, may_act=may
    )


def register_confirm(request: Request, sha256: str = Form(""), csrf: str = Form("")):
    from pliktvakt.register.store import UploadError, confirm

    check_csrf(request, csrf)
    visitor = need_session(request)
    try:
        with _session(request) as session:
            if not _may(request, session, visitor, _role_of(request, REGISTER_OBLIGATION)):
                raise forbidden()
            upload, completed = confirm(session, sha256, visitor.officer.email, now_of(request))
            text = (
                f"Opplastingen av {upload.file} ({upload.rows} rader, SHA-256 {upload.sha256}) er registrert "
                f"som gjort av deg. {completed} registreringsplikt(er) er fullført med filens sjekksum "
                "som kvittering."
            )
    except UploadError as exc:
        raise Refused(409, "Kunne ikke bekreftes", f"{exc} Ingenting er endret.") from None
    return render(request, "done.html", visitor=visitor, title="Opplastingen er bekreftet", text=text)


# --- The settlement analysis that waits for approval (pkt. 2.2) ------------------------


def settlement_page(request: Request):
    from desk import settlement

    visitor = need_session(request)
    with _session(request) as session:
        may = _may(request, session, visitor, _role_of(request, SETTLEMENT_OBLIGATION))
    runs, problem = settlement.waiting_runs()
    return render(
        request,
        "settlement.html",
        visitor=visitor,
        title="Bosettingsanalysen",
        runs=runs,
        problem=problem,
        may_act=may,
    )


def settlement_answer(
    request: Request,
    run: str = Form(""),
    beslutning: str = Form(""),
    kommentar: str = Form(""),
    csrf: str = Form(""),
):
    from desk import settlement

    check_csrf(request, csrf)
    visitor = need_session(request)
    with _session(request) as session:
        if not _may(request, session, visitor, _role_of(request, SETTLEMENT_OBLIGATION)):
            raise forbidden()
    if beslutning not in ("godkjent", "avvist"):
        raise Refused(400, "Ugyldig svar", "Velg godkjenn eller avvis. Ingenting er endret.")
    if beslutning == "avvist" and not kommentar.strip():
        raise Refused(400, "Mangler begrunnelse", "Skriv hvorfor analysen avvises. Ingenting er endret.")
    settlement.answer(run, beslutning, visitor.officer.email, kommentar.strip())
    verb = "godkjent: rapporten sendes og tallene publiseres" if beslutning == "godkjent" else "avvist"
    return render(
        request,
        "done.html",
        visitor=visitor,
        title="Svaret er sendt",
        text=f"Analysen i kjøring {run} er {verb}.",
    )


def _may(request: Request, session, visitor, role: str | None) -> bool:
    catalogue = request.app.state.catalogue
    today = now_of(request).date()
    return role is not None and access.may_act(catalogue, visitor.officer.id, role, _away(session, today))


def _session(request: Request):
    from pliktvakt.db import session_scope

    return session_scope(request.app.state.engine)
