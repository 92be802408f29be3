"""Bench: load plus analysis of 10 years x every municipality x 12 months (issue 6: <= 2 s).

Generates the synthetic data first (not timed), then times reading the CSV bytes,
validating them and running the analysis for December of the last year, without Prefect.
With --write-sample it regenerates the shipped sample, config/sample/bosetting-syntetisk.csv,
instead (the generator, pliktvakt.settlement.sample, is pure; this writes its output).

    uv run python bench/settlement_bench.py [--write-sample]
"""

import sys
import time
import tracemalloc
from pathlib import Path

from pliktvakt.settlement.analysis import run_analysis
from pliktvakt.settlement.inputs import YearMonth, load_municipalities, load_settlement_config
from pliktvakt.settlement.inputs_figures import parse_csv
from pliktvakt.settlement.render import render_charts
from pliktvakt.settlement.render_trends import trend_files
from pliktvakt.settlement.sample import generate_rows, to_csv
from tasks.files import write_file

CONFIG = Path(__file__).parents[1] / "config"
YEARS = range(2017, 2027)
SAMPLE_UNTIL = YearMonth(2026, 10)


def main() -> None:
    municipalities = load_municipalities(CONFIG / "municipalities.csv")
    config = load_settlement_config(CONFIG / "settlement.yaml")
    need = {year: 12000 for year in YEARS}
    config.need.update(need)
    as_of = YearMonth(YEARS[-1], 12)
    data = to_csv(generate_rows(municipalities, need, as_of, seed=1)).encode("utf-8")
    codes = [m.code for m in municipalities]

    tracemalloc.start()
    started = time.perf_counter()
    loaded = parse_csv(data, "bench.csv", codes)
    parsed = time.perf_counter()
    result = run_analysis(loaded, municipalities, config, as_of)
    finished = time.perf_counter()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    # tracemalloc slows Python down; time once more without it for the honest wall time.
    again = time.perf_counter()
    run_analysis(parse_csv(data, "bench.csv", codes), municipalities, config, as_of)
    untraced = time.perf_counter() - again

    print(
        f"rows: {len(loaded.rows)} "
        f"({len(municipalities)} kommuner x {len(YEARS)} år x 12 mnd x 3 kategorier), "
        f"quarantined: {len(loaded.quarantined)}, input {len(data) / 1e6:.1f} MB"
    )
    print(f"parse: {parsed - started:.3f} s, analyse: {finished - parsed:.3f} s (under tracemalloc)")
    print(f"wall time load+analysis: {untraced:.3f} s (target <= 2 s)")
    print(f"peak traced memory: {peak / 1e6:.1f} MB")
    print(f"check: projection {result.projection.year_end:.0f}, settled {result.national.settled_ytd}")
    print(f"deviations by IMDi's criteria: {len(result.deviations)}")

    # The trends page published after approval: the charts (shared with the report) and its files.
    started = time.perf_counter()
    charts = render_charts(result)
    drawn = time.perf_counter()
    files = trend_files(result, charts, Path("."))
    written = time.perf_counter()
    size = sum(len(content) for content in files.values())
    print(
        f"charts: {drawn - started:.3f} s, "
        f"trends page html+json: {written - drawn:.3f} s ({size / 1e3:.0f} kB)"
    )


def write_sample() -> None:
    config = load_settlement_config(CONFIG / "settlement.yaml")
    rows = generate_rows(load_municipalities(CONFIG / "municipalities.csv"), config.need, SAMPLE_UNTIL)
    target = write_file(CONFIG / "sample" / "bosetting-syntetisk.csv", to_csv(rows))
    print(f"{target}: {len(rows)} rows up to {SAMPLE_UNTIL.year}-{SAMPLE_UNTIL.month:02d}")


if __name__ == "__main__":
    if "--write-sample" in sys.argv[1:]:
        write_sample()
    else:
        main()
