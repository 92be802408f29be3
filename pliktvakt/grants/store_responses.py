"""Store: what comes back after a grant letter, recorded in the caller's transaction.

Its receipt, appeals, acceptance, and the grants that lapse without it. Each function works in
the caller's transaction and audits what it changes."""

from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlmodel import Session

from pliktvakt import audit, bokmal, occurrences
from pliktvakt.catalogue import Catalogue
from pliktvakt.grants import store_duties
from pliktvakt.grants.rules import appeal_deadline, grant_lapsed
from pliktvakt.grants.schemes import DecisionKind
from pliktvakt.grants.store import GrantsError, decisions_of
from pliktvakt.grants.store_cases import case_of, get_decision, letter_of, open_appeal
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
    enkeltvedtak = decision.decision_kind == DecisionKind.ENKELTVEDTAK
    event = letter.mark_received(on, actor, appeal_deadline(on).due if enkeltvedtak else None)
    session.add(letter)
    audit.record(session, event)
    return letter


class AppealKind(StrEnum):
    PARTY = "klage"  # the party the letter went to (fvl. § 28 første ledd)
    THIRD_PARTY = "tredjepart"  # another with a legal interest, e.g. a rejected competitor
    RECONSIDERATION = "omgjoring"  # a public body asks IMDi to reconsider (not an enkeltvedtak)


KIND_NAMES = {
    AppealKind.PARTY: "klage",
    AppealKind.THIRD_PARTY: "klage fra en annen med rettslig klageinteresse",
    AppealKind.RECONSIDERATION: "anmodning om ny vurdering",
}
RECONSIDERATION_OBLIGATION = store_duties.RECONSIDERATION_OBLIGATION


def record_appeal(
    session: Session,
    decision_id: int,
    received: date,
    actor: str,
    posted: date | None = None,
    kind: AppealKind = AppealKind.PARTY,
    appellant: str | None = None,
    learned_on: date | None = None,
    catalogue: Catalogue | None = None,
) -> GrantAppeal:
    """Record an appeal or a request for reconsideration: the day it was posted or sent
    (``posted``; default the day it arrived, as for one handed in) and the day it arrived.

    - ``klage``: the party's appeal of an enkeltvedtak; in time if posted within three weeks
      of the day the letter reached the party (forvaltningsloven §§ 29–30).
    - ``tredjepart``: an appeal by another with a legal interest (fvl. § 28 første ledd), e.g.
      a rejected competitor: ``appellant`` and ``learned_on``, the day it got or ought to have
      got knowledge of the decision, from which its three weeks run (fvl. § 29 første ledd).
    - ``omgjoring``: a public body's request that IMDi reconsider a decision that is not an
      enkeltvedtak (vedlegg 1 pkt. 2); no appeal right, but a case with a handling deadline
      (the occurrence grant-reconsideration-request, with the ``catalogue``)."""
    posted = received if posted is None else posted
    if posted > received:
        raise GrantsError(
            f"Postlagt/sendt {posted.isoformat()} er etter datoen klagen kom inn, {received.isoformat()}."
        )
    decision = get_decision(session, decision_id)
    enkeltvedtak = decision.decision_kind == DecisionKind.ENKELTVEDTAK
    if kind is AppealKind.RECONSIDERATION and enkeltvedtak:
        raise GrantsError(
            f"Vedtak {decision_id} er et enkeltvedtak: registrer en klage (`pliktvakt grants appeal`), "
            "ikke en anmodning om ny vurdering."
        )
    if kind is not AppealKind.RECONSIDERATION and not enkeltvedtak:
        raise GrantsError(
            f"Vedtak {decision_id} er ikke et enkeltvedtak og kan ikke påklages (vedlegg 1 pkt. 2); "
            "en offentlig mottaker kan be om ny vurdering: "
            f"`pliktvakt grants reconsideration {decision_id} --posted DATO --received DATO`."
        )
    letter = _letter_for(session, decision)
    due = _period_end(decision_id, letter, kind, appellant, learned_on)
    appeal = GrantAppeal(
        decision_id=decision_id,
        kind=kind.value,
        appellant=(appellant or "").strip() or None,
        learned_on=learned_on,
        submitted_on=received,
        posted_on=posted,
        in_time=posted <= due,
    )
    session.add(appeal)
    session.flush()
    details = {
        "appeal": appeal.id,
        "kind": kind.value,
        "appellant": appeal.appellant,
        "posted": posted,
        "received": received,
        "in_time": appeal.in_time,
        "due": due,
    }
    if kind is AppealKind.RECONSIDERATION and catalogue is not None:
        occurrence, _ = occurrences.trigger(
            session, catalogue, RECONSIDERATION_OBLIGATION, received, store_duties.appeal_ref(appeal), actor
        )
        details["handling_occurrence"], details["handling_due"] = occurrence.id, occurrence.due
    audit.append(session, actor, "grant.appeal.received", f"grant-decision/{decision_id}", details)
    return appeal


def _period_end(
    decision_id: int, letter: GrantLetter, kind: AppealKind, appellant: str | None, learned_on: date | None
) -> date:
    """The last day to post it: three weeks from the day the letter reached the party (for a
    request for reconsideration, the three weeks the letter asked for), or for a third party
    from the day it learned of the decision (fvl. § 29 første ledd)."""
    if kind is AppealKind.THIRD_PARTY:
        if not (appellant or "").strip() or learned_on is None:
            raise GrantsError(
                "En klage fra en annen enn parten må ha hvem som klager (--appellant) og dagen de fikk "
                "eller burde ha fått kjennskap til vedtaket (--learned); klagefristen løper fra den "
                "(forvaltningsloven § 29 første ledd)."
            )
        if learned_on < letter.letter_date:
            raise GrantsError(
                f"--learned {learned_on.isoformat()} er før vedtaket ({letter.letter_date.isoformat()})."
            )
        return appeal_deadline(learned_on).due
    if kind is AppealKind.PARTY and letter.received_on is None:
        raise GrantsError(
            "Registrer først når brevet kom fram: "
            f"`pliktvakt grants letter-received {decision_id} --on DATO`."
        )
    return appeal_deadline(letter.received_on or letter.letter_date).due


def close_appeal(
    session: Session, decision_id: int, on: date, outcome: str, actor: str, appeal_id: int | None = None
) -> GrantAppeal:
    """Record the outcome of the open appeal or request (the first, or ``appeal_id``)."""
    appeal = open_appeal(session, decision_id, appeal_id)
    if not outcome.strip():
        raise GrantsError("Oppgi utfallet av klagen (--outcome).")
    event = appeal.close(on, outcome.strip(), actor)
    session.add(appeal)
    store_duties.reconsideration_settled(
        session, appeal, on, f"Avgjort {bokmal.date_short(on)}: {appeal.outcome}", actor
    )
    audit.record(session, event)
    return appeal


def accept(session: Session, decision_id: int, on: date, actor: str) -> GrantLetter:
    """Record the acceptance letter. One received after the deadline is recorded, but the
    grant has lapsed all the same (vedlegg 1 pkt. 5)."""
    decision = get_decision(session, decision_id)
    if decision.decision_kind != DecisionKind.AKSEPT or Decimal(decision.amount_awarded) == 0:
        raise GrantsError(f"Vedtak {decision_id} trenger ingen aksept (enkeltvedtak eller avslag).")
    letter = _letter_for(session, decision)
    event = letter.accept(on, actor)
    session.add(letter)
    in_time = letter.acceptance_due is None or on <= letter.acceptance_due
    if in_time:
        store_duties.acceptance_settled(
            session, decision_id, on, f"Akseptbrev mottatt {bokmal.date_short(on)}", actor
        )
    audit.record(session, event)
    return letter


def lapse_due(session: Session, grant_round: GrantRound, as_of: date, actor: str) -> list[GrantDecision]:
    """Mark lapsed every aksept grant whose deadline passed without acceptance (vedlegg 1 pkt. 5)."""
    lapsed = []
    for row in decisions_of(session, grant_round):
        if row.lapsed_at is None and grant_lapsed(case_of(session, row), as_of):
            event = row.lapse(as_of, actor)
            session.add(row)
            audit.record(session, event)
            store_duties.acceptance_settled(
                session,
                row.id,
                as_of,
                "Akseptbrevet kom ikke innen fristen; tilskuddet har falt bort (vedlegg 1 pkt. 5)",
                actor,
            )
            lapsed.append(row)
    return lapsed
