"""Issue 30: a settlement source without some month of the period analysed is refused, naming
the months, instead of analysed as a year to date that is too low."""

import pytest

from pliktvakt.settlement.analysis import run_analysis
from pliktvakt.settlement.model import ConfigError, YearMonth
from pliktvakt.settlement.parsing import parse_csv
from tests.settlement.handmade import MUNICIPALITIES, hand_made_csv, make_config


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

    from pliktvakt.settlement.model import SettlementFileError
    from pliktvakt.settlement.parsing import load_settlement_file

    os.mkfifo(tmp_path / "bosetting.csv")  # opened for reading, it would block for ever
    with pytest.raises(SettlementFileError, match="er ikke en vanlig fil"):
        load_settlement_file(tmp_path / "bosetting.csv")
