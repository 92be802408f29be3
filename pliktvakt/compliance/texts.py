"""Texts of compliance: the monthly summary to management and its lines, in bokmål (pkt. 4.1)."""

from datetime import date

from pliktvakt import bokmal
from pliktvakt.compliance import render
from pliktvakt.compliance.rules import (
    EARLY,
    LATE,
    ON_TIME,
    OPEN,
    OVERDUE,
    SHARE_DEFINITION,
    STATES,
    WITHDRAWN,
    Record,
    owed,
    worst_overdue,
)
from pliktvakt.compliance.rules_summary import SummaryPlan, first_business_day
from pliktvakt.notify import Message
from pliktvakt.outbox import Attachment
from pliktvakt.tables import STATE_NAMES


def share_line(record: Record, emphasis: str = "") -> str:
    """The share on time with what it is counted over, so a reader sees how many were owed."""
    share = f"{emphasis}{bokmal.percent(record.share_on_time)}{emphasis}"
    counted = owed(record.totals)
    what = "forekomst som var skyldig" if counted == 1 else "forekomster som var skyldige"
    return f"Andel i tide: {share} av {counted} {what} ({len(record.rows)} i alt). {SHARE_DEFINITION}"


def section_lines(record: Record) -> list[str]:
    return [
        f"{s.reference}: {bokmal.percent(s.share_on_time)} i tide ("
        + ", ".join(f"{s.counts[state]} {STATE_NAMES[state]}" for state in STATES)
        + ")"
        for s in record.sections
    ]


# Short column heads, explained in a line above the table, so all eight columns fit a
# 1,366-px screen in the Prefect UI (issue 28), where table cells do not wrap.
SHORT_NAMES = {
    ON_TIME: "I tide",
    LATE: "For sent",
    OVERDUE: "Over fristen",
    OPEN: "Åpen",
    WITHDRAWN: "Trukket",
    EARLY: "Før pliktvakt",
}


def section_table(record: Record) -> list[str]:
    """Every state as a column, as in the record itself, so the counts add up to the rows."""
    legend = "; ".join(
        f"{SHORT_NAMES[state]}: {STATE_NAMES[state]}"
        for state in STATES
        if SHORT_NAMES[state].lower() != STATE_NAMES[state]
    )
    return [
        f"Kolonnene: {legend}.",
        "",
        "| Punkt | " + " | ".join(SHORT_NAMES[state] for state in STATES) + " | Andel i tide |",
        "|---|" + "---:|" * len(STATES) + "---:|",
        *(
            f"| {s.reference} | "
            + " | ".join(str(s.counts[state]) for state in STATES)
            + f" | {bokmal.percent(s.share_on_time)} |"
            for s in record.sections
        ),
    ]


def overdue_lines(record: Record, limit: int = 10) -> list[str]:
    return [
        f"{row.obligation.title} ({row.obligation.reference}, forekomst {row.occurrence_id}): frist "
        f"{bokmal.date_short(row.due)}, {row.state_text}"
        for row in worst_overdue(record.rows, limit)
    ]


def summary_message(record: Record, today: date, html: str) -> Message:
    month = bokmal.month_year(today.year, today.month)
    lines = [
        f"Etterlevelse av instruksen for IMDi {record.year}, status per {render.made_text(record)}.",
        "",
        render.audit_line(record),
        *(f"- {problem}" for problem in record.chain_problems),
        "",
        share_line(record),
        "",
        "Per punkt i instruksen:",
        *(f"- {line}" for line in section_lines(record)),
        "",
        "Lengst over fristen:" if worst_overdue(record.rows, 1) else "Ingen forekomster er over fristen.",
        *(f"- {line}" for line in overdue_lines(record)),
        "",
        "Hele etterlevelsesrapporten er vedlagt (HTML, kan skrives ut).",
    ]
    filename = render.filename(record, "html")
    return Message(
        subject=f"Etterlevelse {record.year}: månedlig sammendrag, {month}",
        text="\n".join(lines),
        attachments=(Attachment(filename, "text/html", html.encode("utf-8")),),
    )


def sent_line(plan: SummaryPlan, receipts: list[str], today: date) -> str:
    """Where this month's summary stands, for the artifact."""
    month = bokmal.month_year(today.year, today.month)
    if not plan.due:
        first = first_business_day(today.year, today.month)
        return f"Sammendraget for {month} sendes ledelsen fra første virkedag, {bokmal.date_short(first)}."
    if receipts:
        return f"Sammendraget for {month} er levert til ledelsen: " + "; ".join(receipts) + "."
    return f"Sammendraget for {month} ligger i utboksen og er ikke levert ennå (se `pliktvakt outbox`)."
