"""A month the source has no figures for is «ingen data», never a fall to 0 (−100 %)."""

from pliktvakt.settlement.analysis import month_on_month
from pliktvakt.settlement.inputs import YearMonth
from pliktvakt.settlement.texts import _change_from_before

JAN, DEC = YearMonth(2026, 1), YearMonth(2025, 12)


def test_no_figures_for_the_month_before_is_no_data():
    """January's change is against December of the year before; a source that starts in
    January has no December, so there is no change to show."""
    change = month_on_month({JAN: 50}, JAN)
    assert (change.settled, change.previous_known, change.change_pct) == (50, False, None)
    assert _change_from_before(change) == "ingen data for desember 2025"


def test_a_month_with_figures_is_compared_even_when_they_are_low():
    change = month_on_month({DEC: 40, JAN: 50}, JAN)
    assert (change.previous, change.change, change.previous_known) == (40, 10, True)
    assert _change_from_before(change) == "+25,0\u00a0% fra måneden før"
