"""Absences: while an officer is away, the deputy gets the officer's alerts (and acts for them).

The one way an absence is registered, for the CLI (`pliktvakt absence add`) and the desk alike."""

from datetime import date

from sqlmodel import Session, select

from pliktvakt import audit
from pliktvakt.catalogue import Catalogue
from pliktvakt.tables import OccurrenceError, OfficerAbsence


def add(
    session: Session,
    catalogue: Catalogue,
    officer_id: str,
    first: date,
    last: date,
    reason: str | None,
    actor: str = "pliktvakt",
    via: str | None = None,
) -> OfficerAbsence:
    """Register ``officer_id`` as away from ``first`` to ``last``; audited with ``actor``."""
    if officer_id not in catalogue.officers:
        raise OccurrenceError(
            f"Ukjent saksbehandler '{officer_id}'. Kjente: {', '.join(sorted(catalogue.officers))}."
        )
    if last < first:
        raise OccurrenceError(f"Siste fraværsdag ({last}) er før første ({first}).")
    absence = OfficerAbsence(officer_id=officer_id, start=first, end=last, reason=reason or None)
    session.add(absence)
    session.flush()
    details = {"id": absence.id, "from": first, "to": last} | ({"via": via} if via else {})
    audit.append(session, actor, "absence.added", officer_id, details)
    return absence


def current_and_coming(session: Session, today: date) -> list[OfficerAbsence]:
    query = select(OfficerAbsence).where(OfficerAbsence.end >= today).order_by(OfficerAbsence.start)
    return list(session.exec(query))
