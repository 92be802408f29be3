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
from prefect.states import State

from flows.run_end import delivery_problems, finish
from pliktvakt import clock
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
from pliktvakt.settlement.cadence import CADENCE_NAMES
from pliktvakt.settlement.duty import DUTY, publish_plan
from pliktvakt.settlement.keyfigures import KeyFigures, prepare
from pliktvakt.settlement.messages import report_filename
from pliktvakt.settlement.report import render_report
from pliktvakt.settlement.source import is_url, source_location
from pliktvakt.settlement.summary import RunSummary, key_figure_table, loaded_line
from tasks.common import engine_for, load_catalogue_task
from tasks.delivery import deliver_outbox
from tasks.settlement import (
    Loaded,
    cadence_history,
    complete_report,
    enqueue_report,
    fetch_source,
    key_figures_occurrence,
    load_config,
    read_source_file,
    record_publication,
    update_cadence,
    write_files,
)


@flow(name="settlement-analysis", log_prints=False)
def settlement_analysis(as_of: datetime | None = None) -> dict | State:
    """Analyse the last complete month; report, publish and complete what is due."""
    logger, settings, now = get_run_logger(), get_settings(), clock.resolve(as_of)
    today, url = now.date(), settings.database_url
    catalogue = load_catalogue_task(settings)
    inputs = _read_inputs(settings, today, logger)
    if isinstance(inputs, str):  # bad input: fail at once, before anything is written
        return finish(logger, {}, [inputs])
    loaded, municipalities, config, result = inputs

    cadence = update_cadence(url, catalogue, today, result)
    html, markdown = render_report(result)
    filename = report_filename(result, today.isoformat())
    [report_path] = write_files({settings.settlement_report_dir / filename: html})
    plan = enqueue_report(settings, catalogue, today, result, cadence.weekly_period, html, filename)
    _, published, failures = prepare(result, municipalities, config)
    occurrence = key_figures_occurrence(url, catalogue, today, settings.horizon_months)
    publishing = publish_plan(occurrence, today, published, failures, settings.publish_dir)
    write_files(publishing.files)
    publication = record_publication(url, catalogue, publishing, today, now)
    delivery = deliver_outbox(engine_for(url), settings, catalogue, now, (DUTY,))
    completed = complete_report(url, plan, now)

    run = RunSummary(
        loaded, result, cadence, report_path, plan, publication, completed, len(delivery.no_channel)
    )
    _show(logger, run, markdown, published, config, url)
    return finish(logger, run.outcome(), run.problems() + delivery_problems(delivery, (DUTY,)))


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
    source = _read_source(settings, [m.code for m in municipalities])
    if source.error:
        return source.error
    try:
        month = YearMonth.last_complete_before(today.year, today.month)
        result = run_analysis(source.value, municipalities, config, month)
    except ConfigError as exc:
        return str(exc)
    logger.info(loaded_line(source.value, result))
    return Inputs(source.value, municipalities, config, result)


def _read_source(settings: Settings, known: list[str]) -> Loaded:
    location = source_location(settings)
    if is_url(location):
        return fetch_source(location, known, settings.settlement_timeout, settings.settlement_retries)
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
    month = run.result.as_of
    create_markdown_artifact(
        key="settlement-report",
        markdown="\n".join(["## Denne kjøringen", "", *(f"- {line}" for line in status), "", markdown]),
        description=f"Analyse av bosettingsarbeidet, {month.label()} (pkt. 2.2)",
    )
    create_table_artifact(
        key="settlement-key-figures",
        table=key_figure_table(published),
        description=f"Nøkkeltall om bosetting hittil i {month.year}, til og med {month.label()}, "
        f"prikket under {config.suppression_threshold}",
    )
    create_table_artifact(
        key="settlement-cadence",
        table=cadence_history(url),
        description="Rapporteringshyppighet for den månedlige analysen, og ukentlige forekomster",
    )
