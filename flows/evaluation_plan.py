"""The rolling evaluation plan for the grant schemes (instruks vedlegg 1 pkt. 9).

Level-triggered, every weekday: plans from the schemes file, the plan settings and what is
recorded; writes the plan (Markdown, XLSX, artifacts); keeps each planned evaluation's
occurrences; tells the ministry the budget year's list once and completes that duty with
the receipts; alerts the kunnskap role about overdue schemes once per scheme and year.
"""

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from flows.forms import AsOf
from flows.run_end import delivery_problems, finish
from pliktvakt import clock
from pliktvakt.evaluation import render, store
from pliktvakt.evaluation.store import DUTY
from pliktvakt.settings import get_settings
from tasks.common import engine_for, load_catalogue_task
from tasks.delivery import deliver_outbox
from tasks.evaluation import load_inputs, prepare_plan, read_plan, record_notice
from tasks.files import write_files


@flow(name="evaluation-plan", log_prints=False)
def evaluation_plan(as_of: AsOf = None):
    logger, settings, now = get_run_logger(), get_settings(), clock.resolve(as_of)
    url, today = settings.database_url, now.date()
    catalogue = load_catalogue_task(settings)
    inputs = load_inputs(settings)
    if inputs.error:  # bad input: fail at once, before anything is written
        return finish(logger, {}, [inputs.error])
    plan_settings, schemes = inputs.value

    plan = read_plan(url, schemes, plan_settings, today.year)
    markdown = render.markdown(plan, plan_settings, today)
    out = settings.evaluation_plan_dir / f"evalueringsplan-{plan.budget_year}"
    files = write_files(
        {out.with_suffix(".md"): markdown, out.with_suffix(".xlsx"): render.xlsx(plan, plan_settings)}
    )
    prepared = prepare_plan(url, catalogue, plan, plan_settings, settings, today)
    delivery = deliver_outbox(engine_for(url), settings, catalogue, now, (DUTY,))
    completed = record_notice(url, plan.budget_year, now)

    create_markdown_artifact(
        key="evaluation-plan", markdown=markdown, description="Evalueringsplan (vedlegg 1 pkt. 9)"
    )
    create_table_artifact(
        key="evaluation-plan-table",
        table=render.table(plan, plan_settings, render.ARTIFACT_COLUMNS),
        description=f"Evalueringer {plan.budget_year}–{plan.budget_year + plan.horizon - 1}",
    )
    result = store.summary(plan, prepared, completed, len(delivery.sent), files)
    logger.info("Evalueringsplan: %s", result)
    return finish(logger, result, prepared.problems + delivery_problems(delivery, (DUTY,)))
