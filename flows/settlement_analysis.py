"""The monthly settlement analysis, from the data to the ministry's inbox (instruction 2.2).

Level-triggered: each run analyses the last complete month, sends the report that is due
and not yet sent (this month's, or this week's while a large deviation holds), and
publishes the month's key figures once they pass the quality checks. Running again does
nothing new. A failed quality check blocks publishing and fails the run, after the rest;
bad input fails it at once, before anything is written.
"""

from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.runtime import flow_run
from prefect.states import State

from flows.approval import wait_for_decision
from flows.forms import AsOf
from flows.run_end import delivery_problems, finish
from pliktvakt import clock
from pliktvakt.settings import Settings, get_settings
from pliktvakt.settlement import ConfigError, LoadResult, Municipality, SettlementConfig, run_analysis
from pliktvakt.settlement.analysis import AnalysisResult
from pliktvakt.settlement.inputs_source import is_demo, source_location
from pliktvakt.settlement.keyfigures import KeyFigures, prepare
from pliktvakt.settlement.render import render_charts, render_report
from pliktvakt.settlement.render_run import (
    Artifact,
    cadence_artifact,
    demo_history_table,
    key_figures_artifact,
    report_artifact,
)
from pliktvakt.settlement.render_trends import trend_files
from pliktvakt.settlement.rules import DUTY, demo_plan, publish_plan, source_plan
from pliktvakt.settlement.rules_approval import Approval, approval_outcome, approval_period
from pliktvakt.settlement.store_approval import Request
from pliktvakt.settlement.texts import CADENCE_NAMES, DEMO_MARK, DRAFT, report_filename
from pliktvakt.settlement.texts import form_description as approval_form
from pliktvakt.settlement.texts_run import RunSummary, loaded_line
from tasks.common import engine_for, load_catalogue_task
from tasks.delivery import deliver_outbox
from tasks.settlement import (
    approval_needed,
    cadence_history,
    complete_report,
    enqueue_report,
    key_figures_occurrence,
    load_config,
    open_approval,
    read_source,
    record_approval,
    record_publication,
    request_approval,
    update_cadence,
    write_files,
)


@flow(name="settlement-analysis", log_prints=False)
def settlement_analysis(as_of: AsOf = None) -> dict | State:
    """Analyse the last complete month; report, publish and complete what is due."""
    logger, settings, now = get_run_logger(), get_settings(), clock.resolve(as_of)
    today, url = now.date(), settings.database_url
    catalogue = load_catalogue_task(settings)
    inputs = _read_inputs(settings, today, logger)
    if isinstance(inputs, str):  # bad input: fail at once, before anything is written
        return finish(logger, {}, [inputs])
    loaded, municipalities, config, result = inputs
    if is_demo(settings):  # the synthetic sample: nothing leaves, nothing is recorded as done
        return _demo_run(logger, settings, today, inputs)

    cadence = update_cadence(url, catalogue, today, result)
    charts = render_charts(result)
    _, published, failures = prepare(result, municipalities, config)
    approval = _approve(logger, settings, catalogue, now, inputs, cadence.weekly_period, published, charts)
    if approval.problem:  # rejected or unanswered: nothing is sent or published
        return finish(logger, {"approval": approval.problem}, [approval.problem])
    report = _report(settings, result, charts, today.isoformat(), approval=approval.line)
    plan = enqueue_report(settings, catalogue, today, result, cadence.weekly_period, report.html, report.name)
    occurrence = key_figures_occurrence(url, catalogue, today, settings.horizon_months)
    trends = trend_files(result, charts, settings.publish_dir)
    publishing = publish_plan(occurrence, today, published, failures, settings.publish_dir, trends)
    write_files(publishing.files)
    publication = record_publication(url, catalogue, publishing, today, now)
    delivery = deliver_outbox(engine_for(url), settings, catalogue, now, (DUTY,))
    completed = complete_report(url, plan, now)
    waiting = len(delivery.no_channel)
    run = RunSummary(loaded, result, cadence, report.path, plan, publication, completed, waiting)
    _show(logger, run, report.markdown, published, config, url)
    return finish(logger, run.outcome(), run.problems() + delivery_problems(delivery, (DUTY,)))


class Report(NamedTuple):
    html: str
    markdown: str
    name: str  # the file's name, and the attachment's
    path: Path  # where it was written


def _report(settings: Settings, result: AnalysisResult, charts: dict[str, str], tag: str, **said) -> Report:
    """The report rendered, ``said`` at its top (``render_report``), and its HTML written to the
    report directory, named by ``tag``."""
    html, markdown = render_report(result, charts, **said)
    name = report_filename(result, tag)
    [path] = write_files({settings.settlement_report_dir / name: html})
    return Report(html, markdown, name, path)


def _approve(
    logger,
    settings: Settings,
    catalogue,
    now: datetime,
    inputs: "Inputs",
    weekly_period: str | None,
    published: KeyFigures,
    charts: dict[str, str],
) -> Approval:
    """Section 2.2 "kvalitetssikret": wait for a person's approval of these figures before
    anything leaves, unless ``require_approval`` is off or nothing is due."""
    url, today, config, result = settings.database_url, now.date(), inputs.config, inputs.result
    if not config.require_approval or not approval_needed(
        url, catalogue, today, weekly_period, settings.horizon_months
    ):
        return Approval()
    gate = open_approval(url, catalogue, today, approval_period(today, weekly_period, result, published))
    if gate.approved:
        logger.info("Tallene er godkjent tidligere: %s", gate.approved)
        return Approval(line=gate.approved)
    run_id, ui = str(flow_run.get_id()), settings.ui_url.rstrip("/")
    draft = _report(settings, result, charts, "utkast", approval=DRAFT)
    artifact = create_markdown_artifact(key="settlement-report", markdown=draft.markdown, description=DRAFT)
    run_link, report_link = f"{ui}/runs/flow-run/{run_id}", f"{ui}/artifacts/artifact/{artifact}"
    request_approval(url, catalogue, today, gate, result, Request(run_id, run_link, str(draft.path)))
    deliver_outbox(engine_for(url), settings, catalogue, now, (DUTY,))
    logger.warning(
        "Venter på godkjenning i Prefect (%s) eller med `pliktvakt settlement approve %s`.", run_link, run_id
    )
    decision = wait_for_decision(approval_form(result, report_link), config.approval, now)
    if decision is not None:
        record_approval(url, gate, decision, run_id)
        logger.info(decision.line())
    return approval_outcome(decision, config.approval.wait_seconds)


def _demo_run(logger, settings: Settings, today: date, inputs: "Inputs") -> dict | State:
    """Demo mode: the marked report and key figures under publish_dir/demo/ (``rules.demo_plan``)."""
    loaded, municipalities, config, result = inputs
    logger.warning("%s: analysen bygger på de syntetiske eksempeldataene.", DEMO_MARK)
    charts = render_charts(result)
    report = _report(settings, result, charts, today.isoformat(), mark=DEMO_MARK)
    _, published, failures = prepare(result, municipalities, config)
    demo = demo_plan(result, published, failures, charts, settings.publish_dir, settings.ministry_recipients)
    paths = [str(path) for path in write_files(demo.files)]
    run = RunSummary(
        loaded, result, demo.cadence, report.path, demo.report, demo.outcome(paths), [], 0, demo=True
    )
    _show(logger, run, report.markdown, published, config, settings.database_url)
    return finish(logger, run.outcome(), run.problems())


class Inputs(NamedTuple):
    loaded: LoadResult
    municipalities: list[Municipality]
    config: SettlementConfig
    result: AnalysisResult


def _read_inputs(settings: Settings, today: date, logger) -> Inputs | str:
    """The analysed inputs, or the bokmål reason they cannot be used (naming file, line, field)."""
    read = load_config(settings)
    if read.error:
        return read.error
    municipalities, config = read.value
    plan = source_plan(source_location(settings), is_demo(settings), today, config.need)
    source = read_source(plan, municipalities, config.need, settings)
    if source.error:
        return source.error
    try:
        result = run_analysis(source.value, municipalities, config, plan.month)
    except ConfigError as exc:
        return str(exc)
    logger.info(loaded_line(source.value, result))
    return Inputs(source.value, municipalities, config, result)


def _show(
    logger, run: RunSummary, markdown: str, published: KeyFigures, config: SettlementConfig, url: str
) -> None:
    if run.cadence.changed_to:
        logger.warning(
            "Rapporteringen er nå %s: %s", CADENCE_NAMES[run.cadence.changed_to], run.cadence.reason
        )
    status = run.status_lines()
    for line in status:
        logger.info(line)
    _artifact(report_artifact(run, status, markdown))
    _artifact(key_figures_artifact(run, published, config.suppression_threshold))
    history = (
        demo_history_table(run.result, run.cadence.cadence, DEMO_MARK) if run.demo else cadence_history(url)
    )
    _artifact(cadence_artifact(run, history))


def _artifact(artifact: Artifact) -> None:
    if artifact.table is not None:
        create_table_artifact(key=artifact.key, table=artifact.table, description=artifact.description)
    else:
        create_markdown_artifact(
            key=artifact.key, markdown=artifact.markdown, description=artifact.description
        )
