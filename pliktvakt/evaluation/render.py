"""Render of the evaluation plan: rows, Markdown and XLSX (bokmål); its mails are in texts.py.

Placeholders are marked «ikke bekreftet» wherever they show: a last evaluated year not known
to pliktvakt, and start-by and report-by days that are pliktvakt's proposal.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pliktvakt import bokmal
from pliktvakt.evaluation.config import MonthDay, PlanSettings
from pliktvakt.evaluation.rules import Plan, SchemeStatus, Slot
from pliktvakt.templating import render

TEMPLATES = Path(__file__).parent / "templates"
UNCONFIRMED = "ikke bekreftet"
STATES = {"planned": "planlagt", "in_progress": "pågår", "done": "gjennomført"}


@dataclass(frozen=True)
class Line:
    """One evaluation of the plan, as shown."""

    year: int
    scheme_id: str
    name: str
    state: str
    last: str
    interval: int
    overdue: str
    start_by: str
    report_by: str


def _deadline(setting: MonthDay, year: int) -> str:
    text = bokmal.date_short(setting.in_year(year))
    return text if setting.confirmed else f"{text} ({UNCONFIRMED})"


def last_text(status: SchemeStatus) -> str:
    if status.last_evaluated is None:
        return f"ukjent ({UNCONFIRMED})"
    return str(status.last_evaluated)


def overdue_text(status: SchemeStatus) -> str:
    return f"{status.years_overdue} år" if status.overdue else ""


def lines(result: Plan, settings: PlanSettings) -> list[Line]:
    by_id = {s.id: s for s in result.schemes}
    return [_line(slot, by_id[slot.scheme_id], settings) for slots in result.years.values() for slot in slots]


def _line(slot: Slot, status: SchemeStatus, settings: PlanSettings) -> Line:
    return Line(
        year=slot.year,
        scheme_id=slot.scheme_id,
        name=status.name,
        state=STATES[slot.state],
        last=last_text(status),
        interval=status.interval,
        overdue=overdue_text(status) if slot.year == status.budget_year else "",
        start_by=_deadline(settings.start_by, slot.year) if slot.state == "planned" else "",
        report_by=_deadline(settings.report_by, slot.year) if slot.state != "done" else "",
    )


COLUMNS = {
    "year": "År",
    "scheme_id": "Id",
    "name": "Ordning",
    "state": "Status",
    "last": "Sist evaluert",
    "interval": "Intervall (år)",
    "overdue": "Forfalt",
    "start_by": "Oppstart innen",
    "report_by": "Rapport innen",
}


# The table artifact's columns: those that fit a 1,366-px screen. The scheme's name, the last
# evaluation and the start deadline are in the evaluation-plan artifact and the workbook.
ARTIFACT_COLUMNS = {"year": "År", "scheme_id": "Ordning", "state": "Status", "report_by": "Rapport innen"}


def table(result: Plan, settings: PlanSettings, columns: dict[str, str] = COLUMNS) -> list[dict]:
    """One row per evaluation of the plan (`pliktvakt evaluation plan`; the table artifact
    with ``ARTIFACT_COLUMNS``)."""
    return [{columns[k]: getattr(line, k) for k in columns} for line in lines(result, settings)]


def budget_year_lines(result: Plan, settings: PlanSettings) -> list[Line]:
    return [line for line in lines(result, settings) if line.year == result.budget_year]


def markdown(result: Plan, settings: PlanSettings, today: date) -> str:
    return render(
        TEMPLATES,
        "plan.md.j2",
        plan=result,
        settings=settings,
        lines=lines(result, settings),
        alerts=result.alerts,
        today=today,
        last_text=last_text,
        unconfirmed=UNCONFIRMED,
    )


def xlsx(result: Plan, settings: PlanSettings) -> bytes:
    """Three sheets: the plan year by year, the schemes with their status, and the settings."""
    from pliktvakt.tabular import xlsx_bytes

    plan = [
        list(COLUMNS.values()),
        *([getattr(line, k) for k in COLUMNS] for line in lines(result, settings)),
    ]
    schemes = [["Id", "Ordning", "Intervall (år)", "Sist evaluert", "Forfalt", "Planlagt i"]]
    schemes += [
        [
            status.id,
            status.name,
            status.interval,
            last_text(status),
            overdue_text(status),
            ", ".join(str(y) for y in status.planned_years),
        ]
        for status in result.schemes
    ]
    notes = [["Innstilling", "Verdi", "Kilde", "Merknad"]]
    notes += [[name, str(setting.value), setting.source, setting.note or ""] for name, setting in settings]
    return xlsx_bytes({"Plan": plan, "Ordninger": schemes, "Merknader": notes})
