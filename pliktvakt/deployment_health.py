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


@dataclass(frozen=True)
class RunSeen:
    expected_start: datetime
    state_type: str  # SCHEDULED, PENDING, RUNNING, COMPLETED, FAILED, CRASHED, CANCELLED, ...
    state_name: str  # e.g. "Late"


@dataclass(frozen=True)
class DeploymentProblem:
    deployment: str
    code: str  # paused | missing | late | failed | crashed | cancelled
    fire_time: datetime | None
    message: str  # bokmål

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


def check_deployment(
    name: str, paused: bool, crons: list[tuple[str, str]], runs: list[RunSeen], now: datetime
) -> DeploymentProblem | None:
    """What is wrong with the deployment's last scheduled run, if anything."""
    if paused:
        return DeploymentProblem(
            name, "paused", None, f"Deployment {name} er satt på pause: planlagte kjøringer er slettet."
        )
    fire = previous_fire(crons, now)
    if fire is None:
        return None
    match = [r for r in runs if abs(r.expected_start - fire) <= timedelta(minutes=1)]
    when = datetime_short(fire.astimezone(OSLO))
    if not match:
        return DeploymentProblem(name, "missing", fire, f"{name} skulle ha kjørt {when}, men har ikke kjørt.")
    run = match[0]
    if run.state_type in BAD_STATES:
        return DeploymentProblem(
            name,
            run.state_type.lower(),
            fire,
            f"Kjøringen av {name} planlagt {when} {BAD_STATES[run.state_type]} ({run.state_name}).",
        )
    if run.state_name == "Late" or run.state_type in ("SCHEDULED", "PENDING"):
        return DeploymentProblem(
            name, "late", fire, f"Kjøringen av {name} planlagt {when} er forsinket ({run.state_name})."
        )
    return None


def ops_alert(problem: DeploymentProblem, today: date, ui_url: str) -> tuple[Key, Message]:
    """The alert to the operations role about ``problem``; its key makes it go once."""
    message = Message(
        f"pliktvakt: {problem.message}", f"{problem.message}\n\nSe kjøringene i Prefect: {ui_url}"
    )
    return problem.alert_key(today.isoformat()), message
