"""Kind: rules. The settlement run's decisions (instruction 2.2), each returning a plan.

Where the figures come from, which report is due, whether the key figures may be published,
and what the demo run does (the approval's are in ``rules_approval``). Pure functions: no
session, no I/O, no clock; the tasks carry the plans out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple

from pliktvakt.notify import Key
from pliktvakt.settlement import texts
from pliktvakt.settlement.analysis import AnalysisResult, reporting_cadence
from pliktvakt.settlement.inputs import YearMonth
from pliktvakt.settlement.inputs_source import DEMO_DIR, is_url, mistyped_url
from pliktvakt.settlement.keyfigures import KeyFigures, QualityFailure, gate_failures, key_figure_files
from pliktvakt.settlement.render_trends import trend_files
from pliktvakt.settlement.rules_cadence import monthly_period
from pliktvakt.settlement.sample import demo_month
from pliktvakt.tables import Occurrence, OccurrenceStatus

DUTY = "settlement"


# --- Where the figures come from -------------------------------------------------------------


class SourcePlan(NamedTuple):
    """Where this run reads its figures: the synthetic sample (demo), a URL or a file."""

    month: YearMonth  # the month analysed
    demo: bool = False  # the synthetic sample, made up to ``month``
    url: str | None = None  # the plain URL: pass it to the fetch as a secret, show it redacted
    path: Path | None = None
    error: str | None = None  # bokmål: why the source cannot be used


def source_plan(location: str, demo: bool, day: date, need: dict[int, int]) -> SourcePlan:
    """The last complete month before ``day``, from the source PLIKTVAKT_SETTLEMENT_SOURCE names
    (``location``). A mistyped URL is refused before it is passed to any task, so Prefect never
    stores it."""
    if demo:  # the synthetic sample, made up to the month analysed
        return SourcePlan(demo_month(YearMonth(day.year, day.month), need), demo=True)
    month = YearMonth.last_complete_before(day.year, day.month)
    if (mistyped := mistyped_url(location)) is not None:
        return SourcePlan(month, error=mistyped)
    if is_url(location):
        return SourcePlan(month, url=location)
    return SourcePlan(month, path=Path(location))


# --- The cadence -----------------------------------------------------------------------------


@dataclass
class CadenceOutcome:
    cadence: str
    changed_to: str | None = None
    reason: str | None = None
    alerts_queued: int = 0
    weekly_period: str | None = None
    weekly_created: bool = False
    withdrawn: int = 0


# --- The report ------------------------------------------------------------------------------


@dataclass
class ReportPlan:
    """The report messages of this run and the occurrences they complete once delivered."""

    keys: list[str] = field(default_factory=list)
    occurrence_ids: list[int] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)
    queued: int = 0
    note: str = ""
    problem: str | None = None  # bokmål: what keeps the duty from being done


def due_reports(found: Sequence[Occurrence | None]) -> list[Occurrence]:
    """The open ones of this month's and (while weekly) this week's occurrences."""
    return [o for o in found if o is not None and o.status == OccurrenceStatus.OPEN]


def report_key(day: date, weekly_period: str | None) -> Key:
    """One key per period: a rerun in the same month (or week) sends nothing new."""
    return Key(DUTY, f"report-{weekly_period or monthly_period(day)}".replace(":", "-"), "report")


# --- The key figures -------------------------------------------------------------------------

PUBLISH, BLOCKED, ALREADY, MISSING = "publish", "blocked", "already", "missing"
DEMO = "demo"  # demo mode: written under publish_dir/demo/, not published


@dataclass(frozen=True)
class OccurrenceState:
    id: int
    status: str


@dataclass(frozen=True)
class PublishPlan:
    status: str  # publish | blocked | already | missing
    period: str
    label: str  # the month, in bokmål
    occurrence_id: int | None = None
    files: dict[Path, bytes] = field(default_factory=dict)
    failures: list[QualityFailure] = field(default_factory=list)


def publish_plan(
    occurrence: OccurrenceState | None,
    day: date,
    published: KeyFigures,
    failures: list[QualityFailure],
    directory: Path,
    trends: dict[Path, bytes] | None = None,
) -> PublishPlan:
    """The publishing gate: publish the month's key figures, with the ``trends`` page beside
    them, once, and only if every check passed."""
    period, label = monthly_period(day), published.as_of.label()
    if occurrence is None:
        return PublishPlan(MISSING, period, label, failures=failures)
    if occurrence.status != OccurrenceStatus.OPEN:
        return PublishPlan(ALREADY, period, label, occurrence.id, failures=failures)
    blocked = gate_failures(published, failures)
    if blocked:
        return PublishPlan(BLOCKED, period, label, occurrence.id, failures=blocked)
    files = {**key_figure_files(published, [], directory), **(trends or {})}
    return PublishPlan(PUBLISH, period, label, occurrence.id, files=files)


@dataclass
class PublishOutcome:
    status: str  # published | blocked | already | missing
    paths: list[str] = field(default_factory=list)
    failures: list[QualityFailure] = field(default_factory=list)
    alerts_queued: int = 0


# --- Demo mode -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoPlan:
    """Demo mode: the marked key figures and trends under publish_dir/demo/ (none if a check
    failed). No cadence is recorded, nothing is queued to the ministry and no occurrence is
    completed."""

    files: dict[Path, bytes]
    blocked: list[QualityFailure]
    cadence: CadenceOutcome
    report: ReportPlan

    def outcome(self, paths: list[str]) -> PublishOutcome:
        """What the run did with the files, once written to ``paths``."""
        return PublishOutcome(BLOCKED if self.blocked else DEMO, paths=paths, failures=self.blocked)


def demo_plan(
    result: AnalysisResult,
    published: KeyFigures,
    failures: list[QualityFailure],
    charts: dict[str, str],
    publish_dir: Path,
    ministry_recipients: list[str],
) -> DemoPlan:
    blocked, demo_dir = gate_failures(published, failures), publish_dir / DEMO_DIR
    files = (
        {}
        if blocked
        else {
            **key_figure_files(published, [], demo_dir, texts.DEMO_MARK),
            **trend_files(result, charts, demo_dir, texts.DEMO_MARK),
        }
    )
    problem = texts.DEMO_WITH_RECIPIENTS if ministry_recipients else None
    return DemoPlan(
        files,
        blocked,
        CadenceOutcome(reporting_cadence(result.large_deviation)),
        ReportPlan(note=texts.DEMO_NOT_SENT, problem=problem),
    )
