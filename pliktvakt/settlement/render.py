"""Kind: render. The monthly settlement report and its charts.

In bokmål: HTML (for the ministry, attached to the email) and Markdown (for the Prefect UI),
both with the same three charts.

Charts are drawn with matplotlib's Agg backend (no display) as PNG. The HTML embeds them as
data URIs so that it is one self-contained file; the Markdown does the same, since the
Prefect UI renders ``![..](data:image/png;base64,..)`` in markdown artifacts.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pliktvakt import bokmal, templating
from pliktvakt.charts import plt
from pliktvakt.charts import png as _png
from pliktvakt.settlement import analysis
from pliktvakt.settlement.analysis import AnalysisResult
from pliktvakt.settlement.inputs import YearMonth

TEMPLATE_DIR = Path(__file__).parent / "templates"

CHART_TITLES = {
    "settled_vs_need": "Bosatt per måned og hittil i år mot behovet",
    "counties": "Bosatt hittil i år mot vedtak, per fylke",
    "deviations": "Største avvik: kommuner lengst bak vedtaket",
}


def chart_settled_vs_need(result: AnalysisResult) -> str:
    year, month = result.as_of
    months = list(range(1, month + 1))
    settled = [result.monthly.get(YearMonth(year, m), 0) for m in months]
    cumulative = [sum(settled[: i + 1]) for i in range(len(settled))]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 6.5), sharex=True)
    top.plot(months, cumulative, marker="o", color="#1f4e79", label=f"Bosatt hittil {year}")
    if month < 12:
        top.plot(
            [month, 12],
            [cumulative[-1], result.projection.year_end],
            linestyle="--",
            color="#1f4e79",
            label="Framskrevet",
        )
    top.axhline(result.need, color="#2e7d32", label=f"Behov {bokmal.number(result.need)}")
    top.axhline(
        result.need * result.rule.below,
        color="#c62828",
        linestyle=":",
        label=f"Grense for stort avvik ({bokmal.percent(result.rule.below)})",
    )
    previous = [result.monthly.get(YearMonth(year - 1, m)) for m in range(1, 13)]
    if all(v is not None for v in previous):
        top.plot(
            range(1, 13),
            [sum(previous[: i + 1]) for i in range(12)],
            color="#9e9e9e",
            label=f"Bosatt {year - 1}",
        )
    top.set_ylabel("Personer, akkumulert")
    top.legend(fontsize=8, loc="upper left")
    top.grid(alpha=0.3)
    bottom.bar(months, settled, color="#1f4e79", label=f"Bosatt per måned {year}")
    history = result.projection.history_years
    if history:
        # Earlier years differ in volume, so their seasonal pattern is scaled to this
        # year's projection rather than shown in absolute numbers.
        per_month = [sum(result.monthly.get(YearMonth(y, m), 0) for y in history) for m in range(1, 13)]
        whole = sum(per_month)
        bottom.plot(
            range(1, 13),
            [result.projection.year_end * v / whole for v in per_month],
            color="#ef6c00",
            marker=".",
            label=f"Sesongmønster {history[0]}–{history[-1]}, skalert til framskrivingen",
        )
    bottom.set_ylabel("Personer per måned")
    bottom.set_xticks(range(1, 13), [bokmal.month_abbr(m) for m in range(1, 13)])
    bottom.legend(fontsize=8, loc="upper left")
    bottom.grid(alpha=0.3)
    fig.suptitle(CHART_TITLES["settled_vs_need"])
    return _png(fig)


Bars = tuple[Sequence[float], str, str]  # values, colour, legend label


def _bar_pairs(ax: Any, names: list[str], upper: Bars, lower: Bars) -> None:
    """Two horizontal bars per name, ``upper`` just above ``lower``, the names on the y axis."""
    positions = range(len(names))
    for offset, (values, color, label) in ((0.2, upper), (-0.2, lower)):
        ax.barh([p + offset for p in positions], values, height=0.4, color=color, label=label)
    ax.set_yticks(list(positions), names)


def chart_counties(result: AnalysisResult) -> str:
    counties = sorted(result.counties, key=lambda c: c.agreed)
    names = [c.name for c in counties]
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(names) + 1.2))
    _bar_pairs(
        ax,
        names,
        ([c.agreed for c in counties], "#b0bec5", "Vedtatt"),
        ([c.settled_ytd for c in counties], "#1f4e79", "Bosatt hittil"),
    )
    ax.set_xlabel("Personer")
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(CHART_TITLES["counties"])
    return _png(fig)


def chart_deviations(result: AnalysisResult) -> str:
    rows = list(reversed(result.largest_shortfalls))
    fig, ax = plt.subplots(figsize=(8, 0.4 * max(len(rows), 1) + 1.2))
    if rows:
        _bar_pairs(
            ax,
            [d.status.name for d in rows],
            ([d.expected_by_now for d in rows], "#b0bec5", "Forventet hittil etter vedtak"),
            ([d.status.settled_ytd for d in rows], "#c62828", "Bosatt hittil"),
        )
        ax.legend(fontsize=8, loc="lower right")
    else:
        ax.text(0.5, 0.5, "Ingen kommuner ligger bak vedtaket", ha="center", va="center")
        ax.set_yticks([])
    ax.set_xlabel("Personer")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(CHART_TITLES["deviations"])
    return _png(fig)


def render_charts(result: AnalysisResult) -> dict[str, str]:
    """Chart name -> base64 PNG."""
    return {
        "settled_vs_need": chart_settled_vs_need(result),
        "counties": chart_counties(result),
        "deviations": chart_deviations(result),
    }


def criteria(result: AnalysisResult) -> list[str]:
    """IMDi's criteria for «store avvik», as configured, for the report."""
    return [
        f"{level}: {criterion}." for level, criterion in analysis.criteria(result.deviation_rules).items()
    ]


def render_report(
    result: AnalysisResult,
    charts: dict[str, str] | None = None,
    mark: str | None = None,
    approval: str | None = None,
) -> tuple[str, str]:
    """(html, markdown) of the monthly report. Pass ``charts`` to reuse rendered charts;
    ``mark`` (demo mode) and ``approval`` (who approved it, when) are said at the top."""
    charts = charts if charts is not None else render_charts(result)
    context = {
        "criteria": criteria(result),
        "approval": approval,
        "r": result,
        "month_name": bokmal.month_name(result.as_of.month),
        "charts": charts,
        "chart_titles": CHART_TITLES,
        "top": 20,
        "mark": mark,
    }
    html = templating.render(TEMPLATE_DIR, "report.html.j2", **context)
    markdown = templating.render(TEMPLATE_DIR, "report.md.j2", **context)
    return html, markdown
