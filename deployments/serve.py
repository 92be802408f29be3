"""Serve every deployment in prefect.yaml from this process (the embedded default).

prefect.yaml is the one source of the deployments; this module reads it so that the
embedded default and production run the same schedules.
"""

import importlib
from pathlib import Path

import yaml
from prefect import serve
from prefect.client.schemas.objects import ConcurrencyLimitConfig
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron, Interval, RRule

ROOT = Path(__file__).resolve().parent.parent


def load_spec(path: Path = ROOT / "prefect.yaml") -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["deployments"]


def _flow(entrypoint: str):
    module_path, name = entrypoint.split(":")
    module = importlib.import_module(module_path.removesuffix(".py").replace("/", "."))
    return getattr(module, name)


def _schedule(spec: dict):
    tz = spec.get("timezone", "Europe/Oslo")
    if "cron" in spec:
        return Cron(spec["cron"], timezone=tz)
    if "rrule" in spec:
        return RRule(spec["rrule"], timezone=tz)
    return Interval(spec["interval"], timezone=tz)


def _concurrency(spec: dict | int | None) -> ConcurrencyLimitConfig | int | None:
    return ConcurrencyLimitConfig(**spec) if isinstance(spec, dict) else spec


def build_deployments() -> list[RunnerDeployment]:
    return [
        _flow(spec["entrypoint"]).to_deployment(
            name=spec["name"],
            description=spec.get("description"),
            tags=spec.get("tags"),
            schedules=[_schedule(s) for s in spec.get("schedules", [])],
            parameters=spec.get("parameters"),
            concurrency_limit=_concurrency(spec.get("concurrency_limit")),
        )
        for spec in load_spec()
    ]


def register(deployments: list[RunnerDeployment]) -> dict[str, str]:
    """Register every deployment, then the automations (which name ops-alert): the deployment
    ids by name."""
    from deployments.automations import apply_automations

    ids = {deployment.name: str(deployment.apply()) for deployment in deployments}
    apply_automations()
    return ids


# How often the serving process asks the server for runs due. Prefect's default is 10 s;
# `make run`'s start-up runs are deployment runs that wait for this poll (issue 31).
POLL_SECONDS = 2


def serve_deployments(deployments: list[RunnerDeployment]) -> None:
    # Pausing a deployment makes Prefect delete its scheduled runs (DESIGN principle 1).
    serve(*deployments, pause_on_shutdown=False, query_seconds=POLL_SECONDS)


def main() -> None:
    deployments = build_deployments()
    register(deployments)
    serve_deployments(deployments)
