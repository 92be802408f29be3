"""The decisions of a settlement run, in memory: which report is due, the publishing gate, and
what the run says it did and whether it did its duty."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from pliktvakt.catalogue import load_catalogue
from pliktvakt.db import make_engine, session_scope
from pliktvakt.settlement import keyfigures, rules, rules_cadence, store, store_cadence
from pliktvakt.settlement.analysis import run_analysis
from pliktvakt.settlement.inputs import LoadResult, YearMonth
from pliktvakt.settlement.keyfigures import QualityFailure
from pliktvakt.settlement.texts_run import RunSummary
from pliktvakt.tables import Occurrence, OccurrenceStatus
from tests.settlement.conftest import ROOT
from tests.settlement.handmade import make_config

APRIL = date(2025, 4, 2)
MISSING_KINN = QualityFailure(
    "all_municipalities_present", "kommune 4602 Kinn", "kommunen mangler i nøkkeltallene"
)


def _occurrence(period: str, status: str) -> Occurrence:
    return Occurrence(
        id=len(period),
        obligation_id=rules_cadence.OBLIGATION,
        period=period,
        anchor=APRIL,
        due=APRIL,
        role="bosetting",
        status=status,
    )


@pytest.fixture
def result(load_result, municipalities):
    return run_analysis(load_result, municipalities, make_config(), YearMonth(2025, 3))


@pytest.fixture
def figures(result, municipalities):
    return keyfigures.prepare(result, municipalities, make_config())


def test_only_open_occurrences_are_due():
    month, week = (
        _occurrence("2025-04-01", OccurrenceStatus.DONE),
        _occurrence("weekly:2025-W14", OccurrenceStatus.OPEN),
    )
    assert rules.due_reports([month, week]) == [week]
    assert rules.due_reports([None, _occurrence("weekly:2025-W14", OccurrenceStatus.WITHDRAWN)]) == []


def test_one_report_key_per_month_or_week():
    assert rules.report_key(APRIL, None).prefix == "settlement:report-2025-04-01:report:"
    assert rules.report_key(APRIL, "weekly:2025-W14").prefix == "settlement:report-weekly-2025-W14:report:"


def test_gate_publishes_once_and_only_when_every_check_passes(figures, tmp_path):
    _, published, failures = figures
    assert failures == []
    opened = rules.OccurrenceState(7, OccurrenceStatus.OPEN)
    plan = rules.publish_plan(opened, APRIL, published, failures, tmp_path)
    assert (plan.status, plan.occurrence_id, plan.period, plan.label) == (
        "publish",
        7,
        "2025-04-01",
        "mars 2025",
    )
    assert [p.name for p in plan.files] == [
        "nokkeltall-bosetting-2025-03.csv",
        "nokkeltall-bosetting-2025-03.json",
    ]
    blocked = rules.publish_plan(opened, APRIL, published, [MISSING_KINN], tmp_path)
    assert (blocked.status, blocked.files, blocked.failures) == ("blocked", {}, [MISSING_KINN])
    done = rules.OccurrenceState(7, OccurrenceStatus.DONE)
    assert rules.publish_plan(done, APRIL, published, [], tmp_path).status == "already"
    assert rules.publish_plan(None, APRIL, published, [], tmp_path).status == "missing"


def test_gate_blocks_figures_that_were_never_suppressed(figures, tmp_path):
    unsuppressed, _, _ = figures
    plan = rules.publish_plan(
        rules.OccurrenceState(7, OccurrenceStatus.OPEN), APRIL, unsuppressed, [], tmp_path
    )
    assert plan.status == "blocked" and plan.failures[0].detail == "prikking er ikke gjort"


def _summary(
    result, publish: rules.PublishOutcome, plan: rules.ReportPlan, completed=(), waiting=0
) -> RunSummary:
    return RunSummary(
        LoadResult("hand.csv", []),
        result,
        rules.CadenceOutcome(rules_cadence.MONTHLY),
        Path("/r/a.html"),
        plan,
        publish,
        list(completed),
        waiting,
    )


def test_a_blocked_publication_fails_the_run_naming_five_checks(result):
    failures = [QualityFailure("no_negative_counts", f"kommune {n}", "tallet er -1") for n in range(7)]
    run = _summary(result, rules.PublishOutcome("blocked", failures=failures), rules.ReportPlan(keys=["k"]))
    [problem] = run.problems()
    assert problem.startswith(
        "nøkkeltallene er ikke publisert: Kontrollen «Ingen negative tall» feilet for kommune 0"
    )
    assert problem.endswith("kommune 4: tallet er -1 (og 2 til)")
    assert run.status_lines()[-1] == (
        "Nøkkeltallene er IKKE publisert: 7 kontroll(er) feilet; statistikkansvarlig er varslet."
    )


def test_a_done_run_has_no_problems_and_says_what_it_did(result):
    publish = rules.PublishOutcome("published", paths=["/p/a.csv", "/p/a.json"])
    run = _summary(result, publish, rules.ReportPlan(keys=["k1", "k2"]), completed=["2025-04-01"], waiting=2)
    assert run.problems() == []
    assert run.status_lines() == [
        "Rapportering: månedlig",
        "Rapporten (HTML): /r/a.html",
        "Rapporten er sendt til departementet; fullført: 2025-04-01.",
        "2 melding(er) venter på kanal: PLIKTVAKT_EMAIL_URL er ikke satt.",
        "Nøkkeltallene er publisert: /p/a.csv, /p/a.json",
    ]
    assert run.outcome()["key_figures"] == "published" and run.outcome()["month"] == "2025-03"


def test_no_ministry_recipient_is_the_run_s_problem(result):
    plan = rules.ReportPlan(problem="Ingen mottakere i departementet er satt")
    run = _summary(result, rules.PublishOutcome("already"), plan)
    assert run.problems() == ["Ingen mottakere i departementet er satt"]
    assert run.status_lines()[2:] == [
        "Ingen mottakere i departementet er satt",
        "Nøkkeltallene for måneden er allerede publisert.",
    ]


@pytest.fixture
def engine(migrated_sqlite_url):
    return make_engine(migrated_sqlite_url)


def test_cadence_history_says_never_changed(engine):
    with session_scope(engine) as session:
        assert store_cadence.history_table(session) == [
            {"Fra": "", "Rapportering": "månedlig", "Begrunnelse": "aldri endret"}
        ]


def test_blocked_publication_alerts_once_and_completes_nothing(engine, figures, tmp_path):
    catalogue = load_catalogue(ROOT / "config")
    _, published, _ = figures
    now = datetime(2025, 4, 2, 8, tzinfo=UTC)
    with session_scope(engine) as session:
        found = store.key_figures_occurrence(session, catalogue, APRIL, 13)
        plan = rules.publish_plan(found, APRIL, published, [MISSING_KINN], tmp_path)
        first = store.record_publication(session, catalogue, plan, APRIL, now)
        again = store.record_publication(session, catalogue, plan, APRIL, now)
    assert (first.status, first.alerts_queued, again.alerts_queued) == ("blocked", 1, 0)
    with session_scope(engine) as session:
        assert session.get(Occurrence, found.id).status == OccurrenceStatus.OPEN
