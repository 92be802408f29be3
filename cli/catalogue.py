"""The catalogue's face in the `pliktvakt` command: `config check`, the go-live check
`doctor`, the obligation tables, and the lines `init` prints about placeholders and the
go-live date."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Annotated

import typer

from cli.common import AsJson, fail, labelled, moment, out, print_json

if TYPE_CHECKING:  # the command loads only what it needs (DESIGN: the CLI)
    from rich.table import Table

    from pliktvakt.catalogue import Catalogue, Obligation

app = typer.Typer(help="Konfigurasjonen: kontroller og plassholdere.", no_args_is_help=True)


@app.command("check")
def check(
    strict: Annotated[
        bool, typer.Option("--strict", help="Avslutt med 1 om noen frist er en plassholder.")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Sjekk katalogen (pliktene og saksbehandlerne) og list hver plassholder med fil og linje.

    Bare katalogen: alt som står igjen før drift viser `pliktvakt doctor`."""
    from flows.registry import deployment_specs
    from pliktvakt.catalogue import load_catalogue
    from pliktvakt.settings import get_settings

    catalogue = load_catalogue(get_settings().config_dir)  # a broken file stops here, naming file and line
    phantoms = catalogue.unknown_flows({spec["name"] for spec in deployment_specs()})
    if as_json:
        print_json({"placeholders": [vars(p) for p in catalogue.placeholders], "unknown_flows": phantoms})
    else:
        for placeholder in catalogue.placeholders:
            out.print(str(placeholder), highlight=False, soft_wrap=True)
        for problem in phantoms:
            fail(problem)
        out.print(
            f"Katalogen er gyldig: {len(catalogue.obligations)} oppføringer. "
            f"{placeholder_line(catalogue, see=None)}"
        )
        out.print(
            "Dette kontrollerer bare katalogen. Alt som står igjen før drift (kanaler, adresser, "
            "data, plassholdere i alle filer): se `pliktvakt doctor`."
        )
    if phantoms or (strict and catalogue.placeholders):
        raise typer.Exit(1)


def placeholder_line(catalogue: Catalogue, see: str | None = "pliktvakt config check") -> str:
    from pliktvakt.catalogue import UNCONFIRMED

    count = len(catalogue.placeholders)
    if not count:
        return "Ingen frister er plassholdere."
    line = f"{count} datoer eller frister er plassholdere («{UNCONFIRMED}»)"
    return f"{line}; se `{see}`." if see else f"{line}."


def doctor(as_json: AsJson = False) -> None:
    """Før drift: list alt som står igjen, hva du gjør med det, og om det hindrer drift.

    Avslutter med 1 så lenge noe hindrer drift, ellers 0."""
    from pliktvakt import readiness
    from pliktvakt.settings import get_settings

    findings = readiness.check(get_settings())
    if as_json:
        print_json([f.as_row() for f in findings])
    else:
        for finding in findings:
            label, style = ("Hindrer drift:", "red") if finding.blocks else ("Merknad:", "yellow")
            out.print(labelled(label, style, finding.what), soft_wrap=True)
            out.print(f"  Slik: {finding.fix}", highlight=False, soft_wrap=True)
        out.print(readiness.summary_line(findings), highlight=False, soft_wrap=True)
    if readiness.blocking(findings):
        raise typer.Exit(1)


def go_live_line(stored: date, configured: date | None) -> str:
    from pliktvakt.bokmal import date_short

    if configured is not None:
        since = f"{date_short(configured)} (PLIKTVAKT_GO_LIVE)"
    else:
        since = f"{date_short(stored)} (første init)"
    return f"Pliktvakt i bruk fra {since}; frister før det varsles ikke."


def obligation_items(catalogue: Catalogue) -> list[dict]:
    return [
        {
            "id": o.id,
            "title": o.title,
            "section": o.clause.section,
            "reference": o.clause.reference,
            "clause": o.clause.text,
            "kind": o.kind,
            "role": o.role,
            "flow": o.flow,
            "deadline": o.deadline.model_dump(exclude_none=True) if o.deadline else None,
            "deadline_confirmed": o.unconfirmed is None if o.dated else None,
            "gate": o.gate.model_dump(exclude_none=True) if o.gate else None,
        }
        for o in catalogue.obligations.values()
    ]


def obligation_tables(catalogue: Catalogue) -> list[Table]:
    """The duties, then the gates apart: a gate blocks an action and has no date."""
    from rich.table import Table

    from pliktvakt.texts_status import KIND_NAMES, gate_checker

    duties = Table("Id", "Plikt", "Hjemmel", "Type", "Frist", "Rolle", "Flyt", title="Plikter")
    gates = Table("Id", "Sperre", "Hjemmel", "Sperrer", "Til", "Sjekkes av", title="Sperrer")
    for o in catalogue.obligations.values():
        if o.kind == "gate":
            gates.add_row(o.id, o.title, o.clause.reference, o.gate.blocks, o.gate.until, gate_checker(o))
        else:
            duties.add_row(
                o.id, o.title, o.clause.reference, KIND_NAMES[o.kind], _deadline(o), o.role, o.flow or ""
            )
    return [duties, gates]


def _deadline(obligation: Obligation) -> str:
    from pliktvakt.catalogue import UNCONFIRMED

    if not obligation.dated:
        return "ingen (sjekkliste)"
    rule = obligation.deadline
    text = "straks" if rule.straks else (f"innen {rule.by}" if rule.by else rule.offset)
    return f"{text} ({UNCONFIRMED})" if obligation.unconfirmed else text


def parse_event_moment(value: str, option: str) -> tuple[date, time | None]:
    """A date (ÅÅÅÅ-MM-DD), or a date and Oslo time (ÅÅÅÅ-MM-DDTTT:MM) for «straks»."""
    when = moment(value, option)
    if isinstance(when, datetime):
        return when.date(), when.time().replace(tzinfo=None)
    return when, None
