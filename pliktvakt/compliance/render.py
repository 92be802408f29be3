"""The compliance record as HTML (fit to print), Markdown, CSV and XLSX, in bokmål.

Every function returns the content (str or bytes); writing it is for ``tasks/files``.
CSV and XLSX carry the same rows, for auditors' own tools:

- CSV is UTF-8 with a byte order mark and ``;`` between fields: Excel with Norwegian settings
  uses ``;`` as its list separator (the comma is the decimal sign) and reads UTF-8 only when the
  file starts with a BOM, so æøå survive a double-click. ``pliktvakt.tabular`` reads it back.
- A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
  prefixed with ``'``, so that a hostile title or evidence text is shown, never run as a
  formula (OWASP, CSV injection): the one writer, ``pliktvakt.tabular``, does it.
"""

from pathlib import Path

from pliktvakt import bokmal, templating
from pliktvakt.compliance.record import (
    DATE_BASIS,
    SHARE_DEFINITION,
    STATE_NAMES,
    STATES,
    Record,
    Row,
)
from pliktvakt.tabular import csv_bytes as table_csv
from pliktvakt.tabular import xlsx_bytes as table_xlsx

TEMPLATE_DIR = Path(__file__).parent / "templates"
COLUMNS = (
    "Forekomst",
    "Plikt-id",
    "Plikt",
    "Punkt",
    "Overskrift",
    "Hjemmel i instruksen",
    "Periode",
    "Frist",
    "Status",
    "Virkedager for sent",
    "Grunn",
    "Fullført av",
    "Fullført",
    "Dokumentasjon",
    "Kvitteringer",
    "Revisjonslogg",
)
SEPARATOR = ";"
TITLE = "Etterlevelse av instruksen for IMDi"


def row_values(row: Row) -> list:
    """One occurrence as the cells of CSV and XLSX: dates as dates, times as Oslo wall-clock time."""
    return [
        row.occurrence_id,
        row.obligation.id,
        row.obligation.title,
        row.obligation.reference,
        row.obligation.heading or "",
        row.obligation.text,
        row.period,
        row.due,
        STATE_NAMES[row.state],
        row.days if row.days is not None else "",
        row.reason or "",
        row.completed_by or "",
        row.completed_at.replace(tzinfo=None, microsecond=0) if row.completed_at else "",
        row.evidence or "",
        " | ".join(receipt.text for receipt in row.receipts),
        " | ".join(line.text for line in row.audit),
    ]


def csv_bytes(record: Record) -> bytes:
    return table_csv([COLUMNS, *(row_values(row) for row in record.rows)])


def xlsx_bytes(record: Record) -> bytes:
    """Three sheets: the rows, the summary per section, and the audit log check."""
    summary = [["Punkt", *(STATE_NAMES[state] for state in STATES), "Andel i tide"]]
    summary += [
        [section.reference, *(section.counts[state] for state in STATES), section.share_on_time]
        for section in record.sections
    ]
    summary += [
        ["Alle", *(record.totals.get(state, 0) for state in STATES), record.share_on_time],
        [],
        [SHARE_DEFINITION],
    ]
    check = [[audit_line(record)], *([problem] for problem in record.chain_problems)]
    check.append([f"Laget {made_text(record)} med pliktvakt {record.version}. {DATE_BASIS}"])
    sheets = {"Forekomster": [COLUMNS, *(row_values(row) for row in record.rows)], "Sammendrag": summary}
    return table_xlsx({**sheets, "Revisjonslogg": check}, frozen_header=["Forekomster"])


def period_text(record: Record) -> str:
    start, end = record.period
    return f"{bokmal.date_long(start)}–{bokmal.date_long(end)}"


def made_text(record: Record) -> str:
    return bokmal.datetime_short(record.as_of)


def scope_text(record: Record) -> str:
    parts = []
    if record.section:
        parts.append(f"bare pkt. {record.section}")
    if record.obligation:
        parts.append(f"bare plikten {record.obligation}")
    return ", ".join(parts)


def audit_line(record: Record) -> str:
    if record.chain_intact:
        return "Revisjonsloggen er hel: ingen rader er endret eller slettet (sjekket da rapporten ble laget)."
    return (
        f"ADVARSEL: revisjonsloggen er ikke hel. {len(record.chain_problems)} avvik funnet da rapporten "
        "ble laget; radene under kan bygge på endrede opplysninger."
    )


def _context(record: Record) -> dict:
    return {
        "r": record,
        "title": TITLE,
        "period": period_text(record),
        "made": made_text(record),
        "scope": scope_text(record),
        "audit_line": audit_line(record),
        "share_definition": SHARE_DEFINITION,
        "date_basis": DATE_BASIS,
        "states": STATES,
        "state_names": STATE_NAMES,
        "short": bokmal.date_short,
        "moment": bokmal.datetime_short,
        "pst": bokmal.percent,
        "md": _markdown_cell,
    }


def html(record: Record) -> str:
    return templating.render(TEMPLATE_DIR, "record.html.j2", **_context(record))


def markdown(record: Record) -> str:
    return templating.render(TEMPLATE_DIR, "record.md.j2", **_context(record))


def _markdown_cell(value) -> str:
    """A value fit for one cell of a Markdown table: no pipes, no line breaks."""
    return str(value or "").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


RENDERERS = {"html": html, "md": markdown, "csv": csv_bytes, "xlsx": xlsx_bytes}
SUFFIXES = {"html": ".html", "md": ".md", "csv": ".csv", "xlsx": ".xlsx"}


def render(record: Record, fmt: str) -> str | bytes:
    return RENDERERS[fmt](record)


def filename(record: Record, fmt: str) -> str:
    """etterlevelse-2025.html; etterlevelse-2025-pkt-6.1.csv when narrowed."""
    name = f"etterlevelse-{record.year}"
    if record.section:
        name += "-pkt-" + record.section.replace(" ", "-")
    if record.obligation:
        name += f"-{record.obligation}"
    return name + SUFFIXES[fmt]
