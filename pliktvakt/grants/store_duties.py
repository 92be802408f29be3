"""Store: the grant duties that start from an event in a round's life, as occurrences.

They are occurrences with deadlines:
registering the decisions (vedlegg 1 pkt. 4), the acceptance deadline of each letter (pkt. 5),
collecting goal-attainment information by the reporting deadline (pkt. 6), and forwarding an
appeal IMDi does not uphold to AID (pkt. 2, forvaltningsloven § 33).

Each function works in the caller's transaction; triggering twice returns the same occurrence.
"""

from datetime import date

from sqlmodel import Session

from pliktvakt import audit, bokmal, clock, occurrences
from pliktvakt.catalogue import Catalogue
from pliktvakt.grants.store import REGISTRATION_OBLIGATION, GrantsError, occurrence_for, round_ref
from pliktvakt.grants.store_cases import get_decision, open_appeal
from pliktvakt.grants.tables import GrantAppeal, GrantDecision, GrantRound
from pliktvakt.tables import Occurrence

ACCEPTANCE_OBLIGATION = "grant-acceptance-deadline"
GOAL_OBLIGATION = "grant-goal-attainment"
FORWARDING_OBLIGATION = "grant-appeal-forwarding"
RECONSIDERATION_OBLIGATION = "grant-reconsideration-request"


def decision_ref(decision_id: int) -> str:
    return f"grant-decision:{decision_id}"


def scheme_ref(grant_round: GrantRound, scheme_id: str) -> str:
    return f"{round_ref(grant_round)}:{scheme_id}"


def appeal_ref(appeal: GrantAppeal) -> str:
    return f"grant-appeal:{appeal.id}"


def registration_due(session: Session, catalogue: Catalogue, grant_round: GrantRound, on: date, actor: str):
    """Vedlegg 1 pkt. 4 (ØR 6.3.4): the round's decisions are to be registered."""
    occurrence, _ = occurrences.trigger(
        session, catalogue, REGISTRATION_OBLIGATION, on, round_ref(grant_round), actor
    )
    return occurrence


def acceptance_due(session: Session, catalogue: Catalogue, row: GrantDecision, due: date, actor: str):
    """Vedlegg 1 pkt. 5: the acceptance deadline a letter states, followed up per letter."""
    occurrence, _ = occurrences.trigger(
        session, catalogue, ACCEPTANCE_OBLIGATION, due, decision_ref(row.id), actor
    )
    return occurrence


def goal_reports_due(
    session: Session, catalogue: Catalogue, grant_round: GrantRound, scheme_id: str, due: date, actor: str
):
    """Vedlegg 1 pkt. 6: goal-attainment information collected by the reporting deadline in the letters."""
    occurrence, _ = occurrences.trigger(
        session, catalogue, GOAL_OBLIGATION, due, scheme_ref(grant_round, scheme_id), actor
    )
    return occurrence


def acceptance_settled(session: Session, decision_id: int, on: date, evidence: str, actor: str) -> None:
    """Complete the letter's acceptance occurrence: accepted, or lapsed (vedlegg 1 pkt. 5)."""
    found = occurrence_for(session, ACCEPTANCE_OBLIGATION, decision_ref(decision_id))
    if found is not None and found.is_open:
        occurrences.complete(session, found.id, actor, evidence, clock.resolve(on))


def appeal_not_upheld(
    session: Session,
    catalogue: Catalogue,
    decision_id: int,
    on: date,
    actor: str,
    appeal_id: int | None = None,
) -> tuple[GrantAppeal, Occurrence]:
    """IMDi has not upheld the open appeal (the first, or ``appeal_id``): it goes to AID as
    appeal body (vedlegg 1 pkt. 2, forvaltningsloven § 33 fjerde ledd), a third party's appeal
    alike. A public body's request for reconsideration not granted goes to AID as the superior
    body, which may instruct IMDi or reverse the decision (fvl. § 35 femte ledd). It stays open
    until its outcome is recorded."""
    get_decision(session, decision_id)
    appeal = open_appeal(session, decision_id, appeal_id)
    if appeal.not_upheld_on is not None:
        raise GrantsError(
            f"Klage {appeal.id} ble registrert som ikke tatt til følge "
            f"{bokmal.date_short(appeal.not_upheld_on)}."
        )
    if on < appeal.submitted_on:
        raise GrantsError(f"--on {on.isoformat()} er før klagen kom inn ({appeal.submitted_on.isoformat()}).")
    reconsideration_settled(
        session, appeal, on, f"Ikke tatt til følge {bokmal.date_short(on)}; oversendt departementet", actor
    )
    occurrence, _ = occurrences.trigger(
        session, catalogue, FORWARDING_OBLIGATION, on, appeal_ref(appeal), actor
    )
    event = appeal.not_upheld(on, occurrence, actor)
    session.add(appeal)
    audit.record(session, event)
    return appeal, occurrence


def reconsideration_settled(
    session: Session, appeal: GrantAppeal, on: date, evidence: str, actor: str
) -> None:
    """Complete the handling occurrence of a request for reconsideration, where it has one."""
    found = occurrence_for(session, RECONSIDERATION_OBLIGATION, appeal_ref(appeal))
    if found is not None and found.is_open:
        occurrences.complete(session, found.id, actor, evidence, clock.resolve(on))
