"""Store: what the grant-award-notice flow does for one round, in the caller's transaction.

``prepare`` writes every message the round needs now into the outbox (deterministic keys,
so a rerun sends nothing twice); ``record`` turns delivery receipts into the recorded
ministry notice and recipients list, completing their occurrences with the receipts.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session

from pliktvakt import audit, bokmal, notify, occurrences
from pliktvakt.catalogue import Catalogue
from pliktvakt.grants.rules import recipients_list_blockers
from pliktvakt.grants.schemes import GrantScheme
from pliktvakt.grants.store import (
    DUTY,
    NOTICE_OBLIGATION,
    RECIPIENTS_OBLIGATION,
    ROLE,
    UNDERSPENDING_OBLIGATION,
    budgets_of,
    decisions_of,
    needs_notice,
    notice_key,
    notice_receipts_held,
    occurrence_for,
    recipients_key,
    round_ref,
)
from pliktvakt.grants.store_cases import as_award, case_of
from pliktvakt.grants.store_responses import lapse_due
from pliktvakt.grants.tables import GrantDecision, GrantRound
from pliktvakt.grants.texts import render_award_notice, render_recipients_info, underspending
from pliktvakt.notify import Key, Message

ACTOR = "pliktvakt"


@dataclass
class Prepared:
    notice_queued: int = 0
    recipients_queued: int = 0
    lapsed: list[int] = field(default_factory=list)  # decision ids
    underspent: list[str] = field(default_factory=list)  # scheme ids, newly raised
    problems: list[str] = field(default_factory=list)  # bokmål; the run ends Failed


def tally(prepared: list[Prepared]) -> dict[str, int]:
    """What the rounds' preparations add up to, for the run's result."""
    return {
        "notice_queued": sum(p.notice_queued for p in prepared),
        "recipients_queued": sum(p.recipients_queued for p in prepared),
        "lapsed": sum(len(p.lapsed) for p in prepared),
        "underspent": sum(len(p.underspent) for p in prepared),
    }


def prepare(
    session: Session,
    catalogue: Catalogue,
    schemes: dict[str, GrantScheme],
    grant_round: GrantRound,
    ministry: list[str],
    today: date,
) -> Prepared:
    result = Prepared()
    if grant_round.decided_on is None:
        return result
    wants_notice = needs_notice(session, schemes, grant_round) and grant_round.ministry_notice_sent_at is None
    try:
        if wants_notice:
            result.notice_queued = _queue_notice(session, schemes, grant_round, ministry)
    except notify.NoMinistryRecipients as exc:
        result.problems.append(str(exc))
    for row in lapse_due(session, grant_round, today, ACTOR):
        _alert_lapsed(session, catalogue, row, grant_round, today)
        result.lapsed.append(row.id)
    result.underspent = _raise_underspending(session, catalogue, schemes, grant_round, today)
    try:  # after the lapses, so the list holds only the grants that stand
        if _recipients_ready(session, schemes, grant_round, today):
            result.recipients_queued = _queue_recipients(
                session, catalogue, schemes, grant_round, ministry, today
            )
    except notify.NoMinistryRecipients as exc:
        result.problems.append(str(exc))
    return result


def _queue_notice(
    session: Session, schemes: dict[str, GrantScheme], grant_round: GrantRound, ministry: list[str]
) -> int:
    """Instruks 6.1: the ministry hears of the awards, per scheme, before any grant letter."""
    message = render_award_notice(
        grant_round.name, [as_award(d) for d in decisions_of(session, grant_round)], schemes
    )
    occurrence = occurrence_for(session, NOTICE_OBLIGATION, round_ref(grant_round))
    return notify.notify_ministry(
        session, ministry, message, notice_key(grant_round), occurrence.id if occurrence else None
    ).queued


def _recipients_ready(
    session: Session, schemes: dict[str, GrantScheme], grant_round: GrantRound, today: date
) -> bool:
    """Vedlegg 1 pkt. 2: after processing, once every appeal deadline has passed, no appeal open;
    and after the postal grace, for appeals posted in time (forvaltningsloven § 30)."""
    if grant_round.recipients_info_sent_at is not None or not notice_recorded_or_needless(
        session, grant_round
    ):
        return False
    rows = decisions_of(session, grant_round)
    cases = [case_of(session, row, schemes[row.scheme_id].postal_grace_days) for row in rows]
    return not recipients_list_blockers(cases, today)


def notice_recorded_or_needless(session: Session, grant_round: GrantRound) -> bool:
    occurrence = occurrence_for(session, NOTICE_OBLIGATION, round_ref(grant_round))
    return occurrence is None or grant_round.notice_recorded(notice_receipts_held(session, grant_round))


def _queue_recipients(
    session: Session,
    catalogue: Catalogue,
    schemes: dict[str, GrantScheme],
    grant_round: GrantRound,
    ministry: list[str],
    today: date,
) -> int:
    if not ministry:
        raise notify.NoMinistryRecipients()
    ref = round_ref(grant_round)
    occurrence = occurrence_for(session, RECIPIENTS_OBLIGATION, ref)
    if occurrence is None:
        occurrence, _ = occurrences.trigger(session, catalogue, RECIPIENTS_OBLIGATION, today, ref, ACTOR)
    standing = [as_award(d) for d in decisions_of(session, grant_round) if d.lapsed_at is None]
    message = render_recipients_info(grant_round.name, standing, schemes)
    return notify.notify_ministry(
        session, ministry, message, recipients_key(grant_round), occurrence.id
    ).queued


def _alert_lapsed(
    session: Session, catalogue: Catalogue, row: GrantDecision, grant_round: GrantRound, today: date
) -> None:
    subject = f"Tilskudd falt bort: {row.applicant} (runde {grant_round.name})"
    body = (
        f"Tilskuddet på {bokmal.kroner(Decimal(row.amount_awarded))} til {row.applicant} "
        f"(org.nr. {row.orgnr}), vedtak {row.id} i runde {grant_round.name}, "
        "har falt bort fordi akseptbrevet ikke kom innen fristen "
        "(vedlegg 1 til instruksen, punkt 5). Tilskuddet er tatt ut av utbetalingslisten."
    )
    notify.notify_role(
        session, catalogue, ROLE, Message(subject, body), Key(DUTY, f"decision-{row.id}", "lapsed"), today
    )


def _raise_underspending(
    session: Session,
    catalogue: Catalogue,
    schemes: dict[str, GrantScheme],
    grant_round: GrantRound,
    today: date,
) -> list[str]:
    """Vedlegg 1 pkt. 2, mindreforbruk: once per round and scheme, trigger the consultation."""
    standing = [as_award(d) for d in decisions_of(session, grant_round) if d.lapsed_at is None]
    raised = []
    for found in underspending(budgets_of(session, grant_round), standing, schemes):
        ref = f"{round_ref(grant_round)}:{found.scheme_id}"
        if occurrence_for(session, UNDERSPENDING_OBLIGATION, ref) is not None:
            continue
        occurrence, _ = occurrences.trigger(session, catalogue, UNDERSPENDING_OBLIGATION, today, ref, ACTOR)
        subject = f"Mindreforbruk i runde {grant_round.name}: {found.scheme_name}"
        body = (
            f"{found.describe()}\n\nFrist for å ta det opp med departementet: "
            f"{bokmal.date_long(occurrence.due)} "
            f"(forekomst {occurrence.id})."
        )
        notify.notify_role(
            session,
            catalogue,
            ROLE,
            Message(subject, body),
            Key(DUTY, f"round-{grant_round.id}", f"underspending-{found.scheme_id}"),
            today,
            occurrence_id=occurrence.id,
        )
        raised.append(found.scheme_id)
    return raised


def record(session: Session, grant_round: GrantRound, now: datetime) -> list[str]:
    """Record what has been delivered; the steps recorded in this call."""
    recorded = []
    if grant_round.ministry_notice_sent_at is None and (
        receipts := notify.delivered(session, prefix=notice_key(grant_round).prefix)
    ):
        _complete(session, NOTICE_OBLIGATION, grant_round, receipts, now)
        recorded.append("ministry-notice")
    if grant_round.recipients_info_sent_at is None and (
        receipts := notify.delivered(session, prefix=recipients_key(grant_round).prefix)
    ):
        _complete(session, RECIPIENTS_OBLIGATION, grant_round, receipts, now)
        recorded.append("recipients-info")
    if recorded:
        event = grant_round.record_deliveries(recorded, now, ACTOR)
        session.add(grant_round)
        audit.record(session, event)
    return recorded


def _complete(
    session: Session, obligation_id: str, grant_round: GrantRound, receipts: list, now: datetime
) -> None:
    occurrence = occurrence_for(session, obligation_id, round_ref(grant_round))
    if occurrence is not None:
        notify.complete_with_receipts(
            session, occurrence.id, receipts, f"Levert til departementet ({receipts[0].subject})", ACTOR, now
        )
