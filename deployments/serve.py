"""Serve every deployment in prefect.yaml from this process (the embedded default).

prefect.yaml is the one source of the deployments (read by flows.registry), so that the
embedded default and production run the same schedules.
"""

import asyncio

from prefect.client.schemas.objects import ConcurrencyLimitConfig
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron, Interval, RRule

from flows.registry import deployment_specs, import_entrypoint


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
        import_entrypoint(spec["entrypoint"]).to_deployment(
            name=spec["name"],
            description=spec.get("description"),
            tags=spec.get("tags"),
            schedules=[_schedule(s) for s in spec.get("schedules", [])],
            parameters=spec.get("parameters"),
            concurrency_limit=_concurrency(spec.get("concurrency_limit")),
        )
        for spec in deployment_specs()
    ]


# How often the serving process asks the server for runs due. Prefect's default is 10 s;
# `make run`'s start-up runs are deployment runs that wait for this poll (issue 31).
POLL_SECONDS = 2


def serve_deployments(deployments: list[RunnerDeployment], when_registered=None, on_sigterm=None) -> None:
    """Register every deployment, then the automations (which name ops-alert), and serve them
    until stopped; ``when_registered(ids by name)`` is called just before serving begins, and
    ``on_sigterm``, when given, handles SIGTERM while serving.

    prefect.serve would register each deployment again after we had registered it for the
    automations: a Runner of our own registers each once (issue 31: start-up time)."""
    from prefect.exceptions import TerminationSignal
    from prefect.flows import _display_serve_start_message
    from prefect.runner import Runner

    from deployments.automations import apply_automations

    # Pausing a deployment makes Prefect delete its scheduled runs (DESIGN principle 1).
    runner = Runner(pause_on_shutdown=False, query_seconds=POLL_SECONDS)
    if on_sigterm is not None:
        # The runner installs ``self.handle_sigterm`` when it starts. Its own stops the loop
        # from a signal handler and hung `make run` after a second SIGTERM (from `uv run`).
        runner.handle_sigterm = on_sigterm
    # One after another: registering them all at once was slower (2 to 4x), as the server's
    # SQLite database takes one write at a time.
    ids = {deployment.name: str(runner.add_deployment(deployment)) for deployment in deployments}
    apply_automations()
    if when_registered is not None:
        when_registered(ids)
    _display_serve_start_message(*deployments)  # "Your deployments are being served …"
    try:
        asyncio.run(runner.start())
    except (KeyboardInterrupt, TerminationSignal):
        pass


def main() -> None:
    serve_deployments(build_deployments())
