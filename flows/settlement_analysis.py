"""The monthly settlement analysis, from the data to the ministry's inbox (instruction 2.2).

Level-triggered: each run analyses the last complete month, sends the report that is due
and not yet sent (this month's, or this week's while a large deviation holds), and
publishes the month's key figures once they pass the quality checks. Running again does
nothing new. A failed quality check blocks publishing and fails the run, after the rest;
bad input fails it at once, before anything is written.
"""

from datetime import datetime

from prefect import flow, get_run_logger
from prefect.states import State
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from flows.run_end import delivery_problems, finish
from pliktvakt import clock
from pliktvakt.settings import get_settings
from pliktvakt.settlement import ConfigError, YearMonth, run_analysis
from pliktvakt.settlement.cadence import CADENCE_NAMES, WEEKLY_PREFIX
from pliktvakt.settlement.messages import report_filename
from pliktvakt.settlement.report import render_report
from tasks.common import engine_for, load_catalogue_task
from tasks.delivery import deliver_outbox
from tasks.settlement import (
    DUTY,
    cadence_history,
    complete_report,
    enqueue_report,
    key_figures,
    load_config,
    load_source,
    publish_or_block,
    update_cadence,
    write_report,
)


@flow(name="settlement-analysis", log_prints=False)
def settlement_analysis(as_of: datetime | None = None) -> dict | State:
    """Analyse the last complete month; report, publish and complete what is due."""
    logger = get_run_logger()
    settings = get_settings()
    now = clock.resolve(as_of)
    today = now.date()
    url = settings.database_url
    catalogue = load_catalogue_task(settings)
    loaded_config = load_config(settings)
    if loaded_config.error:
        return _failed(logger, loaded_config.error)
    municipalities, config = loaded_config.value
    source = load_source(settings, [m.code for m in municipalities])
    if source.error:
        return _failed(logger, source.error)
    loaded = source.value
    month = YearMonth.last_complete_before(today.year, today.month)
    try:
        result = run_analysis(loaded, municipalities, config, month)
    except ConfigError as exc:
        return _failed(logger, str(exc))
    logger.info("Lest %d rader fra %s; %d i karantene. Analyse av %s: framskrevet %.0f av behov %d (%.1f %%).",
                len(loaded.rows), loaded.source, len(loaded.quarantined), month.label(),
                result.projection.year_end, result.need, result.need_ratio * 100)

    cadence = update_cadence(url, catalogue, today, result)
    if cadence.changed_to:
        logger.warning("Rapporteringen er nå %s: %s", CADENCE_NAMES[cadence.changed_to], cadence.reason)
    html, markdown = render_report(result)
    filename = report_filename(result, today.isoformat())
    report_path = write_report(settings.settlement_report_dir, filename, html)
    plan = enqueue_report(settings, catalogue, today, result, cadence.weekly_period, html, filename)
    figures, published, failures = key_figures(result, municipalities, config)
    publish = publish_or_block(settings, catalogue, today, now, figures, published, failures)
    delivery = deliver_outbox(engine_for(url), settings, catalogue, now, (DUTY,))
    completed = complete_report(url, plan, now)

    status = _status_lines(cadence, plan, completed, publish, delivery, report_path)
    for line in status:
        logger.info(line)
    create_markdown_artifact(key="settlement-report", markdown="\n".join(["## Denne kjøringen", "",
                             *(f"- {line}" for line in status), "", markdown]),
                             description=f"Analyse av bosettingsarbeidet, {month.label()} (pkt. 2.2)")
    create_table_artifact(key="settlement-key-figures", table=_key_figure_table(published),
                          description=f"Nøkkeltall om bosetting hittil i {month.year}, til og med {month.label()}, "
                                      f"prikket under {config.suppression_threshold}")
    create_table_artifact(key="settlement-cadence", table=cadence_history(url) or
                          [{"Fra": "", "Rapportering": "månedlig", "Begrunnelse": "aldri endret"}],
                          description="Rapporteringshyppighet for den månedlige analysen, og ukentlige forekomster")

    problems = [plan.problem] if plan.problem else []
    if publish.status == "blocked":
        problems.append("nøkkeltallene er ikke publisert: " +
                        "; ".join(f.message for f in publish.failures[:5]) +
                        (f" (og {len(publish.failures) - 5} til)" if len(publish.failures) > 5 else ""))
    problems += delivery_problems(delivery, (DUTY,))
    return finish(logger, {"month": f"{month.year}-{month.month:02d}", "cadence": cadence.cadence,
            "cadence_changed": cadence.changed_to, "weekly_period": cadence.weekly_period,
            "report_queued": plan.queued, "completed": completed, "key_figures": publish.status,
            "published": publish.paths, "quarantined": len(loaded.quarantined), "report": str(report_path),
            "large_deviation": result.large_deviation, "projected_year_end": round(result.projection.year_end, 1)},
                  problems)


def _failed(logger, message: str) -> State:
    """Bad input: end the run Failed at once, before anything is written."""
    return finish(logger, {}, [message])


def _status_lines(cadence, plan, completed, publish, delivery, report_path) -> list[str]:
    lines = [f"Rapportering: {CADENCE_NAMES[cadence.cadence]}"
             + (f" (endret i dag: {cadence.reason})" if cadence.changed_to else "")
             + (f"; ukens forekomst {cadence.weekly_period.removeprefix(WEEKLY_PREFIX)}" if cadence.weekly_period else "")]
    lines.append(f"Rapporten (HTML): {report_path}")
    if plan.problem:
        lines.append(plan.problem)
    elif plan.note:
        lines.append(plan.note)
    elif completed:
        lines.append(f"Rapporten er sendt til departementet; fullført: {', '.join(completed)}.")
    else:
        lines.append(f"Rapporten ligger i utboksen ({len(plan.keys)} mottaker(e)) og er ikke levert ennå; "
                     "forekomsten fullføres når den er levert.")
    if delivery.no_channel:
        lines.append(f"{len(delivery.no_channel)} melding(er) venter på kanal: PLIKTVAKT_EMAIL_URL er ikke satt.")
    lines.append({
        "published": "Nøkkeltallene er publisert: " + ", ".join(publish.paths),
        "blocked": f"Nøkkeltallene er IKKE publisert: {len(publish.failures)} kontroll(er) feilet; "
                   "statistikkansvarlig er varslet.",
        "already": "Nøkkeltallene for måneden er allerede publisert.",
        "missing": "Fant ingen forekomst for publisering av nøkkeltall denne måneden.",
    }[publish.status])
    return lines


def _key_figure_table(published) -> list[dict]:
    return [{"Nivå": row.level, "Kode": row.code, "Navn": row.name, **row.values} for row in published.rows]
