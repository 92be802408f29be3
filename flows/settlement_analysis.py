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
from pydantic import SecretStr

from flows.approval import wait_for_decision
from flows.forms import AsOf
from flows.run_end import delivery_problems, finish
from pliktvakt import bokmal, clock
from pliktvakt.settings import Settings, get_settings
from pliktvakt.settlement import (
    ConfigError,
    LoadResult,
    Municipality,
    SettlementConfig,
    YearMonth,
    run_analysis,
)
from pliktvakt.settlement.analysis import AnalysisResult
from pliktvakt.settlement.approval import (
    DRAFT,
    NO_ANSWER,
    REJECTED_NOTE,
    Request,
    figures_digest,
    form_description,
    report_period,
)
from pliktvakt.settlement.cadence import CADENCE_NAMES, MONTHLY, WEEKLY, demo_history_table, history_markdown
from pliktvakt.settlement.duty import (
    BLOCKED,
    DEMO,
    DUTY,
    CadenceOutcome,
    PublishOutcome,
    ReportPlan,
    publish_plan,
)
from pliktvakt.settlement.keyfigures import KeyFigures, gate_failures, key_figure_files, prepare
from pliktvakt.settlement.messages import report_filename
from pliktvakt.settlement.report import render_charts, render_report
from pliktvakt.settlement.sample import demo_month
from pliktvakt.settlement.source import (
    DEMO_DIR,
    DEMO_MARK,
    DEMO_NOT_SENT,
    DEMO_WITH_RECIPIENTS,
    is_demo,
    is_url,
    mistyped_url,
    source_location,
)
from pliktvakt.settlement.summary import KEY_FIGURE_NOTE, RunSummary, key_figure_table, loaded_line
from pliktvakt.settlement.trends import trend_files
from tasks.common import engine_for, load_catalogue_task
from tasks.delivery import deliver_outbox
from tasks.settlement import (
    Loaded,
    approval_needed,
    cadence_history,
    complete_report,
    enqueue_report,
    fetch_source,
    generate_demo_source,
    key_figures_occurrence,
    load_config,
    open_approval,
    read_source_file,
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
    approval = _approve(
        logger, settings, catalogue, config, now, cadence.weekly_period, result, published, charts
    )
    if approval.problem:  # rejected or unanswered: nothing is sent or published
        return finish(logger, {"approval": approval.problem}, [approval.problem])
    html, markdown = render_report(result, charts, approval=approval.line)
    filename = report_filename(result, today.isoformat())
    [report_path] = write_files({settings.settlement_report_dir / filename: html})
    plan = enqueue_report(settings, catalogue, today, result, cadence.weekly_period, html, filename)
    occurrence = key_figures_occurrence(url, catalogue, today, settings.horizon_months)
    trends = trend_files(result, charts, settings.publish_dir)
    publishing = publish_plan(occurrence, today, published, failures, settings.publish_dir, trends)
    write_files(publishing.files)
    publication = record_publication(url, catalogue, publishing, today, now)
    delivery = deliver_outbox(engine_for(url), settings, catalogue, now, (DUTY,))
    completed = complete_report(url, plan, now)

    run = RunSummary(
        loaded, result, cadence, report_path, plan, publication, completed, len(delivery.no_channel)
    )
    _show(logger, run, markdown, published, config, url)
    return finish(logger, run.outcome(), run.problems() + delivery_problems(delivery, (DUTY,)))


class Approval(NamedTuple):
    line: str | None = None  # who approved, when, the comment: shown in the report sent
    problem: str | None = None  # bokmål: why nothing may leave


def _approve(
    logger,
    settings: Settings,
    catalogue,
    config: SettlementConfig,
    now: datetime,
    weekly_period: str | None,
    result: AnalysisResult,
    published: KeyFigures,
    charts: dict[str, str],
) -> Approval:
    """Section 2.2 "kvalitetssikret": wait for a person's approval of these figures before
    anything leaves, unless ``require_approval`` is off or nothing is due."""
    url, today = settings.database_url, now.date()
    if not config.require_approval or not approval_needed(
        url, catalogue, today, weekly_period, settings.horizon_months
    ):
        return Approval()
    period = f"{report_period(today, weekly_period)}:{figures_digest(result, published)}"
    gate = open_approval(url, catalogue, today, period)
    if gate.approved:
        logger.info("Tallene er godkjent tidligere: %s", gate.approved)
        return Approval(line=gate.approved)
    run_id, ui = str(flow_run.get_id()), settings.ui_url.rstrip("/")
    html, markdown = render_report(result, charts, approval=DRAFT)
    [draft] = write_files({settings.settlement_report_dir / report_filename(result, "utkast"): html})
    artifact = create_markdown_artifact(key="settlement-report", markdown=markdown, description=DRAFT)
    run_link, report_link = f"{ui}/runs/flow-run/{run_id}", f"{ui}/artifacts/artifact/{artifact}"
    request_approval(url, catalogue, today, gate, result, Request(run_id, run_link, str(draft)))
    deliver_outbox(engine_for(url), settings, catalogue, now, (DUTY,))
    logger.warning(
        "Venter på godkjenning i Prefect (%s) eller med `pliktvakt settlement approve %s`.", run_link, run_id
    )
    decision = wait_for_decision(form_description(result, report_link), config.approval, now)
    if decision is None:
        return Approval(problem=NO_ANSWER.format(wait=bokmal.duration(config.approval.wait_seconds)))
    record_approval(url, gate, decision, run_id)
    logger.info(decision.line())
    if not decision.approved:
        return Approval(problem=f"{decision.line()}. {REJECTED_NOTE}")
    return Approval(line=decision.line())


def _demo_run(logger, settings: Settings, today: date, inputs: "Inputs") -> dict | State:
    """Demo mode: the marked report and key figures under publish_dir/demo/. No cadence is
    recorded, nothing is queued to the ministry and no occurrence is completed."""
    loaded, municipalities, config, result = inputs
    logger.warning("%s: analysen bygger på de syntetiske eksempeldataene.", DEMO_MARK)
    charts = render_charts(result)
    html, markdown = render_report(result, charts, mark=DEMO_MARK)
    filename = report_filename(result, today.isoformat())
    [report_path] = write_files({settings.settlement_report_dir / filename: html})
    _, published, failures = prepare(result, municipalities, config)
    blocked, demo_dir = gate_failures(published, failures), settings.publish_dir / DEMO_DIR
    files = (
        {}
        if blocked
        else {
            **key_figure_files(published, [], demo_dir, DEMO_MARK),
            **trend_files(result, charts, demo_dir, DEMO_MARK),
        }
    )
    paths = [str(path) for path in write_files(files)]
    outcome = PublishOutcome(BLOCKED if blocked else DEMO, paths=paths, failures=blocked)
    problem = DEMO_WITH_RECIPIENTS if settings.ministry_recipients else None
    cadence = CadenceOutcome(WEEKLY if result.large_deviation else MONTHLY)
    run = RunSummary(
        loaded,
        result,
        cadence,
        report_path,
        ReportPlan(note=DEMO_NOT_SENT, problem=problem),
        outcome,
        [],
        0,
        demo=True,
    )
    _show(logger, run, markdown, published, config, settings.database_url)
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
    month = YearMonth.last_complete_before(today.year, today.month)
    known = [m.code for m in municipalities]
    if is_demo(settings):  # the synthetic sample, made up to the month analysed
        month = demo_month(YearMonth(today.year, today.month), config.need)
        source = generate_demo_source(municipalities, config.need, month, known)
    else:
        source = _read_source(settings, known)
    if source.error:
        return source.error
    try:
        result = run_analysis(source.value, municipalities, config, month)
    except ConfigError as exc:
        return str(exc)
    logger.info(loaded_line(source.value, result))
    return Inputs(source.value, municipalities, config, result)


def _read_source(settings: Settings, known: list[str]) -> Loaded:
    location = source_location(settings)
    if (mistyped := mistyped_url(location)) is not None:
        return Loaded(error=mistyped)
    if is_url(location):  # passed on as a secret, so that Prefect never holds the plain URL
        return fetch_source(
            SecretStr(location), known, settings.settlement_timeout, settings.settlement_retries
        )
    return read_source_file(Path(location), known)


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
    month, mark = run.result.as_of, f"{DEMO_MARK}: " if run.demo else ""
    create_markdown_artifact(
        key="settlement-report",
        markdown="\n".join(
            [
                *([f"# {DEMO_MARK}", ""] if run.demo else []),
                "## Denne kjøringen",
                "",
                *(f"- {line}" for line in status),
                "",
                markdown,
            ]
        ),
        description=f"{mark}Analyse av bosettingsarbeidet, {month.label()} (pkt. 2.2)",
    )
    create_table_artifact(
        key="settlement-key-figures",
        table=key_figure_table(published),
        description=f"{mark}Nøkkeltall om bosetting hittil i {month.year}, til og med {month.label()}, "
        f"prikket under {config.suppression_threshold}. {KEY_FIGURE_NOTE}.",
    )
    history = (
        demo_history_table(run.result, run.cadence.cadence, DEMO_MARK) if run.demo else cadence_history(url)
    )
    create_markdown_artifact(
        key="settlement-cadence",
        markdown=history_markdown(history),
        description=f"{mark}Rapporteringshyppighet for den månedlige analysen, og ukentlige forekomster",
    )
