"""Tables and summaries that operations staff read in the Prefect UI and the CLI (bokmål)."""

from collections import Counter, defaultdict
from datetime import date, timedelta

from pliktvakt.bokmal import date_short
from pliktvakt.catalogue import UNCONFIRMED, Catalogue
from pliktvakt.go_live import BEFORE_GO_LIVE
from pliktvakt.periods import Subjects, period_text
from pliktvakt.tables import STATE_NAMES, Occurrence, OccurrenceState, OccurrenceStatus, before_go_live
from pliktvakt.texts import due_text

KIND_NAMES = {"recurring": "gjentakende", "event": "hendelse", "standing": "løpende", "gate": "sperre"}


def in_status_window(occurrence: Occurrence, today: date, days: int) -> bool:
    """What `pliktvakt status` and the obligation-status artifact list: open ones due within
    ``days`` ahead (overdue included) and those done within ``days`` back."""
    if occurrence.status == OccurrenceStatus.WITHDRAWN:
        return False
    if occurrence.status == OccurrenceStatus.DONE:
        return occurrence.completed_at is not None and occurrence.completed_at.date() >= today - timedelta(
            days=days
        )
    return occurrence.due <= today + timedelta(days=days)


def status_row(
    occurrence: Occurrence,
    catalogue: Catalogue,
    today: date,
    go_live: date | None = None,
    scheme_names: dict[str, str] | None = None,
) -> dict:
    """One occurrence as officers read it. Open ones due before ``go_live`` are "før pliktvakt"."""
    obligation = catalogue.obligations.get(occurrence.obligation_id)
    role = catalogue.roles.get(occurrence.role)
    owner = catalogue.officers[role.officer].email if role else occurrence.role
    current = occurrence.state_on(today, go_live)
    unconfirmed = obligation.unconfirmed if obligation else None
    return {
        "id": occurrence.id,
        "obligation": occurrence.obligation_id,
        "title": obligation.title if obligation else occurrence.obligation_id,
        "clause": obligation.clause.reference if obligation else "",
        "period": occurrence.period,
        "about": period_text(
            occurrence.period,
            obligation.recurrence if obligation else None,
            Subjects(schemes=scheme_names or {}),
        ),
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


# The groups of the obligation-status artifact, the most pressing first.
STATUS_GROUPS = (
    OccurrenceState.OVERDUE,
    OccurrenceState.DUE,
    OccurrenceState.OPEN,
    OccurrenceState.BEFORE_GO_LIVE,
    OccurrenceState.DONE,
)


def desk_link(public_url: str, occurrence_id: int) -> str:
    """The duty desk's page of one occurrence (issue 27's route); it shows the detail and the
    actions, so the tables here keep only what an operator decides from."""
    return f"{public_url.rstrip('/')}/plikt/{occurrence_id}"


def status_markdown(rows: list[dict], today: date, days: int, public_url: str) -> str:
    """The obligation-status artifact: one line per occurrence, grouped by state, that wraps
    to any screen. Each line says what the duty is about, its deadline, its state and owner,
    and links to the duty desk for the rest (clause, evidence, history)."""
    counts = Counter(r["state"] for r in rows)
    shown = ", ".join(f"{counts[g]} {STATE_NAMES[g]}" for g in STATUS_GROUPS if counts[g])
    lines = [
        f"# Status per {date_short(today)}",
        "",
        f"{len(rows)} forekomster ({shown or 'ingen'}): åpne med frist til "
        f"{date_short(today + timedelta(days=days))} og fullførte de siste {days} dagene, som "
        "`pliktvakt status`. Nummeret lenker til forekomsten på pliktskranken.",
    ]
    for group in STATUS_GROUPS:
        members = [r for r in rows if r["state"] == group]
        if members:
            lines += ["", f"## {STATE_NAMES[group].capitalize()} ({len(members)})", ""]
            lines += [_status_line(r, today, public_url) for r in members]
    return "\n".join(lines) + "\n"


def _status_line(row: dict, today: date, public_url: str) -> str:
    due = date_short(date.fromisoformat(row["due"]))
    when = f"frist {due}" + ("" if row["deadline_confirmed"] else f" ({UNCONFIRMED})")
    if row["state"] == OccurrenceState.DONE:
        when += f", fullført av {row['completed_by'] or 'ukjent'}" + (" (for sent)" if row["late"] else "")
    elif row["days_left"] < 0:
        when += f", {-row['days_left']} dager over"
    elif row["days_left"] > 0:
        when += f", om {row['days_left']} dager"
    return (
        f"- [#{row['id']}]({desk_link(public_url, row['id'])}) **{markdown_text(row['title'])}** "
        f"– {markdown_text(row['about'])} · {when} · {row['state_no']} · {row['owner']}"
    )


def markdown_text(text: str) -> str:
    """Text from the config or a user, shown as text in markdown (no markup, no links)."""
    return "".join("\\" + c if c in "\\`*_[]<>|#" else c for c in text)


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
    # Lines, not tables: a table of six columns ran past the right edge at 1,366 px.
    for section in sorted(by_section, key=section_order):
        lines += [f"## {by_section[section][0].clause.reference.capitalize()}", ""]
        for o in by_section[section]:
            lines.append(
                f"- **{markdown_text(o.title)}** (`{o.id}`) · {KIND_NAMES[o.kind]} · {_deadline_kind(o)} · "
                f"{catalogue.roles[o.role].title} · utføres av {o.flow or 'saksbehandler'} · "
                f"{open_by_obligation.get(o.id, 0)} åpne"
            )
        lines.append("")
    lines += ["## Sperrer", ""]
    for o in gates:
        lines.append(
            f"- **{markdown_text(o.title)}** (`{o.id}`) · {o.clause.reference} · sperrer {o.gate.blocks} "
            f"til {o.gate.until} · sjekkes av {gate_checker(o)}"
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
