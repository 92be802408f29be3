"""`pliktvakt grants-register …`: the grants register (vedlegg 1 pkt. 1) as officers see it.

- ``confirm-upload SHA256 --by EPOST``: the upload file is in the register. Its schemes and
  awards get the file's checksum and the officer as their receipt, and the registration
  occurrences of its awards are completed.
- ``status``: what is not registered yet, and the upload files that wait for confirmation.
"""

import re
from typing import Annotated

import typer

from cli.common import AsJson, AsOf, fail, out, print_listing

app = typer.Typer(
    help="Tilskuddsregisteret: det som er sendt, og opplastinger som venter (vedlegg 1 pkt. 1).",
    no_args_is_help=True,
)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _engine():
    from pliktvakt.db import make_engine
    from pliktvakt.settings import get_settings

    return make_engine(get_settings().database_url)


@app.command("confirm-upload")
def confirm_upload(
    sha: Annotated[
        str, typer.Argument(metavar="SHA256", help="Filens sjekksum (minst 12 tegn), fra varselet.")
    ],
    by: Annotated[str, typer.Option("--by", metavar="EPOST", help="Din e-postadresse.")],
    as_of: AsOf = None,
) -> None:
    """Registrer at opplastingsfilen er lastet opp i tilskuddsregisteret."""
    from pliktvakt import clock
    from pliktvakt.db import session_scope
    from pliktvakt.register import store

    if not EMAIL.match(by.strip()):
        fail(f"«{by}» er ikke en e-postadresse (--by).")
        raise typer.Exit(2)
    with session_scope(_engine()) as session:
        upload, completed = store.confirm(session, sha, by.strip(), clock.resolve(as_of))
        file, rows = upload.file, upload.rows
    out.print(
        f"Opplastingen av {file} ({rows} rader) er registrert som gjort av {by.strip()}. "
        f"{completed} registreringsplikt(er) er fullført med filens sjekksum som kvittering."
    )


@app.command("status")
def status(as_json: AsJson = False) -> None:
    """Det som ikke er registrert ennå, og opplastingsfiler som venter på bekreftelse."""
    from sqlmodel import select

    from pliktvakt.db import session_scope
    from pliktvakt.register import store, texts
    from pliktvakt.register.tables import RegisterUpload

    with session_scope(_engine()) as session:
        rows = [texts.submission_row(s) for s in store.unresolved(session)]
        waiting = session.exec(select(RegisterUpload).where(RegisterUpload.confirmed_at.is_(None))).all()
        uploads = [{"Fil": u.file, "SHA-256": u.sha256, "Rader": str(u.rows)} for u in waiting]
    if as_json:
        from cli.common import print_json

        return print_json({"unregistered": rows, "uploads_waiting": uploads})
    if not rows and not uploads:
        out.print("Alt pliktvakt skal registrere, har tilskuddsregisterets kvittering.")
        return
    columns = ("Type", "Referanse", "Gjelder", "Status", "Siste feil")
    print_listing(rows, False, columns, lambda r: [r[c] for c in columns], "Ikke registrert")
    print_listing(
        uploads, False, ("Fil", "SHA-256", "Rader"), lambda u: list(u.values()), "Venter på opplasting"
    )
