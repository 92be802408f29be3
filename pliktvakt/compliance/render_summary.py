"""Render of the ``compliance-summary`` artifact: share on time per section, the worst overdue,
the chart (instruks pkt. 4.1, 4.2)."""

from datetime import date

from pliktvakt.compliance import render
from pliktvakt.compliance.rules import Record
from pliktvakt.compliance.texts import overdue_lines, section_table, share_line


def artifact_markdown(record: Record, today: date, chart_png: str | None, sent: str) -> str:
    """The ``compliance-summary`` artifact: share on time per section, the worst overdue, the chart."""
    lines = [
        f"# Etterlevelse {record.year}: sammendrag per {render.made_text(record)}",
        "",
        f"**{render.audit_line(record)}**",
        *(f"- {problem}" for problem in record.chain_problems),
        "",
        share_line(record, "**"),
        "",
        sent,
        "",
        "## Andel i tide per punkt i instruksen",
        "",
        *section_table(record),
        "",
        "## Lengst over fristen",
        "",
        *([f"- {line}" for line in overdue_lines(record)] or ["Ingen forekomster er over fristen."]),
        "",
        "## Andel i tide per måned (etter frist)",
        "",
    ]
    if chart_png:
        lines.append(f"![Andel i tide per måned](data:image/png;base64,{chart_png})")
    else:
        lines.append("Ingen måneder med forekomster som har forfalt ennå.")
    return "\n".join(lines) + "\n"
