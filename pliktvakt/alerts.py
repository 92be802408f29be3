"""The texts officers read: reminders, due-day notices, overdue alerts and escalations (bokmål)."""

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from html import escape as _escape

from pliktvakt.catalogue import UNCONFIRMED, Obligation, Officer
from pliktvakt.notify import Message

# Titles and clauses repeat across thousands of alerts in one run.
escape = lru_cache(maxsize=4096)(_escape)

WEEKDAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]
MONTHS = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
          "oktober", "november", "desember"]


def long_date(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day.day}. {MONTHS[day.month - 1]} {day.year}"


def due_text(day: date, unconfirmed: bool) -> str:
    """An ISO due date for tables, marked where it rests on a placeholder."""
    return f"{day.isoformat()} ({UNCONFIRMED})" if unconfirmed else day.isoformat()


@dataclass(frozen=True)
class AlertFacts:
    occurrence_id: int
    period: str
    due: date
    today: date
    step: str
    obligation: Obligation
    responsible: Officer  # the officer the duty belongs to (not the deputy standing in)


def _headline(facts: AlertFacts) -> tuple[str, str]:
    title, days = facts.obligation.title, (facts.due - facts.today).days
    if facts.step.startswith("reminder-"):
        return f"Påminnelse: {title} – frist {facts.due:%d.%m.%Y}", f"{days} dager igjen til fristen."
    if facts.step == "due-day":
        return f"Frist i dag: {title}", "Fristen er i dag."
    if facts.step == "escalation":
        return (f"Eskalert: {title} er {-days} dager over fristen",
                f"Fristen gikk ut for {-days} dager siden, og plikten er ikke registrert som utført. "
                f"Ansvarlig er {facts.responsible.name} ({facts.responsible.email}).")
    return f"Over fristen: {title} ({-days} dager)", f"Fristen gikk ut for {-days} dager siden."


def render_alert(facts: AlertFacts, ui_url: str) -> Message:
    subject, status = _headline(facts)
    clause = facts.obligation.clause
    complete = (f'pliktvakt complete {facts.occurrence_id} --by {facts.responsible.email} '
                f'--evidence "lenke eller saksnummer"')
    link = f"{ui_url.rstrip('/')}/artifacts/key/deadline-watch"
    due = long_date(facts.due)
    if facts.obligation.unconfirmed:  # a placeholder is marked wherever a person sees it
        due += f" – {UNCONFIRMED}: {facts.obligation.unconfirmed}"
        subject += f" ({UNCONFIRMED})"
    lines = [
        f"**{facts.obligation.title}**", "",
        f"- Frist: {due}",
        f"- Status: {status}",
        f"- Periode: {facts.period}",
        f"- Hjemmel: Instruks for IMDi, {clause.reference}: «{clause.text}»", "",
        "Slik registrerer du at plikten er utført:", "", f"    {complete}", "",
        f"Oversikt i Prefect: {link}",
    ]
    html = (
        f"<p><strong>{escape(facts.obligation.title)}</strong></p><ul>"
        f"<li>Frist: {escape(due)}</li><li>Status: {escape(status)}</li>"
        f"<li>Periode: {escape(facts.period)}</li>"
        f"<li>Hjemmel: Instruks for IMDi, {escape(clause.reference)}: «{escape(clause.text)}»</li></ul>"
        f"<p>Slik registrerer du at plikten er utført:</p><pre>{escape(complete)}</pre>"
        f'<p>Oversikt i Prefect: <a href="{escape(link)}">{escape(link)}</a></p>'
    )
    return Message(subject, "\n".join(lines), html)


def render_digest(items: list[tuple[str, str]], officer: Officer, today: date) -> Message:
    """One daily message for an officer who chose a digest: (subject, body) of each alert."""
    subject = f"Daglig oversikt fra pliktvakt {today:%d.%m.%Y}: {len(items)} varsel"
    parts = [f"Hei {officer.name},", "", f"Dette er dagens {len(items)} varsel fra pliktvakt.", ""]
    html = [f"<p>Hei {escape(officer.name)},</p><p>Dette er dagens {len(items)} varsel fra pliktvakt.</p>"]
    for item_subject, item_body in items:
        parts += [f"## {item_subject}", "", item_body, ""]
        html.append(f"<h2>{escape(item_subject)}</h2><pre>{escape(item_body)}</pre>")
    return Message(subject, "\n".join(parts), "".join(html))
