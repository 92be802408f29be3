"""Kind: texts. What a settlement run did, in bokmål, and whether it did its duty.

For the run's artifacts and log (DESIGN: run contract).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pliktvakt.settlement.analysis import AnalysisResult
from pliktvakt.settlement.inputs import LoadResult
from pliktvakt.settlement.rules import BLOCKED, DEMO, CadenceOutcome, PublishOutcome, ReportPlan
from pliktvakt.settlement.rules_cadence import WEEKLY_PREFIX
from pliktvakt.settlement.texts import CADENCE_NAMES

PUBLISH_LINES = {
    "already": "Nøkkeltallene for måneden er allerede publisert.",
    "missing": "Fant ingen forekomst for publisering av nøkkeltall denne måneden.",
}


@dataclass
class RunSummary:
    loaded: LoadResult
    result: AnalysisResult
    cadence: CadenceOutcome
    report_path: Path
    plan: ReportPlan
    publish: PublishOutcome
    completed: list[str]
    waiting_for_channel: int  # messages of this pass with no channel to go by
    demo: bool = False  # the synthetic sample (inputs_source.is_demo)

    def problems(self) -> list[str]:
        """What keeps the duty from being done, in bokmål; none when it is done."""
        problems = [self.plan.problem] if self.plan.problem else []
        if self.publish.status == BLOCKED:
            failures = self.publish.failures
            more = f" (og {len(failures) - 5} til)" if len(failures) > 5 else ""
            problems.append(
                "nøkkeltallene er ikke publisert: " + "; ".join(f.message for f in failures[:5]) + more
            )
        return problems

    def status_lines(self) -> list[str]:
        cadence, plan = self.cadence, self.plan
        lines = [
            f"Rapportering: {CADENCE_NAMES[cadence.cadence]}"
            + (f" (endret i dag: {cadence.reason})" if cadence.changed_to else "")
            + (
                f"; ukens forekomst {cadence.weekly_period.removeprefix(WEEKLY_PREFIX)}"
                if cadence.weekly_period
                else ""
            ),
            f"Rapporten (HTML): {self.report_path}",
        ]
        if plan.problem or plan.note:
            lines.append(plan.problem or plan.note)
        elif self.completed:
            lines.append(f"Rapporten er sendt til departementet; fullført: {', '.join(self.completed)}.")
        else:
            lines.append(
                f"Rapporten ligger i utboksen ({len(plan.keys)} mottaker(e)) og er ikke levert ennå; "
                "forekomsten fullføres når den er levert."
            )
        if self.waiting_for_channel:
            lines.append(
                f"{self.waiting_for_channel} melding(er) venter på kanal: PLIKTVAKT_EMAIL_URL er ikke satt."
            )
        lines.append(self._publish_line())
        return lines

    def _publish_line(self) -> str:
        publish = self.publish
        if publish.status == DEMO:
            return "Nøkkeltallene (syntetiske) er lagt under demo/, ikke publisert: " + ", ".join(
                publish.paths
            )
        if publish.status == "published":
            return "Nøkkeltallene er publisert: " + ", ".join(publish.paths)
        if publish.status == BLOCKED:
            return (
                f"Nøkkeltallene er IKKE publisert: {len(publish.failures)} kontroll(er) feilet; "
                "statistikkansvarlig er varslet."
            )
        return PUBLISH_LINES[publish.status]

    def outcome(self) -> dict:
        """The run's result, for the CLI and the tests."""
        month, cadence = self.result.as_of, self.cadence
        return {
            "month": f"{month.year}-{month.month:02d}",
            "cadence": cadence.cadence,
            "cadence_changed": cadence.changed_to,
            "weekly_period": cadence.weekly_period,
            "report_queued": self.plan.queued,
            "completed": self.completed,
            "key_figures": self.publish.status,
            "published": self.publish.paths,
            "quarantined": len(self.loaded.quarantined),
            "report": str(self.report_path),
            "large_deviation": self.result.large_deviation,
            "projected_year_end": round(self.result.projection.year_end, 1),
            "demo": self.demo,
        }


def loaded_line(loaded: LoadResult, result: AnalysisResult) -> str:
    return (
        f"Lest {len(loaded.rows)} rader fra {loaded.source}; {len(loaded.quarantined)} i karantene. "
        f"Analyse av {result.as_of.label()}: framskrevet {result.projection.year_end:.0f} av behov "
        f"{result.need} ({result.need_ratio * 100:.1f} %)."
    )
