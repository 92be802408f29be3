"""Tell the operations role about an event a Prefect automation caught (Failed, Crashed,
Late runs; a work pool that is not ready). Run by the automations in deployments/automations.py."""

from datetime import datetime

from prefect import flow, get_run_logger

from flows.run_end import delivery_problems, finish
from pliktvakt import clock
from pliktvakt.notify import Key, Message
from pliktvakt.settings import get_settings
from tasks.common import engine_for, load_catalogue_task
from tasks.delivery import deliver_outbox
from tasks.watch import queue_ops_alerts

EVENT_NAMES = {
    "prefect.flow-run.Failed": "feilet",
    "prefect.flow-run.Crashed": "krasjet",
    "prefect.flow-run.Late": "er forsinket",
    "prefect.work-pool.not-ready": "er ikke klar",
}


DUTY = "ops"


@flow(name="ops-alert")
def ops_alert(event: str, resource: str, event_id: str, as_of: datetime | None = None):
    logger = get_run_logger()
    settings, now = get_settings(), clock.resolve(as_of)
    catalogue = load_catalogue_task(settings)
    what = EVENT_NAMES.get(event, event)
    kind = "Arbeidsgruppen" if event.startswith("prefect.work-pool") else "Kjøringen"
    subject = f"pliktvakt: {kind} {resource} {what}"
    body = f"{kind} {resource} {what} ({event}).\n\nSe Prefect: {settings.ui_url}"
    key = Key(DUTY, f"event-{event_id}".replace(":", "-"), "alert")
    queued = queue_ops_alerts(settings.database_url, catalogue, settings.ops_role, [(key, Message(subject, body))],
                              now.date())
    report = deliver_outbox(engine_for(settings.database_url), settings, catalogue, now, (DUTY,))
    return finish(logger, {"queued": queued, "sent": len(report.sent)}, delivery_problems(report, (DUTY,)))
