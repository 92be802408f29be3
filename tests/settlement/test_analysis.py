"""The analysis figures on the hand-made data of handmade.py, computed by hand."""

import pytest

from pliktvakt.settlement.analysis import is_large_deviation, reporting_cadence, run_analysis
from pliktvakt.settlement.inputs import ConfigError, CountyDeviationRule, LargeDeviationRule, YearMonth
from tests.settlement.handmade import make_config

MARCH = YearMonth(2025, 3)


def by_code(statuses):
    return {s.code: s for s in statuses}


def test_national_status_year_to_date(load_result, municipalities):
    r = run_analysis(load_result, municipalities, make_config(), MARCH)
    # anmodet as known at end of March: Oslo 50 (the March report) + Stavanger 10
    #   + Bergen 60 + Kinn 20 = 140
    assert r.national.requested == 140
    # vedtatt: 40 + 10 + 60 + 10 = 120
    assert r.national.agreed == 120
    # bosatt jan-mar: Oslo 2+3+5=10, Stavanger 0(":")+2+2=4, Bergen 1, Kinn 3 -> 18
    assert r.national.settled_ytd == 18
    # EM settled: Oslo 0+1+1 = 2, the rest 0
    assert r.national.settled_em_ytd == 2
    assert r.need == 150
    assert r.suppressed_cells == 1  # Stavanger January
    assert r.missing_municipalities == []


def test_status_uses_figures_as_known_at_the_month(load_result, municipalities):
    feb = run_analysis(load_result, municipalities, make_config(), YearMonth(2025, 2))
    oslo = by_code(feb.municipalities)["0301"]
    # At the end of February Oslo's request was still 40 (raised to 50 in March);
    # settled jan+feb = 2 + 3 = 5.
    assert (oslo.requested, oslo.agreed, oslo.settled_ytd) == (40, 40, 5)
    jan = run_analysis(load_result, municipalities, make_config(), YearMonth(2025, 1))
    # No vedtatt row for Oslo in January: agreed 0.
    assert by_code(jan.municipalities)["0301"].agreed == 0


def test_county_status(load_result, municipalities):
    r = run_analysis(load_result, municipalities, make_config(), MARCH)
    counties = by_code(r.counties)
    assert [c.code for c in r.counties] == ["03", "11", "46"]
    # Vestland = Bergen + Kinn: anmodet 60+20=80, vedtatt 60+10=70, bosatt 1+3=4
    assert (counties["46"].requested, counties["46"].agreed, counties["46"].settled_ytd) == (80, 70, 4)
    # March vs February in Vestland: 1+1=2 against 0+1=1
    assert (counties["46"].settled_month, counties["46"].settled_previous_month) == (2, 1)


def test_month_on_month_and_three_month_trend(load_result, municipalities):
    r = run_analysis(load_result, municipalities, make_config(), MARCH)
    # March: 5+2+1+1 = 9; February: 3+2+0+1 = 6 -> +3, +50 %
    assert (r.month_change.settled, r.month_change.previous, r.month_change.change) == (9, 6, 3)
    assert r.month_change.change_pct == pytest.approx(0.5)
    # Last three months jan-mar 2025: 3 + 6 + 9 = 18 (January: 2+0+0+1 = 3).
    # The three before, oct-dec 2024 (Oslo): 20 + 20 + 10 = 50. (18-50)/50 = -0.64.
    assert (r.trend.last_three, r.trend.previous_three) == (18, 50)
    assert r.trend.change_pct == pytest.approx(-0.64)
    assert r.trend.direction == "synkende"


def test_projection_uses_the_seasonal_pattern(load_result, municipalities):
    r = run_analysis(load_result, municipalities, make_config(), MARCH)
    # 2024 is the only full earlier year: 30 of 200 settled by end of March -> 0.15.
    # Projection 18 / 0.15 = 120; against the need 150: 0.8.
    assert r.projection.method == "sesong"
    assert r.projection.history_years == (2024,)
    assert r.projection.seasonal_share == pytest.approx(0.15)
    assert r.projection.year_end == pytest.approx(120)
    assert r.need_ratio == pytest.approx(0.8)


def test_projection_falls_back_to_a_straight_line_without_history(load_result, municipalities):
    rows = [row for row in load_result.rows if row.year == 2025]
    r = run_analysis(rows, municipalities, make_config(), MARCH)
    # No 2024: 18 x 12 / 3 = 72.
    assert r.projection.method == "lineær"
    assert r.projection.year_end == pytest.approx(72)


def test_deviations(load_result, municipalities):
    r = run_analysis(load_result, municipalities, make_config(), MARCH)
    # Expected by end of March = vedtatt x 0.15:
    #   Oslo 6 (has 10), Stavanger 1.5 (4), Bergen 9 (1), Kinn 1.5 (3).
    # Only Bergen is below 0.6 x expected (1 < 5.4) with a shortfall 9 - 1 = 8 >= 5.
    assert [d.status.code for d in r.far_behind] == ["4601"]
    assert r.far_behind[0].expected_by_now == pytest.approx(9)
    assert r.far_behind[0].shortfall == pytest.approx(8)
    # Agreed fewer than requested: Oslo 40 < 50 and Kinn 10 < 20 (both -10, by code).
    assert [s.code for s in r.agreed_below_requested] == ["0301", "4602"]


def test_far_behind_needs_a_minimum_shortfall(load_result, municipalities):
    config = make_config()
    config.far_behind.min_shortfall = 9
    r = run_analysis(load_result, municipalities, config, MARCH)
    # Bergen's shortfall is 8, under 9.
    assert r.far_behind == []


def test_large_deviation_rule_in_the_analysis(load_result, municipalities):
    # Projection 120. Need 150: 120 < 0.85 x 150 = 127.5 -> large deviation.
    assert run_analysis(load_result, municipalities, make_config(150), MARCH).large_deviation
    # Need 140: 0.85 x 140 = 119 <= 120 -> within the rule.
    assert not run_analysis(load_result, municipalities, make_config(140), MARCH).large_deviation


def test_is_large_deviation_at_the_bounds():
    rule = LargeDeviationRule(below=0.85)
    assert is_large_deviation(84.9, 100, rule)
    assert not is_large_deviation(85.0, 100, rule)  # "below" is strict
    assert not is_large_deviation(500, 100, rule)  # no upper bound set
    both = LargeDeviationRule(below=0.85, above=1.2)
    assert is_large_deviation(121, 100, both)
    assert not is_large_deviation(120, 100, both)


def test_missing_municipality_and_missing_need(load_result, municipalities):
    rows = [row for row in load_result.rows if not (row.municipality == "4602" and row.year == 2025)]
    r = run_analysis(rows, municipalities, make_config(), MARCH)
    assert [m.code for m in r.missing_municipalities] == ["4602"]
    with pytest.raises(ConfigError, match="Bosettingsbehovet for 2026 mangler"):
        run_analysis(load_result, municipalities, make_config(), YearMonth(2026, 1))


def test_cadence_goes_weekly_and_back(load_result, municipalities):
    # The same data against three needs in turn: 140 (120 >= 119, within), 150 (120 < 127.5,
    # large deviation), 140 again: monthly -> weekly -> monthly.
    cadences = [
        reporting_cadence(run_analysis(load_result, municipalities, make_config(need), MARCH).large_deviation)
        for need in (140, 150, 140)
    ]
    assert cadences == ["monthly", "weekly", "monthly"]


def test_county_deviation_by_imdis_criterion(load_result, municipalities):
    # March: the nation has settled 18 of 120 agreed, 15,0 %. Vestland 4 of 70 = 5,7 %, which is
    # 15,0 - 5,714 = 9,3 points below; Oslo (25 %) and Rogaland (4 of 10, 40 %) are above.
    five_points = CountyDeviationRule(points_below=0.05, min_agreed=10)
    r = run_analysis(load_result, municipalities, make_config(100, county=five_points), MARCH)
    assert [(d.rule, d.area, d.finding) for d in r.deviations] == [
        (
            "fylke",
            "Vestland",
            "5,7\u00a0% bosatt av vedtatt mot 15,0\u00a0% for landet, 9,3 prosentpoeng under",
        )
    ]
    assert r.deviations[0].criterion == (
        "et fylkes andel bosatt av vedtatt mer enn 5,0 prosentpoeng under landets "
        "(fylker med minst 10 vedtatt)"
    )
    # Need 100: the projection 120 is within the national rule, so the county alone makes it weekly.
    assert r.large_deviation and reporting_cadence(r.large_deviation) == "weekly"
    # 9,3 points is not more than 10; and a county under min_agreed is not looked at.
    ten_points = CountyDeviationRule(points_below=0.10, min_agreed=10)
    assert (
        run_analysis(load_result, municipalities, make_config(100, county=ten_points), MARCH).deviations == []
    )
    small = CountyDeviationRule(points_below=0.05, min_agreed=71)
    assert run_analysis(load_result, municipalities, make_config(100, county=small), MARCH).deviations == []
