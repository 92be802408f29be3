"""Store: stopping payment of a grant or reclaiming it (vedlegg 1 pkt. 5), step by step.

Only after the recipient has been given advance notice and time to answer it
(forvaltningsloven § 16).

A stop or reclaim goes through these steps, each call to ``request`` taking the next it can:
1. the proposal is recorded and the notice occurrence (grant-stop-reclaim-notice) triggered;
2. the notice is recorded as sent (the occurrence completed): the recipient then has the
   scheme's ``notice_response_period`` (default 14 days, rolled forwards by domstolloven § 149)
   to comment, and that deadline is recorded;
3. once the deadline has passed, or the recipient's answer is recorded (``record_response``),
   the stop or reclaim is carried out and its decision letter rendered (``render_sanctions``):
   amount, repayment deadline, reasons (fvl. § 25) and appeal information (fvl. §§ 27–29).
   A letter needing a placeholder fact refuses the step, and nothing is carried out.
A grant is stopped, or reclaimed, once. Each function works in the caller's transaction and
audits what it changes.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from pliktvakt import audit, bokmal, clock, occurrences
from pliktvakt.catalogue import Catalogue
from pliktvakt.grants.render_letters import Particulars
from pliktvakt.grants.schemes import GrantScheme
from pliktvakt.grants.store import GrantsError
from pliktvakt.grants.store_cases import get_decision, letter_of
from pliktvakt.grants.tables import GrantDecision, GrantRound, GrantSanction
from pliktvakt.legal_calendar import statutory_deadline
from pliktvakt.tables import Occurrence, OccurrenceStatus

if TYPE_CHECKING:
    from pliktvakt.grants.render_sanctions import SanctionLetter

NOTICE_OBLIGATION = "grant-stop-reclaim-notice"


class SanctionKind(StrEnum):
    STOP = "stop"  # stans i utbetaling
    RECLAIM = "reclaim"  # krav om tilbakebetaling


KIND_NAMES = {SanctionKind.STOP: "stans i utbetalingen", SanctionKind.RECLAIM: "krav om tilbakebetaling"}


class Stage(StrEnum):
    PROPOSED = "proposed"  # just recorded: the notice must be sent
    AWAITING_NOTICE = "awaiting_notice"  # the notice is not recorded as sent
    AWAITING_RESPONSE = "awaiting_response"  # the recipient's time to answer runs
    CARRIED_OUT = "carried_out"


@dataclass(frozen=True)
class SanctionStep:
    sanction: GrantSanction
    notice: Occurrence
    stage: Stage
    letter: "SanctionLetter | None" = None  # the decision letter, once carried out

    @property
    def carried_out(self) -> bool:
        return self.stage is Stage.CARRIED_OUT

    @property
    def new(self) -> bool:
        return self.stage is Stage.PROPOSED


def sanction_ref(sanction: GrantSanction) -> str:
    return f"grant-sanction:{sanction.id}"


def _open(session: Session, decision_id: int, kind: SanctionKind) -> GrantSanction | None:
    query = select(GrantSanction).where(
        GrantSanction.decision_id == decision_id,
        GrantSanction.kind == kind.value,
        GrantSanction.carried_out_on.is_(None),
    )
    return session.exec(query.order_by(GrantSanction.id)).first()


def notice_sent_on(notice: Occurrence | None) -> date | None:
    """The day the advance notice was recorded as sent (its occurrence completed), Oslo date."""
    if notice is None or notice.status != OccurrenceStatus.DONE or notice.completed_at is None:
        return None
    return clock.resolve(notice.completed_at).date()


def response_deadline(scheme: GrantScheme, sent_on: date) -> date:
    """The last day the recipient may comment on the notice: the scheme's period from the day
    it was sent, rolled to the next business day (domstolloven §§ 148–149)."""
    return statutory_deadline(sent_on, scheme.notice_response_period).due


def request(
    session: Session,
    catalogue: Catalogue,
    schemes: dict[str, GrantScheme],
    decision_id: int,
    kind: SanctionKind,
    reason: str,
    on: date,
    actor: str,
    amount: Decimal | None = None,
    particulars: Particulars | None = None,
) -> SanctionStep:
    """Take the next step of stopping or reclaiming the grant of ``decision_id`` (see the module
    docstring). Refused with ``GrantsError`` for a rejection, a grant already stopped or
    reclaimed, a bad amount, or a decision letter that lacks a fact. ``particulars`` are the
    letter's contact person and appeal address; the case number is the round's own."""
    decision = get_decision(session, decision_id)
    if Decimal(decision.amount_awarded) == 0:
        raise GrantsError(
            f"Vedtak {decision_id} er et avslag; det er ikke noe tilskudd å stanse eller kreve tilbake."
        )
    _refuse_repeat(session, decision_id, kind)
    _check_amount(decision, amount)
    sanction = _open(session, decision_id, kind)
    if sanction is None:
        if not reason.strip():
            raise GrantsError(
                "Oppgi hvorfor (--reason): hvilke forutsetninger for tilskuddet som ikke er oppfylt."
            )
        return _propose(session, catalogue, decision_id, kind, reason.strip(), on, actor, amount)
    if amount is not None:
        sanction.revise_amount(amount)
    notice = session.get(Occurrence, sanction.notice_occurrence_id)
    sent_on = notice_sent_on(notice)
    if sent_on is None:
        return SanctionStep(sanction, notice, Stage.AWAITING_NOTICE)
    if on < sent_on:
        raise GrantsError(f"Datoen {on.isoformat()} er før forhåndsvarselet ble registrert sendt.")
    scheme = schemes[decision.scheme_id]
    if sanction.response_due is None:
        sanction.open_response_period(response_deadline(scheme, sent_on))
        session.add(sanction)
    if sanction.response_on is None and on <= sanction.response_due:
        return SanctionStep(sanction, notice, Stage.AWAITING_RESPONSE)
    return _carry_out(session, scheme, decision, sanction, notice, on, actor, particulars or Particulars())


def _check_amount(decision: GrantDecision, amount: Decimal | None) -> None:
    if amount is not None and not 0 < amount <= Decimal(decision.amount_awarded):
        raise GrantsError(
            f"--amount {amount}: må være større enn 0 og høyst det tildelte beløpet "
            f"({Decimal(decision.amount_awarded)} kr)."
        )


def _propose(
    session: Session,
    catalogue: Catalogue,
    decision_id: int,
    kind: SanctionKind,
    reason: str,
    on: date,
    actor: str,
    amount: Decimal | None,
) -> SanctionStep:
    sanction = GrantSanction(
        decision_id=decision_id, kind=kind.value, reason=reason, proposed_on=on, amount=amount
    )
    session.add(sanction)
    session.flush()
    notice, _ = occurrences.trigger(session, catalogue, NOTICE_OBLIGATION, on, sanction_ref(sanction), actor)
    event = sanction.proposed(notice, actor)
    session.add(sanction)
    audit.record(session, event)
    return SanctionStep(sanction, notice, Stage.PROPOSED)


def _carry_out(
    session: Session,
    scheme: GrantScheme,
    decision: GrantDecision,
    sanction: GrantSanction,
    notice: Occurrence,
    on: date,
    actor: str,
    particulars: Particulars,
) -> SanctionStep:
    from pliktvakt.grants import render_sanctions  # the letter needs this module's names

    kind = SanctionKind(sanction.kind)
    if kind is SanctionKind.RECLAIM and sanction.amount is None:
        raise GrantsError(
            "Oppgi beløpet som kreves tilbake (--amount); vedtaket om tilbakebetaling må si hvor mye."
        )
    grant_letter = letter_of(session, decision.id)
    case_number = session.get(GrantRound, decision.round_id).case_number
    particulars = particulars.model_copy(update={"case_number": case_number})
    data = render_sanctions.build(
        scheme, decision, sanction, notice_sent_on(notice), grant_letter, on, particulars
    )
    event = sanction.carry_out(on, data.repayment_due, data.model_dump_json(indent=2), notice, actor)
    session.add(sanction)
    audit.record(session, event)
    return SanctionStep(sanction, notice, Stage.CARRIED_OUT, data)


def record_response(session: Session, decision_id: int, on: date, text: str, actor: str) -> GrantSanction:
    """The recipient's answer to the advance notice (fvl. § 16): the stop or reclaim may then be
    carried out before the response deadline, and its reasons must consider the answer."""
    if not text.strip():
        raise GrantsError("Oppgi hva mottakeren svarte (--text).")
    query = select(GrantSanction).where(
        GrantSanction.decision_id == decision_id, GrantSanction.carried_out_on.is_(None)
    )
    sanction = session.exec(query.order_by(GrantSanction.id)).first()
    if sanction is None:
        raise GrantsError(
            f"Vedtak {decision_id} har ingen foreslått stans eller tilbakebetaling som venter på svar."
        )
    sent_on = notice_sent_on(session.get(Occurrence, sanction.notice_occurrence_id))
    if sent_on is None:
        raise GrantsError(
            f"Forhåndsvarselet for vedtak {decision_id} er ikke registrert sendt; "
            "et svar på det kan ikke registreres ennå."
        )
    if on < sent_on:
        raise GrantsError(f"--on {on.isoformat()} er før forhåndsvarselet ble sendt ({sent_on.isoformat()}).")
    event = sanction.record_response(on, text.strip(), actor)
    session.add(sanction)
    audit.record(session, event)
    return sanction


def _refuse_repeat(session: Session, decision_id: int, kind: SanctionKind) -> None:
    """A grant is stopped, or reclaimed, once: a second proposal would send the recipient a
    second advance notice for what is already done."""
    done = session.exec(
        select(GrantSanction).where(
            GrantSanction.decision_id == decision_id,
            GrantSanction.kind == kind.value,
            GrantSanction.carried_out_on.is_not(None),
        )
    ).first()
    if done is not None:
        raise GrantsError(
            f"Vedtak {decision_id}: {KIND_NAMES[kind]} er allerede gjennomført "
            f"{bokmal.date_short(done.carried_out_on)} (sak {done.id}); det kan ikke gjøres en gang til."
        )


def stopped(session: Session, decision_id: int) -> bool:
    """Payment of the grant has been stopped (vedlegg 1 pkt. 5)."""
    query = select(GrantSanction).where(
        GrantSanction.decision_id == decision_id,
        GrantSanction.kind == SanctionKind.STOP.value,
        GrantSanction.carried_out_on.is_not(None),
    )
    return session.exec(query).first() is not None
