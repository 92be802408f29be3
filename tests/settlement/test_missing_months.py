"""Issue 30: a settlement source without some month of the period analysed is refused, naming
the months, instead of analysed as a year to date that is too low."""

import pytest

from pliktvakt.settlement.analysis import run_analysis
from pliktvakt.settlement.inputs import ConfigError, YearMonth
from pliktvakt.settlement.inputs_figures import parse_csv
from tests.settlement.handmade import MUNICIPALITIES, csv_text, hand_made_csv, make_config


def _without(month: int):
    lines = [
        line for line in hand_made_csv().splitlines(keepends=True) if not line.startswith(f"2025;{month};")
    ]
    return parse_csv("".join(lines).encode("utf-8"), "hand.csv", [m.code for m in MUNICIPALITIES])


def test_a_month_missing_from_the_period_is_refused_naming_it():
    with pytest.raises(
        ConfigError, match=r"hand.csv: kilden mangler tall for 2025-02 .*Ingenting er analysert"
    ):
        run_analysis(_without(2), list(MUNICIPALITIES), make_config(), YearMonth(2025, 3))


def test_a_month_after_the_period_may_be_missing():
    result = run_analysis(_without(3), list(MUNICIPALITIES), make_config(), YearMonth(2025, 2))
    assert result.national.settled_ytd > 0


def test_a_fifo_as_the_source_is_refused_without_waiting_for_a_writer(tmp_path):
    import os

    from pliktvakt.settlement.inputs import SettlementFileError
    from pliktvakt.settlement.inputs_figures import load_settlement_file

    os.mkfifo(tmp_path / "bosetting.csv")  # opened for reading, it would block for ever
    with pytest.raises(SettlementFileError, match="er ikke en vanlig fil"):
        load_settlement_file(tmp_path / "bosetting.csv")


def _without_lines(*prefixes: str):
    lines = [line for line in hand_made_csv().splitlines(keepends=True) if not line.startswith(prefixes)]
    return parse_csv("".join(lines).encode("utf-8"), "hand.csv", [m.code for m in MUNICIPALITIES])


def test_a_municipality_missing_a_month_of_the_period_is_refused_naming_it_and_the_month():
    # Stavanger has rows in January (anmodet, vedtatt, bosatt) and February, none for March:
    # a file cut inside its months. Every other municipality is whole.
    with pytest.raises(ConfigError) as refused:
        run_analysis(_without_lines("2025;3;1103;"), list(MUNICIPALITIES), make_config(), YearMonth(2025, 3))
    said = str(refused.value)
    assert said.startswith("hand.csv: kilden mangler bosatt-tall for 1 kommune i perioden: ")
    assert "1103 Stavanger (2025-03)." in said and "Ingenting er analysert." in said
    assert "0301" not in said and "4601" not in said


def test_each_incomplete_municipality_is_named_with_every_month_it_lacks():
    # Bergen lacks January and March (its February is there); Kinn lacks February.
    rows = _without_lines("2025;1;4601;Bergen;bosatt", "2025;3;4601;", "2025;2;4602;")
    with pytest.raises(
        ConfigError,
        match=r"for 2 kommuner i perioden: 4601 Bergen \(2025-01, 2025-03\); 4602 Kinn \(2025-02\)\.",
    ):
        run_analysis(rows, list(MUNICIPALITIES), make_config(), YearMonth(2025, 3))


def test_a_municipality_without_any_row_in_the_period_is_not_part_of_it():
    # IMDi asks only some municipalities each year: Kinn with no 2025 row at all is listed as
    # «uten tall» in the report, as before, and the others are analysed (18 - Kinn's 3 = 15).
    result = run_analysis(
        _without_lines("2025;1;4602;", "2025;2;4602;", "2025;3;4602;"),
        list(MUNICIPALITIES),
        make_config(),
        YearMonth(2025, 3),
    )
    assert [m.code for m in result.missing_municipalities] == ["4602"]
    assert result.national.settled_ytd == 15


def test_only_rows_up_to_the_month_analysed_count():
    # Stavanger lacks March, but February is analysed: its January and February are there.
    result = run_analysis(
        _without_lines("2025;3;1103;"), list(MUNICIPALITIES), make_config(), YearMonth(2025, 2)
    )
    assert result.national.settled_ytd == 2 + 3 + 0 + 2 + 0 + 0 + 1 + 1  # Oslo, Stavanger, Bergen, Kinn


def test_a_quarantined_settled_row_is_counted_as_quarantined_not_as_missing():
    # Stavanger's March count is «to»: the row is read and quarantined, so the month is not
    # missing from the source; the report counts the quarantined row (and its YTD lacks the 2).
    text = hand_made_csv().replace("2025;3;1103;Stavanger;bosatt;2;0", "2025;3;1103;Stavanger;bosatt;to;0")
    loaded = parse_csv(text.encode("utf-8"), "hand.csv", [m.code for m in MUNICIPALITIES])
    assert len(loaded.quarantined) == 1
    result = run_analysis(loaded, list(MUNICIPALITIES), make_config(), YearMonth(2025, 3))
    assert (result.quarantined_rows, result.national.settled_ytd) == (1, 16)


def test_more_than_twenty_incomplete_municipalities_are_counted():
    from pliktvakt.settlement.inputs import Municipality

    # 25 municipalities 5001..5025 with January only, analysed at February: all 25 lack
    # February; the first 20 are named and the other 5 counted.
    many = [Municipality(f"50{n:02d}", f"K{n}", "50", "Trøndelag") for n in range(1, 26)]
    body = "".join(f"2025;1;{m.code};{m.name};bosatt;1;0\n" for m in many) + "2025;2;0301;Oslo;bosatt;1;0\n"
    loaded = parse_csv(csv_text(body).encode("utf-8"), "mange.csv", [m.code for m in many] + ["0301"])
    with pytest.raises(ConfigError) as refused:
        run_analysis(loaded, many + [MUNICIPALITIES[0]], make_config(), YearMonth(2025, 2))
    said = str(refused.value)
    assert "for 26 kommuner i perioden: 0301 Oslo (2025-01); 5001 K1 (2025-02)" in said
    assert "5019 K19 (2025-02) og 6 kommuner til." in said
