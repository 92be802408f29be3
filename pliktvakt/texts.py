"""The texts officers read: reminders, due-day notices, overdue alerts and escalations (bokmål)."""

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from html import escape as _escape

from pliktvakt.bokmal import date_short, date_with_weekday
from pliktvakt.catalogue import UNCONFIRMED, Obligation, Officer
from pliktvakt.notify import Key, Message, html_of

# Titles and clauses repeat across thousands of alerts in one run.
escape = lru_cache(maxsize=4096)(_escape)


def due_text(day: date, unconfirmed: bool) -> str:
    """An ISO due date for tables, marked where it rests on a placeholder."""
    return f"{day.isoformat()} ({UNCONFIRMED})" if unconfirmed else day.isoformat()


@dataclass(frozen=True)
class AlertFacts:
    occurrence_id: int
    period: str  # as a person says it (periods.period_text), not the key
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


WHERE_TO_ACT = "Registrer at plikten er utført, med dokumentasjon, på pliktens side i pliktvakt."


def render_alert(facts: AlertFacts) -> Message:
    """The alert, in plain text and HTML. The link to the duty's page is added for each
    recipient by ``notify`` (in the recipient's name), after the last line here."""
    subject, status = _headline(facts)
    clause, unconfirmed = facts.obligation.clause, facts.obligation.unconfirmed
    due = date_with_weekday(facts.due)
    if unconfirmed:  # a placeholder is marked wherever a person sees it
        due += f" – {UNCONFIRMED}: {unconfirmed}"
        subject += f" ({UNCONFIRMED})"
    facts_lines = [
        ("Frist", due),
        ("Status", status),
        ("Periode", facts.period),
        ("Hjemmel", f"Instruks for IMDi, {clause.reference}: «{clause.text}»"),
    ]
    text = "\n".join(
        [facts.obligation.title, "", *(f"{name}: {value}" for name, value in facts_lines), "", WHERE_TO_ACT]
    )
    html = (
        f"<p><strong>{escape(facts.obligation.title)}</strong></p><p>"
        + "<br>".join(f"{name}: {escape(value)}" for name, value in facts_lines)
        + f"</p><p>{escape(WHERE_TO_ACT)}</p>"
    )
    return Message(subject, text, html)


def render_digest(items: list[tuple[str, str]], officer: Officer, today: date) -> Message:
    """One daily message for an officer who chose a digest: (subject, text) of each alert, each
    text as it was written for the officer (its link to the duty included)."""
    subject = f"Daglig oversikt fra pliktvakt {date_short(today)}: {len(items)} varsel"
    intro = f"Hei {officer.name},\n\nDette er dagens {len(items)} varsel fra pliktvakt."
    parts = [intro]
    for number, (item_subject, item_text) in enumerate(items, start=1):
        parts.append(f"{number}. {item_subject}\n\n{item_text.strip()}")
    html = [html_of(intro)]
    for number, (item_subject, item_text) in enumerate(items, start=1):
        html.append(f"<h2>{number}. {escape(item_subject)}</h2>{html_of(item_text)}")
    return Message(subject, "\n\n".join(parts), "".join(html))


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
