"""Rules of evaluation, pure: the rolling evaluation plan (vedlegg 1 pkt. 9; økonomiregelverket 6.5).

Each scheme falls due ``interval`` years after its last evaluation. Year by year, from the
budget year, the schemes due are planned, most overdue first, up to the capacity; a scheme
planned in year y falls due again in y + interval, so over the horizon a scheme recurs.
When a later year would have more schemes due than it has room for, the excess is moved
forward into a year with room (earliest due first), so a scheme never goes longer than its
interval where capacity allows. What still does not fit waits and is more overdue next year.

An evaluation in progress (or completed in the budget year) takes a slot in its year; the
scheme is next due that year + interval.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SchemeInput:
    id: str
    name: str
    interval: int  # years
    last_evaluated: int | None  # None: never evaluated, or not known to pliktvakt
    in_progress: int | None = None  # the year an evaluation not yet completed was started
    last_confirmed: bool = True  # False: the last year is a placeholder («ikke bekreftet»)


@dataclass(frozen=True)
class Slot:
    scheme_id: str
    year: int
    state: str  # planned | in_progress | done


@dataclass(frozen=True)
class SchemeStatus:
    id: str
    name: str
    interval: int
    last_evaluated: int | None
    last_confirmed: bool
    due_year: int  # when it falls (fell) due: last + interval, or the budget year if never
    years_overdue: int  # budget year - due, when > 0
    planned_years: tuple[int, ...]  # every year of the horizon with a slot for it
    in_budget_year: bool  # an evaluation planned, in progress or done in the budget year
    budget_year: int

    @property
    def overdue(self) -> bool:
        return self.years_overdue > 0

    @property
    def unplanned_past_interval(self) -> bool:
        """Due by the budget year and nothing planned in it: økonomiregelverket 6.5 is not met."""
        return self.due_year <= self.budget_year and not self.in_budget_year


@dataclass
class Plan:
    budget_year: int
    horizon: int
    capacity: int
    years: dict[int, list[Slot]] = field(default_factory=dict)
    schemes: list[SchemeStatus] = field(default_factory=list)

    def in_year(self, year: int) -> list[Slot]:
        return self.years.get(year, [])

    @property
    def alerts(self) -> list[SchemeStatus]:
        """Overdue schemes, and schemes due with no evaluation in the budget year."""
        return [s for s in self.schemes if s.overdue or s.unplanned_past_interval]


def due_year(scheme: SchemeInput, budget_year: int) -> int:
    # Never evaluated (or unknown) counts as due in the budget year: it ranks after every
    # scheme already overdue, level with those falling due this year, then by id.
    if scheme.last_evaluated is None:
        return budget_year
    return scheme.last_evaluated + scheme.interval


def plan(schemes: list[SchemeInput], capacity: int, budget_year: int, horizon: int = 10) -> Plan:
    if capacity < 1:
        raise ValueError("kapasiteten må være minst 1 evaluering i året")
    years = range(budget_year, budget_year + horizon)
    slots: dict[int, list[Slot]] = {y: [] for y in years}
    next_due: dict[str, int] = {}
    by_id = {s.id: s for s in schemes}
    for s in schemes:
        fixed = _fixed_slot(s, budget_year)
        if fixed is not None and fixed.year in slots:
            slots[fixed.year].append(fixed)
            next_due[s.id] = fixed.year + s.interval
        else:
            next_due[s.id] = due_year(s, budget_year)

    for year in years:
        room = capacity - len(slots[year])
        waiting = sorted((d, sid) for sid, d in next_due.items() if d <= year)
        chosen = [sid for _, sid in waiting[: max(room, 0)]]
        room -= len(chosen)
        if room > 0:
            chosen += _pulled_forward(next_due, by_id, set(chosen), year, years.stop, capacity, room)
        for sid in chosen:
            slots[year].append(Slot(sid, year, "planned"))
            next_due[sid] = year + by_id[sid].interval
    planned: dict[str, list[int]] = {s.id: [] for s in schemes}
    for year, in_year in slots.items():
        for slot in in_year:
            planned[slot.scheme_id].append(year)
    statuses = [_status(s, tuple(planned[s.id]), budget_year) for s in schemes]
    return Plan(budget_year, horizon, capacity, slots, statuses)


def _fixed_slot(scheme: SchemeInput, budget_year: int) -> Slot | None:
    """An evaluation under way (from an earlier year it still runs in the budget year), or
    one completed in the budget year: it holds a slot, whatever the plan would say."""
    if scheme.in_progress is not None:
        return Slot(scheme.id, max(scheme.in_progress, budget_year), "in_progress")
    if scheme.last_evaluated is not None and scheme.last_evaluated >= budget_year:
        return Slot(scheme.id, scheme.last_evaluated, "done")
    return None


def _pulled_forward(
    next_due: dict[str, int],
    by_id: dict[str, SchemeInput],
    chosen: set[str],
    year: int,
    end: int,
    capacity: int,
    room: int,
) -> list[str]:
    """The schemes to evaluate early in ``year`` because the years after it cannot take all
    that falls due in them: the largest excess of due evaluations over capacity in any
    window year+1..year+k, earliest due first."""
    later = [(d, sid) for sid, d in next_due.items() if d > year and sid not in chosen]
    excess = 0
    for k in range(1, end - year):
        last = year + k
        due = sum(1 + (last - d) // by_id[sid].interval for d, sid in later if d <= last)
        excess = max(excess, due - capacity * k)
    if excess <= 0:
        return []
    return [sid for _, sid in sorted(later)[: min(excess, room)]]


def _status(scheme: SchemeInput, planned: tuple[int, ...], budget_year: int) -> SchemeStatus:
    due = due_year(scheme, budget_year)
    return SchemeStatus(
        id=scheme.id,
        name=scheme.name,
        interval=scheme.interval,
        last_evaluated=scheme.last_evaluated,
        last_confirmed=scheme.last_confirmed,
        due_year=due,
        years_overdue=max(budget_year - due, 0),
        planned_years=planned,
        in_budget_year=budget_year in planned,
        budget_year=budget_year,
    )
