"""Planning 200 schemes over 10 years (pliktvakt/evaluation/rules.py): wall time and peak memory.

The schemes: intervals 3-7 years, last evaluated 2015-2026, every seventh never evaluated,
every eleventh with an evaluation under way; capacity 45 a year (about the 200/5 due in a
year, so the plan both fills years and pulls evaluations forward). Also the rendering of
the plan to rows, Markdown and XLSX, which the flow does with it.
Run: env -u PYTHONDONTWRITEBYTECODE uv run python bench/evaluation_plan_bench.py [--runs 21]
"""

import argparse
import statistics
import time
import tracemalloc
from datetime import date
from pathlib import Path

from pliktvakt.evaluation import render
from pliktvakt.evaluation.config import load_plan_settings
from pliktvakt.evaluation.rules import SchemeInput, plan

ROOT = Path(__file__).resolve().parent.parent


def schemes(count: int = 200) -> list[SchemeInput]:
    return [
        SchemeInput(
            id=f"ordning-{i:03}",
            name=f"Tilskuddsordning {i}",
            interval=3 + i % 5,
            last_evaluated=None if i % 7 == 0 else 2015 + i % 12,
            in_progress=2026 if i % 11 == 0 else None,
        )
        for i in range(count)
    ]


def timed(function, runs: int) -> tuple[float, float, float]:
    """(median, min, max) in milliseconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), min(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=21)
    runs = parser.parse_args().runs
    inputs = schemes()
    settings = load_plan_settings(ROOT / "config" / "evaluation_plan.yaml")

    def run_plan():
        return plan(inputs, capacity=45, budget_year=2027, horizon=10)

    result = run_plan()
    planned = sum(len(slots) for slots in result.years.values())
    alerts = len(result.alerts)
    print(f"200 ordninger, 10 år, kapasitet 45: {planned} evalueringer planlagt, {alerts} varsler")
    median, low, high = timed(run_plan, runs)
    print(f"plan:     median {median:.2f} ms (min {low:.2f}, maks {high:.2f}) over {runs} kjøringer")
    median, low, high = timed(lambda: render.markdown(result, settings, date(2027, 1, 4)), runs)
    print(f"markdown: median {median:.2f} ms (min {low:.2f}, maks {high:.2f})")
    median, low, high = timed(lambda: render.xlsx(result, settings), max(runs // 3, 3))
    print(f"xlsx:     median {median:.2f} ms (min {low:.2f}, maks {high:.2f})")

    tracemalloc.start()
    run_plan()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"plan, største minnebruk (tracemalloc): {peak / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
