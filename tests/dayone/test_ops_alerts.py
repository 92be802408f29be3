"""Operations alerts that mean something, against a real Prefect server: no alert for a slot
before the deployment existed; a real missed slot still alerts; an officer's typing mistake in
a run form ends the run «Avvist» with the bokmål reason and pages nobody; the alert about a
real failure names the run, its deployment, the reason and the link to the run."""

import os
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone

import pytest
from prefect import flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterName,
    LogFilter,
    LogFilterFlowRunId,
)
from prefect.exceptions import PrefectHTTPStatusError
from prefect.schedules import Cron
from prefect.settings import PREFECT_API_URL
from prefect.states import Failed

from deployments.automations import apply_automations
from deployments.serve import build_deployments
from pliktvakt.clock import OSLO
from pliktvakt.deployment_health import (
    REFUSED_STATE,
    DeploymentProblem,
    RunSeen,
    check_deployment,
    ops_alert,
)
from pliktvakt.texts import ops_event_alert
from tests.conftest import ROOT

DAILY_SIX = [("0 6 * * *", "Europe/Oslo")]


@flow(name="new-duty")
def new_duty() -> None:
    return None


def test_slots_before_creation_or_go_live_are_not_missed():
    """Worked out by hand: the 06:00 slot on 9 Mar 2026, checked at 07:00. Missing if the
    deployment existed then; not if it was created at 06:30, nor if pliktvakt goes live on 10 Mar."""
    now = datetime(2026, 3, 9, 7, 0, tzinfo=OSLO)
    assert check_deployment("d", False, DAILY_SIX, [], now).code == "missing"
    made = datetime(2026, 3, 9, 6, 30, tzinfo=OSLO)
    assert check_deployment("d", False, DAILY_SIX, [], now, created=made) is None
    assert check_deployment("d", False, DAILY_SIX, [], now, go_live=date(2026, 3, 10)) is None
    assert check_deployment("d", False, DAILY_SIX, [], now, go_live=date(2026, 3, 9)).code == "missing"
    earlier = datetime(2026, 3, 9, 5, 59, tzinfo=OSLO)
    assert check_deployment("d", False, DAILY_SIX, [], now, created=earlier).code == "missing"
    # A run refused on an officer's input is theirs to correct, not a failed deployment.
    fire = datetime(2026, 3, 9, 6, 0, tzinfo=OSLO)
    refused = RunSeen(fire, "FAILED", REFUSED_STATE, "r1", "Vedtaket ble ikke registrert: …")
    assert check_deployment("d", False, DAILY_SIX, [refused], now) is None


def test_a_deployment_created_today_is_not_missed_but_a_later_slot_is(prefect_server):
    from tasks.watchers import check_deployments

    # Daily at 06:00 Oslo: every slot up to now is before the deployment was created (now).
    daily = new_duty.to_deployment(
        name="new-daily", tags=["pliktvakt"], schedules=[Cron("0 6 * * *", timezone="Europe/Oslo")]
    ).apply()
    # Each minute: a day from now, the slot 10 minutes before (the grace) is a day after the
    # deployment was made, and nothing ran then.
    minutely = new_duty.to_deployment(name="new-minutely", tags=["pliktvakt"], cron="* * * * *").apply()
    now = datetime.now(timezone.utc)
    problems = {p.deployment: p for p in check_deployments.fn(now)}
    assert "new-daily" not in problems and "new-minutely" not in problems
    new_duty.to_deployment(
        name="new-daily", tags=["pliktvakt"], schedules=[Cron("0 6 * * *", timezone="Europe/Oslo")]
    ).apply()
    assert "new-daily" not in {p.deployment for p in check_deployments.fn(now)}  # a restart re-applies it

    later = {p.deployment: p for p in check_deployments.fn(now + timedelta(days=1))}
    missed = later["new-minutely"]
    assert missed.code == "missing" and "skulle ha kjørt" in missed.message
    assert missed.deployment_id == str(minutely)
    # Pliktvakt going live in two days: the slot is before it, so not missed.
    assert "new-minutely" not in {
        p.deployment for p in check_deployments.fn(now + timedelta(days=1), now.date() + timedelta(days=2))
    }
    _, message = ops_alert(missed, now.date(), "http://127.0.0.1:4242/")
    assert f"http://127.0.0.1:4242/deployments/deployment/{minutely}" in message.text
    assert str(daily) not in message.text


def test_the_alert_on_a_failed_run_names_run_deployment_reason_and_link():
    problem = DeploymentProblem(
        "deadline-watch",
        "failed",
        datetime(2026, 12, 7, 6, 0, tzinfo=OSLO),
        "Kjøringen av deadline-watch planlagt 07.12.2026 06:00 feilet (Failed).",
        run_id="0b6f0c3e-1",
        deployment_id="d-1",
        reason="1 melding(er) ble ikke levert",
    )
    _, message = ops_alert(problem, date(2026, 12, 7), "http://127.0.0.1:4300")
    assert "Deployment: deadline-watch" in message.text
    assert "Årsak: 1 melding(er) ble ikke levert" in message.text
    assert "Se kjøringen: http://127.0.0.1:4300/runs/flow-run/0b6f0c3e-1" in message.text
    _, event = ops_event_alert(
        "prefect.flow-run.Failed",
        "deft-sambar",
        "evt-9",
        "http://127.0.0.1:4300",
        run_id="prefect.flow-run.5d1c",
        deployment="deadline-watch",
        reason="SMTP-serveren svarte ikke",
    )
    assert event.subject == "pliktvakt: Kjøringen deft-sambar av deadline-watch feilet"
    assert "Årsak: SMTP-serveren svarte ikke" in event.text
    assert "Se kjøringen: http://127.0.0.1:4300/runs/flow-run/5d1c" in event.text


# A form the schema accepts and the domain refuses: the organisation number fails its check
# digit (974760673 is valid; the last digit changed).
BAD_FORM = {
    "round_name": "Runde 2027",
    "scheme": "integreringsarbeid-frivillige-organisasjoner",
    "year": 2027,
    "applicant": "Frivillig forening",
    "orgnr": "974760674",
    "amount_applied": "100000",
    "amount_awarded": "100000",
    "computation": "Sats etter regelverket",
    "applicant_kind": "privat",
    "recorded_by": "kari.nordmann@imdi.example",
}


def _execute_as_a_worker_does(flow_run_id, env) -> subprocess.CompletedProcess:
    """`python -m prefect.engine RUN`: how a process worker (and `serve`) runs a deployment run."""
    return subprocess.run(
        [sys.executable, "-m", "prefect.engine", str(flow_run_id)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _ops_alert_runs(client) -> list:
    return client.read_flow_runs(
        deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=["ops-alert"]))
    )


def _wait_for_ops_alert_runs(client, count: int, seconds: float = 60) -> list:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        runs = _ops_alert_runs(client)
        if len(runs) >= count:
            return runs
        time.sleep(0.5)
    return _ops_alert_runs(client)


def test_a_form_run_with_a_bad_scheme_is_refused_and_pages_nobody(prefect_server, env):
    """A scheme id that does not exist is refused by the server (the form lists the schemes), so
    no run exists to page anyone. A deployment run of grant-decision-add, executed as a worker
    does, with an organisation number that fails its check digit ends «Avvist». Then a real
    failure of a pliktvakt run, to show the automation does fire, with the run, its deployment,
    the reason and the link."""
    wanted = {"grant-decision-add", "ops-alert"}
    for deployment in build_deployments():
        if deployment.name in wanted:
            deployment.apply()
    apply_automations()
    worker_env = {
        **os.environ,
        "PREFECT_API_URL": PREFECT_API_URL.value(),
        "PLIKTVAKT_DATABASE_URL": env.database_url,
        "PLIKTVAKT_CONFIG_DIR": str(env.config_dir),
    }
    with get_client(sync_client=True) as client:
        form = client.read_deployment_by_name("grant-decision-add/grant-decision-add")
        # A scheme id not in the form's list is refused by the server itself: no run, no page.
        with pytest.raises(PrefectHTTPStatusError, match="409") as refused_by_server:
            client.create_flow_run_from_deployment(form.id, parameters=BAD_FORM | {"scheme": "finnes-ikke"})
        assert "finnes-ikke" in str(refused_by_server.value)
        run = client.create_flow_run_from_deployment(form.id, parameters=BAD_FORM)
        done = _execute_as_a_worker_does(run.id, worker_env)
        state = client.read_flow_run(run.id).state
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run.id])))
        run_logs = "\n".join(log.message for log in logs)

        assert (state.type.value, state.name) == ("FAILED", REFUSED_STATE)
        assert state.message == (
            "Vedtaket ble ikke registrert: feltet «orgnr»: ugyldig organisasjonsnummer «974760674»: "
            "kontrollsifferet stemmer ikke"
        )
        assert state.message in run_logs
        assert "Traceback" not in run_logs and "Traceback" not in done.stderr, run_logs + done.stderr

        # A real failure of a pliktvakt run: the automation runs ops-alert, with what it needs.
        failing = client.create_flow_run_from_deployment(form.id, parameters=BAD_FORM)
        client.set_flow_run_state(failing.id, Failed(message="SMTP-serveren svarte ikke"), force=True)
        [alert] = _wait_for_ops_alert_runs(client, 1)
        assert alert.parameters["run_id"] == f"prefect.flow-run.{failing.id}"
        assert alert.parameters["deployment"] == "grant-decision-add"
        assert alert.parameters["reason"] == "SMTP-serveren svarte ikke"
        assert alert.parameters["event"] == "prefect.flow-run.Failed"
        # The refused run made no ops-alert run: the only one is the real failure's.
        assert [r.id for r in _ops_alert_runs(client)] == [alert.id]
