"""The texts officers read: reminders, due-day notices, overdue alerts and escalations (bokmål)."""

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from html import escape as _escape

from pliktvakt.bokmal import date_short, date_with_weekday
from pliktvakt.catalogue import UNCONFIRMED, Obligation, Officer
from pliktvakt.notify import Key, Message

# Titles and clauses repeat across thousands of alerts in one run.
escape = lru_cache(maxsize=4096)(_escape)


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
        return f"Påminnelse: {title} – frist {date_short(facts.due)}", f"{days} dager igjen til fristen."
    if facts.step == "due-day":
        return f"Frist i dag: {title}", "Fristen er i dag."
    if facts.step == "escalation":
        return (
            f"Eskalert: {title} er {-days} dager over fristen",
            f"Fristen gikk ut for {-days} dager siden, og plikten er ikke registrert som utført. "
            f"Ansvarlig er {facts.responsible.name} ({facts.responsible.email}).",
        )
    return f"Over fristen: {title} ({-days} dager)", f"Fristen gikk ut for {-days} dager siden."


def render_alert(facts: AlertFacts, ui_url: str) -> Message:
    subject, status = _headline(facts)
    clause = facts.obligation.clause
    complete = (
        f"pliktvakt complete {facts.occurrence_id} --by {facts.responsible.email} "
        f'--evidence "lenke eller saksnummer"'
    )
    link = f"{ui_url.rstrip('/')}/artifacts/key/deadline-watch"
    due = date_with_weekday(facts.due)
    if facts.obligation.unconfirmed:  # a placeholder is marked wherever a person sees it
        due += f" – {UNCONFIRMED}: {facts.obligation.unconfirmed}"
        subject += f" ({UNCONFIRMED})"
    lines = [
        f"**{facts.obligation.title}**",
        "",
        f"- Frist: {due}",
        f"- Status: {status}",
        f"- Periode: {facts.period}",
        f"- Hjemmel: Instruks for IMDi, {clause.reference}: «{clause.text}»",
        "",
        "Slik registrerer du at plikten er utført:",
        "",
        f"    {complete}",
        "",
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
    subject = f"Daglig oversikt fra pliktvakt {date_short(today)}: {len(items)} varsel"
    parts = [f"Hei {officer.name},", "", f"Dette er dagens {len(items)} varsel fra pliktvakt.", ""]
    html = [f"<p>Hei {escape(officer.name)},</p><p>Dette er dagens {len(items)} varsel fra pliktvakt.</p>"]
    for item_subject, item_body in items:
        parts += [f"## {item_subject}", "", item_body, ""]
        html.append(f"<h2>{escape(item_subject)}</h2><pre>{escape(item_body)}</pre>")
    return Message(subject, "\n".join(parts), "".join(html))


OPS_DUTY = "ops"
EVENT_NAMES = {
    "prefect.flow-run.Failed": "feilet",
    "prefect.flow-run.Crashed": "krasjet",
    "prefect.flow-run.Late": "er forsinket",
    "prefect.work-pool.not-ready": "er ikke klar",
}


def ops_event_alert(
    event: str,
    resource: str,
    event_id: str,
    ui_url: str,
    run_id: str = "",
    deployment: str = "",
    reason: str = "",
) -> tuple[Key, Message]:
    """The alert about an event a Prefect automation caught; one per event id.

    It names the run (``resource``), its deployment, the reason (the run's state message) and
    the link to the run in the Prefect UI. ``run_id`` is the run's id, or the event's resource
    id (``prefect.flow-run.<id>``)."""
    key = Key(OPS_DUTY, f"event-{event_id}".replace(":", "-"), "alert")
    what, base = EVENT_NAMES.get(event, event), ui_url.rstrip("/")
    if event.startswith("prefect.work-pool"):
        text = f"Arbeidsgruppen {resource} {what} ({event}).\n\nStart en arbeider; se {base}/work-pools"
        return key, Message(f"pliktvakt: Arbeidsgruppen {resource} {what}", text)
    of = f" av {deployment}" if deployment else ""
    run = run_id.removeprefix("prefect.flow-run.")
    lines = [
        f"Kjøringen {resource}{of} {what} ({event}).",
        "",
        f"Deployment: {deployment or 'ingen (kjørt uten deployment)'}",
        f"Årsak: {reason.strip() or 'kjøringen oppga ingen årsak'}",
        f"Se kjøringen: {base}/runs/flow-run/{run}" if run else f"Se kjøringene: {base}/runs",
    ]
    return key, Message(f"pliktvakt: Kjøringen {resource}{of} {what}", "\n".join(lines))
