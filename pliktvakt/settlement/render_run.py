"""Kind: render. The artifacts a settlement run leaves in the Prefect UI (DESIGN principle 7).

The run and its report, the key figures as a table, and the reporting cadence. Each is made here
as text; the flow hands it to Prefect under its stable key.
"""

from __future__ import annotations

from typing import NamedTuple

from pliktvakt.settlement.analysis import AnalysisResult
from pliktvakt.settlement.keyfigures import KeyFigures
from pliktvakt.settlement.texts import CADENCE_NAMES, DEMO_MARK, reason_for
from pliktvakt.settlement.texts_run import RunSummary


class Artifact(NamedTuple):
    key: str
    description: str
    markdown: str | None = None  # a markdown artifact, or
    table: list[dict] | None = None  # a table artifact


def _mark(run: RunSummary) -> str:
    return f"{DEMO_MARK}: " if run.demo else ""


def report_artifact(run: RunSummary, status: list[str], markdown: str) -> Artifact:
    """What the run did (``status``, its status lines), above the report."""
    lines = [
        *([f"# {DEMO_MARK}", ""] if run.demo else []),
        "## Denne kjøringen",
        "",
        *(f"- {line}" for line in status),
        "",
        markdown,
    ]
    description = f"{_mark(run)}Analyse av bosettingsarbeidet, {run.result.as_of.label()} (pkt. 2.2)"
    return Artifact("settlement-report", description, markdown="\n".join(lines))


# The artifact's short headers, so the table fits a 1,366-px screen; the published files keep
# the measures' full names (keyfigures.MEASURES). EM: enslige mindreårige.
KEY_FIGURE_HEADERS = {
    "anmodet": "Anmodet",
    "herav_em_anmodet": "EM anm.",
    "vedtatt": "Vedtatt",
    "herav_em_vedtatt": "EM vedt.",
    "bosatt_hittil": "Bosatt",
    "herav_em_bosatt_hittil": "EM bos.",
}
KEY_FIGURE_NOTE = "EM: herav enslige mindreårige; «:» er prikket"


def key_figure_table(published: KeyFigures) -> list[dict]:
    """One row per area, named by code and name (00 is the whole country, two digits a county,
    four a municipality)."""
    return [
        {"Område": f"{row.code} {row.name}", **{KEY_FIGURE_HEADERS[k]: v for k, v in row.values.items()}}
        for row in published.rows
    ]


def key_figures_artifact(run: RunSummary, published: KeyFigures, suppression_threshold: int) -> Artifact:
    month = run.result.as_of
    description = (
        f"{_mark(run)}Nøkkeltall om bosetting hittil i {month.year}, til og med {month.label()}, "
        f"prikket under {suppression_threshold}. {KEY_FIGURE_NOTE}."
    )
    return Artifact("settlement-key-figures", description, table=key_figure_table(published))


def demo_history_table(result: AnalysisResult, cadence: str, mark: str) -> list[dict]:
    """Demo mode records no cadence; the artifact shows the cadence the demo's analysis gives,
    with its reason and the mark, so it says what the report says."""
    return [
        {
            "Fra": result.as_of.label(),
            "Rapportering": CADENCE_NAMES[cadence],
            "Begrunnelse": f"{mark}: {reason_for(result)} Ikke registrert, og ingen ukentlige forekomster "
            "(demomodus).",
        }
    ]


def history_markdown(table: list[dict]) -> str:
    """The settlement-cadence artifact: one line per row, which wraps (a reason can be long)."""
    return "".join(
        f"- **{row['Rapportering']}**{' fra ' + row['Fra'] if row['Fra'] else ''} – {row['Begrunnelse']}\n"
        for row in table
    )


def cadence_artifact(run: RunSummary, history: list[dict]) -> Artifact:
    """``history``: the stored changes of cadence and weekly occurrences (``store_cadence``), or
    in demo mode ``demo_history_table``."""
    description = f"{_mark(run)}Rapporteringshyppighet for den månedlige analysen, og ukentlige forekomster"
    return Artifact("settlement-cadence", description, markdown=history_markdown(history))
