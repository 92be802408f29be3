"""Monthly settlement analysis (instruction 2.2): load, analyse, check, publish, report.

The modules, by kind (DESIGN.md: the same file name means the same thing in every area):
- inputs: ``inputs`` (rows, municipalities, config), ``inputs_figures`` (reading the figures
  into a ``LoadResult``: rows plus quarantined rows with reasons) and ``inputs_source`` (where
  they come from); the HTTP fetch is in ``tasks.settlement_source``
- calculations: ``analysis`` (``run_analysis``), ``keyfigures`` (build, suppress, check, files)
- rules: ``rules`` (the source, the report due, the publishing gate, demo mode),
  ``rules_approval`` (what an approval means) and ``rules_cadence`` (the periods, monthly or weekly)
- tables and store: ``tables`` (the cadence rows); ``store``, ``store_cadence`` and
  ``store_approval`` (what a run records, each step in one transaction)
- texts: ``texts`` (messages, alerts, notes) and ``texts_run`` (what the run did)
- render: ``render`` (the report and charts), ``render_trends`` (the trends page) and
  ``render_run`` (the run's artifacts)
- ``sample``: the synthetic figures of demo mode
"""

from pliktvakt.settlement.analysis import AnalysisResult, run_analysis
from pliktvakt.settlement.inputs import (
    ConfigError,
    LoadResult,
    Municipality,
    SettlementConfig,
    SettlementFileError,
    YearMonth,
)
from pliktvakt.settlement.inputs_source import SettlementSourceError

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
