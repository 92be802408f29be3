"""Every flow pliktvakt runs, by name: for `pliktvakt run` and for serving.

A flow's module is imported when the flow is first asked for, not here: `pliktvakt run
materialise` then loads materialise's code only, not every duty's (Excel, charts, the
register's client), which took a manual run longer than the run itself (issue 31).
"""

import importlib
from collections.abc import Iterator, Mapping

# In the order the embedded default runs them once at start: the catalogue first, the
# duties next, and the watch last, so it alerts on what is still open after them.
ENTRYPOINTS = {
    "materialise": "flows.materialise:materialise",
    "settlement-analysis": "flows.settlement_analysis:settlement_analysis",
    "prepublication-notice": "flows.prepublication_notice:prepublication_notice",
    "grant-award-notice": "flows.grant_award_notice:grant_award_notice",
    "tilskudd-registration": "flows.tilskudd_registration:tilskudd_registration",
    "tilskudd-reconciliation": "flows.tilskudd_reconciliation:tilskudd_reconciliation",
    "compliance": "flows.compliance:compliance",
    "evaluation-plan": "flows.evaluation_plan:evaluation_plan",
    "deadline-watch": "flows.deadline_watch:deadline_watch",
}


class _Flows(Mapping):
    """Names to flows, each flow's module imported on first use."""

    def __getitem__(self, name: str):
        module, attribute = ENTRYPOINTS[name].split(":")
        return getattr(importlib.import_module(module), attribute)

    def __iter__(self) -> Iterator[str]:
        return iter(ENTRYPOINTS)

    def __len__(self) -> int:
        return len(ENTRYPOINTS)


FLOWS: Mapping = _Flows()
