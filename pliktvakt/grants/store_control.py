"""Store: the risk-based control sample of a round (vedlegg 1 pkt. 8, ØR punkt 6.3.8).

IMDi checks, "ut fra en vurdering av risiko og vesentlighet", that recipients used the
funds as the conditions require. Who is drawn: ``rules_control``.
"""

from datetime import date
from decimal import Decimal

from sqlmodel import Session, func, select

from pliktvakt import audit, bokmal
from pliktvakt.grants.rules_control import Candidate, draw, sample_size
from pliktvakt.grants.store import GrantsError, decisions_of, get_round
from pliktvakt.grants.tables import GrantControlSample, GrantDecision


def _earlier_findings(session: Session, orgnr: str) -> int:
    query = (
        select(func.count())
        .select_from(GrantControlSample)
        .join(GrantDecision, GrantDecision.id == GrantControlSample.decision_id)
        .where(GrantDecision.orgnr == orgnr, GrantControlSample.finding.is_not(None))
    )
    return session.exec(query).one()


def record_sample(
    session: Session, round_name: str, share: float, seed: int, on: date, actor: str
) -> list[GrantControlSample]:
    """Draw and record the round's control sample; a round is sampled once."""
    grant_round = get_round(session, round_name)
    sample_size(1, share)  # validates the share before anything is read
    taken = session.exec(
        select(GrantControlSample).where(GrantControlSample.round_id == grant_round.id)
    ).first()
    if taken is not None:
        raise GrantsError(
            f"Runden «{round_name}» har allerede et kontrollutvalg "
            f"(trukket {bokmal.date_short(taken.drawn_on)}, "
            f"seed {taken.seed}); se `pliktvakt grants control-list {round_name}`."
        )
    candidates = [
        Candidate(row.id, row.orgnr, Decimal(row.amount_awarded), _earlier_findings(session, row.orgnr))
        for row in decisions_of(session, grant_round)
        if Decimal(row.amount_awarded) > 0 and row.lapsed_at is None
    ]
    if not candidates:
        raise GrantsError(f"Runden «{round_name}» har ingen tilskudd som står, og ingen å kontrollere.")
    rows = [
        GrantControlSample(
            round_id=grant_round.id,
            decision_id=c.decision_id,
            drawn_on=on,
            share=share,
            seed=seed,
            weight=c.weight,
        )
        for c in draw(candidates, share, seed)
    ]
    session.add_all(rows)
    session.flush()
    audit.append(
        session,
        actor,
        "grant.control.sampled",
        f"grant-round/{round_name}",
        {
            "share": share,
            "seed": seed,
            "population": len(candidates),
            "decisions": [r.decision_id for r in rows],
            "weights": [r.weight for r in rows],
        },
    )
    return rows


def record_finding(session: Session, sample_id: int, finding: str, actor: str) -> GrantControlSample:
    """What the control of one sampled recipient found; it raises the recipient's weight later."""
    row = session.get(GrantControlSample, sample_id)
    if row is None:
        raise GrantsError(f"Fant ikke kontroll {sample_id} i noe kontrollutvalg.")
    if not finding.strip():
        raise GrantsError("Oppgi funnet (--finding).")
    event = row.record_finding(finding.strip(), actor)
    session.add(row)
    audit.record(session, event)
    return row


def samples_of(session: Session, round_name: str) -> list[GrantControlSample]:
    grant_round = get_round(session, round_name)
    query = select(GrantControlSample).where(GrantControlSample.round_id == grant_round.id)
    return list(session.exec(query.order_by(GrantControlSample.id)))
