"""Kind: a calculation. The monthly settlement analysis (instruction 2.2): status, trends, deviations.

Everything here is a pure function of the loaded rows, the municipality list and the
config. ``run_analysis`` puts it together for one month.

Definitions used throughout (stated in the report too):
- *Year to date* for month M of year Y: bosatt summed over months 1..M of Y; anmodet and
  vedtatt are the latest figure reported in Y up to M ("as known at the month's end").
- *Suppressed* input counts (":") are counted as 0, so the sums are lower bounds; the
  number of such cells is reported.
- *Seasonal share* s(M): of everyone settled in a full earlier year, the share settled by
  the end of month M, pooled over up to ``history_years`` full years before Y:
  s(M) = sum_y settled_y(1..M) / sum_y settled_y(1..12). A year counts as full when it has
  December figures.
- *Projection* to year end: settled YTD / s(M). Without any full earlier year the method
  falls back to a straight line: settled YTD x 12 / M.
- *Far behind the agreement*: settled YTD < ratio x vedtatt x s(M), and the shortfall
  vedtatt x s(M) - settled YTD is at least ``min_shortfall``.
- *3-month trend*: settled in months M-2..M against the three months before, in per cent;
  "stabil" within +-5 %.
- *Large deviations* (``deviations``), by IMDi's own criteria in the config, not the
  instruction's: nationally, the projection against the need; per county, its
  settled-of-agreed share against the nation's, in percentage points.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field

from pliktvakt import bokmal
from pliktvakt.settlement.inputs import (
    Category,
    ConfigError,
    CountyDeviationRule,
    DeviationRules,
    FarBehindRule,
    LargeDeviationRule,
    LoadResult,
    Municipality,
    QuarantinedRow,
    SettlementConfig,
    SettlementRow,
    YearMonth,
)

STABLE_BAND = 0.05


@dataclass(frozen=True)
class AreaStatus:
    """Year-to-date status of the nation, a county or a municipality."""

    code: str
    name: str
    county_code: str
    county_name: str
    requested: int
    agreed: int
    settled_ytd: int
    requested_em: int
    agreed_em: int
    settled_em_ytd: int
    settled_month: int  # settled in the analysed month
    settled_previous_month: int

    @property
    def settled_share_of_agreed(self) -> float | None:
        return self.settled_ytd / self.agreed if self.agreed else None

    @property
    def agreed_share_of_requested(self) -> float | None:
        return self.agreed / self.requested if self.requested else None


@dataclass(frozen=True)
class MonthChange:
    month: YearMonth
    settled: int
    previous: int
    change: int
    change_pct: float | None
    # False when the source has no figures at all for the month before: it is shown as
    # «ingen data», never as a fall to 0 (−100 %).
    previous_known: bool = True


@dataclass(frozen=True)
class Trend:
    last_three: int
    previous_three: int
    change_pct: float | None
    direction: str  # "økende", "synkende", "stabil", "ukjent"


@dataclass(frozen=True)
class Projection:
    settled_ytd: int
    seasonal_share: float
    year_end: float
    method: str  # "sesong" or "lineær"
    history_years: tuple[int, ...]


@dataclass(frozen=True)
class MunicipalityDeviation:
    status: AreaStatus
    expected_by_now: float
    shortfall: float  # expected_by_now - settled_ytd


NATIONAL_RULE, COUNTY_RULE = "nasjonal", "fylke"


@dataclass(frozen=True)
class Deviation:
    """A large deviation found, with the rule that found it (both in bokmål)."""

    rule: str  # NATIONAL_RULE or COUNTY_RULE
    area: str  # "Hele landet" or the county
    criterion: str  # the rule, with its thresholds
    finding: str  # what was found, with the figures


@dataclass
class AnalysisResult:
    as_of: YearMonth
    source: str
    need: int
    rule: LargeDeviationRule  # the national large-deviation rule
    deviation_rules: DeviationRules
    far_behind_rule: FarBehindRule
    history_limit: int
    national: AreaStatus
    counties: list[AreaStatus]
    municipalities: list[AreaStatus]
    monthly: dict[YearMonth, int]  # national settled per month, all years up to as_of
    month_change: MonthChange
    trend: Trend
    projection: Projection
    need_ratio: float  # projected year end / need
    deviations: list[Deviation]
    far_behind: list[MunicipalityDeviation]
    largest_shortfalls: list[MunicipalityDeviation]
    agreed_below_requested: list[AreaStatus]
    missing_municipalities: list[Municipality]
    suppressed_cells: int
    quarantined_rows: int = 0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)

    @property
    def large_deviation(self) -> bool:
        """Any deviation by IMDi's criteria: report weekly (instruction 2.2)."""
        return bool(self.deviations)


@dataclass
class SettlementIndex:
    # (municipality, year, month) -> (settled, of whom em)
    settled: dict[tuple[str, int, int], tuple[int, int]]
    # (municipality, year, category) -> {month: (count, em)} for anmodet/vedtatt
    stock: dict[tuple[str, int, Category], dict[int, tuple[int, int]]]
    suppressed_cells: int


def index_rows(rows: Iterable[SettlementRow]) -> SettlementIndex:
    settled: dict[tuple[str, int, int], tuple[int, int]] = {}
    stock: dict[tuple[str, int, Category], dict[int, tuple[int, int]]] = defaultdict(dict)
    suppressed = 0
    for row in rows:
        count, em = row.count, row.em
        if count is None:
            suppressed += 1
            count = 0
        if em is None:
            em = 0
        if row.category is Category.SETTLED:
            settled[(row.municipality, row.year, row.month)] = (count, em)
        else:
            stock[(row.municipality, row.year, row.category)][row.month] = (count, em)
    return SettlementIndex(settled, dict(stock), suppressed)


def national_monthly(index: SettlementIndex, as_of: YearMonth) -> dict[YearMonth, int]:
    totals: dict[YearMonth, int] = defaultdict(int)
    for (_, year, month), (count, _) in index.settled.items():
        if (year, month) <= as_of:
            totals[YearMonth(year, month)] += count
    return dict(sorted(totals.items()))


def stock_as_known(
    index: SettlementIndex, code: str, year: int, month: int, category: Category
) -> tuple[int, int]:
    """anmodet/vedtatt for the year as known at the end of ``month``: the latest report."""
    by_month = index.stock.get((code, year, category))
    if not by_month:
        return 0, 0
    known = [m for m in by_month if m <= month]
    return by_month[max(known)] if known else (0, 0)


def municipality_status(index: SettlementIndex, municipality: Municipality, as_of: YearMonth) -> AreaStatus:
    year, month = as_of
    settled = em = 0
    for m in range(1, month + 1):
        count, count_em = index.settled.get((municipality.code, year, m), (0, 0))
        settled += count
        em += count_em
    previous = as_of.previous()
    requested, requested_em = stock_as_known(index, municipality.code, year, month, Category.REQUESTED)
    agreed, agreed_em = stock_as_known(index, municipality.code, year, month, Category.AGREED)
    return AreaStatus(
        code=municipality.code,
        name=municipality.name,
        county_code=municipality.county_code,
        county_name=municipality.county_name,
        requested=requested,
        agreed=agreed,
        settled_ytd=settled,
        requested_em=requested_em,
        agreed_em=agreed_em,
        settled_em_ytd=em,
        settled_month=index.settled.get((municipality.code, year, month), (0, 0))[0],
        settled_previous_month=index.settled.get((municipality.code, *previous), (0, 0))[0],
    )


def sum_statuses(
    statuses: Sequence[AreaStatus], code: str, name: str, county_code: str = "", county_name: str = ""
) -> AreaStatus:
    return AreaStatus(
        code=code,
        name=name,
        county_code=county_code,
        county_name=county_name,
        requested=sum(s.requested for s in statuses),
        agreed=sum(s.agreed for s in statuses),
        settled_ytd=sum(s.settled_ytd for s in statuses),
        requested_em=sum(s.requested_em for s in statuses),
        agreed_em=sum(s.agreed_em for s in statuses),
        settled_em_ytd=sum(s.settled_em_ytd for s in statuses),
        settled_month=sum(s.settled_month for s in statuses),
        settled_previous_month=sum(s.settled_previous_month for s in statuses),
    )


def county_statuses(municipalities: Sequence[AreaStatus]) -> list[AreaStatus]:
    by_county: dict[tuple[str, str], list[AreaStatus]] = defaultdict(list)
    for status in municipalities:
        by_county[(status.county_code, status.county_name)].append(status)
    return [
        sum_statuses(members, code, name, code, name) for (code, name), members in sorted(by_county.items())
    ]


def month_on_month(monthly: dict[YearMonth, int], as_of: YearMonth) -> MonthChange:
    current = monthly.get(as_of, 0)
    if as_of.previous() not in monthly:
        return MonthChange(as_of, current, 0, 0, None, previous_known=False)
    previous = monthly[as_of.previous()]
    pct = (current - previous) / previous if previous else None
    return MonthChange(as_of, current, previous, current - previous, pct)


def three_month_trend(monthly: dict[YearMonth, int], as_of: YearMonth) -> Trend:
    months = [as_of]
    for _ in range(5):
        months.append(months[-1].previous())
    last = sum(monthly.get(m, 0) for m in months[:3])
    before = sum(monthly.get(m, 0) for m in months[3:])
    if not before:
        return Trend(last, before, None, "ukjent")
    pct = (last - before) / before
    direction = "stabil" if abs(pct) <= STABLE_BAND else ("økende" if pct > 0 else "synkende")
    return Trend(last, before, pct, direction)


def full_years_before(monthly: dict[YearMonth, int], year: int, limit: int) -> list[int]:
    """The most recent earlier years that have December figures, newest first."""
    years = sorted({ym.year for ym in monthly if ym.month == 12 and ym.year < year}, reverse=True)
    return years[:limit]


def seasonal_share(
    monthly: dict[YearMonth, int], as_of: YearMonth, history_years: int
) -> tuple[float, tuple[int, ...]]:
    """s(M), pooled over earlier full years; (M/12, ()) when there is no usable history."""
    years = full_years_before(monthly, as_of.year, history_years)
    by_month = sum(monthly.get(YearMonth(y, m), 0) for y in years for m in range(1, as_of.month + 1))
    whole = sum(monthly.get(YearMonth(y, m), 0) for y in years for m in range(1, 13))
    if not years or not whole or not by_month:
        return as_of.month / 12, ()
    return by_month / whole, tuple(sorted(years))


def project_year_end(settled_ytd: int, share: float, years: tuple[int, ...]) -> Projection:
    return Projection(settled_ytd, share, settled_ytd / share, "sesong" if years else "lineær", years)


def is_large_deviation(projected_year_end: float, need: int, rule: LargeDeviationRule) -> bool:
    """The configured large-deviation rule (instruction 2.2: "Ved store avvik skal det
    rapporteres hyppigere"): projected year end below ``below`` x need, or above
    ``above`` x need when that bound is set."""
    if projected_year_end < rule.below * need:
        return True
    return rule.above is not None and projected_year_end > rule.above * need


def national_criterion(rule: LargeDeviationRule) -> str:
    text = f"framskrevet bosetting ved årets slutt under {bokmal.percent(rule.below)}"
    if rule.above is not None:
        text += f" eller over {bokmal.percent(rule.above)}"
    return text + " av behovet"


def criteria(rules: DeviationRules) -> dict[str, str]:
    """IMDi's criteria for «store avvik» as configured, by level, in bokmål."""
    shown = {"Nasjonalt": national_criterion(rules.national)}
    if rules.county is not None:
        shown["Fylke"] = county_criterion(rules.county)
    return shown


def national_deviation(projection: Projection, need: int, rule: LargeDeviationRule) -> list[Deviation]:
    if not is_large_deviation(projection.year_end, need, rule):
        return []
    finding = (
        f"framskrevet {bokmal.number(projection.year_end)}, {bokmal.percent(projection.year_end / need)} "
        f"av behovet på {bokmal.number(need)}"
    )
    return [Deviation(NATIONAL_RULE, "Hele landet", national_criterion(rule), finding)]


def county_criterion(rule: CountyDeviationRule) -> str:
    return (
        f"et fylkes andel bosatt av vedtatt mer enn {bokmal.points(rule.points_below)} "
        f"under landets (fylker med minst {rule.min_agreed} vedtatt)"
    )


def county_deviations(
    counties: Sequence[AreaStatus], national: AreaStatus, rule: CountyDeviationRule | None
) -> list[Deviation]:
    """Counties whose settled-of-agreed share lags the nation's by more than the rule's points."""
    national_share = national.settled_share_of_agreed
    if rule is None or national_share is None:
        return []
    found = []
    for county in counties:
        share = county.settled_share_of_agreed
        if county.agreed < rule.min_agreed or share is None or national_share - share <= rule.points_below:
            continue
        finding = (
            f"{bokmal.percent(share)} bosatt av vedtatt mot {bokmal.percent(national_share)} for landet, "
            f"{bokmal.points(national_share - share)} under"
        )
        found.append(Deviation(COUNTY_RULE, county.name, county_criterion(rule), finding))
    return found


def reporting_cadence(large_deviation: bool) -> str:
    """Instruction 2.2: report more often while a large deviation holds, so weekly instead
    of monthly; back to monthly once the deviation is within the rule."""
    return "weekly" if large_deviation else "monthly"


def municipality_shortfalls(statuses: Sequence[AreaStatus], share: float) -> list[MunicipalityDeviation]:
    result = []
    for status in statuses:
        expected = status.agreed * share
        result.append(MunicipalityDeviation(status, expected, expected - status.settled_ytd))
    return sorted(result, key=lambda d: (-d.shortfall, d.status.code))


def far_behind_agreement(
    shortfalls: Sequence[MunicipalityDeviation], ratio: float, min_shortfall: int
) -> list[MunicipalityDeviation]:
    return [
        d
        for d in shortfalls
        if d.status.agreed > 0
        and d.status.settled_ytd < ratio * d.expected_by_now
        and d.shortfall >= min_shortfall
    ]


def agreed_below_requested(statuses: Sequence[AreaStatus]) -> list[AreaStatus]:
    below = [s for s in statuses if s.agreed < s.requested]
    return sorted(below, key=lambda s: (s.agreed - s.requested, s.code))


def missing_months(index: SettlementIndex, as_of: YearMonth) -> list[YearMonth]:
    """The months 1..M of the year analysed with no «bosatt» row at all."""
    present = {(year, month) for (_, year, month) in index.settled}
    return [YearMonth(as_of.year, m) for m in range(1, as_of.month + 1) if (as_of.year, m) not in present]


def refuse_missing_months(index: SettlementIndex, as_of: YearMonth, source: str = "") -> None:
    """Issue 30: a source without some month of the period analysed is refused, naming the
    months. Analysed anyway it makes a year to date that is too low, a «stort avvik» that
    is not there, weekly reporting and alerts (a workbook read only to its stale dimension
    record did just that)."""
    missing = missing_months(index, as_of)
    if missing:
        names = ", ".join(f"{m.year}-{m.month:02d}" for m in missing)
        where = f"{source}: " if source else ""
        raise ConfigError(
            f"{where}kilden mangler tall for {names} (ingen rader med kategori bosatt); analysen av "
            f"{as_of.year}-{as_of.month:02d} trenger hver måned fra januar. Ingenting er analysert."
        )


def incomplete_municipalities(
    index: SettlementIndex, as_of: YearMonth, accounted: Container[tuple[str, int, int]] = ()
) -> dict[str, list[YearMonth]]:
    """The months 1..M with no «bosatt» row, for each municipality that has any row in the
    period analysed (year Y, months 1..M), by kommunenummer.

    «Complete» is judged against the source itself, not against config/municipalities.csv:
    IMDi asks only some municipalities each year, so one with no row at all in the period is
    not missing data but not part of it (the report lists those as «Kommuner uten tall»). One
    that is in the period must have its settled count for every month, 0 included: without it
    its year to date, and the nation's, is too low. ``accounted`` are (kommunenr, year, month)
    whose «bosatt» row was read but quarantined: the report counts those already."""
    year, last = as_of
    in_period = {code for (code, y, m) in index.settled if y == year and m <= last}
    in_period |= {
        code for (code, y, _), by_month in index.stock.items() if y == year and min(by_month) <= last
    }
    gaps: dict[str, list[YearMonth]] = {}
    for code in sorted(in_period):
        months = [
            YearMonth(year, m)
            for m in range(1, last + 1)
            if (code, year, m) not in index.settled and (code, year, m) not in accounted
        ]
        if months:
            gaps[code] = months
    return gaps


def quarantined_settled(quarantined: Iterable[QuarantinedRow]) -> set[tuple[str, int, int]]:
    """(kommunenr, year, month) of quarantined «bosatt» rows whose place in time can be read."""
    places = set()
    for row in quarantined:
        raw = row.raw
        if str(raw.get("kategori", "")).strip() != Category.SETTLED.value:
            continue
        code = str(raw.get("kommunenr", "")).strip()
        try:
            places.add((code.zfill(4) if code.isdigit() else code, int(raw["år"]), int(raw["måned"])))
        except (KeyError, TypeError, ValueError):
            continue
    return places


SHOWN_GAPS = 20


def refuse_incomplete_municipalities(
    index: SettlementIndex,
    as_of: YearMonth,
    municipalities: Sequence[Municipality],
    source: str = "",
    accounted: Container[tuple[str, int, int]] = (),
) -> None:
    """Issue 30: a source where a municipality of the period lacks some month is refused,
    naming kommunenummer, name and months (the first 20 municipalities, and how many more).
    A file read only to part of its rows (a stale XLSX dimension record) ends inside one
    municipality's months and this names it."""
    gaps = incomplete_municipalities(index, as_of, accounted)
    if not gaps:
        return
    names = {m.code: m.name for m in municipalities}
    shown = [
        f"{code} {names.get(code, '(ukjent)')} ({', '.join(f'{m.year}-{m.month:02d}' for m in months)})"
        for code, months in list(gaps.items())[:SHOWN_GAPS]
    ]
    more = f" og {len(gaps) - SHOWN_GAPS} kommuner til" if len(gaps) > SHOWN_GAPS else ""
    where = f"{source}: " if source else ""
    raise ConfigError(
        f"{where}kilden mangler bosatt-tall for {len(gaps)} "
        f"{'kommune' if len(gaps) == 1 else 'kommuner'} i perioden: {'; '.join(shown)}{more}. "
        f"En kommune med tall i {as_of.year} trenger en rad med kategori bosatt (0 om ingen er "
        f"bosatt) for hver måned fra januar til {as_of.year}-{as_of.month:02d}. Ingenting er analysert."
    )


def run_analysis(
    rows: Iterable[SettlementRow] | LoadResult,
    municipalities: Sequence[Municipality],
    config: SettlementConfig,
    as_of_month: YearMonth,
) -> AnalysisResult:
    """The whole monthly analysis for ``as_of_month`` (the last complete month).

    ``rows`` may be a ``LoadResult``, so that the quarantine counts reach the report.
    """
    as_of = YearMonth(*as_of_month)
    source, quarantined, reasons, accounted = "", 0, {}, set[tuple[str, int, int]]()
    if isinstance(rows, LoadResult):
        source, quarantined, reasons = rows.source, len(rows.quarantined), rows.quarantine_reasons()
        accounted = quarantined_settled(rows.quarantined)
        rows = rows.rows
    need = config.need_for(as_of.year)
    index = index_rows(rows)
    refuse_missing_months(index, as_of, source)
    refuse_incomplete_municipalities(index, as_of, municipalities, source, accounted)
    monthly = national_monthly(index, as_of)
    statuses = [municipality_status(index, m, as_of) for m in municipalities]
    present = {code for (code, year, _) in index.settled if year == as_of.year}
    present |= {code for (code, year, _) in index.stock if year == as_of.year}
    missing = [m for m in municipalities if m.code not in present]
    national = sum_statuses(statuses, "00", "Hele landet")
    share, years = seasonal_share(monthly, as_of, config.projection.history_years)
    projection = project_year_end(national.settled_ytd, share, years)
    shortfalls = municipality_shortfalls(statuses, share)
    counties = county_statuses(statuses)
    return AnalysisResult(
        as_of=as_of,
        rule=config.large_deviation.national,
        deviation_rules=config.large_deviation,
        source=source,
        far_behind_rule=config.far_behind,
        need=need,
        history_limit=config.projection.history_years,
        national=national,
        counties=counties,
        municipalities=statuses,
        monthly=monthly,
        month_change=month_on_month(monthly, as_of),
        trend=three_month_trend(monthly, as_of),
        projection=projection,
        need_ratio=projection.year_end / need,
        deviations=national_deviation(projection, need, config.large_deviation.national)
        + county_deviations(counties, national, config.large_deviation.county),
        far_behind=far_behind_agreement(shortfalls, config.far_behind.ratio, config.far_behind.min_shortfall),
        largest_shortfalls=[d for d in shortfalls[:10] if d.shortfall > 0],
        agreed_below_requested=agreed_below_requested(statuses),
        missing_municipalities=missing,
        suppressed_cells=index.suppressed_cells,
        quarantined_rows=quarantined,
        quarantine_reasons=reasons,
    )
