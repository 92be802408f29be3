"""Monthly settlement analysis (instruction 2.2): load, analyse, check, publish, report.

The modules, in the order a run uses them:
- ``source`` / ``parsing``: where the figures come from, and reading them into a ``LoadResult``
  (rows plus quarantined rows with reasons); the HTTP fetch is in ``tasks.settlement_source``
- ``analysis``: ``run_analysis(rows_or_load_result, municipalities, config, as_of_month)``
- ``cadence``: monthly, or weekly while a large deviation holds
- ``duty``: which report is due, the publishing gate, and what the run did
- ``report`` / ``messages``: the report (HTML, Markdown) and the messages, in bokmål
- ``keyfigures``: build, suppress, check, and the files to publish
"""

from pliktvakt.settlement.analysis import AnalysisResult, run_analysis
from pliktvakt.settlement.model import (
    ConfigError,
    LoadResult,
    Municipality,
    SettlementConfig,
    SettlementFileError,
    YearMonth,
)
from pliktvakt.settlement.source import SettlementSourceError

__all__ = [
    "AnalysisResult",
    "ConfigError",
    "LoadResult",
    "Municipality",
    "SettlementConfig",
    "SettlementFileError",
    "SettlementSourceError",
    "YearMonth",
    "run_analysis",
]
