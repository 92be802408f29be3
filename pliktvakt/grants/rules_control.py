"""Rules: who is drawn for the risk-based control sample (vedlegg 1 pkt. 8, ØR punkt 6.3.8).

Pure decisions: no session, no I/O.

The sample is drawn from the grants that stand (awarded, not lapsed), weighted by amount
(vesentlighet) and raised for a recipient (by organisation number) with earlier findings
(risiko): weight = amount × (1 + number of earlier findings). The draw is weighted sampling
without replacement (Efraimidis–Spirakis: the largest u^(1/w)) from ``random.Random(seed)``, so
the same seed gives the same sample and the draw can be re-run by an auditor.
"""

import math
import random
from dataclasses import dataclass
from decimal import Decimal

from pliktvakt.grants.store import GrantsError


@dataclass(frozen=True)
class Candidate:
    decision_id: int
    orgnr: str
    amount: Decimal
    earlier_findings: int

    @property
    def weight(self) -> float:
        return float(self.amount) * (1 + self.earlier_findings)


def sample_size(population: int, share: float) -> int:
    """``share`` of the population, rounded up, at least one where there is anyone to check."""
    if not 0 < share <= 1:
        raise GrantsError(f"--share {share}: må være større enn 0 og høyst 1 (f.eks. 0.1 for 10 %).")
    return min(population, max(1, math.ceil(population * share))) if population else 0


def draw(candidates: list[Candidate], share: float, seed: int) -> list[Candidate]:
    """The sample, heaviest key first; deterministic for a given seed and candidate order."""
    rng = random.Random(seed)
    keyed = [(rng.random() ** (1 / c.weight), c) for c in candidates if c.weight > 0]
    keyed.sort(key=lambda pair: pair[0], reverse=True)
    return [c for _, c in keyed[: sample_size(len(keyed), share)]]
