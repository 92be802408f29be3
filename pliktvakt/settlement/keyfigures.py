"""Kind: a calculation. The key figures on settlement, their checks and files.

Built from an analysis, quality-checked, suppressed and published as CSV and JSON (instruction
2.2: "oppdaterte nøkkeltall om bosetting er kvalitetssikret, publisert og lett tilgjengelige").

Publishing is gated: ``key_figure_files`` refuses while any quality check fails; a task
writes the files it returns.
Suppression (prikking) replaces counts from 1 up to the threshold (5) by ":". Zero is
published as 0. Secondary suppression (a hidden cell that can be worked out from a total)
is not done; the county and national totals are published as they are.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pliktvakt.settlement.analysis import AnalysisResult, AreaStatus
from pliktvakt.settlement.inputs import Municipality, SettlementConfig, YearMonth
from pliktvakt.tabular import csv_bytes

MEASURES = (
    "anmodet",
    "herav_em_anmodet",
    "vedtatt",
    "herav_em_vedtatt",
    "bosatt_hittil",
    "herav_em_bosatt_hittil",
)
EM_OF = {
    "herav_em_anmodet": "anmodet",
    "herav_em_vedtatt": "vedtatt",
    "herav_em_bosatt_hittil": "bosatt_hittil",
}
LEVEL_NATIONAL, LEVEL_COUNTY, LEVEL_MUNICIPALITY = "land", "fylke", "kommune"
SUPPRESSED = ":"

CHECK_TITLES = {
    "sums_add_up": "Summene stemmer",
    "no_negative_counts": "Ingen negative tall",
    "all_municipalities_present": "Alle kommuner er med",
    "suppression_applied": "Tall under 5 er prikket",
}


@dataclass(frozen=True)
class KeyFigureRow:
    level: str
    code: str
    name: str
    county_code: str
    values: dict[str, int | str]  # int, or ":" once suppressed


@dataclass(frozen=True)
class KeyFigures:
    as_of: YearMonth
    rows: list[KeyFigureRow]
    suppressed_below: int | None = None  # set once suppression is applied


@dataclass(frozen=True)
class QualityFailure:
    check: str  # one of CHECK_TITLES
    where: str
    detail: str

    @property
    def message(self) -> str:
        return f"Kontrollen «{CHECK_TITLES[self.check]}» feilet for {self.where}: {self.detail}"


class PublishBlocked(Exception):
    def __init__(self, failures: Sequence[QualityFailure]):
        self.failures = list(failures)
        lines = "\n".join(f"- {f.message}" for f in failures)
        super().__init__(f"Nøkkeltallene er ikke publisert fordi kvalitetskontrollen feilet:\n{lines}")


def _values(status: AreaStatus) -> dict[str, int | str]:
    return {
        "anmodet": status.requested,
        "herav_em_anmodet": status.requested_em,
        "vedtatt": status.agreed,
        "herav_em_vedtatt": status.agreed_em,
        "bosatt_hittil": status.settled_ytd,
        "herav_em_bosatt_hittil": status.settled_em_ytd,
    }


def build_key_figures(result: AnalysisResult) -> KeyFigures:
    """Unsuppressed key figures. Municipalities without any figures for the year are left
    out rather than shown as zero, so that the completeness check catches them."""
    missing = {m.code for m in result.missing_municipalities}
    rows = [KeyFigureRow(LEVEL_NATIONAL, "00", "Hele landet", "", _values(result.national))]
    rows += [KeyFigureRow(LEVEL_COUNTY, c.code, c.name, c.code, _values(c)) for c in result.counties]
    rows += [
        KeyFigureRow(LEVEL_MUNICIPALITY, m.code, m.name, m.county_code, _values(m))
        for m in result.municipalities
        if m.code not in missing
    ]
    return KeyFigures(result.as_of, rows)


def suppress(figures: KeyFigures, threshold: int = 5) -> KeyFigures:
    def hide(value: int | str) -> int | str:
        return SUPPRESSED if isinstance(value, int) and 0 < value < threshold else value

    rows = [
        KeyFigureRow(r.level, r.code, r.name, r.county_code, {k: hide(v) for k, v in r.values.items()})
        for r in figures.rows
    ]
    return KeyFigures(figures.as_of, rows, threshold)


def _label(row: KeyFigureRow) -> str:
    return "hele landet" if row.level == LEVEL_NATIONAL else f"{row.level} {row.code} {row.name}"


def check_sums(figures: KeyFigures) -> list[QualityFailure]:
    failures = []
    national = [r for r in figures.rows if r.level == LEVEL_NATIONAL]
    counties = [r for r in figures.rows if r.level == LEVEL_COUNTY]
    members: dict[str, list[KeyFigureRow]] = defaultdict(list)
    for row in figures.rows:
        if row.level == LEVEL_MUNICIPALITY:
            members[row.county_code].append(row)
    groups = [(c, members.get(c.code, []), "kommunene i fylket") for c in counties]
    groups += [(n, counties, "fylkene") for n in national]
    for total, parts, what in groups:
        for measure in MEASURES:
            expected = sum(int(p.values[measure]) for p in parts)
            if int(total.values[measure]) != expected:
                failures.append(
                    QualityFailure(
                        "sums_add_up",
                        f"{_label(total)}, {measure}",
                        f"totalen er {total.values[measure]}, {what} summerer til {expected}",
                    )
                )
    for row in figures.rows:
        for em, measure in EM_OF.items():
            if int(row.values[em]) > int(row.values[measure]):
                failures.append(
                    QualityFailure(
                        "sums_add_up",
                        f"{_label(row)}, {em}",
                        f"herav EM ({row.values[em]}) er større enn {measure} ({row.values[measure]})",
                    )
                )
    return failures


def check_no_negative(figures: KeyFigures) -> list[QualityFailure]:
    return [
        QualityFailure("no_negative_counts", f"{_label(row)}, {measure}", f"tallet er {value}")
        for row in figures.rows
        for measure, value in row.values.items()
        if isinstance(value, int) and value < 0
    ]


def check_all_municipalities(
    figures: KeyFigures, municipalities: Sequence[Municipality]
) -> list[QualityFailure]:
    codes = [r.code for r in figures.rows if r.level == LEVEL_MUNICIPALITY]
    present = set(codes)
    failures = [
        QualityFailure(
            "all_municipalities_present", f"kommune {m.code} {m.name}", "kommunen mangler i nøkkeltallene"
        )
        for m in municipalities
        if m.code not in present
    ]
    known = {m.code for m in municipalities}
    failures += [
        QualityFailure(
            "all_municipalities_present", f"kommune {code}", "kommunenummeret finnes ikke i kommunelisten"
        )
        for code in sorted(present - known)
    ]
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            failures.append(
                QualityFailure("all_municipalities_present", f"kommune {code}", "kommunen står flere ganger")
            )
        seen.add(code)
    return failures


def check_suppression(published: KeyFigures, threshold: int = 5) -> list[QualityFailure]:
    return [
        QualityFailure(
            "suppression_applied",
            f"{_label(row)}, {measure}",
            f"tallet {value} er under {threshold} og skulle vært prikket",
        )
        for row in published.rows
        for measure, value in row.values.items()
        if isinstance(value, int) and 0 < value < threshold
    ]


def check_quality(
    figures: KeyFigures, published: KeyFigures, municipalities: Sequence[Municipality], threshold: int = 5
) -> list[QualityFailure]:
    """All checks: sums and signs on the unsuppressed figures, completeness, and
    suppression on what would be published."""
    return (
        check_sums(figures)
        + check_no_negative(figures)
        + check_all_municipalities(figures, municipalities)
        + check_suppression(published, threshold)
    )


CSV_COLUMNS = ["år", "til_og_med_måned", "nivå", "kode", "navn", "fylkesnr", *MEASURES]


def key_figures_csv(published: KeyFigures, mark: str | None = None) -> bytes:
    """Semicolon CSV in UTF-8 with BOM, so that Excel in Norway opens it as is, through the one
    writer (``tabular.csv_bytes``, which neutralises formulas). ``mark`` (demo mode) is a ``#``
    line above the header, as the synthetic sample says what it is."""
    rows = [
        [
            published.as_of.year,
            published.as_of.month,
            row.level,
            row.code,
            row.name,
            row.county_code,
            *(row.values[m] for m in MEASURES),
        ]
        for row in published.rows
    ]
    return csv_bytes([CSV_COLUMNS, *rows], preamble=mark, lineterminator="\n")


def key_figures_json(published: KeyFigures, mark: str | None = None) -> bytes:
    document = {
        **({"merknad": mark} if mark else {}),
        "år": published.as_of.year,
        "til_og_med_måned": published.as_of.month,
        "prikket_under": published.suppressed_below,
        "forklaring": "anmodet og vedtatt er årets tall per månedens slutt; bosatt_hittil er "
        'bosatte hittil i år. ":" er et prikket tall (under 5).',
        "rader": [
            {"nivå": r.level, "kode": r.code, "navn": r.name, "fylkesnr": r.county_code, **r.values}
            for r in published.rows
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def gate_failures(published: KeyFigures, failures: Sequence[QualityFailure]) -> list[QualityFailure]:
    """What keeps ``published`` from being published: the failed checks, or suppression not done."""
    if failures:
        return list(failures)
    if published.suppressed_below is None:
        return [QualityFailure("suppression_applied", "nøkkeltallene", "prikking er ikke gjort")]
    return []


def key_figure_files(
    published: KeyFigures, failures: Sequence[QualityFailure], directory: Path, mark: str | None = None
) -> dict[Path, bytes]:
    """The CSV and JSON to publish in ``directory`` (PLIKTVAKT_PUBLISH_DIR), by path; the gate
    raises ``PublishBlocked`` while any check failed (instruction 2.2: "kvalitetssikret")."""
    blocked = gate_failures(published, failures)
    if blocked:
        raise PublishBlocked(blocked)
    stem = f"nokkeltall-bosetting-{published.as_of.year}-{published.as_of.month:02d}"
    return {
        directory / f"{stem}.csv": key_figures_csv(published, mark),
        directory / f"{stem}.json": key_figures_json(published, mark),
    }


def prepare(
    result: AnalysisResult, municipalities: Sequence[Municipality], config: SettlementConfig
) -> tuple[KeyFigures, KeyFigures, list[QualityFailure]]:
    """(unsuppressed, to publish, failed checks) for the analysed month."""
    figures = build_key_figures(result)
    published = suppress(figures, config.suppression_threshold)
    return figures, published, check_quality(figures, published, municipalities, config.suppression_threshold)
