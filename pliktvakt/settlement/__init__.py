"""Monthly settlement analysis (instruction 2.2): load, analyse, check, publish, report.

The entry points a flow needs:
- ``load_settlement_file(path, known_municipalities)`` / ``load_settlement_url(url, ...)``
  -> ``LoadResult`` (rows plus quarantined rows with reasons)
- ``run_analysis(rows_or_load_result, municipalities, config, as_of_month)`` -> ``AnalysisResult``
- ``render_report(result)`` -> ``(html, markdown)``
- ``build_key_figures`` / ``suppress`` / ``check_quality`` / ``publish_key_figures``
"""

from pliktvakt.settlement.analysis import AnalysisResult, is_large_deviation, run_analysis
from pliktvakt.settlement.keyfigures import (
    PublishBlocked,
    QualityFailure,
    build_key_figures,
    check_quality,
    key_figures_csv,
    key_figures_json,
    publish_key_figures,
    suppress,
)
from pliktvakt.settlement.model import (
    ConfigError,
    LoadResult,
    Municipality,
    SettlementConfig,
    SettlementFileError,
    SettlementRow,
    YearMonth,
    load_municipalities,
    load_settlement_config,
)
from pliktvakt.settlement.parsing import load_settlement_file, parse_csv, parse_json_payload
from pliktvakt.settlement.report import render_report
from pliktvakt.settlement.source import SettlementSourceError, fetch_settlement_json, load_settlement_url

__all__ = [
    "AnalysisResult", "ConfigError", "LoadResult", "Municipality", "PublishBlocked",
    "QualityFailure", "SettlementConfig", "SettlementFileError", "SettlementRow",
    "SettlementSourceError", "YearMonth", "build_key_figures", "check_quality",
    "fetch_settlement_json", "is_large_deviation", "key_figures_csv", "key_figures_json",
    "load_municipalities", "load_settlement_config", "load_settlement_file", "load_settlement_url",
    "parse_csv", "parse_json_payload", "publish_key_figures", "render_report", "run_analysis",
    "suppress",
]
