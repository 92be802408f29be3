"""The settlement analysis that waits for a person (pkt. 2.2), answered from the desk: the
Prefect run is resumed through Prefect's API, as `pliktvakt settlement approve|reject` does,
so the officer never needs Prefect's shared credential. The waiting run audits the decision
with the officer's address as actor."""

from uuid import UUID

from desk.web import Refused

FLOW = "settlement-analysis"


def _server():
    from prefect.settings import temporary_settings

    from deployments.local_server import running_server_settings

    found, _ = running_server_settings()
    if found is None:
        raise Refused(
            503,
            "Prefect svarer ikke",
            "Bosettingsanalysen kjøres i Prefect, og ingen Prefect-server svarer nå. Prøv igjen senere, "
            "eller si fra til drift. Ingenting er endret.",
        )
    return temporary_settings(updates=found)


def waiting_runs() -> tuple[list[dict], str | None]:
    """The paused runs of the analysis, newest first; or a bokmål reason why none can be read."""
    from prefect import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowRunFilter, FlowRunFilterState
    from prefect.client.schemas.objects import StateType

    try:
        with _server(), get_client(sync_client=True) as client:
            runs = client.read_flow_runs(
                flow_filter=FlowFilter(name={"any_": [FLOW]}),
                flow_run_filter=FlowRunFilter(state=FlowRunFilterState(type={"any_": [StateType.PAUSED]})),
                limit=20,
            )
    except Refused as exc:
        return [], exc.text
    return [
        {"id": str(run.id), "name": run.name, "since": run.state.timestamp if run.state else ""}
        for run in runs
    ], None


def answer(run: str, decision: str, by: str, comment: str) -> None:
    from prefect import get_client
    from prefect.exceptions import ObjectNotFound
    from pydantic import ValidationError

    from flows.approval import ApprovalForm

    try:
        run_id = UUID(run)
        form = ApprovalForm(decision=decision, by=by, comment=comment)
    except (ValueError, ValidationError):
        raise Refused(
            400, "Ugyldig svar", "Kjøringen eller kommentaren (høyst 2000 tegn) er ugyldig."
        ) from None
    with _server(), get_client(sync_client=True) as client:
        try:
            flow_run = client.read_flow_run(run_id)
        except ObjectNotFound:
            raise Refused(404, "Fant ikke kjøringen", f"Fant ingen kjøring {run_id} i Prefect.") from None
        if client.read_flow(flow_run.flow_id).name != FLOW or not (
            flow_run.state and flow_run.state.is_paused()
        ):
            raise Refused(
                409, "Venter ikke", f"Kjøring {run_id} venter ikke på godkjenning. Ingenting er endret."
            )
        result = client.resume_flow_run(
            run_id, run_input={"decision": form.decision, "by": form.by, "comment": form.comment}
        )
    if result.status.value != "ACCEPT":
        raise Refused(
            409,
            "Ikke tatt imot",
            f"Prefect tok ikke imot svaret: {result.details.reason or result.status.value}",
        )
