"""The deadline watch: remind, alert and escalate, each step once, and watch the watchers."""

from datetime import datetime

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact

from flows.run_end import delivery_problems, finish
from pliktvakt import clock
from pliktvakt.notify import Message
from pliktvakt.settings import get_settings
from tasks.common import engine_for, load_catalogue_task
from tasks.delivery import deliver_outbox
from tasks.watch import DUTY, build_digests, queue_alerts, queue_ops_alerts, who_was_told
from tasks.watchers import check_deployments


@flow(name="deadline-watch")
def deadline_watch(as_of: datetime | None = None, check_prefect: bool = True):
    """Send the reminders, due-day notices, overdue alerts and escalations due now.

    The watch delivers every duty's pending messages, so nothing waits for a duty that has
    not run since; only its own undelivered messages fail its run."""
    logger = get_run_logger()
    settings, now = get_settings(), clock.resolve(as_of)
    catalogue = load_catalogue_task(settings)
    summary = queue_alerts(settings.database_url, catalogue, now.date(), settings.ui_url)
    logger.info("%d åpne forekomster; %d varseltrinn forfaller nå; %d nye meldinger lagt i utboksen.",
                summary.open_occurrences, summary.steps_due, summary.queued)
    if check_prefect:
        problems = check_deployments(now)
        items = [(p.alert_key(now.date().isoformat()),
                  Message(f"pliktvakt: {p.message}", f"{p.message}\n\nSe kjøringene i Prefect: {settings.ui_url}"))
                 for p in problems]
        queue_ops_alerts(settings.database_url, catalogue, settings.ops_role, items, now.date())
        for problem in problems:
            logger.warning(problem.message)
    build_digests(settings.database_url, catalogue, now, settings.digest_hour)
    report = deliver_outbox(engine_for(settings.database_url), settings, catalogue, now, None)
    rows = who_was_told(settings.database_url, summary)
    create_table_artifact(key="deadline-watch", table=rows or [{"Status": "Ingen varsler forfaller nå."}],
                          description=_description(now, summary, report))
    for key, error in report.failed.items():
        if report.duty_of.get(key) != DUTY:
            logger.warning("Ikke levert for en annen plikt (%s): %s: %s", report.duty_of.get(key), key, error)
    result = {"open_occurrences": summary.open_occurrences, "steps_due": summary.steps_due, "queued": summary.queued,
              "sent": len(report.sent), "waiting_for_channel": len(report.no_channel)}
    return finish(logger, result, delivery_problems(report, (DUTY,)))


def _description(now: datetime, summary, report) -> str:
    text = (f"Fristvakt {now:%d.%m.%Y %H:%M}: {summary.steps_due} varseltrinn forfaller, "
            f"{len(report.sent)} levert, {len(report.failed)} feilet.")
    if report.no_channel:
        text += (f" {len(report.no_channel)} melding(er) ligger i utboksen fordi ingen kanal er satt opp "
                 "(PLIKTVAKT_EMAIL_URL); se `pliktvakt outbox`.")
    return text
