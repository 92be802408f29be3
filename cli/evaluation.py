"""`pliktvakt evaluation ...`: the rolling evaluation plan for the grant schemes (vedlegg 1 pkt. 9)."""

from datetime import date, datetime
from typing import Annotated, Optional

import typer

from cli.common import AsJson, AsOf, labelled, moment, out, print_json, print_listing, whole
from pliktvakt import bounds, clock

# Each command imports what it needs when it runs (the database, pydantic): see cli.py.

app = typer.Typer(help="Evalueringsplanen for tilskuddsordningene (vedlegg 1 pkt. 9).", no_args_is_help=True)

Scheme = Annotated[str, typer.Argument(metavar="ORDNING", help="Id fra config/grant_schemes.yaml.")]
By = Annotated[str, typer.Option("--by", help="Hvem som registrerer (e-post).")]
On = Annotated[Optional[str], typer.Option("--on", metavar="ÅÅÅÅ-MM-DD", help="Dato; standard er i dag.")]


def _day(value: str | None, option: str, as_of: datetime | None) -> date:
    if value is None:
        return clock.resolve(as_of).date()
    parsed = moment(value, option)
    return parsed.date() if isinstance(parsed, datetime) else parsed


def _inputs():
    """(settings, plan settings, schemes): a bad file stops here, naming file, line and field."""
    from pliktvakt.evaluation.config import load_plan_settings, plan_file
    from pliktvakt.grants.store import load_grant_schemes
    from pliktvakt.settings import get_settings

    settings = get_settings()
    plan_settings = load_plan_settings(plan_file(settings.config_dir, settings.evaluation_plan_file))
    return settings, plan_settings, load_grant_schemes(settings.config_dir)


@app.command("plan")
def plan_(
    year: Annotated[
        Optional[int],
        typer.Option(
            "--year",
            parser=whole(bounds.FIRST_YEAR, bounds.LAST_YEAR),
            help="Budsjettåret; standard er årets.",
        ),
    ] = None,
    as_of: AsOf = None,
    as_json: AsJson = False,
) -> None:
    """Vis den rullerende planen: hvilke ordninger som evalueres hvilket år, og hvem som er på overtid."""
    from pliktvakt.db import make_engine, session_scope
    from pliktvakt.evaluation import render, store, texts

    settings, plan_settings, schemes = _inputs()
    budget_year = year or clock.resolve(as_of).date().year
    with session_scope(make_engine(settings.database_url)) as session:
        result = store.current_plan(session, schemes, plan_settings, budget_year)
    rows = render.table(result, plan_settings)
    print_listing(rows, as_json, [render.COLUMNS[k] for k in SHOWN], _cells)
    if not as_json:
        for status in result.alerts:
            out.print(labelled("Varsel:", "yellow", texts.alert_message(status, result).subject))


# The terminal is narrow: the id says which scheme (--json has every column).
SHOWN = ("year", "scheme_id", "state", "last", "overdue", "start_by", "report_by")


def _cells(row: dict) -> tuple[str, ...]:
    from pliktvakt.evaluation.render import COLUMNS

    return tuple(str(row[COLUMNS[k]]) for k in SHOWN)


@app.command("start")
def start(scheme: Scheme, on: On = None, by: By = "cli", as_of: AsOf = None, as_json: AsJson = False) -> None:
    """Registrer at evalueringen av en ordning er satt i gang."""
    from pliktvakt.bokmal import date_short
    from pliktvakt.db import make_engine, session_scope
    from pliktvakt.evaluation import store

    settings, _, schemes = _inputs()
    day = _day(on, "--on", as_of)
    with session_scope(make_engine(settings.database_url)) as session:
        row = store.start(session, schemes, scheme, day, by, clock.resolve(as_of))
        result = {"id": row.id, "scheme": scheme, "started_on": row.started_on.isoformat()}
    if as_json:
        return print_json(result)
    out.print(f"Evaluering {result['id']} av «{scheme}» startet {date_short(day)}.")


@app.command("complete")
def complete(
    scheme: Scheme,
    on: On = None,
    report_title: Annotated[Optional[str], typer.Option("--report-title", help="Rapportens tittel.")] = None,
    publish_on: Annotated[
        Optional[str],
        typer.Option(
            "--publish-on", metavar="ÅÅÅÅ-MM-DD", help="Planlagt publisering: varsel og Kudos følger."
        ),
    ] = None,
    by: By = "cli",
    as_of: AsOf = None,
    as_json: AsJson = False,
) -> None:
    """Registrer at evalueringen er fullført; med --publish-on blir rapporten en publikasjon."""
    from pliktvakt.bokmal import date_short
    from pliktvakt.catalogue import load_catalogue
    from pliktvakt.db import make_engine, session_scope
    from pliktvakt.evaluation import store

    settings, _, schemes = _inputs()
    day = _day(on, "--on", as_of)
    publish = _day(publish_on, "--publish-on", as_of) if publish_on else None
    with session_scope(make_engine(settings.database_url)) as session:
        row = store.complete(
            session,
            load_catalogue(settings.config_dir),
            schemes,
            scheme,
            day,
            by,
            clock.resolve(as_of),
            report_title,
            publish,
        )
        result = {
            "id": row.id,
            "scheme": scheme,
            "completed_on": day.isoformat(),
            "publication": row.publication_id,
        }
    if as_json:
        return print_json(result)
    out.print(f"Evaluering {result['id']} av «{scheme}» fullført {date_short(day)}.")
    if result["publication"]:
        out.print(
            f"Registrert som publikasjon {result['publication']}: departementet varsles minst 14 dager "
            "før (pkt. 6.1). Se `pliktvakt publication list`."
        )
