"""Read every pliktvakt deployment and its last scheduled runs from the Prefect API."""

from datetime import date, datetime, timedelta

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterTags,
    FlowRunFilter,
    FlowRunFilterDeploymentId,
    FlowRunFilterExpectedStartTime,
)
from prefect.client.schemas.schedules import CronSchedule

from pliktvakt.deployment_health import DeploymentProblem, RunSeen, check_deployment, previous_fire
from tasks.common import io_task

TAG = "pliktvakt"


@io_task(name="check-deployments", retries=2, retry_delay_seconds=5)
def check_deployments(now: datetime, go_live: date | None = None) -> list[DeploymentProblem]:
    """Each pliktvakt deployment's last schedule slot since it was created (and since go-live)."""
    problems = []
    with get_client(sync_client=True) as client:
        deployments = client.read_deployments(
            deployment_filter=DeploymentFilter(tags=DeploymentFilterTags(all_=[TAG]))
        )
        for deployment in deployments:
            crons = [
                (s.schedule.cron, s.schedule.timezone or "UTC")
                for s in deployment.schedules
                if s.active and isinstance(s.schedule, CronSchedule)
            ]
            fire = previous_fire(crons, now)
            runs = _runs_near(client, deployment.id, fire) if fire else []
            problem = check_deployment(
                deployment.name,
                bool(deployment.paused),
                crons,
                runs,
                now,
                created=deployment.created,
                go_live=go_live,
                deployment_id=str(deployment.id),
            )
            if problem:
                problems.append(problem)
    return problems


def _runs_near(client, deployment_id, fire: datetime) -> list[RunSeen]:
    window = FlowRunFilterExpectedStartTime(
        after_=fire - timedelta(minutes=1), before_=fire + timedelta(minutes=1)
    )
    runs = client.read_flow_runs(
        flow_run_filter=FlowRunFilter(
            deployment_id=FlowRunFilterDeploymentId(any_=[deployment_id]), expected_start_time=window
        ),
        limit=10,
    )
    return [
        RunSeen(r.expected_start_time, r.state.type.value, r.state.name, str(r.id), r.state.message or "")
        for r in runs
        if r.state
    ]
