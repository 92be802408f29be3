"""Fixtures over the hand-made data in ``handmade.py``."""

import pytest

from pliktvakt.settlement.model import Municipality
from pliktvakt.settlement.parsing import parse_csv
from tests.settlement.handmade import MUNICIPALITIES, hand_made_csv


@pytest.fixture
def municipalities() -> list[Municipality]:
    return list(MUNICIPALITIES)


@pytest.fixture
def load_result():
    result = parse_csv(hand_made_csv().encode("utf-8"), "hand.csv", [m.code for m in MUNICIPALITIES])
    assert result.quarantined == []
    return result
