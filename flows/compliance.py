"""The compliance record each month (instruks pkt. 4.1 and 4.2): the `compliance-summary`
artifact on every run, and the month's summary to management (`ledelse`) with the HTML record
attached, once, from the month's first business day. Runs every weekday; level-triggered."""

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from flows.forms import AsOf
from flows.run_end import delivery_problems, finish
from pliktvakt import bokmal, clock
from pliktvakt.compliance import render
from pliktvakt.compliance.render_chart import on_time_by_month
from pliktvakt.compliance.render_summary import artifact_markdown
from pliktvakt.compliance.rules_summary import ARTIFACT, DUTY, covered_year, plan_summary, shares_by_month
from pliktvakt.compliance.texts import sent_line, summary_message
from pliktvakt.settings import get_settings
from tasks.common import engine_for, load_catalogue_task
from tasks.compliance import queue_summary, read_record, summary_receipts
from tasks.delivery import deliver_outbox


@flow(name="compliance", log_prints=False)
def compliance(as_of: AsOf = None):
    """Build the record of the year to date, send the month's summary when due, show the artifact."""
    logger, settings, now = get_run_logger(), get_settings(), clock.resolve(as_of)
    today, url = now.date(), settings.database_url
    catalogue = load_catalogue_task(settings)
    record = read_record(url, catalogue, covered_year(today), now)
    plan = plan_summary(today, summary_message(record, today, render.html(record)))
    queued = queue_summary(url, catalogue, plan, now) if plan.due else 0
    delivery = deliver_outbox(engine_for(url), settings, catalogue, now, (DUTY,))
    receipts = summary_receipts(url, plan) if plan.due else []
    chart = on_time_by_month(shares_by_month(record, today), record.year)
    sent = sent_line(plan, receipts, today)
    create_markdown_artifact(
        key=ARTIFACT,
        markdown=artifact_markdown(record, today, chart, sent),
        description=f"Etterlevelse {record.year} per {bokmal.date_short(today)} (instruksen pkt. 4.1, 4.2)",
    )
    if not record.chain_intact:
        logger.warning("Revisjonsloggen er ikke hel: %s", "; ".join(record.chain_problems))
    result = {
        "year": record.year,
        "occurrences": len(record.rows),
        "share_on_time": record.share_on_time,
        "overdue": record.totals["overdue"],
        "summary_due": plan.due,
        "queued": queued,
        "delivered": receipts,
        "audit_intact": record.chain_intact,
    }
    return finish(logger, result, delivery_problems(delivery, (DUTY,)))
