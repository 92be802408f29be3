"""`pliktvakt report ...`: the compliance record for management and auditors (instruks pkt. 4.1, 4.2)."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Optional

import typer

from cli.common import STDOUT, AsOf, err, fail, write_output
from pliktvakt import clock

# Each command imports what it needs when it runs (the database, Excel): see cli.py.
Format = StrEnum("Format", ("html", "md", "csv", "xlsx"))
TO_STDOUT = ("md", "csv")  # text formats go to stdout without -o; html and xlsx to a file

app = typer.Typer(help="Rapporter for ledelsen og revisjonen.", no_args_is_help=True)


@app.command("compliance")
def compliance(
    year: Annotated[int, typer.Option("--year", help="Året: forekomster med frist i året.")],
    fmt: Annotated[Format, typer.Option("--format", help="html, md, csv eller xlsx.")] = Format.html,
    output: Annotated[
        Optional[Path],
        typer.Option(
            "-o",
            "--output",
            help="Fil å skrive til. Uten: md og csv til skjermen, html og xlsx til "
            "etterlevelse-ÅÅÅÅ.html/.xlsx i denne mappen.",
        ),
    ] = None,
    section: Annotated[
        Optional[str], typer.Option("--section", help="Bare ett punkt i instruksen, f.eks. 6.1.")
    ] = None,
    obligation: Annotated[Optional[str], typer.Option("--obligation", help="Bare én plikt (id).")] = None,
    as_of: AsOf = None,
) -> None:
    """Etterlevelsesrapporten: hver forekomst i året, i tide eller for sent, med dokumentasjon,
    kvitteringer og revisjonslogg, og om revisjonsloggen er hel (pkt. 4.1, 4.2)."""
    from pliktvakt.catalogue import load_catalogue
    from pliktvakt.compliance import render, rules, store
    from pliktvakt.db import make_engine, session_scope
    from pliktvakt.settings import get_settings

    settings, now = get_settings(), clock.resolve(as_of)
    try:
        store.check_year(year, now.date())
        catalogue = load_catalogue(settings.config_dir)
        with session_scope(make_engine(settings.database_url)) as session:
            stored = store.read(session, catalogue, year, section, obligation)
    except rules.ReportError as exc:
        _fail(str(exc))
    built = rules.build(stored, year, now, section, obligation)
    content = render.render(built, fmt.value)
    if output is None and fmt.value in TO_STDOUT:
        write_output(STDOUT, content)
        return
    target = output or Path(render.filename(built, fmt.value))
    if _write(target, content):
        return
    problems = "" if built.chain_intact else " ADVARSEL: revisjonsloggen er ikke hel (se rapporten)."
    err.print(f"Skrev etterlevelsesrapporten {year} ({len(built.rows)} forekomster) til {target}.{problems}")


def _write(target: Path, content: str | bytes) -> bool:
    """Whether it went to standard output (``-o -``)."""
    from tasks.files import OutputRefused

    if target.is_dir() and not target.is_symlink():
        _fail(f"-o {target}: er en mappe; oppgi et filnavn.")
    try:
        return write_output(target, content)
    except OutputRefused as exc:
        _fail(f"-o {exc}")
    except OSError as exc:
        _fail(f"-o {target}: kan ikke skrive filen ({exc.strerror or exc}).")
    return False


def _fail(message: str) -> None:
    fail(message)
    raise typer.Exit(2)
