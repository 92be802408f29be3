"""Kind: store. The reporting cadence of the settlement analysis in the database.

Each change of cadence is a row in ``settlement_cadence`` and an audit entry, and while weekly
there is an occurrence per ISO week (``rules_cadence``); back within the rule, the cadence is
monthly again and open weekly occurrences from the current week on are withdrawn.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from pliktvakt import audit, occurrences
from pliktvakt.catalogue import Catalogue
from pliktvakt.legal_calendar import add_business_days
from pliktvakt.settlement.analysis import AnalysisResult, reporting_cadence
from pliktvakt.settlement.rules_cadence import (
    MONTHLY,
    OBLIGATION,
    WEEKLY_DUE_BUSINESS_DAYS,
    WEEKLY_PREFIX,
    CadenceChange,
    week_monday,
    week_period,
)
from pliktvakt.settlement.tables import SettlementCadence
from pliktvakt.settlement.texts import CADENCE_NAMES, reason_for
from pliktvakt.tables import ObligationRecord, Occurrence, OccurrenceStatus


def current(session: Session, day: date) -> SettlementCadence | None:
    """The cadence row in force on ``day``, or None (monthly: never changed)."""
    query = (
        select(SettlementCadence)
        .where(SettlementCadence.from_date <= day)
        .order_by(SettlementCadence.from_date.desc(), SettlementCadence.id.desc())
    )
    return session.exec(query).first()


def cadence_on(session: Session, day: date) -> str:
    row = current(session, day)
    return row.cadence if row else MONTHLY


def record(
    session: Session, day: date, result: AnalysisResult, actor: str = "pliktvakt"
) -> CadenceChange | None:
    """Store a change of cadence from ``day`` if the analysis calls for one; None if not."""
    wanted = reporting_cadence(result.large_deviation)
    previous = cadence_on(session, day)
    if wanted == previous:
        return None
    row = SettlementCadence(
        from_date=day,
        cadence=wanted,
        reason=reason_for(result),
        analysed_month=f"{result.as_of.year}-{result.as_of.month:02d}",
        projected_year_end=round(result.projection.year_end, 1),
        need=result.need,
        need_ratio=round(result.need_ratio, 4),
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor,
        "settlement.cadence_changed",
        OBLIGATION,
        {
            "id": row.id,
            "from": day,
            "cadence": wanted,
            "previous": previous,
            "reason": row.reason,
            "projected_year_end": row.projected_year_end,
            "need": row.need,
            "need_ratio": row.need_ratio,
        },
    )
    return CadenceChange(row, previous)


def ensure_weekly_occurrence(
    session: Session, catalogue: Catalogue, day: date, actor: str = "pliktvakt"
) -> tuple[Occurrence, bool]:
    """The weekly occurrence for ``day``'s ISO week; (occurrence, created). Idempotent."""
    period = week_period(day)
    found = occurrences.find(session, OBLIGATION, period)
    if found is not None:
        return found, False
    obligation = catalogue.obligations[OBLIGATION]
    if session.get(ObligationRecord, OBLIGATION) is None:
        occurrences.sync_obligations(session, catalogue, actor)
    monday = week_monday(day)
    occurrence = occurrences.create(
        session,
        obligation,
        period,
        monday,
        actor,
        due=add_business_days(monday, WEEKLY_DUE_BUSINESS_DAYS),
        reason="ukentlig rapportering ved stort avvik",
    )
    if occurrence is None:  # a concurrent run made it in the meantime
        return occurrences.find(session, OBLIGATION, period), False
    return occurrence, True


def withdraw_weekly(session: Session, from_day: date, reason: str, actor: str = "pliktvakt") -> int:
    """Withdraw open weekly occurrences from ``from_day``'s week on. Past open ones stay, overdue."""
    query = select(Occurrence).where(
        Occurrence.obligation_id == OBLIGATION,
        Occurrence.status == OccurrenceStatus.OPEN,
        Occurrence.period.startswith(WEEKLY_PREFIX),
        Occurrence.anchor >= week_monday(from_day),
    )
    withdrawn = 0
    for occurrence in session.exec(query):
        occurrences.withdraw(session, occurrence, reason, actor)
        withdrawn += 1
    session.flush()
    return withdrawn


def history(session: Session) -> list[SettlementCadence]:
    query = select(SettlementCadence).order_by(SettlementCadence.from_date, SettlementCadence.id)
    return list(session.exec(query))


def history_table(session: Session) -> list[dict]:
    """Every change of cadence and every weekly occurrence, for the run's artifact."""
    weekly = session.exec(
        select(Occurrence)
        .where(Occurrence.obligation_id == OBLIGATION, Occurrence.period.startswith(WEEKLY_PREFIX))
        .order_by(Occurrence.anchor)
    )
    table = [
        {"Fra": r.from_date.isoformat(), "Rapportering": CADENCE_NAMES[r.cadence], "Begrunnelse": r.reason}
        for r in history(session)
    ]
    table += [
        {
            "Fra": o.anchor.isoformat(),
            "Rapportering": f"ukentlig forekomst {o.period}",
            "Begrunnelse": f"frist {o.due.isoformat()}, status {o.status}",
        }
        for o in weekly
    ]
    return table or [{"Fra": "", "Rapportering": "månedlig", "Begrunnelse": "aldri endret"}]
