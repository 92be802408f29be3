"""`pliktvakt settlement approve|reject`: a person's decision on the settlement analysis that
waits for approval (instruction 2.2: "kvalitetssikret"), the same as the run form in the
Prefect UI. The waiting run records the decision in the audit log and goes on."""

from typing import Annotated

import typer

from cli.common import fail, out, running_prefect_server

# Each command imports what it needs when it runs (Prefect): see cli.py.

app = typer.Typer(
    help="Bosetting: godkjenn eller avvis analysen som venter (pkt. 2.2).", no_args_is_help=True
)

FLOW = "settlement-analysis"
Run = Annotated[
    str,
    typer.Argument(metavar="KJØRING", help="Id-en til kjøringen som venter (står i varselet og i Prefect)."),
]
By = Annotated[str, typer.Option("--by", metavar="EPOST", help="Din e-postadresse.")]


@app.command("approve")
def approve(
    run: Run, by: By, comment: Annotated[str, typer.Option("--comment", help="Kommentar.")] = ""
) -> None:
    """Godkjenn analysen: rapporten sendes til departementet og nøkkeltallene publiseres."""
    _answer(run, "godkjent", by, comment)


@app.command("reject")
def reject(
    run: Run, by: By, comment: Annotated[str, typer.Option("--comment", help="Hvorfor analysen avvises.")]
) -> None:
    """Avvis analysen: ingenting sendes eller publiseres, og kjøringen ender Failed."""
    _answer(run, "avvist", by, comment)


def _fail(message: str) -> None:
    fail(message)  # the consoles print text, never markup (cli_common)
    raise typer.Exit(2)


def _answer(run: str, decision: str, by: str, comment: str) -> None:
    from uuid import UUID

    from pydantic import ValidationError

    from flows.approval import ApprovalForm

    try:
        run_id = UUID(run)
    except ValueError:
        _fail(f"«{run}» er ikke en kjørings-id (en UUID, som i varselet).")
    try:
        answer = ApprovalForm(decision=decision, by=by.strip(), comment=comment.strip())
    except ValidationError:
        _fail(f"«{by}» er ikke en e-postadresse (--by), eller kommentaren er over 2000 tegn.")
    with _server():
        _resume(run_id, {"decision": answer.decision, "by": answer.by, "comment": answer.comment})
    verb = "godkjent: rapporten sendes og tallene publiseres" if decision == "godkjent" else "avvist"
    out.print(f"Analysen i kjøring {run_id} er {verb}. Se kjøringen i Prefect for resultatet.")


def _resume(run_id, run_input: dict) -> None:
    from prefect import get_client
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            flow_run = client.read_flow_run(run_id)
        except ObjectNotFound:
            _fail(f"Fant ingen kjøring {run_id} i Prefect.")
        if client.read_flow(flow_run.flow_id).name != FLOW:
            _fail(f"Kjøring {run_id} er ikke en kjøring av {FLOW}.")
        if not (flow_run.state and flow_run.state.is_paused()):
            state = flow_run.state.name if flow_run.state else "ukjent"
            _fail(f"Kjøring {run_id} venter ikke på godkjenning (status {state}).")
        result = client.resume_flow_run(run_id, run_input=run_input)
    if result.status.value != "ACCEPT":
        _fail(f"Prefect tok ikke imot svaret: {result.details.reason or result.status.value}")


def _server():
    """The server the waiting run is on: PREFECT_API_URL's, or `make run`'s."""
    from prefect.settings import temporary_settings

    found = running_prefect_server()
    if found is None:
        _fail("Ingen Prefect-server svarer: sett PREFECT_API_URL, eller start `make run`.")
    return temporary_settings(updates=found)
