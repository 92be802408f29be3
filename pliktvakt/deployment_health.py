"""Watching the watchers: did each deployment's last scheduled run happen and complete?

Pure decisions on plain data; tasks/watchers.py reads the data from the Prefect API.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from cronsim import CronSim

from pliktvakt.bokmal import datetime_short
from pliktvakt.clock import OSLO
from pliktvakt.notify import Key, Message

# A scheduled run gets this long to start and finish before it counts as missing.
GRACE = timedelta(minutes=10)
BAD_STATES = {"FAILED": "feilet", "CRASHED": "krasjet", "CANCELLED": "ble avbrutt"}
# The name of the Failed state a run ends in when an officer's input was refused (a form with
# a mistake in it). Prefect names its event after the state (prefect.flow-run.Avvist), so the
# operations automation, which listens for ...Failed and ...Crashed, does not fire; and the
# watch does not count it either. The officer sees the reason on the run; operations has
# nothing to mend.
REFUSED_STATE = "Avvist"


@dataclass(frozen=True)
class RunSeen:
    expected_start: datetime
    state_type: str  # SCHEDULED, PENDING, RUNNING, COMPLETED, FAILED, CRASHED, CANCELLED, ...
    state_name: str  # e.g. "Late"
    id: str = ""  # the flow run's id, for the link to it
    state_message: str = ""  # the reason the run gave, if any


@dataclass(frozen=True)
class DeploymentProblem:
    deployment: str
    code: str  # paused | missing | late | failed | crashed | cancelled
    fire_time: datetime | None
    message: str  # bokmål
    run_id: str = ""  # the run concerned, if there is one
    deployment_id: str = ""
    reason: str = ""  # the run's own state message

    def alert_key(self, today_iso: str) -> Key:
        """One alert per problem and fire time; a paused deployment is told once a day."""
        when = self.fire_time.isoformat() if self.fire_time else today_iso
        return Key("watch", f"deployment-{self.deployment}-{when}".replace(":", "-"), self.code)


def previous_fire(crons: list[tuple[str, str]], now: datetime) -> datetime | None:
    """The latest time before ``now - GRACE`` that any of the (cron, timezone) schedules fired."""
    fires = []
    for cron, tz in crons:
        start = (now - GRACE).astimezone(ZoneInfo(tz)).replace(second=0, microsecond=0)
        fires.append(next(iter(CronSim(cron, start, reverse=True))))
    return max(fires) if fires else None


def slot_counts(fire: datetime, created: datetime | None, go_live: date | None) -> bool:
    """Whether a schedule slot should have run: not before the deployment existed (Prefect's
    scheduler makes runs for slots ahead, never behind), nor before pliktvakt went live."""
    if created is not None and fire < created:
        return False
    return go_live is None or fire.astimezone(OSLO).date() >= go_live


def check_deployment(
    name: str,
    paused: bool,
    crons: list[tuple[str, str]],
    runs: list[RunSeen],
    now: datetime,
    created: datetime | None = None,
    go_live: date | None = None,
    deployment_id: str = "",
) -> DeploymentProblem | None:
    """What is wrong with the deployment's last scheduled run, if anything."""
    if paused:
        return DeploymentProblem(
            name,
            "paused",
            None,
            f"Deployment {name} er satt på pause: planlagte kjøringer er slettet.",
            deployment_id=deployment_id,
        )
    fire = previous_fire(crons, now)
    if fire is None or not slot_counts(fire, created, go_live):
        return None
    match = [r for r in runs if abs(r.expected_start - fire) <= timedelta(minutes=1)]
    when = datetime_short(fire.astimezone(OSLO))
    if not match:
        return DeploymentProblem(
            name,
            "missing",
            fire,
            f"{name} skulle ha kjørt {when}, men har ikke kjørt.",
            deployment_id=deployment_id,
        )
    run = match[0]
    found = {"run_id": run.id, "deployment_id": deployment_id, "reason": run.state_message}
    if run.state_type in BAD_STATES and run.state_name != REFUSED_STATE:
        return DeploymentProblem(
            name,
            run.state_type.lower(),
            fire,
            f"Kjøringen av {name} planlagt {when} {BAD_STATES[run.state_type]} ({run.state_name}).",
            **found,
        )
    if run.state_name == "Late" or run.state_type in ("SCHEDULED", "PENDING"):
        return DeploymentProblem(
            name,
            "late",
            fire,
            f"Kjøringen av {name} planlagt {when} er forsinket ({run.state_name}).",
            **found,
        )
    return None


def run_link(ui_url: str, run_id: str) -> str:
    return f"{ui_url.rstrip('/')}/runs/flow-run/{run_id}"


def ops_alert(problem: DeploymentProblem, today: date, ui_url: str) -> tuple[Key, Message]:
    """The alert to the operations role about ``problem``: the deployment, the run, its reason
    and the link to it (or to the deployment, when no run exists); its key makes it go once."""
    lines = [problem.message, "", f"Deployment: {problem.deployment}"]
    if problem.run_id:
        lines.append(f"Kjøring: {problem.run_id}")
    if problem.reason:
        lines.append(f"Årsak: {problem.reason}")
    if problem.run_id:
        lines.append(f"Se kjøringen: {run_link(ui_url, problem.run_id)}")
    elif problem.deployment_id:
        lines.append(f"Se deploymenten: {ui_url.rstrip('/')}/deployments/deployment/{problem.deployment_id}")
    else:
        lines.append(f"Se kjøringene i Prefect: {ui_url.rstrip('/')}/runs")
    return problem.alert_key(today.isoformat()), Message(f"pliktvakt: {problem.message}", "\n".join(lines))
