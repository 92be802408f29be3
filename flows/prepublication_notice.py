"""The ministry's 14-day notice before publishing (instruks pkt. 6.1), and evaluations
found in Kudos (pkt. 4.3). Daily; re-running a day sends nothing twice (outbox keys)."""

from datetime import datetime

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact

from flows.run_end import delivery_problems, finish
from pliktvakt import clock
from pliktvakt.publications.decisions import DUTY
from pliktvakt.settings import get_settings
from tasks.common import engine_for, load_catalogue_task
from tasks.delivery import deliver_outbox
from tasks.publications import (
    apply_kudos, kudos_candidates, kudos_lookup, plan_publications, read_gate, record_notice_receipts,
)


@flow(name="prepublication-notice", log_prints=False)
def prepublication_notice(as_of: datetime | None = None):
    logger = get_run_logger()
    settings = get_settings()
    now = clock.resolve(as_of)
    today = now.date()
    catalogue = load_catalogue_task(settings)
    url = settings.database_url

    # Receipts first, so the day plan counts from what another run (the watch) delivered.
    completed = record_notice_receipts(url, now)
    plan = plan_publications(url, catalogue, settings, today)
    problems = list(plan.problems)
    reminders: list[str] = []
    for publication_id, title in kudos_candidates(url, catalogue, today):
        lookup = kudos_lookup(settings, title)
        logger.info("Kudos, publikasjon %d: %s", publication_id, lookup.message)
        reminders += apply_kudos(url, catalogue, settings, publication_id, lookup, today, now)
        if lookup.status in ("unavailable", "bad_response"):
            problems.append(f"Publikasjon {publication_id}: {lookup.message}")

    report = deliver_outbox(engine_for(url), settings, catalogue, now, (DUTY,))
    completed += record_notice_receipts(url, now)
    rows = read_gate(url, today)
    create_table_artifact(key="prepublication-gate", table=rows or [{"Id": "", "Tittel": "Ingen publikasjoner"}],
                          description=f"14-dagersregelen (instruks pkt. 6.1) per {today:%d.%m.%Y}: "
                                      "kan hver publikasjon gå ut på planlagt dato, og ellers tidligst når?")
    summary = {"queued": len(plan.queued) + len(reminders), "sent": len(report.sent),
               "failed": len(report.failed), "pending_no_channel": len(report.no_channel),
               "marked_late": plan.marked_late, "published": plan.published, "notices_completed": completed,
               "blocked": [r["Id"] for r in rows if r.get("Status") == "planlagt"
                           and r.get("Tillatt på planlagt dato") == "nei"]}
    logger.info("Publiseringer: %s", summary)
    if report.no_channel:
        logger.warning("%d melding(er) venter i utboksen: PLIKTVAKT_EMAIL_URL er ikke satt.", len(report.no_channel))
    return finish(logger, summary, problems + delivery_problems(report, (DUTY,)))
