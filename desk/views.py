"""What the desk's pages show, read from the domain: plain dicts for the templates (bokmål)."""

import json
from datetime import date

from sqlalchemy import and_, or_
from sqlmodel import Session, select

from pliktvakt import bokmal
from pliktvakt.catalogue import SOURCE_NAMES, UNCONFIRMED, Catalogue, DeadlineRule, Obligation
from pliktvakt.clock import OSLO, stored
from pliktvakt.legal_calendar import statutory_deadline
from pliktvakt.occurrences import BATCH_TRIGGERED, batch_members
from pliktvakt.tables import AuditEntry, Occurrence, OutboxMessage, OutboxStatus
from pliktvakt.texts_status import status_row

ROLL_NAMES = {
    "backward": "faller den på en helg eller helligdag, flyttes den til forrige virkedag",
    "forward": "faller den på en helg eller helligdag, flyttes den til neste virkedag (domstolloven § 149)",
    "none": "den flyttes ikke om den faller på en helg eller helligdag",
}
ACTION_NAMES = {
    "occurrence.created": "Opprettet",
    "occurrence.triggered": "Utløst",
    BATCH_TRIGGERED: "Utløst",
    "occurrence.completed": "Registrert som utført",
    "occurrence.withdrawn": "Trukket tilbake",
    "occurrence.reopened": "Åpnet igjen",
    "occurrence.marked_late": "Merket som for sent",
}
MESSAGE_STATES = {
    OutboxStatus.PENDING: "venter på sending",
    OutboxStatus.SENDING: "sendes",
    OutboxStatus.SENT: "levert",
    OutboxStatus.DIGEST: "venter på samlevarsel",
    OutboxStatus.DIGESTED: "sendt i samlevarsel",
}
WHY_NAMES = {"own": "din rolle", "standing-in": "du er stedfortreder i dag", "escalated": "eskalert til deg"}


def deadline_rule(obligation: Obligation | None, occurrence: Occurrence) -> str:
    """The rule that gave the deadline, in the words `pliktvakt deadline` uses where it applies."""
    rule: DeadlineRule | None = obligation.deadline if obligation else None
    if rule is None:
        return "Fristen er satt for denne forekomsten."
    if rule.straks:
        return (
            "«Straks» (instruksen pkt. 3.1): samme virkedag som det ble kjent, eller neste virkedag "
            "når det ble kjent etter kl. 15.00 eller på en dag som ikke er virkedag."
        )
    start = occurrence.anchor
    if rule.by:
        text = f"Første {rule.by[3:]}.{rule.by[:2]}. etter {bokmal.date_long(start)}"
    else:
        text = f"Fra {bokmal.date_long(start)}"
    if rule.offset.lstrip("-+") in ("0d", "0w", "0m") and not rule.by:
        text = f"Samme dag som {bokmal.date_long(start)}"
    elif rule.days == "business":
        days = rule.offset.removesuffix("d")
        return (
            f"{days} virkedager fra {bokmal.date_long(start)} (helger og helligdager telles ikke). "
            f"Kilde: {SOURCE_NAMES[rule.source]}."
        )
    elif not rule.by and rule.roll == "forward":
        text = statutory_deadline(start, rule.offset).rule.capitalize()
        return f"{text}. Kilde: {SOURCE_NAMES[rule.source]}."
    else:
        text += f", {rule.offset.replace('d', ' dager').replace('w', ' uker').replace('m', ' måneder')}"
    return f"{text}; {ROLL_NAMES[rule.roll]}. Kilde: {SOURCE_NAMES[rule.source]}."


def duty_row(occurrence: Occurrence, catalogue: Catalogue, today: date, go_live: date | None) -> dict:
    row = status_row(occurrence, catalogue, today, go_live)
    row["due_long"] = bokmal.date_with_weekday(occurrence.due)
    row["period_text"] = row["about"]  # periods.period_text, as in alerts and artifacts
    row["unconfirmed"] = UNCONFIRMED if not row["deadline_confirmed"] else None
    return row


def duty_page(
    session: Session, catalogue: Catalogue, occurrence: Occurrence, today: date, go_live: date | None
) -> dict:
    """Everything the duty page shows: the clause, the deadline and its rule, the state, the
    history from the audit log, the messages sent with their receipts, and the evidence."""
    obligation = catalogue.obligations.get(occurrence.obligation_id)
    row = duty_row(occurrence, catalogue, today, go_live)
    row["clause_text"] = obligation.clause.text if obligation else ""
    row["clause_heading"] = obligation.clause.heading if obligation else None
    row["rule"] = deadline_rule(obligation, occurrence)
    role = catalogue.roles.get(occurrence.role)
    owner = catalogue.officers.get(role.officer) if role else None
    row["owner_shown"] = f"{owner.name} ({owner.email}), {role.title}" if owner else row["owner"]
    row["completed_at"] = _when(occurrence.completed_at) if occurrence.completed_at else None
    row["history"] = [
        {"at": _when(entry.at), "actor": entry.actor, "what": _history_text(entry)}
        for entry in _history(session, occurrence)
    ]
    row["messages"] = [
        {
            "channel": "e-post" if m.channel == "email" else "Teams",
            "recipient": m.recipient,
            "subject": m.subject,
            "state": MESSAGE_STATES.get(m.status, m.status),
            "receipt": m.receipt or m.last_error or "",
            "at": _when(m.sent_at) if m.sent_at else "",
        }
        for m in session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.occurrence_id == occurrence.id)
            .order_by(OutboxMessage.id)
        )
    ]
    return row


def _history(session: Session, occurrence: Occurrence) -> list[AuditEntry]:
    """The entries naming the occurrence, and the batch entries listing it among the
    registrations an import opened (their subject is the obligation)."""
    entries = session.exec(
        select(AuditEntry)
        .where(
            or_(
                AuditEntry.subject == occurrence.subject,
                and_(
                    AuditEntry.subject == occurrence.obligation_id,
                    AuditEntry.action == BATCH_TRIGGERED,
                    # Canonical JSON names the id as this; batch_members below confirms it.
                    AuditEntry.details.contains(f'{{"id":{occurrence.id},"'),
                ),
            )
        )
        .order_by(AuditEntry.seq)
    )
    return [e for e in entries if e.action != BATCH_TRIGGERED or occurrence.id in batch_members(e.details)]


def _history_text(entry: AuditEntry) -> str:
    details = json.loads(entry.details or "{}")
    text = ACTION_NAMES.get(entry.action, entry.action)
    if entry.action == "occurrence.completed":
        text += f": «{details.get('evidence', '')}»"
        if details.get("via"):
            text += f" (via {details['via']})"
    elif details.get("reason"):
        text += f": {details['reason']}"
    return text


def _when(moment) -> str:
    return bokmal.datetime_short(stored(moment).astimezone(OSLO))
