"""The shipped config and synthetic sample: complete, loadable, and giving a real analysis."""

from collections import Counter
from pathlib import Path

import pytest

from pliktvakt.settlement.analysis import run_analysis
from pliktvakt.settlement.inputs import (
    ConfigError,
    SettlementFileError,
    YearMonth,
    load_municipalities,
    load_settlement_config,
)
from pliktvakt.settlement.inputs_figures import load_settlement_file, parse_csv
from pliktvakt.settlement.keyfigures import build_key_figures, check_quality, suppress
from pliktvakt.settlement.sample import generate_rows, to_csv
from tests.settlement.handmade import MUNICIPALITIES

CONFIG = Path(__file__).parents[2] / "config"


def test_municipality_list_is_the_2024_division():
    municipalities = load_municipalities(CONFIG / "municipalities.csv")
    # SSB Klass 131 for 2024: 357 municipalities in 15 counties.
    assert len(municipalities) == 357
    per_county = Counter(m.county_name for m in municipalities)
    assert len(per_county) == 15
    assert per_county["Innlandet"] == 46 and per_county["Vestfold"] == 6 and per_county["Oslo"] == 1
    assert all(m.code[:2] == m.county_code for m in municipalities)
    assert "SSB" in (CONFIG / "municipalities.csv").read_text(encoding="utf-8").splitlines()[1]


def test_duplicate_municipality_names_the_line(tmp_path):
    path = tmp_path / "k.csv"
    path.write_text(
        "kommunenr;kommune;fylkesnr;fylke\n0301;Oslo;03;Oslo\n0301;Oslo;03;Oslo\n", encoding="utf-8"
    )
    with pytest.raises(SettlementFileError) as info:
        load_municipalities(path)
    assert (info.value.line, info.value.field) == (3, "kommunenr")


def test_settlement_config_loads_and_rejects_bad_values(tmp_path):
    config = load_settlement_config(CONFIG / "settlement.yaml")
    assert config.large_deviation.national.below == 0.85
    assert config.large_deviation.county.points_below == 0.15 and config.require_approval
    assert config.need_for(2026) > 0
    bad = tmp_path / "s.yaml"
    bad.write_text(
        "need: {2026: 100}\nlarge_deviation: {below: 1.5}\nfar_behind: {ratio: 0.6, min_shortfall: 5}\n"
    )
    with pytest.raises(ConfigError, match=r"large_deviation\.national\.below"):
        load_settlement_config(bad)


def test_generated_sample_round_trips():
    rows = generate_rows(MUNICIPALITIES, {2024: 400, 2025: 300}, YearMonth(2025, 6), seed=7)
    # 4 municipalities x (12 + 6) months x 3 categories
    assert len(rows) == 4 * 18 * 3
    text = to_csv(rows)
    assert text.startswith("# SYNTETISKE DATA")
    loaded = parse_csv(text.encode(), "syntetisk.csv", [m.code for m in MUNICIPALITIES])
    assert loaded.quarantined == [] and len(loaded.rows) == len(rows)
    assert generate_rows(MUNICIPALITIES, {2024: 400, 2025: 300}, YearMonth(2025, 6), seed=7) == rows


def test_shipped_sample_gives_a_complete_analysis():
    path = CONFIG / "sample" / "bosetting-syntetisk.csv"
    assert "SYNTETISKE DATA" in path.read_text(encoding="utf-8").splitlines()[0]
    assert path.stat().st_size < 5_000_000
    municipalities = load_municipalities(CONFIG / "municipalities.csv")
    config = load_settlement_config(CONFIG / "settlement.yaml")
    loaded = load_settlement_file(path, [m.code for m in municipalities])
    assert loaded.quarantined == []
    result = run_analysis(loaded, municipalities, config, YearMonth(2026, 10))
    assert result.missing_municipalities == []
    assert result.projection.method == "sesong"
    figures = build_key_figures(result)
    assert check_quality(figures, suppress(figures), municipalities) == []
