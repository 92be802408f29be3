"""Small hand-made settlement data. Every figure the tests expect is worked out in the
test's comments from the rows below."""

from __future__ import annotations

from pliktvakt.settlement.inputs import (
    CountyDeviationRule,
    DeviationRules,
    FarBehindRule,
    LargeDeviationRule,
    Municipality,
    ProjectionConfig,
    SettlementConfig,
)
from pliktvakt.settlement.inputs_figures import COLUMNS

MUNICIPALITIES = [
    Municipality("0301", "Oslo", "03", "Oslo"),
    Municipality("1103", "Stavanger", "11", "Rogaland"),
    Municipality("4601", "Bergen", "46", "Vestland"),
    Municipality("4602", "Kinn", "46", "Vestland"),
]

# 2024, a full year, all in Oslo. Settled per month:
#   jan-mar 10 each (30), apr-nov 20 each (160), des 10 -> year 200.
#   So the seasonal share by the end of March is 30 / 200 = 0.15.
SETTLED_2024 = [10, 10, 10, 20, 20, 20, 20, 20, 20, 20, 20, 10]

# 2025 up to March: (anmodet, vedtatt, bosatt) per month and municipality.
#   Oslo:      anmodet 40 (jan, feb), 50 (mar); vedtatt none in jan, 40 from feb;
#              bosatt 2, 3, 5 (of whom EM 0, 1, 1)
#   Stavanger: anmodet 10, vedtatt 10; bosatt ":" (suppressed), 2, 2
#   Bergen:    anmodet 60, vedtatt 60; bosatt 0, 0, 1
#   Kinn:      anmodet 20, vedtatt 10; bosatt 1, 1, 1
ROWS_2025 = """\
2025;1;0301;Oslo;anmodet;40;3
2025;1;0301;Oslo;bosatt;2;0
2025;2;0301;Oslo;anmodet;40;3
2025;2;0301;Oslo;vedtatt;40;3
2025;2;0301;Oslo;bosatt;3;1
2025;3;0301;Oslo;anmodet;50;4
2025;3;0301;Oslo;vedtatt;40;3
2025;3;0301;Oslo;bosatt;5;1
2025;1;1103;Stavanger;anmodet;10;0
2025;1;1103;Stavanger;vedtatt;10;0
2025;1;1103;Stavanger;bosatt;:;:
2025;2;1103;Stavanger;bosatt;2;0
2025;3;1103;Stavanger;bosatt;2;0
2025;1;4601;Bergen;anmodet;60;5
2025;1;4601;Bergen;vedtatt;60;5
2025;1;4601;Bergen;bosatt;0;0
2025;2;4601;Bergen;bosatt;0;0
2025;3;4601;Bergen;bosatt;1;0
2025;1;4602;Kinn;anmodet;20;2
2025;1;4602;Kinn;vedtatt;10;1
2025;1;4602;Kinn;bosatt;1;0
2025;2;4602;Kinn;bosatt;1;0
2025;3;4602;Kinn;bosatt;1;0
"""


def csv_text(body: str) -> str:
    return ";".join(COLUMNS) + "\n" + body


def hand_made_csv() -> str:
    rows_2024 = "".join(
        f"2024;{month};0301;Oslo;bosatt;{count};0\n" for month, count in enumerate(SETTLED_2024, 1)
    )
    return csv_text(rows_2024 + ROWS_2025)


def json_payload(*rows: dict) -> dict:
    """The JSON source's payload; each row is Oslo, January 2025, with the given fields."""
    oslo_january = {"år": 2025, "måned": 1, "kommunenr": "0301", "kommune": "Oslo"}
    return {"format": "pliktvakt-bosetting/1", "rader": [{**oslo_january, **row} for row in rows]}


def make_config(need_2025: int = 150, county: CountyDeviationRule | None = None) -> SettlementConfig:
    return SettlementConfig(
        need={2024: 200, 2025: need_2025},
        large_deviation=DeviationRules(national=LargeDeviationRule(below=0.85), county=county),
        far_behind=FarBehindRule(ratio=0.6, min_shortfall=5),
        projection=ProjectionConfig(history_years=3),
        suppression_threshold=5,
    )
