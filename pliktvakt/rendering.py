"""Tables and summaries that operations staff read in the Prefect UI and the CLI (bokmål)."""

from collections import Counter, defaultdict
from datetime import date

from pliktvakt.alerts import due_text
from pliktvakt.bokmal import date_short
from pliktvakt.catalogue import UNCONFIRMED, Catalogue
from pliktvakt.go_live import BEFORE_GO_LIVE, before_go_live
from pliktvakt.models import STATUS_NAMES, Occurrence

STATE_NAMES = {
    **STATUS_NAMES,
    "due": "forfaller i dag",
    "overdue": "over fristen",
    "before-go-live": BEFORE_GO_LIVE,
}
KIND_NAMES = {"recurring": "gjentakende", "event": "hendelse", "standing": "løpende", "gate": "sperre"}


def status_row(
    occurrence: Occurrence, catalogue: Catalogue, today: date, go_live: date | None = None
) -> dict:
    """One occurrence as officers read it. Open ones due before ``go_live`` are "før pliktvakt"."""
    obligation = catalogue.obligations.get(occurrence.obligation_id)
    role = catalogue.roles.get(occurrence.role)
    owner = catalogue.officers[role.officer].email if role else occurrence.role
    current = occurrence.state_on(today)
    if occurrence.is_open and before_go_live(occurrence.due, go_live):
        current = "before-go-live"
    unconfirmed = obligation.unconfirmed if obligation else None
    return {
        "id": occurrence.id,
        "obligation": occurrence.obligation_id,
        "title": obligation.title if obligation else occurrence.obligation_id,
        "clause": obligation.clause.reference if obligation else "",
        "period": occurrence.period,
        "due": occurrence.due.isoformat(),
        "due_shown": due_text(occurrence.due, unconfirmed is not None),
        "deadline_confirmed": unconfirmed is None,
        "deadline_note": unconfirmed,
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
        {
            "Id": r["id"],
            "Plikt": r["title"],
            "Hjemmel": r["clause"],
            "Periode": r["period"],
            "Frist": r["due_shown"],
            "Dager igjen": r["days_left"],
            "Status": r["state_no"],
            "Ansvarlig": r["owner"],
        }
        for r in rows
    ]


def open_summary(
    catalogue: Catalogue, dues: list[tuple[str, date]], today: date, go_live: date | None
) -> str:
    """The catalogue summary from the (obligation, due) of the open occurrences; those due
    before ``go_live`` are counted apart."""
    early = [obligation for obligation, due in dues if before_go_live(due, go_live)]
    counted = Counter(obligation for obligation, due in dues if not before_go_live(due, go_live))
    return catalogue_summary(catalogue, dict(counted), today, len(early), go_live)


def catalogue_summary(
    catalogue: Catalogue,
    open_by_obligation: dict[str, int],
    today: date,
    before_go_live_count: int = 0,
    go_live: date | None = None,
) -> str:
    """Markdown: the duties grouped by section of the instruction, then the gates."""
    duties = [o for o in catalogue.obligations.values() if o.kind != "gate"]
    gates = [o for o in catalogue.obligations.values() if o.kind == "gate"]
    by_section: dict[str, list] = defaultdict(list)
    for obligation in duties:
        by_section[obligation.clause.section].append(obligation)
    lines = [
        f"# Plikter etter instruksen for IMDi (per {date_short(today)})",
        "",
        f"{len(duties)} plikter i {len(by_section)} punkter av instruksen, og {len(gates)} sperrer. "
        f"{len(catalogue.placeholders)} datoer eller frister er plassholdere, merket «{UNCONFIRMED}».",
        "",
    ]
    if go_live is not None:
        lines += [
            f"Pliktvakt ble tatt i bruk {date_short(go_live)}. {before_go_live_count} åpne forekomster med "
            f"frist før det regnes for seg («{BEFORE_GO_LIVE}») og varsles ikke.",
            "",
        ]
    for section in sorted(by_section, key=section_order):
        lines += [
            f"## {by_section[section][0].clause.reference.capitalize()}",
            "",
            "| Plikt | Type | Frist | Ansvarlig rolle | Utføres av | Åpne |",
            "|---|---|---|---|---|---|",
        ]
        for o in by_section[section]:
            lines.append(
                f"| {o.title} (`{o.id}`) | {KIND_NAMES[o.kind]} | {_deadline_kind(o)} | "
                f"{catalogue.roles[o.role].title} | {o.flow or 'saksbehandler'} | "
                f"{open_by_obligation.get(o.id, 0)} |"
            )
        lines.append("")
    lines += ["## Sperrer", "", "| Sperre | Hjemmel | Sperrer | Til | Sjekkes av |", "|---|---|---|---|---|"]
    for o in gates:
        lines.append(
            f"| {o.title} (`{o.id}`) | {o.clause.reference} | {o.gate.blocks} | {o.gate.until} | "
            f"{gate_checker(o)} |"
        )
    return "\n".join(lines) + "\n"


def _deadline_kind(obligation) -> str:
    if not obligation.dated:
        return "ingen frist i instruksen (sjekkliste)"
    return UNCONFIRMED if obligation.unconfirmed else "fra instruksen"


def gate_checker(obligation) -> str:
    """Who or what checks a gate, in bokmål."""
    check = obligation.gate.checked_by
    if check is None:
        return "en person (ingen programvare sjekker dette)"
    return ", ".join(
        part
        for part in (
            f"flyten {check.flow}" if check.flow else "",
            f"`{check.command}`" if check.command else "",
        )
        if part
    )


def section_order(section: str) -> tuple:
    """Sort key: sections of the instruction in number order (2.2 before 10.1), the annex last."""
    annex = section.startswith("vedlegg")
    numbers = [int(part) for part in section.removeprefix("vedlegg ").split(".") if part.isdigit()]
    return (annex, numbers)
