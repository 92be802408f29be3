"""Prefect tasks of the settlement analysis (instruction 2.2), each one unit of I/O: a read, an
HTTP call, a file write or one transaction. The decisions are in ``pliktvakt.settlement.rules``."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from pydantic import SecretStr

from pliktvakt.catalogue import Catalogue
from pliktvakt.db import session_scope
from pliktvakt.settings import Settings
from pliktvakt.settlement import (
    ConfigError,
    SettlementFileError,
    SettlementSourceError,
    rules,
    rules_approval,
    sample,
    store,
    store_approval,
    store_cadence,
)
from pliktvakt.settlement.analysis import AnalysisResult
from pliktvakt.settlement.inputs import Municipality, YearMonth, load_municipalities, load_settlement_config
from pliktvakt.settlement.inputs_figures import load_settlement_file, parse_csv
from tasks import files
from tasks.common import Loaded, engine_for, io_task
from tasks.settlement_source import load_settlement_url

# Mistakes an officer can fix: the run ends Failed with the message, without a traceback.
USER_ERRORS = (SettlementFileError, SettlementSourceError, ConfigError)


@io_task(name="load-settlement-config")
def load_config(settings: Settings) -> Loaded:
    """(municipalities, config) from config_dir."""
    try:
        return Loaded(
            (
                load_municipalities(settings.config_dir / "municipalities.csv"),
                load_settlement_config(settings.config_dir / "settlement.yaml"),
            )
        )
    except USER_ERRORS as exc:
        return Loaded(error=str(exc))


@io_task(name="read-settlement-file")
def read_source_file(path: Path, known: list[str]) -> Loaded:
    """All or nothing: a malformed file gives an error naming file, line and field, and no rows."""
    try:
        return Loaded(load_settlement_file(path, known))
    except USER_ERRORS as exc:
        return Loaded(error=str(exc))


@io_task(name="generate-demo-source")
def generate_demo_source(
    municipalities: list[Municipality], need: dict[int, int], until: YearMonth, known: list[str]
) -> Loaded:
    """Demo mode: the synthetic sample made up to ``until`` and read by the one reader, as a
    file would be (the shipped file ends where it was written)."""
    name = f"syntetiske eksempeldata til og med {until.label()}"
    try:
        return Loaded(parse_csv(sample.demo_csv(municipalities, need, until), name, known))
    except USER_ERRORS as exc:
        return Loaded(error=str(exc))


def read_source(
    plan: rules.SourcePlan, municipalities: list[Municipality], need: dict[int, int], settings: Settings
) -> Loaded:
    """The figures from where ``plan`` says, by the task that reads them there."""
    known = [m.code for m in municipalities]
    if plan.demo:
        return generate_demo_source(municipalities, need, plan.month, known)
    if plan.error is not None:
        return Loaded(error=plan.error)
    if plan.url is not None:  # passed on as a secret, so that Prefect never holds the plain URL
        return fetch_source(
            SecretStr(plan.url), known, settings.settlement_timeout, settings.settlement_retries
        )
    return read_source_file(plan.path, known)


@io_task(name="fetch-settlement-source")
def fetch_source(url: SecretStr, known: list[str], timeout: float, retries: int) -> Loaded:
    """The HTTP source; retried by the transport (PLIKTVAKT_SETTLEMENT_RETRIES), so not by Prefect.
    Errors name the URL redacted (``source.shown_source``)."""
    try:
        return Loaded(load_settlement_url(url.get_secret_value(), known, timeout, retries))
    except USER_ERRORS as exc:
        return Loaded(error=str(exc))


@io_task(name="write-settlement-files")
def write_files(content: dict[Path, bytes | str]) -> list[Path]:
    return [path.resolve() for path in files.write_files(content)]


@io_task(name="settlement-cadence")
def update_cadence(url: str, catalogue: Catalogue, day: date, result: AnalysisResult) -> rules.CadenceOutcome:
    with session_scope(engine_for(url)) as session:
        return store.update_cadence(session, catalogue, day, result)


@io_task(name="enqueue-settlement-report")
def enqueue_report(
    settings: Settings,
    catalogue: Catalogue,
    day: date,
    result: AnalysisResult,
    weekly_period: str | None,
    html: str,
    filename: str,
) -> rules.ReportPlan:
    with session_scope(engine_for(settings.database_url)) as session:
        return store.queue_report(
            session,
            catalogue,
            settings.ministry_recipients,
            settings.horizon_months,
            day,
            result,
            weekly_period,
            html,
            filename,
        )


@io_task(name="complete-settlement-report")
def complete_report(url: str, plan: rules.ReportPlan, as_of: datetime) -> list[str]:
    with session_scope(engine_for(url)) as session:
        return store.complete_reports(session, plan, as_of)


@io_task(name="read-key-figures-occurrence")
def key_figures_occurrence(
    url: str, catalogue: Catalogue, day: date, horizon_months: int
) -> rules.OccurrenceState | None:
    with session_scope(engine_for(url)) as session:
        return store.key_figures_occurrence(session, catalogue, day, horizon_months)


@io_task(name="record-key-figures")
def record_publication(
    url: str, catalogue: Catalogue, plan: rules.PublishPlan, day: date, as_of: datetime
) -> rules.PublishOutcome:
    with session_scope(engine_for(url)) as session:
        return store.record_publication(session, catalogue, plan, day, as_of)


@io_task(name="settlement-cadence-history")
def cadence_history(url: str) -> list[dict]:
    with session_scope(engine_for(url)) as session:
        return store_cadence.history_table(session)


@io_task(name="settlement-approval-needed")
def approval_needed(
    url: str, catalogue: Catalogue, day: date, weekly_period: str | None, horizon_months: int
) -> bool:
    with session_scope(engine_for(url)) as session:
        return store_approval.needed(session, catalogue, day, weekly_period, horizon_months)


@io_task(name="open-settlement-approval")
def open_approval(url: str, catalogue: Catalogue, day: date, period: str) -> store_approval.Gate:
    with session_scope(engine_for(url)) as session:
        return store_approval.open_gate(session, catalogue, day, period)


@io_task(name="request-settlement-approval")
def request_approval(
    url: str,
    catalogue: Catalogue,
    day: date,
    gate: store_approval.Gate,
    result: AnalysisResult,
    request: store_approval.Request,
) -> None:
    with session_scope(engine_for(url)) as session:
        store_approval.ask(session, catalogue, day, gate, result, request)


@io_task(name="record-settlement-approval")
def record_approval(
    url: str, gate: store_approval.Gate, decision: rules_approval.Decision, run_id: str
) -> None:
    with session_scope(engine_for(url)) as session:
        store_approval.record(session, gate, decision, run_id)
