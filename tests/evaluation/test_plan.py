"""The rolling evaluation plan over 10 years (vedlegg 1 pkt. 9): capacity, intervals, overdue
first, re-planning. Every expected plan is worked out by hand in the test's docstring."""

import pytest

from pliktvakt.evaluation.rules import SchemeInput, plan


def _by_year(result) -> dict[int, list[str]]:
    return {year: [slot.scheme_id for slot in slots] for year, slots in result.years.items()}


def _years(result, scheme_id: str) -> tuple[int, ...]:
    return next(s.planned_years for s in result.schemes if s.id == scheme_id)


def test_intervals_met_and_capacity_respected_over_ten_years():
    """Capacity 2 a year from 2027. a, b: every 2 years, last 2025 (due 2027); c, d: every 4
    years, last 2024 (due 2028). Demand 2·1/2 + 2·1/4 = 1.5 a year, under the capacity, so
    every interval can be met: a, b in 2027, 29, 31, 33, 35; c, d in 2028, 32, 36. No year
    takes more than 2, and in 2030 and 2034 nothing is pulled forward because the years
    after have room (2031: 2 due, capacity 2; 2035: 2 due)."""
    schemes = [
        SchemeInput("a", "A", 2, 2025),
        SchemeInput("b", "B", 2, 2025),
        SchemeInput("c", "C", 4, 2024),
        SchemeInput("d", "D", 4, 2024),
    ]
    result = plan(schemes, capacity=2, budget_year=2027)
    assert list(result.years) == list(range(2027, 2037))
    assert all(len(slots) <= 2 for slots in result.years.values())
    assert _years(result, "a") == _years(result, "b") == (2027, 2029, 2031, 2033, 2035)
    assert _years(result, "c") == _years(result, "d") == (2028, 2032, 2036)
    assert result.alerts == []


def test_most_overdue_first_and_never_evaluated_planned():
    """Capacity 1. a: every 5 years, last 2018, due 2023, 4 years overdue; b: every 5, last
    2020, 2 overdue; c: never evaluated, so due in the budget year 2027; d: every 3, last
    2024, due 2027. Overdue first: 2027 a, 2028 b; then c and d, both due 2027, by id:
    2029 c, 2030 d. In 2031 nothing is due, but 2032-2033 would hold three (a 2032; b, d
    2033) for two slots, so a, due earliest, is pulled into 2031; in 2032 the same holds for
    b and d (2033) with one slot, so b (by id) goes in 2032, d in 2033; c in 2034 (2029 + 5);
    2035 takes a early because a and d both fall due in 2036; d in 2036."""
    schemes = [
        SchemeInput("d", "D", 3, 2024),
        SchemeInput("c", "C", 5, None, last_confirmed=False),
        SchemeInput("b", "B", 5, 2020),
        SchemeInput("a", "A", 5, 2018),
    ]
    result = plan(schemes, capacity=1, budget_year=2027)
    assert _by_year(result) == {
        2027: ["a"],
        2028: ["b"],
        2029: ["c"],
        2030: ["d"],
        2031: ["a"],
        2032: ["b"],
        2033: ["d"],
        2034: ["c"],
        2035: ["a"],
        2036: ["d"],
    }
    overdue = {s.id: s.years_overdue for s in result.schemes}
    assert overdue == {"a": 4, "b": 2, "c": 0, "d": 0}
    # a is overdue though planned; b overdue; c and d due with no slot in 2027 (6.5).
    assert [s.id for s in result.alerts] == ["d", "c", "b", "a"]
    assert next(s for s in result.schemes if s.id == "c").last_confirmed is False


def test_replanned_after_start_and_completion():
    """Capacity 1, every 3 years. a: last 2020 (due 2023), b: last 2022 (due 2025).
    Before anything is recorded: 2027 a, 2028 b, then a 2030, b 2031, a 2033, b 2034, a 2036.
    b started in 2027: it holds the 2027 slot and is next due 2030; a (most overdue) waits
    for 2028, then b 2030, a 2031, b 2033, a 2034, b 2036.
    b completed in 2027: the same plan, the 2027 slot shown as done.
    A year later (budget year 2028) with a completed in 2028: a done 2028, b 2030, a 2031..."""
    a, b = SchemeInput("a", "A", 3, 2020), SchemeInput("b", "B", 3, 2022)
    before = plan([a, b], capacity=1, budget_year=2027)
    assert _years(before, "a") == (2027, 2030, 2033, 2036)
    assert _years(before, "b") == (2028, 2031, 2034)

    started = plan([a, SchemeInput("b", "B", 3, 2022, in_progress=2027)], capacity=1, budget_year=2027)
    assert [(s.scheme_id, s.state) for s in started.in_year(2027)] == [("b", "in_progress")]
    assert _years(started, "a") == (2028, 2031, 2034)
    assert _years(started, "b") == (2027, 2030, 2033, 2036)

    done = plan([a, SchemeInput("b", "B", 3, 2027)], capacity=1, budget_year=2027)
    assert [(s.scheme_id, s.state) for s in done.in_year(2027)] == [("b", "done")]
    assert _by_year(done) == _by_year(started)

    next_year = plan(
        [SchemeInput("a", "A", 3, 2028), SchemeInput("b", "B", 3, 2027)], capacity=1, budget_year=2028
    )
    assert [(s.scheme_id, s.state) for s in next_year.in_year(2028)] == [("a", "done")]
    assert _years(next_year, "b") == (2030, 2033, 2036)
    assert _years(next_year, "a") == (2028, 2031, 2034, 2037)


def test_capacity_pulls_evaluations_forward_rather_than_late():
    """Four schemes every 5 years, all last evaluated 2024 (due 2029), capacity 2: 2029 cannot
    take four, so two are pulled forward into 2028 (the latest year with room), none is late."""
    schemes = [SchemeInput(x, x.upper(), 5, 2024) for x in "abcd"]
    result = plan(schemes, capacity=2, budget_year=2027)
    assert _by_year(result)[2028] == ["a", "b"]
    assert _by_year(result)[2029] == ["c", "d"]
    assert all(max(s.planned_years) - min(s.planned_years) == 5 for s in result.schemes)


def test_backlog_beyond_capacity_waits_and_stays_within_capacity():
    """Five never-evaluated schemes, capacity 2: two a year in id order (a b | c d | e), none
    of the years over 2."""
    result = plan([SchemeInput(x, x, 4, None) for x in "abcde"], capacity=2, budget_year=2027)
    assert _by_year(result)[2027] == ["a", "b"]
    assert _by_year(result)[2028] == ["c", "d"]
    assert _by_year(result)[2029][0] == "e"
    assert all(len(slots) <= 2 for slots in result.years.values())


def test_capacity_zero_is_refused():
    with pytest.raises(ValueError, match="kapasiteten"):
        plan([SchemeInput("a", "A", 3, None)], capacity=0, budget_year=2027)


def test_two_hundred_schemes_stay_within_capacity_and_are_all_planned():
    """200 schemes with intervals of 3 to 7 years, capacity 40: demand is about 200/5 = 40 a
    year, so no year goes over 40 and every scheme gets at least one slot in ten years (the
    speed of this is measured in bench/evaluation_plan_bench.py, not here)."""
    schemes = [
        SchemeInput(f"s{i:03}", f"S{i}", 3 + i % 5, None if i % 7 == 0 else 2015 + i % 12) for i in range(200)
    ]
    result = plan(schemes, capacity=40, budget_year=2027)
    assert all(len(slots) <= 40 for slots in result.years.values())
    assert all(s.planned_years for s in result.schemes)
