"""Weekly occurrences of the monthly analysis while a large deviation holds, on SQLite and
PostgreSQL: made once per ISO week, left alone by materialise, withdrawn on return to monthly."""

from datetime import date

import pytest
from sqlmodel import select

from pliktvakt import occurrences
from pliktvakt.catalogue import load_catalogue
from pliktvakt.db import make_engine, session_scope
from pliktvakt.settlement import rules_cadence, store_cadence
from pliktvakt.settlement.analysis import run_analysis
from pliktvakt.settlement.inputs import YearMonth
from pliktvakt.tables import AuditEntry, Occurrence, OccurrenceStatus
from tests.settlement.conftest import ROOT
from tests.settlement.handmade import make_config


@pytest.fixture
def catalogue():
    return load_catalogue(ROOT / "config")


def test_week_periods_by_iso_week():
    # 29 December 2025 is a Monday in ISO week 1 of 2026; 28 December 2025 a Sunday in week 52.
    assert rules_cadence.week_period(date(2025, 12, 29)) == "weekly:2026-W01"
    assert rules_cadence.week_period(date(2025, 12, 28)) == "weekly:2025-W52"
    assert rules_cadence.week_monday(date(2025, 12, 28)) == date(2025, 12, 22)
    assert rules_cadence.monthly_period(date(2025, 12, 28)) == "2025-12-01"


def test_weekly_occurrence_is_made_once_and_survives_materialise(db_url, catalogue):
    engine = make_engine(db_url)
    # Wednesday 16 April 2025: week 16 starts Monday 14 April; two business days on is
    # Wednesday 16 April (Maundy Thursday 17 April is a holiday, but comes after).
    with session_scope(engine) as session:
        first, created = store_cadence.ensure_weekly_occurrence(session, catalogue, date(2025, 4, 16))
        assert created and (first.period, first.anchor, first.due) == (
            "weekly:2025-W16",
            date(2025, 4, 14),
            date(2025, 4, 16),
        )
    with session_scope(engine) as session:
        again, created = store_cadence.ensure_weekly_occurrence(session, catalogue, date(2025, 4, 18))
        assert not created and again.id == first.id
        # Materialising on the week's Monday must not take it for a withdrawn rule.
        result = occurrences.materialise(session, catalogue, date(2025, 4, 14))
        assert result.withdrawn == 0
    with session_scope(engine) as session:
        assert session.get(Occurrence, first.id).status == OccurrenceStatus.OPEN
        audited = session.exec(select(AuditEntry).where(AuditEntry.action == "occurrence.created")).all()
        assert [a.subject for a in audited] == ["settlement-monthly-analysis/weekly:2025-W16"]


def test_weekly_due_moves_past_easter(db_url, catalogue):
    # Week 17 of 2025 starts on Easter Monday, 21 April, a holiday: the two business days
    # after it are 22 and 23 April, so the week's report is due 23 April.
    with session_scope(make_engine(db_url)) as session:
        weekly, _ = store_cadence.ensure_weekly_occurrence(session, catalogue, date(2025, 4, 22))
        assert (weekly.period, weekly.due) == ("weekly:2025-W17", date(2025, 4, 23))


def test_return_to_monthly_withdraws_open_weekly_from_this_week(
    db_url, catalogue, load_result, municipalities
):
    engine = make_engine(db_url)
    with session_scope(engine) as session:
        past, _ = store_cadence.ensure_weekly_occurrence(session, catalogue, date(2025, 4, 2))  # week 14
        current, _ = store_cadence.ensure_weekly_occurrence(session, catalogue, date(2025, 4, 8))  # week 15
    # The hand-made data: 18 settled by March / 0.15 = 120 projected; with need 100 that is
    # 120 %, within the rule, so the cadence wanted is monthly; weekly was recorded earlier.
    within = run_analysis(load_result, municipalities, make_config(need_2025=100), YearMonth(2025, 3))
    behind = run_analysis(load_result, municipalities, make_config(need_2025=150), YearMonth(2025, 3))
    assert (within.large_deviation, behind.large_deviation) == (False, True)
    with session_scope(engine) as session:
        switched = store_cadence.record(session, date(2025, 4, 1), behind)
        assert (switched.previous, switched.row.cadence, switched.row.need_ratio) == (
            "monthly",
            "weekly",
            0.8,
        )
        assert store_cadence.record(session, date(2025, 4, 2), behind) is None  # already weekly
        back = store_cadence.record(session, date(2025, 4, 9), within)
        assert (back.previous, back.row.cadence) == ("weekly", "monthly")
        assert "Innenfor IMDis kriterier igjen" in back.row.reason and "120,0" in back.row.reason
        assert store_cadence.withdraw_weekly(session, date(2025, 4, 9), "tilbake til månedlig") == 1
    with session_scope(engine) as session:
        assert (
            session.get(Occurrence, past.id).status == OccurrenceStatus.OPEN
        )  # a missed week stays, overdue
        assert session.get(Occurrence, current.id).status == "withdrawn"
        assert store_cadence.cadence_on(session, date(2025, 4, 5)) == "weekly"
        assert store_cadence.cadence_on(session, date(2025, 4, 9)) == "monthly"
        assert store_cadence.cadence_on(session, date(2025, 3, 31)) == "monthly"
