"""The `pliktvakt` command: the face of the system for officers and operations staff."""

import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer

import cli.catalogue as cli_catalogue
from cli.common import (
    BROKEN_PIPE,
    STDOUT,
    AsJson,
    AsOf,
    Id,
    err,
    fail,
    labelled,
    let_go,
    out,
    print_json,
    print_listing,
    running_prefect_server,
    whole,
    write_output,
)
from cli.evaluation import app as evaluation_app
from cli.grants import app as grants_app
from cli.publications import app as publications_app
from cli.register import app as register_app
from cli.report import app as report_app
from cli.settlement import app as settlement_app
from pliktvakt import bounds, clock

# Each command imports what it needs when it runs, so `deadline` and `--help` load no
# database, Excel, plotting or Prefect code (DESIGN: the CLI loads only what it needs).

app = typer.Typer(help="Pliktvakt: IMDis plikter etter instruksen fra AID.", no_args_is_help=True)
obligations_app = typer.Typer(help="Pliktene i katalogen.", no_args_is_help=True)
audit_app = typer.Typer(help="Revisjonsloggen.", no_args_is_help=True)
app.add_typer(obligations_app, name="obligations")
app.add_typer(audit_app, name="audit")
absence_app = typer.Typer(
    help="Fravær: stedfortrederen får varslene mens en saksbehandler er borte.", no_args_is_help=True
)
app.add_typer(absence_app, name="absence")
app.add_typer(publications_app, name="publication")
app.add_typer(grants_app, name="grants")
app.add_typer(register_app, name="grants-register")
app.add_typer(cli_catalogue.app, name="config")
app.command("doctor")(cli_catalogue.doctor)
app.add_typer(report_app, name="report")
app.add_typer(evaluation_app, name="evaluation")
app.add_typer(settlement_app, name="settlement")


class UserError(Exception):
    """A mistake the user can fix; shown without a traceback."""


# Mistakes the user can fix, shown without a traceback: (module, class). A module that was
# never imported cannot have raised its error, so checking sys.modules keeps this lazy.
USER_ERRORS = [
    ("pliktvakt.catalogue", "CatalogueError"),
    ("pliktvakt.occurrences", "OccurrenceError"),
    ("pliktvakt.legal_calendar", "DurationError"),
    ("pliktvakt.publications.inputs", "PublicationError"),
    ("pliktvakt.grants.store", "GrantsError"),
    ("pliktvakt.register.store", "UploadError"),
    ("pliktvakt.grants.store", "SchemeConfigError"),
    ("pliktvakt.evaluation.errors", "EvaluationError"),
    ("tasks.files", "OutputRefused"),
    ("pliktvakt.settings", "SettingsError"),
    ("pliktvakt.db", "StoredValueRefused"),
    ("pliktvakt.db", "DatabaseFolderError"),
    ("desk.server", "SecretMissing"),
]


def _loaded(module: str, name: str) -> type | None:
    return getattr(sys.modules[module], name, None) if module in sys.modules else None


def _is_user_error(exc: Exception) -> bool:
    return isinstance(exc, UserError) or any(
        (cls := _loaded(module, name)) is not None and isinstance(exc, cls) for module, name in USER_ERRORS
    )


def _say_what_a_write_waits_for(settings) -> None:
    """Once the command has read the settings, before it uses the database: if another process
    notes a long write (an import) on the SQLite database, say so, since a write of ours then
    waits for it (up to 30 s)."""
    ON_SETTINGS_READ.clear()  # once per command
    try:
        from pliktvakt.writer_note import current_writer

        writer = current_writer(settings.database_url)
    except Exception:  # only a notice
        return
    if writer:
        err.print(
            f"Merk: {writer} skriver til databasen nå; en endring venter til den er ferdig (høyst 30 s)."
        )


# Called by pliktvakt.settings.get_settings when it first reads the settings: a command that
# never needs them (deadline, any --help) does not read them for the notice (issue 31).
ON_SETTINGS_READ: list = []


def main() -> None:
    ON_SETTINGS_READ[:] = [_say_what_a_write_waits_for]
    try:
        _main()
    finally:
        ON_SETTINGS_READ.clear()


def _main() -> None:
    try:
        try:
            app()
        except SystemExit:
            sys.stdout.flush()  # here, not at exit: a full disk is then an error we can name
            raise
    except OSError as exc:
        if not _output_failed(exc):
            raise
        sys.exit(2)
    except Exception as exc:
        if _is_user_error(exc):
            fail(exc)
            sys.exit(2)
        reason = _database_problem(exc)
        if reason is None:
            raise
        fail(reason)
        sys.exit(2)


def _database_problem(exc: Exception) -> str | None:
    """What went wrong with the database, in bokmål, the URL without its password; None if
    ``exc`` is not a database error."""
    errors = sys.modules.get("sqlalchemy.exc")
    if errors is None or not isinstance(exc, (errors.SQLAlchemyError, errors.ArgumentError)):
        return None
    from pliktvakt.redact import redact_db_url
    from pliktvakt.settings import get_settings

    shown = redact_db_url(get_settings().database_url)
    if isinstance(exc, (errors.ArgumentError, errors.NoSuchModuleError)):
        return (
            f"PLIKTVAKT_DATABASE_URL ({shown}) er ikke en database pliktvakt kan bruke; "
            "bruk sqlite:///sti/til/fil.db eller postgresql+psycopg://bruker@vert/database"
        )
    text = next(iter(str(getattr(exc, "orig", exc)).splitlines()), "")  # its first line
    if "database is locked" in text or "lock timeout" in text:  # SQLite; PostgreSQL's lock_timeout
        from pliktvakt.db import LOCK_WAIT_SECONDS, make_engine
        from pliktvakt.writer_note import current_writer, postgres_writer

        url = get_settings().database_url
        writer = "database is locked" in text and current_writer(url) or None
        if writer is None and "lock timeout" in text:
            writer = postgres_writer(make_engine(url))
        return (
            f"databasen er låst: {writer or 'en annen skriving'} holdt den i mer enn "
            f"{LOCK_WAIT_SECONDS} sekunder. Ingenting er endret; prøv igjen når den er ferdig."
        )
    if "file is not a database" in text:
        return f"PLIKTVAKT_DATABASE_URL ({shown}) peker på en fil som ikke er en SQLite-database"
    if isinstance(exc, errors.IntegrityError):
        return (
            "en annen skriving kom først (samme runde eller fil lest inn samtidig?); ingenting er "
            "lagt inn. Se etter med `pliktvakt grants list` og prøv igjen."
        )
    if isinstance(exc, errors.OperationalError):
        return (
            f"kan ikke bruke databasen ({shown}): {text}. Kjør `pliktvakt init` først, eller sjekk "
            "PLIKTVAKT_DATABASE_URL."
        )
    if isinstance(exc, errors.DataError):
        return f"databasen avviste en verdi: {text}. Ingenting er endret."
    return None


def _output_failed(exc: OSError) -> bool:
    """A full disk or a closed pipe while writing the output: said in bokmål (on stderr, which
    is still open), and standard output let go so Python does not fail again at exit."""
    import errno

    if isinstance(exc, BrokenPipeError):
        reason = BROKEN_PIPE
    elif exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        where = f" {exc.filename}" if exc.filename else ""
        reason = f"kan ikke skrive{where}: disken er full ({exc.strerror}); ingenting mer er skrevet"
    else:
        return False
    let_go(sys.stdout)
    try:
        fail(reason)
    except OSError:
        pass
    return True


def _catalogue():
    from pliktvakt.catalogue import load_catalogue
    from pliktvakt.settings import get_settings

    return load_catalogue(get_settings().config_dir)


def _engine():
    from pliktvakt.db import make_engine
    from pliktvakt.settings import get_settings

    return make_engine(get_settings().database_url)


@app.command()
def init(as_of: AsOf = None) -> None:
    """Migrer databasen og last inn katalogen."""
    from pliktvakt import go_live, occurrences
    from pliktvakt.db import migrate, session_scope
    from pliktvakt.redact import redact_db_url
    from pliktvakt.settings import get_settings

    settings = get_settings()
    catalogue = _catalogue()
    migrate(settings.database_url)
    with session_scope(_engine()) as session:
        result = occurrences.materialise(
            session, catalogue, clock.resolve(as_of).date(), settings.horizon_months
        )
        started = go_live.record_first_init(session, clock.resolve(as_of).date())
    out.print(f"Database klar: {redact_db_url(settings.database_url)}")
    out.print(
        f"Katalog: {len(catalogue.obligations)} plikter; {result.created} nye forekomster, "
        f"{result.updated} oppdatert, {result.withdrawn} trukket tilbake."
    )
    out.print(cli_catalogue.go_live_line(started, settings.go_live))
    out.print(cli_catalogue.placeholder_line(catalogue))


@obligations_app.command("list")
def obligations_list(as_json: AsJson = False) -> None:
    """List pliktene med hjemmel i instruksen."""
    catalogue = _catalogue()
    if as_json:
        return print_json(cli_catalogue.obligation_items(catalogue))
    for table in cli_catalogue.obligation_tables(catalogue):
        out.print(table)


@app.command()
def status(
    as_of: AsOf = None,
    as_json: AsJson = False,
    days: Annotated[
        int,
        typer.Option(
            parser=whole(0, bounds.MAX_DURATION["d"]),
            help="Vis frister og fullførte så mange dager frem og tilbake.",
        ),
    ] = 60,
) -> None:
    """List åpne, forfalte og fullførte forekomster med frist, ansvarlig og hjemmel."""
    from rich.text import Text
    from sqlmodel import select

    from pliktvakt import bokmal, go_live
    from pliktvakt.db import session_scope
    from pliktvakt.tables import Occurrence, OccurrenceState, OccurrenceStatus
    from pliktvakt.texts_status import in_status_window, status_row

    catalogue, today = _catalogue(), clock.resolve(as_of).date()
    with session_scope(_engine()) as session:
        rows = session.exec(
            select(Occurrence).where(Occurrence.status != OccurrenceStatus.WITHDRAWN).order_by(Occurrence.due)
        )
        started = go_live.go_live_date(session)
        listed = [
            status_row(row, catalogue, today, started) for row in rows if in_status_window(row, today, days)
        ]
    colours = {
        OccurrenceState.OVERDUE: "red",
        OccurrenceState.DUE: "yellow",
        OccurrenceState.DONE: "green",
        OccurrenceState.BEFORE_GO_LIVE: "bright_black",
    }

    def cells(row: dict) -> tuple[str, ...]:
        state = Text(row["state_no"], style=colours.get(row["state"], "white"))
        return str(row["id"]), row["title"], row["clause"], row["due_shown"], state, row["owner"]

    print_listing(
        listed,
        as_json,
        ("Id", "Plikt", "Hjemmel", "Frist", "Status", "Ansvarlig"),
        cells,
        title=f"Status per {bokmal.date_short(today)}",
    )


@app.command()
def trigger(
    obligation_id: str,
    on: Annotated[
        str,
        typer.Option(
            "--on",
            help="Datoen hendelsen gjelder (ÅÅÅÅ-MM-DD), eller "
            "tidspunktet den ble kjent (ÅÅÅÅ-MM-DDTTT:MM, norsk tid) for «straks».",
        ),
    ],
    ref: Annotated[Optional[str], typer.Option(help="Referanse, f.eks. saksnummer.")] = None,
    as_json: AsJson = False,
) -> None:
    """Opprett en forekomst av en hendelsesstyrt plikt."""
    from pliktvakt import bokmal, occurrences
    from pliktvakt.db import session_scope

    day, at = cli_catalogue.parse_event_moment(on, "--on")
    with session_scope(_engine()) as session:
        occurrence, created = occurrences.trigger(session, _catalogue(), obligation_id, day, ref, at=at)
    if as_json:
        return print_json(
            {"id": occurrence.id, "obligation": obligation_id, "due": occurrence.due, "created": created}
        )
    verb = "Opprettet" if created else "Finnes allerede:"
    out.print(
        f"{verb} forekomst {occurrence.id} av {obligation_id}, frist {bokmal.date_short(occurrence.due)}."
    )


@app.command()
def complete(
    occurrence_id: Id,
    by: Annotated[str, typer.Option("--by", help="E-post til den som fullførte.")],
    evidence: Annotated[str, typer.Option("--evidence", help="Dokumentasjon: URL eller tekst.")],
    as_of: AsOf = None,
) -> None:
    """Registrer en forekomst som fullført, med hvem og dokumentasjon."""
    from pliktvakt import occurrences
    from pliktvakt.db import session_scope

    with session_scope(_engine()) as session:
        occurrence = occurrences.complete(session, occurrence_id, by, evidence, clock.resolve(as_of))
    late = " (etter fristen)" if occurrence.late else ""
    out.print(f"Forekomst {occurrence_id} fullført av {occurrence.completed_by}{late}.")


@app.command()
def calendar(
    owner: Annotated[
        Optional[str], typer.Option(help="Bare frister der denne e-posten er ansvarlig.")
    ] = None,
    output: Annotated[
        Optional[Path], typer.Option("-o", "--output", help="Fil å skrive til; - for skjermen.")
    ] = None,
    as_of: AsOf = None,
) -> None:
    """Skriv en iCalendar-feed (RFC 5545) med alle åpne frister."""
    from sqlmodel import select

    from pliktvakt.db import session_scope
    from pliktvakt.ics import build_feed
    from pliktvakt.settings import get_settings
    from pliktvakt.tables import Occurrence, OccurrenceStatus

    catalogue, today = _catalogue(), clock.resolve(as_of).date()
    with session_scope(_engine()) as session:
        rows = list(
            session.exec(
                select(Occurrence).where(Occurrence.status == OccurrenceStatus.OPEN).order_by(Occurrence.due)
            )
        )
    if owner:
        rows = [
            row
            for row in rows
            if row.role in catalogue.roles
            and catalogue.officer_for_role(row.role).email.lower() == owner.lower()
        ]
    feed = build_feed(rows, catalogue, today, get_settings().public_url)
    if output is None:
        write_output(STDOUT, feed)
        return
    if not write_output(output, feed):
        err.print(f"Skrev {len(rows)} frister til {output}")


@app.command()
def deadline(
    start: Annotated[str, typer.Option("--from", help="Startdato (ÅÅÅÅ-MM-DD), f.eks. da brevet kom fram.")],
    add: Annotated[
        str,
        typer.Option(
            "--add",
            help="Frist: 3w, 10d eller 1m; negativ (--add=-14d) for "
            "«minst 14 dager før», som flyttes bakover.",
        ),
    ],
    business_days: Annotated[bool, typer.Option("--business-days", help="Tell virkedager.")] = False,
    as_json: AsJson = False,
) -> None:
    """Regn ut en lovbestemt frist (domstolloven §§ 148–149); en negativ frist flyttes bakover."""
    from pliktvakt.legal_calendar import statutory_deadline

    result = statutory_deadline(_parse_date(start, "--from"), add, business_days)
    if as_json:
        return print_json({"from": result.start, "add": add, "deadline": result.due, "rule": result.rule})
    print(result.due.isoformat())
    err.print(result.rule)


@app.command()
def run(flow_name: Annotated[str, typer.Argument(metavar="FLOW")], as_of: AsOf = None) -> None:
    """Kjør en flyt én gang, f.eks. for etterkjøring: pliktvakt run materialise --as-of 2026-01-05."""
    from prefect.settings import temporary_settings

    from flows.registry import FLOWS  # the one place the CLI calls flows

    if flow_name not in FLOWS:
        raise UserError(f"Ukjent flyt '{flow_name}'. Kjente flyter: {', '.join(sorted(FLOWS))}.")
    with temporary_settings(updates=_prefect_server()):
        state = FLOWS[flow_name](as_of=clock.resolve(as_of), return_state=True)
    if state.is_failed() or state.is_crashed():
        err.print(labelled(f"Flyten {flow_name} endte {state.name}:", "red", state.message or ""))
        raise typer.Exit(1)
    out.print(f"Flyten {flow_name} fullført: {state.result()}")


# A temporary Prefect server on a busy 2-core machine can take well over Prefect's
# default of 20 seconds to answer.
EPHEMERAL_STARTUP_SECONDS = 300


def _prefect_server() -> dict:
    """The Prefect server a run talks to, as settings: PREFECT_API_URL when it is set; else
    the server of `make run` when it answers; only then a temporary server."""
    from prefect.settings import (
        PREFECT_SERVER_ANALYTICS_ENABLED,
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
        get_current_settings,
    )

    found = running_prefect_server()
    if found is not None:
        return found
    err.print(
        labelled(
            "Ingen Prefect-server svarer",
            "yellow",
            "(PREFECT_API_URL er ikke satt, og `make run` kjører ikke): flyten kjøres mot en midlertidig "
            "Prefect-server, og kjøringen blir ikke tatt vare på.",
        )
    )
    timeout = max(get_current_settings().server.ephemeral.startup_timeout_seconds, EPHEMERAL_STARTUP_SECONDS)
    # Its telemetry service logs a traceback when two temporary servers share a database.
    return {
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS: timeout,
        PREFECT_SERVER_ANALYTICS_ENABLED: False,
    }


@app.command("outbox")
def outbox_list(
    as_json: AsJson = False,
    all_messages: Annotated[bool, typer.Option("--all", help="Også leverte meldinger.")] = False,
) -> None:
    """Vis meldinger i utboksen (ulevert som standard)."""
    from pliktvakt import outbox
    from pliktvakt.db import session_scope
    from pliktvakt.settings import get_settings

    with session_scope(_engine()) as session:
        rows = outbox.messages(session) if all_messages else outbox.undelivered(session)
    items = [
        {
            "id": m.id,
            "key": m.key,
            "duty": m.duty,
            "officer_id": m.officer_id,
            "channel": m.channel,
            "recipient": m.recipient,
            "subject": m.subject,
            "status": m.status,
            "attempts": m.attempts,
            "last_error": m.last_error,
            "receipt": m.receipt,
            "message_id": m.message_id,
            "created_at": m.created_at,
            "sent_at": m.sent_at,
        }
        for m in rows
    ]
    print_listing(
        items,
        as_json,
        ("Id", "Kanal", "Mottaker", "Emne", "Status", "Forsøk", "Feil/kvittering"),
        lambda item: (
            str(item["id"]),
            item["channel"],
            item["recipient"],
            item["subject"],
            item["status"],
            str(item["attempts"]),
            item["last_error"] or item["receipt"] or "",
        ),
    )
    if not get_settings().email_url:
        err.print("PLIKTVAKT_EMAIL_URL er ikke satt: e-post blir liggende i utboksen til den settes.")


@audit_app.command("verify")
def audit_verify(as_json: AsJson = False) -> None:
    """Sjekk at revisjonsloggen er uendret: rapporterer endrede eller slettede rader."""
    from pliktvakt import audit
    from pliktvakt.db import session_scope

    with session_scope(_engine()) as session:
        problems = audit.verify(session)
    if as_json:
        print_json([{"seq": p.seq, "problem": p.problem} for p in problems])
    elif not problems:
        out.print(labelled("Revisjonsloggen er hel: ingen rader er endret eller slettet.", "green"))
    for problem in problems if not as_json else []:
        err.print(labelled(f"Rad {problem.seq}:", "red", problem.problem))
    if problems:
        raise typer.Exit(1)


@absence_app.command("add")
def absence_add(
    officer: Annotated[str, typer.Argument(help="Saksbehandlerens id i officers.yaml.")],
    start: Annotated[str, typer.Option("--from", help="Første fraværsdag (ÅÅÅÅ-MM-DD).")],
    end: Annotated[str, typer.Option("--to", help="Siste fraværsdag (ÅÅÅÅ-MM-DD).")],
    reason: Annotated[Optional[str], typer.Option(help="Grunn, f.eks. ferie.")] = None,
) -> None:
    """Registrer fravær; varsler går til stedfortrederen i perioden."""
    from pliktvakt import absences, bokmal
    from pliktvakt.db import session_scope

    catalogue = _catalogue()
    if officer not in catalogue.officers:
        raise UserError(f"Ukjent saksbehandler '{officer}'. Kjente: {', '.join(sorted(catalogue.officers))}.")
    first, last = _parse_date(start, "--from"), _parse_date(end, "--to")
    if last < first:
        raise UserError(f"--to ({last}) er før --from ({first}).")
    with session_scope(_engine()) as session:
        absence = absences.add(session, catalogue, officer, first, last, reason)
    deputy = catalogue.officers[officer].deputy
    out.print(
        f"Fravær {absence.id} registrert for {officer} {bokmal.date_short(first)}–{bokmal.date_short(last)}; "
        f"varsler går til {deputy or 'lederen'}."
    )


@absence_app.command("list")
def absence_list(as_json: AsJson = False) -> None:
    """List registrert fravær."""
    from sqlmodel import select

    from pliktvakt.db import session_scope
    from pliktvakt.tables import OfficerAbsence

    with session_scope(_engine()) as session:
        rows = [
            {"id": a.id, "officer": a.officer_id, "from": a.start, "to": a.end, "reason": a.reason}
            for a in session.exec(select(OfficerAbsence).order_by(OfficerAbsence.start))
        ]
    print_listing(
        rows,
        as_json,
        ("Id", "Saksbehandler", "Fra", "Til", "Grunn"),
        lambda row: (str(row["id"]), row["officer"], str(row["from"]), str(row["to"]), row["reason"] or ""),
    )


@absence_app.command("remove")
def absence_remove(absence_id: Id) -> None:
    """Slett et registrert fravær."""
    from pliktvakt import audit
    from pliktvakt.db import session_scope
    from pliktvakt.tables import OfficerAbsence

    with session_scope(_engine()) as session:
        absence = session.get(OfficerAbsence, absence_id)
        if absence is None:
            raise UserError(f"Fant ikke fravær {absence_id}.")
        session.delete(absence)
        audit.append(session, "pliktvakt", "absence.removed", absence.officer_id, {"id": absence_id})
    out.print(f"Fravær {absence_id} slettet.")


@app.command()
def web(
    host: Annotated[str, typer.Option(help="Adressen tjenesten lytter på.")] = "127.0.0.1",
    port: Annotated[
        Optional[int],
        typer.Option(parser=whole(1, 65535), help="Porten; standard PLIKTVAKT_WEB_PORT (8400)."),
    ] = None,
    workers: Annotated[int, typer.Option(parser=whole(1, 64), help="Antall prosesser.")] = 1,
) -> None:
    """Start pliktvakt web, saksbehandlernes pliktside (uten PLIKTVAKT_WEB_SECRET bare på localhost)."""
    from desk.server import serve
    from pliktvakt.settings import get_settings

    settings = get_settings()
    chosen = port or settings.web_port
    err.print(f"Pliktvakt web på http://{host}:{chosen} (offentlig adresse {settings.public_url}).")
    serve(settings, host, chosen, workers)


def _parse_date(value: str, option: str) -> date:
    try:
        return clock.parse_day(value)
    except ValueError as exc:
        raise UserError(f"{option}: {exc}.") from None


if __name__ == "__main__":
    main()
