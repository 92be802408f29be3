"""The ministry's 14-day notice before publishing (instruks pkt. 6.1), and evaluations
found in Kudos (pkt. 4.3). Daily; re-running a day sends nothing twice (outbox keys)."""

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact

from flows.forms import AsOf
from flows.run_end import delivery_problems, finish
from pliktvakt import clock
from pliktvakt.publications.render import gate_description, gate_table
from pliktvakt.publications.rules import DUTY
from pliktvakt.publications.store_day import DayReport, GateLine
from pliktvakt.settings import get_settings
from pliktvakt.tables import OutboxStatus
from tasks.common import engine_for, load_catalogue_task
from tasks.delivery import DeliveryReport, deliver_outbox
from tasks.kudos import kudos_lookup
from tasks.publications import (
    apply_kudos,
    kudos_candidates,
    plan_publications,
    read_gate,
    record_notice_receipts,
)


@flow(name="prepublication-notice", log_prints=False)
def prepublication_notice(as_of: AsOf = None):
    logger = get_run_logger()
    settings = get_settings()
    now = clock.resolve(as_of)
    catalogue = load_catalogue_task(settings)
    url = settings.database_url

    # Receipts first, so the day plan counts from what another run (the watch) delivered.
    completed = record_notice_receipts(url, now)
    plan = plan_publications(url, catalogue, settings, now.date())
    for publication_id, title in kudos_candidates(url, catalogue, now.date()):
        lookup = kudos_lookup(settings, title)
        logger.info("Kudos, publikasjon %d: %s", publication_id, lookup.message)
        plan = plan.merged(apply_kudos(url, catalogue, settings, publication_id, lookup, now.date(), now))

    delivery = deliver_outbox(engine_for(url), settings, catalogue, now, (DUTY,))
    completed += record_notice_receipts(url, now)

    gates = read_gate(url, now.date())
    create_table_artifact(
        key="prepublication-gate", table=gate_table(gates), description=gate_description(now.date())
    )
    summary = _summary(plan, delivery, completed, gates)
    logger.info("Publiseringer: %s", summary)
    return finish(logger, summary, plan.problems + delivery_problems(delivery, (DUTY,)))


def _summary(plan: DayReport, delivery: DeliveryReport, completed: list[int], gates: list[GateLine]) -> dict:
    return {
        "queued": len(plan.queued),
        OutboxStatus.SENT: len(delivery.sent),
        "failed": len(delivery.failed),
        "pending_no_channel": len(delivery.no_channel),
        "marked_late": plan.marked_late,
        "published": plan.published,
        "notices_completed": completed,
        "blocked": [line.id for line in gates if line.blocked],
    }
