"""The monthly compliance summary to management (instruks pkt. 4.1: the director answers for
sound internal control), and the ``compliance-summary`` artifact.

Level-triggered: the flow runs every weekday, and the summary of a month is due from the
month's first business day (``summary_due``); its outbox key names the month, so it is sent
once however often the flow runs, and the first run after downtime sends it.

It covers the year of the last complete month, up to the run: in January the whole of the
previous year (the final record of that year), from February the current year to date.
"""

from dataclasses import dataclass
from datetime import date

from pliktvakt import bokmal
from pliktvakt.compliance import render
from pliktvakt.compliance.record import (
    EARLY,
    LATE,
    ON_TIME,
    OPEN,
    OVERDUE,
    SHARE_DEFINITION,
    STATE_NAMES,
    STATES,
    WITHDRAWN,
    MonthShare,
    Record,
    monthly_shares,
    owed,
    worst_overdue,
)
from pliktvakt.legal_calendar import next_business_day
from pliktvakt.notify import Key, Message
from pliktvakt.outbox import Attachment

DUTY = "compliance"
ROLE = "ledelse"
ARTIFACT = "compliance-summary"


def first_business_day(year: int, month: int) -> date:
    return next_business_day(date(year, month, 1))


def summary_due(today: date) -> bool:
    """Whether this month's summary is due: on or after the month's first business day."""
    return today >= first_business_day(today.year, today.month)


def covered_year(today: date) -> int:
    """The year of the last complete month: January reports the year before."""
    return today.year - 1 if today.month == 1 else today.year


def summary_key(today: date) -> Key:
    return Key(DUTY, f"{today:%Y-%m}", "monthly-summary")


@dataclass(frozen=True)
class SummaryPlan:
    due: bool
    key: Key
    message: Message


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


def plan_summary(record: Record, today: date, html: str) -> SummaryPlan:
    return SummaryPlan(summary_due(today), summary_key(today), summary_message(record, today, html))


def sent_line(plan: SummaryPlan, receipts: list[str], today: date) -> str:
    """Where this month's summary stands, for the artifact."""
    month = bokmal.month_year(today.year, today.month)
    if not plan.due:
        first = first_business_day(today.year, today.month)
        return f"Sammendraget for {month} sendes ledelsen fra første virkedag, {bokmal.date_short(first)}."
    if receipts:
        return f"Sammendraget for {month} er levert til ledelsen: " + "; ".join(receipts) + "."
    return f"Sammendraget for {month} ligger i utboksen og er ikke levert ennå (se `pliktvakt outbox`)."


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


def shares_by_month(record: Record, today: date) -> list[MonthShare]:
    return monthly_shares(record.rows, record.year, today)
