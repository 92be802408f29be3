"""The 14-day gate of every publication (pkt. 6.1), as the ``prepublication-notice`` flow
counts it (``GateLine.blocked``) and shows it (``gate_table``, the artifact's rows)."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from pliktvakt.bokmal import date_short
from pliktvakt.publications.gate import GateResult
from pliktvakt.publications.models import PublicationKind
from pliktvakt.publications.register import notice_waiting
from pliktvakt.publications.tables import Publication, PublicationStatus

NONE_ROW = {"Id": "", "Tittel": "Ingen publikasjoner"}


@dataclass(frozen=True)
class GateLine:
    """One publication before the gate."""

    id: int
    title: str
    kind: PublicationKind
    publish_on: date
    status: PublicationStatus
    notice_queued_on: date | None
    notice_delivered_on: date | None
    kudos: str  # the link, else the last lookup's status
    gate: GateResult
    blocked: bool  # still planned, and the planned date is not allowed


def gate_lines(session: Session, today: date) -> list[GateLine]:
    """Every publication not cancelled, by planned date: may it go out on that date?"""
    query = select(Publication).where(Publication.status != PublicationStatus.CANCELLED)
    return [
        GateLine(
            p.id,
            p.title,
            PublicationKind(p.kind),
            p.publish_on,
            PublicationStatus(p.status),
            p.notice_queued_on,
            p.notice_delivered_on,
            p.kudos_url or p.kudos_last_status or "",
            p.gate(today, notice_waiting(session, p)),
            p.blocked_on(today),
        )
        for p in session.exec(query.order_by(Publication.publish_on, Publication.id)).all()
    ]


def gate_table(lines: list[GateLine]) -> list[dict]:
    """The ``prepublication-gate`` artifact's rows, in bokmål; for display only."""
    return [
        {
            "Id": line.id,
            "Tittel": line.title,
            "Type": line.kind.label,
            "Planlagt": line.publish_on.isoformat(),
            "Varsel i utboksen": _day(line.notice_queued_on),
            "Varsel levert": _day(line.notice_delivered_on),
            "Tillatt på planlagt dato": "ja" if line.gate.may_publish_on_planned_date else "nei",
            "Tidligste dato": line.gate.earliest_date.isoformat(),
            "Status": line.status.label,
            "Kudos": line.kudos,
            "Begrunnelse": line.gate.reason,
        }
        for line in lines
    ] or [NONE_ROW]


def gate_description(today: date) -> str:
    return (
        f"14-dagersregelen (instruks pkt. 6.1) per {date_short(today)}: "
        "kan hver publikasjon gå ut på planlagt dato, og ellers tidligst når?"
    )


def _day(day: date | None) -> str:
    return day.isoformat() if day else ""
