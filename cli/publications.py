"""`pliktvakt publication ...`: the publications register (instruks pkt. 6.1 and 4.3)."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Optional

import typer

from cli.common import AsJson, AsOf, Id, err, fail, labelled, out, print_json, print_listing
from pliktvakt import clock

# Each command imports what it needs when it runs (the database): see cli.py.
# The values of PublicationKind, here so that `pliktvakt --help` need not load pydantic
# (tests/ops/test_cli_imports.py checks that they agree).
KINDS = ("fou", "evaluering", "rapport", "annet")
Kind = StrEnum("Kind", KINDS)

app = typer.Typer(
    help="Publikasjoner: varsel til departementet minst 14 dager før (pkt. 6.1) og Kudos (pkt. 4.3).",
    no_args_is_help=True,
)

By = Annotated[str, typer.Option("--by", help="Hvem som gjør endringen (e-post).")]


def _context():
    from pliktvakt.catalogue import load_catalogue
    from pliktvakt.db import make_engine
    from pliktvakt.settings import get_settings

    settings = get_settings()
    return load_catalogue(settings.config_dir), make_engine(settings.database_url)


@app.command("add")
def add(
    title: Annotated[str, typer.Option("--title", help="Tittel.")],
    kind: Annotated[Kind, typer.Option("--kind", help="fou, evaluering, rapport eller annet.")],
    publish_on: Annotated[str, typer.Option("--publish-on", help="Planlagt dato (ÅÅÅÅ-MM-DD).")],
    owner: Annotated[str, typer.Option("--owner", help="Ansvarlig rolle, f.eks. kunnskap.")],
    summary: Annotated[
        Optional[str], typer.Option("--summary", help="Kort sammendrag til departementet.")
    ] = None,
    as_of: AsOf = None,
    as_json: AsJson = False,
) -> None:
    """Registrer en planlagt publikasjon; varselet til departementet blir en plikt med frist."""
    from pliktvakt.db import session_scope
    from pliktvakt.publications import inputs, store

    data = inputs.validate(title=title, kind=kind.value, publish_on=publish_on, owner=owner, summary=summary)
    catalogue, engine = _context()
    with session_scope(engine) as session:
        publication = store.add(session, catalogue, data, "cli", "cli")
        result = store.as_dict(publication, clock.resolve(as_of).date())
    if as_json:
        return print_json(result)
    out.print(f"Publikasjon {result['id']} registrert: «{result['title']}», planlagt {result['publish_on']}.")
    out.print(result["gate"])


@app.command("list")
def list_(as_of: AsOf = None, as_json: AsJson = False) -> None:
    """List publikasjonene med varsel og 14-dagersregelen."""
    from pliktvakt.db import session_scope
    from pliktvakt.publications import store

    today = clock.resolve(as_of).date()
    _, engine = _context()
    with session_scope(engine) as session:
        items = [store.as_dict(p, today) for p in store.all_publications(session)]
    columns = ("Id", "Tittel", "Type", "Planlagt", "Eier", "Status", "Varsel levert", "Tillatt", "Tidligst")
    print_listing(items, as_json, columns, _publication_cells)


def _publication_cells(item: dict) -> tuple[str, ...]:
    from pliktvakt.publications.tables import PublicationStatus

    queued = f"i utboksen {item['notice_queued_on']}" if item["notice_queued_on"] else ""
    return (
        str(item["id"]),
        item["title"],
        item["kind"],
        item["publish_on"],
        item["owner"],
        PublicationStatus(item["status"]).label,
        item["notice_delivered_on"] or queued,
        "ja" if item["may_publish_on_planned_date"] else "nei",
        item["earliest_date"],
    )


@app.command("check")
def check(publication_id: Id, as_of: AsOf = None, as_json: AsJson = False) -> None:
    """Kan publikasjonen gå ut på planlagt dato? Hvis ikke: tidligste dato (pkt. 6.1). Avslutter 1 ved nei."""
    from pliktvakt.db import session_scope
    from pliktvakt.publications import store

    _, engine = _context()
    with session_scope(engine) as session:
        publication = store.get(session, publication_id)
        item = store.as_dict(
            publication, clock.resolve(as_of).date(), store.notice_waiting(session, publication)
        )
    if as_json:
        print_json(
            {
                k: item[k]
                for k in (
                    "id",
                    "title",
                    "publish_on",
                    "notice_queued_on",
                    "notice_delivered_on",
                    "notice_waiting",
                    "may_publish_on_planned_date",
                    "planned_date_reachable",
                    "earliest_date",
                    "gate",
                )
            }
        )
    elif item["may_publish_on_planned_date"]:
        out.print(
            labelled("Ja:", "green", f"«{item['title']}» kan publiseres {item['publish_on']}. {item['gate']}")
        )
    elif item["notice_waiting"]:
        out.print(
            labelled(
                "Ikke ennå:",
                "yellow",
                f"varselet om «{item['title']}» er ikke levert til departementet. {item['gate']}",
            )
        )
    elif item["planned_date_reachable"]:
        out.print(
            labelled(
                "Ikke ennå:", "yellow", f"departementet er ikke varslet om «{item['title']}». {item['gate']}"
            )
        )
    else:
        out.print(
            labelled(
                "Nei:",
                "red",
                f"«{item['title']}» kan ikke publiseres {item['publish_on']}; "
                f"tidligst {item['earliest_date']}. {item['gate']}",
            )
        )
    if not item["may_publish_on_planned_date"]:
        raise typer.Exit(1)


def _report_change(publication_id: int, change_no: int | None, as_json: bool) -> None:
    if as_json:
        return print_json({"id": publication_id, "change_no": change_no})
    if change_no is None:
        out.print(f"Ingen endring av publikasjon {publication_id}.")
    else:
        out.print(
            f"Endring {change_no} av publikasjon {publication_id} registrert. Departementet og eier varsles "
            "ved neste kjøring av prepublication-notice om det trengs."
        )


@app.command("move")
def move(
    publication_id: Id,
    publish_on: Annotated[str, typer.Option("--publish-on", help="Ny planlagt dato (ÅÅÅÅ-MM-DD).")],
    by: By = "cli",
    as_json: AsJson = False,
) -> None:
    """Flytt publiseringsdatoen. Endringen lagres i historikken."""
    from pliktvakt.db import session_scope
    from pliktvakt.publications import store

    catalogue, engine = _context()
    with session_scope(engine) as session:
        change_no = store.change(session, catalogue, publication_id, by, publish_on=publish_on)
    _report_change(publication_id, change_no, as_json)


@app.command("edit")
def edit(
    publication_id: Id,
    title: Annotated[Optional[str], typer.Option("--title")] = None,
    summary: Annotated[
        Optional[str], typer.Option("--summary", help="Tom tekst fjerner sammendraget.")
    ] = None,
    kind: Annotated[Optional[Kind], typer.Option("--kind")] = None,
    by: By = "cli",
    as_json: AsJson = False,
) -> None:
    """Endre tittel, sammendrag eller type. Er departementet varslet, får det et nytt varsel."""
    from pliktvakt.db import session_scope
    from pliktvakt.publications import store

    catalogue, engine = _context()
    with session_scope(engine) as session:
        change_no = store.change(
            session,
            catalogue,
            publication_id,
            by,
            title=title,
            summary=summary,
            kind=kind.value if kind else None,
        )
    _report_change(publication_id, change_no, as_json)


@app.command("import")
def import_(file: Annotated[Path, typer.Argument(metavar="FILE.csv")], as_json: AsJson = False) -> None:
    """Importer publikasjoner fra CSV (tittel;type;publiseres;eier;sammendrag). Alt eller ingenting."""
    from pliktvakt.db import session_scope
    from pliktvakt.publications import store
    from pliktvakt.publications.inputs_csv import PublicationImportError
    from pliktvakt.settings import get_settings
    from pliktvakt.writer_note import writing

    catalogue, engine = _context()
    noted = writing(get_settings().database_url, f"publication import fra {file.name}")
    try:
        with noted, session_scope(engine) as session:
            added = store.import_csv(session, catalogue, file, "csv-import")
            ids = [p.id for p in added]
    except PublicationImportError as exc:
        with session_scope(engine) as session:
            import_id = store.record_rejections(session, exc)
        if as_json:
            print_json(
                {
                    "imported": 0,
                    "import_id": import_id,
                    "file": exc.file,
                    "rejected": [
                        {"line": r.line, "field": r.field, "reason": r.reason, "raw": r.raw}
                        for r in exc.rejected
                    ],
                }
            )
        fail(exc)
        err.print(
            f"De avviste radene er lagret med årsak (import {import_id}, "
            "tabellen publication_import_rejection)."
        )
        raise typer.Exit(2) from None
    if not ids:
        err.print(
            labelled(
                "Advarsel:", "yellow", f"{file} har ingen rader under overskriften; ingenting er lagt inn."
            )
        )
    if as_json:
        return print_json({"imported": len(ids), "ids": ids})
    out.print(f"Importerte {len(ids)} publikasjon(er) fra {file}: id {', '.join(map(str, ids)) or '-'}.")
