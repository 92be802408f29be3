"""Watching the watchers, through a real Prefect server: deployments that did not run, or
whose run failed, are reported; the automations and the ops alert reach operations staff."""

from datetime import datetime, timedelta, timezone

from prefect import flow
from prefect.client.orchestration import get_client
from prefect.states import Completed, Failed, Scheduled

from deployments.automations import apply_automations
from deployments.serve import build_deployments
from flows.ops_alert import ops_alert
from pliktvakt.clock import OSLO
from pliktvakt.deployment_health import RunSeen, check_deployment, previous_fire
from pliktvakt.settings import get_settings
from tasks.watchers import check_deployments

DAILY_SIX = [("0 6 * * *", "Europe/Oslo")]


def test_previous_fire_honours_grace_and_timezone():
    # 06:05 Oslo on 9 Mar 2026 (CET): within the 10-minute grace, so the last fire counted
    # is 06:00 the day before.
    now = datetime(2026, 3, 9, 6, 5, tzinfo=OSLO)
    assert previous_fire(DAILY_SIX, now) == datetime(2026, 3, 8, 6, 0, tzinfo=OSLO)
    assert previous_fire(DAILY_SIX, now + timedelta(minutes=10)) == datetime(2026, 3, 9, 6, 0, tzinfo=OSLO)


def test_check_deployment_decisions():
    now = datetime(2026, 3, 9, 7, 0, tzinfo=OSLO)
    fire = datetime(2026, 3, 9, 6, 0, tzinfo=OSLO)
    assert check_deployment("d", False, DAILY_SIX, [RunSeen(fire, "COMPLETED", "Completed")], now) is None
    assert check_deployment("d", False, DAILY_SIX, [], now).code == "missing"
    assert check_deployment("d", False, DAILY_SIX, [RunSeen(fire, "FAILED", "Failed")], now).code == "failed"
    assert (
        check_deployment("d", False, DAILY_SIX, [RunSeen(fire, "CRASHED", "Crashed")], now).code == "crashed"
    )
    assert check_deployment("d", False, DAILY_SIX, [RunSeen(fire, "SCHEDULED", "Late")], now).code == "late"
    assert check_deployment("d", True, DAILY_SIX, [], now).code == "paused"
    # A run for another fire time does not count.
    other = RunSeen(fire - timedelta(days=1), "COMPLETED", "Completed")
    assert check_deployment("d", False, DAILY_SIX, [other], now).code == "missing"


@flow(name="watched-duty")
def watched_duty() -> None:
    return None


def test_check_deployments_reads_prefect(prefect_server):
    healthy = watched_duty.to_deployment(name="healthy", tags=["pliktvakt"], cron="*/5 * * * *").apply()
    broken = watched_duty.to_deployment(name="broken", tags=["pliktvakt"], cron="*/5 * * * *").apply()
    watched_duty.to_deployment(name="not-ours", tags=["other"], cron="*/5 * * * *").apply()
    # Checked 20 minutes ahead, so the slot looked at (10 minutes' grace, every 5 minutes) comes
    # after the deployments were made: a slot before that is never missed.
    now = datetime.now(timezone.utc) + timedelta(minutes=20)
    fire = previous_fire([("*/5 * * * *", "UTC")], now)
    with get_client(sync_client=True) as client:
        for deployment_id, state in [(healthy, Completed()), (broken, Failed())]:
            # Created as scheduled for the fire time, as Prefect's scheduler does, then finished.
            run = client.create_flow_run_from_deployment(deployment_id, state=Scheduled(scheduled_time=fire))
            client.set_flow_run_state(run.id, state, force=True)
    problems = {p.deployment: p.code for p in check_deployments.fn(now)}
    assert problems.get("broken") == "failed"
    assert "healthy" not in problems and "not-ours" not in problems


def test_automations_are_applied_once_and_ops_alert_mails_operations(
    prefect_server, env, smtp_server, monkeypatch
):
    for deployment in build_deployments():
        deployment.apply()
    names = apply_automations()
    apply_automations()  # a second time updates, not duplicates
    with get_client(sync_client=True) as client:
        automations = [a for a in client.read_automations() if a.name.startswith("pliktvakt:")]
    assert sorted(a.name for a in automations) == sorted(names) and len(names) == 3
    monkeypatch.setenv("PLIKTVAKT_EMAIL_URL", smtp_server.url)
    get_settings.cache_clear()
    for _ in range(2):  # the same event twice alerts once
        ops_alert(
            event="prefect.flow-run.Failed",
            resource="deadline-watch",
            event_id="evt-1",
            as_of="2026-03-09T10:00:00",
        )
    mails = smtp_server.to("drift@imdi.example")
    assert [str(m["Subject"]) for m in mails] == ["pliktvakt: Kjøringen deadline-watch feilet"]
