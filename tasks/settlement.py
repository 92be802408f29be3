"""Prefect tasks of the settlement analysis (instruction 2.2). Each is one unit of I/O;
the decisions are in ``pliktvakt.settlement``."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import Session, select

from pliktvakt import audit, notify, occurrences, outbox
from pliktvakt.catalogue import Catalogue
from pliktvakt.db import session_scope
from pliktvakt.models import Occurrence, OccurrenceStatus
from pliktvakt.notify import Key
from pliktvakt.settings import Settings
from pliktvakt.settlement import (
    AnalysisResult,
    ConfigError,
    SettlementFileError,
    SettlementSourceError,
    Municipality,
    PublishBlocked,
    QualityFailure,
    SettlementConfig,
    build_key_figures,
    check_quality,
    load_municipalities,
    load_settlement_config,
    load_settlement_file,
    load_settlement_url,
    publish_key_figures,
    suppress,
)
from pliktvakt.settlement import cadence, messages
from pliktvakt.settlement.keyfigures import KeyFigures
from tasks.common import engine_for, io_task

SAMPLE = Path("sample") / "bosetting-syntetisk.csv"
ACTOR = "pliktvakt"
DUTY = "settlement"


def source_location(settings: Settings) -> str:
    """PLIKTVAKT_SETTLEMENT_SOURCE, or the shipped synthetic sample."""
    return settings.settlement_source or str(settings.config_dir / SAMPLE)


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def shown_source(source: str) -> str:
    """The source without a query string or user info, which may hold a token."""
    if not is_url(source):
        return source
    parts = urlsplit(source)
    return f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''}{parts.path}"


# Mistakes an officer can fix: the run ends Failed with the message, without a traceback.
USER_ERRORS = (SettlementFileError, SettlementSourceError, ConfigError)


@dataclass
class Loaded:
    value: Any = None
    error: str | None = None  # bokmål, naming the file, line and field where there is one


@io_task(name="load-settlement-config")
def load_config(settings: Settings) -> Loaded:
    """(municipalities, config) from config_dir."""
    try:
        return Loaded((load_municipalities(settings.config_dir / "municipalities.csv"),
                       load_settlement_config(settings.config_dir / "settlement.yaml")))
    except USER_ERRORS as exc:
        return Loaded(error=str(exc))


@io_task(name="load-settlement-source")
def load_source(settings: Settings, known: list[str]) -> Loaded:
    """All or nothing: a malformed file gives an error naming file, line and field, and no rows.
    The HTTP source retries by itself (PLIKTVAKT_SETTLEMENT_RETRIES), so the task does not."""
    source = source_location(settings)
    try:
        if is_url(source):
            result = load_settlement_url(source, known, settings.settlement_timeout, settings.settlement_retries)
            result.source = shown_source(source)
            return Loaded(result)
        return Loaded(load_settlement_file(Path(source), known))
    except SettlementSourceError as exc:
        return Loaded(error=str(exc).replace(exc.url, shown_source(exc.url)))
    except USER_ERRORS as exc:
        return Loaded(error=str(exc))


@io_task(name="write-report")
def write_report(directory: Path, filename: str, html: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / filename
    tmp = target.with_suffix(".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(target)
    return target.resolve()


@dataclass
class CadenceOutcome:
    cadence: str
    changed_to: str | None = None
    reason: str | None = None
    alerts_queued: int = 0
    weekly_period: str | None = None
    weekly_created: bool = False
    withdrawn: int = 0


@io_task(name="settlement-cadence")
def update_cadence(url: str, catalogue: Catalogue, day: date, result: AnalysisResult) -> CadenceOutcome:
    """Switch between monthly and weekly reporting when the large-deviation rule says so."""
    with session_scope(engine_for(url)) as session:
        change = cadence.record(session, day, result, ACTOR)
        outcome = CadenceOutcome(cadence.cadence_on(session, day))
        if change is not None:
            outcome.changed_to, outcome.reason = change.row.cadence, change.row.reason
            role = catalogue.obligations[cadence.OBLIGATION].role
            outcome.alerts_queued = notify.notify_role(session, catalogue, role, messages.cadence_alert(change),
                                                       Key(DUTY, f"cadence-{change.row.id}", "cadence"), day).queued
            if change.row.cadence == cadence.MONTHLY:
                outcome.withdrawn = cadence.withdraw_weekly(session, day, "tilbake til månedlig rapportering", ACTOR)
        if outcome.cadence == cadence.WEEKLY:
            occurrence, outcome.weekly_created = cadence.ensure_weekly_occurrence(session, catalogue, day, ACTOR)
            outcome.weekly_period = occurrence.period
        return outcome


@dataclass
class ReportPlan:
    """The report messages of this run and the occurrences they complete once delivered."""

    keys: list[str] = field(default_factory=list)
    occurrence_ids: list[int] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)
    queued: int = 0
    note: str = ""
    problem: str | None = None  # bokmål: what keeps the duty from being done


def _ensure_monthly(session: Session, catalogue: Catalogue, day: date, horizon_months: int) -> None:
    if occurrences.find(session, cadence.OBLIGATION, cadence.monthly_period(day)) is None:
        occurrences.materialise(session, catalogue, day, horizon_months, ACTOR)


@io_task(name="enqueue-settlement-report")
def enqueue_report(settings: Settings, catalogue: Catalogue, day: date, result: AnalysisResult,
                   weekly_period: str | None, html: str, filename: str) -> ReportPlan:
    """Queue the report to each ministry recipient if this month's or this week's occurrence is open.

    While weekly, one email a week serves the weekly occurrence and, in the month's first
    week, the monthly one too. Keys are per period and recipient, so reruns send nothing new.
    """
    plan = ReportPlan()
    with session_scope(engine_for(settings.database_url)) as session:
        _ensure_monthly(session, catalogue, day, settings.horizon_months)
        due = [occurrences.find(session, cadence.OBLIGATION, cadence.monthly_period(day))]
        if weekly_period:
            due.append(occurrences.find(session, cadence.OBLIGATION, weekly_period))
        due = [o for o in due if o is not None and o.status == OccurrenceStatus.OPEN]
        if not due:
            plan.note = "Analysen for perioden er allerede sendt; ingenting nytt å sende."
            return plan
        plan.occurrence_ids, plan.periods = [o.id for o in due], [o.period for o in due]
        period = weekly_period or cadence.monthly_period(day)
        text, body_html = messages.report_body(result, filename)
        message = notify.Message(messages.report_subject(result, weekly_period), text, body_html,
                                 (outbox.Attachment(filename, "text/html", html.encode("utf-8")),))
        try:
            notified = notify.notify_ministry(session, settings.ministry_recipients, message,
                                              Key(DUTY, f"report-{period}".replace(":", "-"), "report"), due[-1].id)
        except notify.NoMinistryRecipients as exc:
            plan.problem = str(exc)
            return plan
        plan.keys, plan.queued = notified.keys, notified.queued
    return plan


@io_task(name="complete-settlement-report")
def complete_report(url: str, plan: ReportPlan, as_of: datetime) -> list[str]:
    """Complete the plan's occurrences once every report message is sent; the receipts are the evidence."""
    if not plan.keys:
        return []
    with session_scope(engine_for(url)) as session:
        sent = notify.delivered(session, keys=plan.keys)
        if sent is None:
            return []
        attachment = outbox.decode_attachments(sent[0].attachments)[0].filename
        what = f"Rapport levert ({sent[0].subject}), vedlegg {attachment}"
        return [period for occurrence_id, period in zip(plan.occurrence_ids, plan.periods)
                if notify.complete_with_receipts(session, occurrence_id, sent, what, ACTOR, as_of)]


@dataclass
class PublishOutcome:
    status: str  # published | blocked | already | missing
    paths: list[str] = field(default_factory=list)
    failures: list[QualityFailure] = field(default_factory=list)
    alerts_queued: int = 0


@io_task(name="publish-key-figures")
def publish_or_block(settings: Settings, catalogue: Catalogue, day: date, as_of: datetime,
                     figures: KeyFigures, published: KeyFigures, failures: list[QualityFailure]) -> PublishOutcome:
    """Publish the month's key figures if their occurrence is open and every check passes;
    otherwise alert the statistics officer with the failed checks and where they failed."""
    period = cadence.monthly_period(day)
    with session_scope(engine_for(settings.database_url)) as session:
        _ensure_monthly(session, catalogue, day, settings.horizon_months)
        occurrence = occurrences.find(session, cadence.KEY_FIGURES_OBLIGATION, period)
        if occurrence is None:
            return PublishOutcome("missing", failures=failures)
        if occurrence.status != OccurrenceStatus.OPEN:
            return PublishOutcome("already", failures=failures)
        label = figures.as_of.label()
        if failures:
            digest = hashlib.sha256("\n".join(f.message for f in failures).encode()).hexdigest()[:12]
            role = catalogue.obligations[cadence.KEY_FIGURES_OBLIGATION].role
            queued = notify.notify_role(session, catalogue, role, messages.quality_alert(failures, label),
                                        Key(DUTY, f"keyfigures-{period}".replace(":", "-"), f"quality-{digest}"),
                                        day, occurrence_id=occurrence.id).queued
            audit.append(session, ACTOR, "settlement.key_figures_blocked", f"{cadence.KEY_FIGURES_OBLIGATION}/{period}",
                         {"failures": [f.message for f in failures[:50]], "count": len(failures)})
            return PublishOutcome("blocked", failures=failures, alerts_queued=queued)
        try:
            paths = publish_key_figures(published, failures, settings.publish_dir)
        except PublishBlocked as exc:  # e.g. suppression not applied: the gate has the last word
            return PublishOutcome("blocked", failures=exc.failures)
        shown = [str(p.resolve()) for p in paths]
        occurrences.complete(session, occurrence.id, ACTOR, "Publisert: " + ", ".join(shown), as_of)
        audit.append(session, ACTOR, "settlement.key_figures_published", f"{cadence.KEY_FIGURES_OBLIGATION}/{period}",
                     {"files": shown, "month": label})
        return PublishOutcome("published", paths=shown)


def key_figures(result: AnalysisResult, municipalities: list[Municipality],
                config: SettlementConfig) -> tuple[KeyFigures, KeyFigures, list[QualityFailure]]:
    """(unsuppressed, to publish, failed checks): pure, run in the flow."""
    figures = build_key_figures(result)
    published = suppress(figures, config.suppression_threshold)
    return figures, published, check_quality(figures, published, municipalities, config.suppression_threshold)


@io_task(name="settlement-cadence-history")
def cadence_history(url: str) -> list[dict]:
    with session_scope(engine_for(url)) as session:
        rows = cadence.history(session)
        weekly = session.exec(select(Occurrence).where(
            Occurrence.obligation_id == cadence.OBLIGATION,
            Occurrence.period.startswith(cadence.WEEKLY_PREFIX)).order_by(Occurrence.anchor))
        table = [{"Fra": r.from_date.isoformat(), "Rapportering": cadence.CADENCE_NAMES[r.cadence],
                  "Begrunnelse": r.reason} for r in rows]
        return table + [{"Fra": o.anchor.isoformat(), "Rapportering": f"ukentlig forekomst {o.period}",
                         "Begrunnelse": f"frist {o.due.isoformat()}, status {o.status}"} for o in weekly]
