"""Tables and summaries that operations staff read in the Prefect UI and the CLI (bokmål)."""

from collections import defaultdict
from datetime import date

from pliktvakt.catalogue import Catalogue
from pliktvakt.models import Occurrence
from pliktvakt.occurrences import state

STATE_NAMES = {"open": "åpen", "due": "forfaller i dag", "overdue": "over fristen",
               "done": "fullført", "withdrawn": "trukket tilbake"}


def status_row(occurrence: Occurrence, catalogue: Catalogue, today: date) -> dict:
    obligation = catalogue.obligations.get(occurrence.obligation_id)
    role = catalogue.roles.get(occurrence.role)
    owner = catalogue.officers[role.officer].email if role else occurrence.role
    current = state(occurrence, today)
    return {
        "id": occurrence.id,
        "obligation": occurrence.obligation_id,
        "title": obligation.title if obligation else occurrence.obligation_id,
        "clause": f"pkt. {obligation.clause.section}" if obligation else "",
        "period": occurrence.period,
        "due": occurrence.due.isoformat(),
        "days_left": (occurrence.due - today).days,
        "state": current,
        "state_no": STATE_NAMES[current],
        "owner": owner,
        "late": occurrence.late,
        "completed_by": occurrence.completed_by,
        "evidence": occurrence.evidence,
    }


def status_table(rows: list[dict]) -> list[dict]:
    """Columns for the obligation-status table artifact, headed in bokmål."""
    return [
        {"Id": r["id"], "Plikt": r["title"], "Hjemmel": r["clause"], "Periode": r["period"],
         "Frist": r["due"], "Dager igjen": r["days_left"], "Status": r["state_no"], "Ansvarlig": r["owner"]}
        for r in rows
    ]


def catalogue_summary(catalogue: Catalogue, open_by_obligation: dict[str, int], today: date) -> str:
    """Markdown: the obligations grouped by section of the instruction."""
    by_section: dict[str, list] = defaultdict(list)
    for obligation in catalogue.obligations.values():
        by_section[obligation.clause.section].append(obligation)
    lines = [f"# Plikter etter instruksen for IMDi (per {today:%d.%m.%Y})", "",
             f"{len(catalogue.obligations)} plikter i {len(by_section)} punkter av instruksen.", ""]
    for section in sorted(by_section, key=_section_order):
        lines += [f"## Pkt. {section}", "", "| Plikt | Type | Ansvarlig rolle | Utføres av | Åpne |",
                  "|---|---|---|---|---|"]
        for o in by_section[section]:
            kind = "gjentakende" if o.kind == "recurring" else "hendelse"
            lines.append(f"| {o.title} (`{o.id}`) | {kind} | {catalogue.roles[o.role].title} | "
                         f"{o.flow or 'saksbehandler'} | {open_by_obligation.get(o.id, 0)} |")
        lines.append("")
    return "\n".join(lines)


def _section_order(section: str) -> tuple:
    annex = section.startswith("Vedlegg")
    numbers = [int(part) for part in section.replace("Vedlegg, ", "").split(".") if part.isdigit()]
    return (annex, numbers)
