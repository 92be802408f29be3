"""Kind: rules. What a person's approval of the settlement analysis means (instruction 2.2).

The key figures are to be "kvalitetssikret": a person approves these figures (``period:digest``)
before anything leaves. Pure functions; the gate is kept by ``store_approval``, the wait is in
``flows.approval``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from pliktvakt import bokmal, clock
from pliktvakt.settlement import texts
from pliktvakt.settlement.analysis import AnalysisResult
from pliktvakt.settlement.keyfigures import KeyFigures, key_figures_json
from pliktvakt.settlement.rules_cadence import report_period

APPROVED, REJECTED = "godkjent", "avvist"


@dataclass(frozen=True)
class Decision:
    decision: str  # APPROVED or REJECTED
    by: str
    comment: str
    at: datetime  # UTC

    @property
    def approved(self) -> bool:
        return self.decision == APPROVED

    def line(self) -> str:
        """For the report and the log: who, when and the comment."""
        said = f": «{self.comment}»" if self.comment else ""
        verb = "Godkjent" if self.approved else "Avvist"
        return (
            f"{verb} av {self.by} {bokmal.datetime_short(clock.stored(self.at).astimezone(clock.OSLO))}{said}"
        )


class Approval(NamedTuple):
    line: str | None = None  # who approved, when, the comment: shown in the report sent
    problem: str | None = None  # bokmål: why nothing may leave


def figures_digest(result: AnalysisResult, published: KeyFigures) -> str:
    """What a person approves: the published key figures and the deviations found."""
    content = key_figures_json(published) + "\n".join(d.finding for d in result.deviations).encode()
    return hashlib.sha256(content).hexdigest()[:12]


def approval_period(
    day: date, weekly_period: str | None, result: AnalysisResult, published: KeyFigures
) -> str:
    """The approval gate's period: the report period and the figures approved (``period:digest``)."""
    return f"{report_period(day, weekly_period)}:{figures_digest(result, published)}"


def approval_outcome(decision: Decision | None, wait_seconds: int) -> Approval:
    """What a decision means for the run: approved, the line the report shows; rejected or
    unanswered (None), the reason nothing leaves."""
    if decision is None:
        return Approval(problem=texts.NO_ANSWER.format(wait=bokmal.duration(wait_seconds)))
    if not decision.approved:
        return Approval(problem=f"{decision.line()}. {texts.REJECTED_NOTE}")
    return Approval(line=decision.line())
