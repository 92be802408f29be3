"""Tell the operations role about an event a Prefect automation caught (Failed, Crashed,
Late runs; a work pool that is not ready). Run by the automations in deployments/automations.py."""

from datetime import datetime

from prefect import flow, get_run_logger

from flows.run_end import delivery_problems, finish
from pliktvakt import clock
from pliktvakt.settings import get_settings
from pliktvakt.tables import OutboxStatus
from pliktvakt.texts import OPS_DUTY as DUTY
from pliktvakt.texts import ops_event_alert
from tasks.common import engine_for, load_catalogue_task
from tasks.delivery import deliver_outbox
from tasks.watch import queue_ops_alerts


@flow(name="ops-alert")
def ops_alert(
    event: str,
    resource: str,
    event_id: str,
    run_id: str = "",
    deployment: str = "",
    reason: str = "",
    as_of: datetime | None = None,
):
    """Varsle driftsrollen om en hendelse en automasjon fanget: kjøringen, deploymenten, årsaken
    og lenken til kjøringen."""
    logger = get_run_logger()
    settings, now = get_settings(), clock.resolve(as_of)
    catalogue = load_catalogue_task(settings)
    alert = ops_event_alert(event, resource, event_id, settings.ui_url, run_id, deployment, reason)
    queued = queue_ops_alerts(settings.database_url, catalogue, settings.ops_role, [alert], now.date())
    report = deliver_outbox(engine_for(settings.database_url), settings, catalogue, now, (DUTY,))
    return finish(
        logger, {"queued": queued, OutboxStatus.SENT: len(report.sent)}, delivery_problems(report, (DUTY,))
    )
