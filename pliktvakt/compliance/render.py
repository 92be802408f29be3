"""Render of the compliance record: HTML (fit to print), Markdown, CSV and XLSX, in bokmål.

Every function returns the content (str or bytes); writing it is for ``tasks/files``.
CSV and XLSX carry the same rows, for auditors' own tools:

- CSV is UTF-8 with a byte order mark and ``;`` between fields: Excel with Norwegian settings
  uses ``;`` as its list separator (the comma is the decimal sign) and reads UTF-8 only when the
  file starts with a BOM, so æøå survive a double-click. ``pliktvakt.tabular`` reads it back.
- A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
  prefixed with ``'``, so that a hostile title or evidence text is shown, never run as a
  formula (OWASP, CSV injection): the one writer, ``pliktvakt.tabular``, does it.
"""

from datetime import datetime
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

from pliktvakt import bokmal, templating
from pliktvakt.compliance.render_workbook import xlsx_bytes as table_xlsx
from pliktvakt.compliance.rules import (
    DATE_BASIS,
    SHARE_DEFINITION,
    STATES,
    ObligationInfo,
    Record,
    Row,
)
from pliktvakt.tables import STATE_NAMES
from pliktvakt.tabular import bulk
from pliktvakt.tabular import csv_bytes as table_csv

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


# Each format renders under ``tabular.bulk()``, as ``rules.build`` builds: the cells and lines
# of 20,000 rows are many live objects without cycles, which the cyclic collector only slows.


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


@bulk()
def csv_bytes(record: Record) -> bytes:
    return table_csv([COLUMNS, *(row_values(row) for row in record.rows)])


@bulk()
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


# The rows of the two long tables are written here, not by a loop in the template: Jinja's
# attribute lookups and calls per cell were most of the time at 20,000 rows
# (bench/compliance_bench.py). The text is the same as the loops in the templates wrote it,
# each value escaped as autoescape did (``markupsafe.escape``, by ``_escape``).


def _escape(value) -> str:
    """``markupsafe.escape`` of a plain value (never Markup: the rows hold plain texts, numbers
    and dates), written out: the same five replacements without a Markup object per value,
    which was half the HTML's time at 20,000 rows (issue 31). tests/compliance/test_render.py
    holds the two equal."""
    text = str(value)
    return (
        text.replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


@bulk()
def html(record: Record) -> str:
    rows = Markup("".join(_html_row(row) for row in record.rows))
    still_open = Markup("".join(_html_open_row(row) for row in record.still_open))
    context = _context(record)
    return templating.render(TEMPLATE_DIR, "record.html.j2", rows=rows, still_open=still_open, **context)


def _html_row(row: Row) -> str:
    done = ""
    before_period, after_period = _html_obligation(row.obligation)
    if row.completed_at:
        moment = _escape(_datetime_short(row.completed_at))
        done = (
            f'{moment}<br>{_escape(row.completed_by)}<br><span class="liten">{_escape(row.evidence)}</span>'
        )
    return (
        f'<tr id="forekomst-{_escape(row.occurrence_id)}">\n'
        f"<td>{_escape(row.occurrence_id)}</td>\n"
        f"{before_period}{_escape(row.period)}{after_period}"
        f"<td>{_escape(bokmal.date_short(row.due))}</td>\n"
        f'<td class="s-{_escape(row.state)}">{_escape(row.state_text)}</td>\n'
        f"<td>{done}</td>\n"
        f"<td>{_html_list(receipt.text for receipt in row.receipts)}</td>\n"
        f"<td>{_html_list(line.text for line in row.audit)}</td>\n"
        "</tr>\n"
    )


@lru_cache(maxsize=1024)  # a year has many rows of few obligations, and long clause texts
def _html_obligation(o: ObligationInfo) -> tuple[str, str]:
    """The obligation's cell, escaped, before and after the row's period."""
    heading = f" {_escape(o.heading)}" if o.heading else ""
    return (
        f'<td>{_escape(o.title)} <span class="liten">({_escape(o.id)}, ',
        f')</span><br>\n<span class="liten">{_escape(o.reference)}{heading}:</span>\n'
        f'<span class="hjemmel">«{_escape(o.text)}»</span></td>\n',
    )


def _html_list(texts) -> str:
    items = "".join(f"<li>{_escape(text)}</li>" for text in texts)
    return f'<ul class="liten">{items}</ul>' if items else ""


def _html_open_row(row: Row) -> str:
    o = row.obligation
    return (
        f"<tr><td>{_escape(row.occurrence_id)}</td><td>{_escape(o.title)}</td><td>{_escape(o.reference)}</td>"
        f'<td>{_escape(bokmal.date_short(row.due))}</td><td class="s-{_escape(row.state)}">'
        f"{_escape(row.state_text)}</td></tr>\n"
    )


@bulk()
def markdown(record: Record) -> str:
    rows = "".join(_markdown_row(row) for row in record.rows)
    still_open = "".join(_markdown_open_row(row) for row in record.still_open) or "Ingenting står åpent.\n"
    context = _context(record)
    return templating.render(TEMPLATE_DIR, "record.md.j2", rows=rows, still_open=still_open, **context)


def _markdown_row(row: Row) -> str:
    o, cell, done = row.obligation, _markdown_cell, ""
    if row.completed_at:
        done = f"{_datetime_short(row.completed_at)}, {cell(row.completed_by)}: {cell(row.evidence)}"
    receipts = "<br>".join(cell(receipt.text) for receipt in row.receipts)
    audit = "<br>".join(cell(line.text) for line in row.audit)
    return (
        f"| {row.occurrence_id} | {cell(o.title)} (`{o.id}`) | {o.reference} | {bokmal.date_short(row.due)} "
        f"| {cell(row.state_text)} | {done} | {receipts} | {audit} |\n"
    )


def _markdown_open_row(row: Row) -> str:
    o = row.obligation
    return (
        f"- {row.occurrence_id} {_markdown_cell(o.title)} ({o.reference}), "
        f"frist {bokmal.date_short(row.due)}: {_markdown_cell(row.state_text)}\n"
    )


@lru_cache(maxsize=65536)  # completions share their minute
def _datetime_short(moment: datetime) -> str:
    return bokmal.datetime_short(moment)


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
