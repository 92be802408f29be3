"""The deadline watch: remind, alert and escalate, each step once, and watch the watchers."""

from typing import Annotated

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from flows.forms import AsOf, field
from flows.run_end import delivery_problems, finish
from pliktvakt import clock
from pliktvakt.deployment_health import ops_alert
from pliktvakt.settings import get_settings
from pliktvakt.tables import OutboxStatus
from pliktvakt.watch import DUTY, artifact_description, digest_due, most_serious, who_was_told
from tasks.common import engine_for, load_catalogue_task
from tasks.delivery import DeliveryReport, deliver_outbox
from tasks.grants import scheme_names_task
from tasks.watch import build_digests, queue_alerts, queue_ops_alerts, read_delivery, read_go_live
from tasks.watchers import check_deployments


@flow(name="deadline-watch")
def deadline_watch(
    as_of: AsOf = None,
    check_prefect: Annotated[
        bool, field("Sjekk Prefect", "Sjekk også at alle pliktvakt-deployments har kjørt som planlagt.")
    ] = True,
):
    """Send the reminders, due-day notices, overdue alerts and escalations due now.

    The watch delivers every duty's pending messages, so nothing waits for a duty that has
    not run since; only its own undelivered messages fail its run."""
    logger = get_run_logger()
    settings, now = get_settings(), clock.resolve(as_of)
    url, catalogue = settings.database_url, load_catalogue_task(settings)
    summary = queue_alerts(url, catalogue, now.date(), settings.config_dir)
    problems = check_deployments(now, read_go_live(url)) if check_prefect else []
    if problems:
        alerts = [ops_alert(p, now.date(), settings.ui_url) for p in problems]
        queue_ops_alerts(url, catalogue, settings.ops_role, alerts, now.date())
    if digest_due(now, settings.digest_hour):
        build_digests(url, catalogue, now)
    report = deliver_outbox(engine_for(url), settings, catalogue, now, None)
    shown = most_serious(summary.rows)
    told = read_delivery(url, [key for row in shown for key in row["keys"]])
    create_markdown_artifact(
        key="deadline-watch",
        markdown=who_was_told(shown, told, settings.public_url, scheme_names_task(settings)),
        description=artifact_description(
            now, summary, len(report.sent), len(report.failed), len(report.no_channel)
        ),
    )
    _log(logger, summary, [p.message for p in problems], report)
    return finish(logger, _result(summary, report), delivery_problems(report, (DUTY,)))


def _result(summary, report: DeliveryReport) -> dict:
    return {
        "open_occurrences": summary.open_occurrences,
        "steps_due": summary.steps_due,
        "queued": summary.queued,
        OutboxStatus.SENT: len(report.sent),
        "waiting_for_channel": len(report.no_channel),
    }


def _log(logger, summary, problems: list[str], report: DeliveryReport) -> None:
    logger.info(
        "%d åpne forekomster; %d varseltrinn forfaller nå; %d nye meldinger lagt i utboksen.",
        summary.open_occurrences,
        summary.steps_due,
        summary.queued,
    )
    for problem in problems:
        logger.warning(problem)
    for key, error in report.failed.items():
        if report.duty_of.get(key) != DUTY:
            logger.warning("Ikke levert for en annen plikt (%s): %s: %s", report.duty_of.get(key), key, error)
