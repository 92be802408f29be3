"""Tell the operations role about an event a Prefect automation caught (Failed, Crashed,
Late runs; a work pool that is not ready). Run by the automations in deployments/automations.py."""

from datetime import datetime

from prefect import flow

from pliktvakt import clock
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


@flow(name="ops-alert")
def ops_alert(event: str, resource: str, event_id: str, as_of: datetime | None = None) -> dict:
    settings, now = get_settings(), clock.resolve(as_of)
    catalogue = load_catalogue_task(settings)
    what = EVENT_NAMES.get(event, event)
    kind = "Arbeidsgruppen" if event.startswith("prefect.work-pool") else "Kjøringen"
    subject = f"pliktvakt: {kind} {resource} {what}"
    body = f"{kind} {resource} {what} ({event}).\n\nSe Prefect: {settings.ui_url}"
    queued = queue_ops_alerts(settings.database_url, catalogue, settings.ops_role,
                              [(f"automation:{event_id}", subject, body)], now.date())
    report = deliver_outbox(engine_for(settings.database_url), settings, catalogue, now)
    if report.failed:
        raise RuntimeError(f"{len(report.failed)} melding(er) ble ikke levert.")
    return {"queued": queued, "sent": len(report.sent)}
