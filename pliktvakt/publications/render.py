"""Render of publications: the ``prepublication-gate`` artifact, the 14-day gate of every
publication (pkt. 6.1) as the ``prepublication-notice`` flow shows it."""

from datetime import date

from pliktvakt.bokmal import date_short
from pliktvakt.publications.store_day import GateLine

NONE_ROW = {"Id": "", "Tittel": "Ingen publikasjoner"}


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
