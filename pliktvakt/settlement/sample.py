"""Kind: a generator of synthetic input. Settlement figures realistic in shape, not real.

Used as the embedded default (``config/sample/bosetting-syntetisk.csv``, written by
``bench/settlement_bench.py --write-sample``), in the bench and for demonstrations.

Shape: each year's need is spread over municipalities by a fixed random weight (larger for
the big cities); IMDi requests about 4 % more than the need; most municipalities agree to
the request in January-April, some to less; settlement follows a seasonal pattern (slow
in January and July, a rush in the autumn) around the agreement times a yearly
performance factor. Of whom unaccompanied minors (EM): about 7 %.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from pliktvakt.settlement.inputs import Municipality, YearMonth
from pliktvakt.settlement.inputs_figures import COLUMNS

SEASON = [0.05, 0.07, 0.09, 0.09, 0.09, 0.08, 0.05, 0.07, 0.10, 0.10, 0.11, 0.10]
# Rough relative size of the largest municipalities; all others weigh 1 before noise.
CITY_WEIGHT = {
    "0301": 40,
    "4601": 20,
    "5001": 16,
    "1103": 12,
    "3201": 10,
    "4204": 10,
    "3301": 9,
    "3205": 8,
    "3107": 7,
    "3203": 7,
    "5501": 7,
    "1108": 6,
    "3105": 5,
    "1804": 5,
    "1508": 5,
    "3905": 4,
    "3907": 4,
    "3909": 4,
    "4003": 4,
    "3403": 3,
}
# Settled over the year / agreement; 2026 is made to fall behind so that the large-deviation
# rule shows in the demo.
DEFAULT_PERFORMANCE = {2021: 0.95, 2022: 1.0, 2023: 0.96, 2024: 0.93, 2025: 0.97, 2026: 0.76}
EM_SHARE = 0.07
SYNTHETIC_NOTICE = (
    "# SYNTETISKE DATA - ikke virkelige bosettingstall. "
    "Laget av pliktvakt.settlement.sample for demonstrasjon og test."
)


def _poisson(rnd: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rnd.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rnd.random()
        if p <= limit:
            return k
        k += 1


def _binomial(rnd: random.Random, n: int, p: float) -> int:
    return sum(1 for _ in range(n) if rnd.random() < p)


def generate_rows(
    municipalities: Sequence[Municipality],
    need: dict[int, int],
    until: YearMonth,
    seed: int = 2024,
    performance: dict[int, float] | None = None,
) -> list[dict]:
    """Rows in the long input format for every municipality and every month of the years in
    ``need`` up to ``until``. Deterministic for a given seed."""
    rnd = random.Random(seed)
    performance = performance or {}
    weights = {m.code: rnd.lognormvariate(0, 0.5) * CITY_WEIGHT.get(m.code, 1) for m in municipalities}
    total_weight = sum(weights.values())
    rows: list[dict] = []
    for year in sorted(need):
        if year > until.year:
            break
        last_month = until.month if year == until.year else 12
        factor = performance.get(year, DEFAULT_PERFORMANCE.get(year, 0.95))
        for m in municipalities:
            asked = 0 if rnd.random() < 0.06 else round(need[year] * 1.04 * weights[m.code] / total_weight)
            agreed = asked if rnd.random() < 0.75 else round(asked * rnd.uniform(0.5, 0.95))
            asked_em, agreed_em = _binomial(rnd, asked, EM_SHARE), 0
            agreed_em = min(agreed, round(asked_em * agreed / asked)) if asked else 0
            decided_in = rnd.choice([1, 1, 1, 2, 2, 3, 4])
            pace = factor * rnd.uniform(0.8, 1.15)
            for month in range(1, last_month + 1):
                known_agreed = (agreed, agreed_em) if month >= decided_in else (0, 0)
                settled = _poisson(rnd, agreed * pace * SEASON[month - 1])
                base = {"år": year, "måned": month, "kommunenr": m.code, "kommune": m.name}
                rows.append({**base, "kategori": "anmodet", "antall": asked, "herav_em": asked_em})
                rows.append(
                    {**base, "kategori": "vedtatt", "antall": known_agreed[0], "herav_em": known_agreed[1]}
                )
                rows.append(
                    {
                        **base,
                        "kategori": "bosatt",
                        "antall": settled,
                        "herav_em": _binomial(rnd, settled, EM_SHARE),
                    }
                )
    return rows


def to_csv(rows: Sequence[dict], notice: str = SYNTHETIC_NOTICE) -> str:
    lines = [notice, ";".join(COLUMNS)]
    lines.extend(";".join(str(row[c]) for c in COLUMNS) for row in rows)
    return "\n".join(lines) + "\n"


def demo_month(today_month: YearMonth, need: dict[int, int]) -> YearMonth:
    """The month the demo's sample ends and its analysis covers: the last complete month
    before ``today_month``, as for a real source, but not past the last year the config gives
    a need for (the generator makes only those years)."""
    last = YearMonth.last_complete_before(*today_month)
    return min(last, YearMonth(max(need), 12)) if need else last


def demo_csv(municipalities: Sequence[Municipality], need: dict[int, int], until: YearMonth) -> bytes:
    """The synthetic sample up to ``until``, as CSV with its notice: what the embedded default
    analyses, so that a demo on any day shows that day's last complete month."""
    return to_csv(generate_rows(municipalities, need, until)).encode("utf-8")
