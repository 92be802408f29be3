"""What comes back after a grant letter: its receipt, appeals, acceptance, and the grants that
lapse without it. Each function works in the caller's transaction and audits what it changes."""

from datetime import date
from decimal import Decimal

from sqlmodel import Session

from pliktvakt import audit
from pliktvakt.grants import duties
from pliktvakt.grants.cases import appeals_of, case_of, get_decision, letter_of
from pliktvakt.grants.deadlines import appeal_deadline, appeal_in_time, grant_lapsed
from pliktvakt.grants.rounds import GrantsError, decisions_of
from pliktvakt.grants.schemes import DecisionKind
from pliktvakt.grants.tables import GrantAppeal, GrantDecision, GrantLetter, GrantRound


def _letter_for(session: Session, decision: GrantDecision) -> GrantLetter:
    letter = letter_of(session, decision.id)
    if letter is None:
        raise GrantsError(
            f"Vedtak {decision.id} har ikke fått tilskuddsbrev ennå (`pliktvakt grants letters`)."
        )
    return letter


def letter_received(session: Session, decision_id: int, on: date, actor: str) -> GrantLetter:
    """The day the letter reached the recipient; the appeal period runs from it (fvl. § 29)."""
    decision = get_decision(session, decision_id)
    letter = _letter_for(session, decision)
    if on < letter.letter_date:
        raise GrantsError(f"--on {on.isoformat()} er før brevdatoen {letter.letter_date.isoformat()}.")
    letter.received_on = on
    if decision.decision_kind == DecisionKind.ENKELTVEDTAK:
        letter.appeal_due = appeal_deadline(on).due
    session.add(letter)
    audit.append(
        session,
        actor,
        "grant.letter.received",
        f"grant-decision/{decision_id}",
        {"on": on, "appeal_due": letter.appeal_due},
    )
    return letter


def record_appeal(
    session: Session, decision_id: int, received: date, actor: str, posted: date | None = None
) -> GrantAppeal:
    """Record an appeal: the day it was posted or sent (``posted``; default the day it arrived,
    as for one handed in) and the day it arrived (``received``). In time is judged by the day it
    was posted or sent (forvaltningsloven § 30)."""
    posted = received if posted is None else posted
    if posted > received:
        raise GrantsError(
            f"Postlagt/sendt {posted.isoformat()} er etter datoen klagen kom inn, {received.isoformat()}."
        )
    decision = get_decision(session, decision_id)
    if decision.decision_kind != DecisionKind.ENKELTVEDTAK:
        raise GrantsError(
            f"Vedtak {decision_id} er ikke et enkeltvedtak og kan ikke påklages "
            "(vedlegg 1 pkt. 2); mottakeren aksepterer eller lar tilskuddet falle bort."
        )
    letter = _letter_for(session, decision)
    if letter.received_on is None:
        raise GrantsError(
            "Registrer først når brevet kom fram: "
            f"`pliktvakt grants letter-received {decision_id} --on DATO`."
        )
    appeal = GrantAppeal(
        decision_id=decision_id,
        submitted_on=received,
        posted_on=posted,
        in_time=appeal_in_time(letter.received_on, posted),
    )
    session.add(appeal)
    session.flush()
    audit.append(
        session,
        actor,
        "grant.appeal.received",
        f"grant-decision/{decision_id}",
        {
            "appeal": appeal.id,
            "posted": posted,
            "received": received,
            "in_time": appeal.in_time,
            "due": letter.appeal_due,
        },
    )
    return appeal


def close_appeal(session: Session, decision_id: int, on: date, outcome: str, actor: str) -> GrantAppeal:
    open_appeals = [a for a in appeals_of(session, decision_id) if a.closed_on is None]
    if not open_appeals:
        raise GrantsError(f"Vedtak {decision_id} har ingen åpen klage.")
    if not outcome.strip():
        raise GrantsError("Oppgi utfallet av klagen (--outcome).")
    appeal = open_appeals[0]
    appeal.closed_on, appeal.outcome = on, outcome.strip()
    session.add(appeal)
    audit.append(
        session,
        actor,
        "grant.appeal.closed",
        f"grant-decision/{decision_id}",
        {"appeal": appeal.id, "on": on, "outcome": appeal.outcome},
    )
    return appeal


def accept(session: Session, decision_id: int, on: date, actor: str) -> GrantLetter:
    """Record the acceptance letter. One received after the deadline is recorded, but the
    grant has lapsed all the same (vedlegg 1 pkt. 5)."""
    decision = get_decision(session, decision_id)
    if decision.decision_kind != DecisionKind.AKSEPT or Decimal(decision.amount_awarded) == 0:
        raise GrantsError(f"Vedtak {decision_id} trenger ingen aksept (enkeltvedtak eller avslag).")
    letter = _letter_for(session, decision)
    letter.accepted_on = on
    session.add(letter)
    in_time = letter.acceptance_due is None or on <= letter.acceptance_due
    if in_time:
        duties.acceptance_settled(session, decision_id, on, f"Akseptbrev mottatt {on:%d.%m.%Y}", actor)
    audit.append(
        session,
        actor,
        "grant.accepted",
        f"grant-decision/{decision_id}",
        {"on": on, "due": letter.acceptance_due, "in_time": on <= (letter.acceptance_due or on)},
    )
    return letter


def lapse_due(session: Session, grant_round: GrantRound, as_of: date, actor: str) -> list[GrantDecision]:
    """Mark lapsed every aksept grant whose deadline passed without acceptance (vedlegg 1 pkt. 5)."""
    lapsed = []
    for row in decisions_of(session, grant_round):
        if row.lapsed_at is None and grant_lapsed(case_of(session, row), as_of):
            row.lapsed_at = as_of
            session.add(row)
            audit.append(
                session,
                actor,
                "grant.lapsed",
                f"grant-decision/{row.id}",
                {"applicant": row.applicant, "orgnr": row.orgnr, "on": as_of},
            )
            duties.acceptance_settled(
                session,
                row.id,
                as_of,
                "Akseptbrevet kom ikke innen fristen; tilskuddet har falt bort (vedlegg 1 pkt. 5)",
                actor,
            )
            lapsed.append(row)
    return lapsed
