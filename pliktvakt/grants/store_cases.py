"""Store: one award decision as a case, with its letter, its appeals and their domain view."""

from decimal import Decimal

from sqlmodel import Session, select

from pliktvakt.grants.inputs import ApplicantKind, AwardDecision
from pliktvakt.grants.rules import POSTAL_GRACE_DAYS, Appeal, GrantCase
from pliktvakt.grants.schemes import DecisionKind
from pliktvakt.grants.store import GrantsError
from pliktvakt.grants.tables import GrantAppeal, GrantDecision, GrantLetter


def get_decision(session: Session, decision_id: int) -> GrantDecision:
    found = session.get(GrantDecision, decision_id)
    if found is None:
        raise GrantsError(f"Fant ikke vedtak {decision_id}. Se `pliktvakt grants list --json`.")
    return found


def letter_of(session: Session, decision_id: int) -> GrantLetter | None:
    return session.exec(select(GrantLetter).where(GrantLetter.decision_id == decision_id)).first()


def appeals_of(session: Session, decision_id: int) -> list[GrantAppeal]:
    query = select(GrantAppeal).where(GrantAppeal.decision_id == decision_id).order_by(GrantAppeal.id)
    return list(session.exec(query))


def open_appeal(session: Session, decision_id: int, appeal_id: int | None = None) -> GrantAppeal:
    """The decision's first open appeal, or the open one with ``appeal_id``."""
    open_appeals = [a for a in appeals_of(session, decision_id) if a.closed_on is None]
    if appeal_id is not None:
        open_appeals = [a for a in open_appeals if a.id == appeal_id]
    if not open_appeals:
        which = f" med id {appeal_id}" if appeal_id is not None else ""
        raise GrantsError(f"Vedtak {decision_id} har ingen åpen klage{which}.")
    return open_appeals[0]


def as_award(row: GrantDecision) -> AwardDecision:
    """The stored decision as the domain model (already validated on the way in)."""
    return AwardDecision.model_construct(
        line=row.source_line,
        scheme_id=row.scheme_id,
        year=row.year,
        applicant=row.applicant,
        orgnr=row.orgnr,
        amount_applied=Decimal(row.amount_applied),
        amount_awarded=Decimal(row.amount_awarded),
        rejection_reason=row.rejection_reason,
        computation=row.computation,
        ground=row.ground,
        applicant_kind=ApplicantKind(row.applicant_kind),
        organisation_form=row.organisation_form,
    )


def case_of(session: Session, row: GrantDecision, postal_grace_days: int = POSTAL_GRACE_DAYS) -> GrantCase:
    letter = letter_of(session, row.id)
    appeals = tuple(Appeal(a.submitted_on, a.closed_on) for a in appeals_of(session, row.id))
    return GrantCase(
        key=str(row.id),
        applicant=row.applicant,
        decision_kind=DecisionKind(row.decision_kind),
        amount_awarded=Decimal(row.amount_awarded),
        letter_received=letter.received_on if letter else None,
        acceptance_due=letter.acceptance_due if letter else None,
        accepted_on=letter.accepted_on if letter else None,
        appeals=appeals,
        postal_grace_days=postal_grace_days,
    )
