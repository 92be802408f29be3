"""Kind: render. The trends page published beside the key figures, as HTML and JSON.

Instruction 2.2: "Informasjon om trender og utviklingstrekk skal også publiseres": HTML with its
charts, and the same facts as JSON.

Only national and county figures are shown, so nothing needs suppression; the municipality
details stay in the report to the ministry.
"""

from __future__ import annotations

import json
from pathlib import Path

from pliktvakt import bokmal, templating
from pliktvakt.settlement.analysis import AnalysisResult, AreaStatus
from pliktvakt.settlement.render import CHART_TITLES, TEMPLATE_DIR, criteria


def trends_stem(result: AnalysisResult) -> str:
    return f"trender-bosetting-{result.as_of.year}-{result.as_of.month:02d}"


def _area(status: AreaStatus) -> dict:
    return {
        "kode": status.code,
        "navn": status.name,
        "anmodet": status.requested,
        "vedtatt": status.agreed,
        "bosatt_hittil": status.settled_ytd,
        "bosatt_i_måneden": status.settled_month,
        "andel_bosatt_av_vedtatt": _rounded(status.settled_share_of_agreed),
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def trends_document(result: AnalysisResult, mark: str | None = None) -> dict:
    year = result.as_of.year
    return {
        **({"merknad": mark} if mark else {}),
        "år": year,
        "til_og_med_måned": result.as_of.month,
        "behov": result.need,
        "status": _area(result.national),
        "bosatt_per_måned": {
            f"{m.year}-{m.month:02d}": n for m, n in result.monthly.items() if m.year == year
        },
        "endring_fra_måneden_før": {
            "bosatt": result.month_change.settled,
            "måneden_før": result.month_change.previous if result.month_change.previous_known else None,
            "endring": _rounded(result.month_change.change_pct),
        },
        "trend_tre_måneder": {
            "siste_tre": result.trend.last_three,
            "tre_før": result.trend.previous_three,
            "endring": _rounded(result.trend.change_pct),
            "retning": result.trend.direction,
        },
        "framskriving": {
            "ved_årets_slutt": round(result.projection.year_end, 1),
            "andel_av_behovet": _rounded(result.need_ratio),
            "metode": result.projection.method,
            "sesongandel": _rounded(result.projection.seasonal_share),
            "historiske_år": list(result.projection.history_years),
        },
        "fylker": [_area(c) for c in result.counties],
        "store_avvik": [
            {"område": d.area, "funn": d.finding, "kriterium": d.criterion} for d in result.deviations
        ],
        "kriterier_for_store_avvik": criteria(result),
        "kriterienes_kilde": (
            "plassholder: pliktvaktens forslag, ikke bekreftet av IMDi"
            if result.deviation_rules.source == "placeholder"
            else "IMDi"
        ),
    }


def trend_files(
    result: AnalysisResult, charts: dict[str, str], directory: Path, mark: str | None = None
) -> dict[Path, bytes]:
    """The trends page (HTML, self-contained) and its JSON, by path, named by period."""
    stem = trends_stem(result)
    html = templating.render(
        TEMPLATE_DIR,
        "trends.html.j2",
        r=result,
        month_name=bokmal.month_name(result.as_of.month),
        charts=charts,
        chart_titles=CHART_TITLES,
        criteria=criteria(result),
        mark=mark,
    )
    document = json.dumps(trends_document(result, mark), ensure_ascii=False, indent=1)
    return {directory / f"{stem}.html": html.encode("utf-8"), directory / f"{stem}.json": document.encode()}
