"""Stopping payment of a grant or reclaiming it (vedlegg 1 pkt. 5), only after the recipient
has been given advance notice (forvaltningsloven § 16).

``propose`` records the proposal and triggers the notice occurrence (grant-stop-reclaim-notice);
the stop or reclaim is refused until that occurrence is completed, i.e. the notice is recorded
as sent. Each function works in the caller's transaction and audits what it changes.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlmodel import Session, select

from pliktvakt import audit, clock, occurrences
from pliktvakt.catalogue import Catalogue
from pliktvakt.grants.cases import get_decision
from pliktvakt.grants.rounds import GrantsError
from pliktvakt.grants.tables import GrantSanction
from pliktvakt.models import Occurrence, OccurrenceStatus

NOTICE_OBLIGATION = "grant-stop-reclaim-notice"


class SanctionKind(StrEnum):
    STOP = "stop"  # stans i utbetaling
    RECLAIM = "reclaim"  # krav om tilbakebetaling


KIND_NAMES = {SanctionKind.STOP: "stans i utbetalingen", SanctionKind.RECLAIM: "krav om tilbakebetaling"}


@dataclass(frozen=True)
class SanctionStep:
    sanction: GrantSanction
    notice: Occurrence
    carried_out: bool  # False: the notice is not recorded yet, so nothing was stopped or reclaimed
    new: bool  # the proposal (and its notice occurrence) was made by this call


def sanction_ref(sanction: GrantSanction) -> str:
    return f"grant-sanction:{sanction.id}"


def _pending(session: Session, decision_id: int, kind: SanctionKind) -> GrantSanction | None:
    query = select(GrantSanction).where(
        GrantSanction.decision_id == decision_id,
        GrantSanction.kind == kind.value,
        GrantSanction.carried_out_on.is_(None),
    )
    return session.exec(query.order_by(GrantSanction.id)).first()


def request(
    session: Session,
    catalogue: Catalogue,
    decision_id: int,
    kind: SanctionKind,
    reason: str,
    on: date,
    actor: str,
) -> SanctionStep:
    """Stop or reclaim the grant of ``decision_id``. The first request records the proposal and
    the notice that must go first (fvl. § 16); a request once the notice is recorded carries it
    out. Until then it is refused (``carried_out`` False)."""
    decision = get_decision(session, decision_id)
    if Decimal(decision.amount_awarded) == 0:
        raise GrantsError(
            f"Vedtak {decision_id} er et avslag; det er ikke noe tilskudd å stanse eller kreve tilbake."
        )
    if not reason.strip():
        raise GrantsError(
            "Oppgi hvorfor (--reason): hvilke forutsetninger for tilskuddet som ikke er oppfylt."
        )
    sanction = _pending(session, decision_id, kind)
    if sanction is None:
        _refuse_repeat(session, decision_id, kind)
        sanction = GrantSanction(
            decision_id=decision_id, kind=kind.value, reason=reason.strip(), proposed_on=on
        )
        session.add(sanction)
        session.flush()
        notice, _ = occurrences.trigger(
            session, catalogue, NOTICE_OBLIGATION, on, sanction_ref(sanction), actor
        )
        sanction.notice_occurrence_id = notice.id
        session.add(sanction)
        audit.append(
            session,
            actor,
            f"grant.{kind.value}.proposed",
            f"grant-decision/{decision_id}",
            {"sanction": sanction.id, "reason": sanction.reason, "notice_occurrence": notice.id},
        )
        return SanctionStep(sanction, notice, carried_out=False, new=True)
    notice = session.get(Occurrence, sanction.notice_occurrence_id)
    if notice is None or notice.status != OccurrenceStatus.DONE:
        return SanctionStep(sanction, notice, carried_out=False, new=False)
    if on < clock.resolve(notice.completed_at).date():
        raise GrantsError(f"Datoen {on.isoformat()} er før forhåndsvarselet ble registrert sendt.")
    sanction.carried_out_on = on
    session.add(sanction)
    audit.append(
        session,
        actor,
        f"grant.{kind.value}.carried_out",
        f"grant-decision/{decision_id}",
        {"sanction": sanction.id, "on": on, "notice_occurrence": notice.id, "notice": notice.evidence},
    )
    return SanctionStep(sanction, notice, carried_out=True, new=False)


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
            f"{done.carried_out_on:%d.%m.%Y} (sak {done.id}); det kan ikke gjøres en gang til."
        )


def stopped(session: Session, decision_id: int) -> bool:
    """Payment of the grant has been stopped (vedlegg 1 pkt. 5)."""
    query = select(GrantSanction).where(
        GrantSanction.decision_id == decision_id,
        GrantSanction.kind == SanctionKind.STOP.value,
        GrantSanction.carried_out_on.is_not(None),
    )
    return session.exec(query).first() is not None
