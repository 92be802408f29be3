"""Store: where a round stands, what may be paid, and its state for the CLI and the flow.

The state is shown by ``texts.table_row``."""

from datetime import date
from decimal import Decimal

from sqlmodel import Session

from pliktvakt.grants.rules import payable, recipients_list_blockers
from pliktvakt.grants.schemes import GrantScheme
from pliktvakt.grants.store import decisions_of, letters_gate, needs_notice
from pliktvakt.grants.store_cases import case_of, letter_of
from pliktvakt.grants.store_sanctions import stopped
from pliktvakt.grants.tables import GrantDecision, GrantRound


def payment_list(session: Session, grant_round: GrantRound, as_of: date) -> list[GrantDecision]:
    """Grants that may be paid: awarded, accepted in time where acceptance is needed, not lapsed,
    and not stopped (vedlegg 1 pkt. 5)."""
    return [
        row
        for row in decisions_of(session, grant_round)
        if row.lapsed_at is None and payable(case_of(session, row), as_of) and not stopped(session, row.id)
    ]


def round_state(
    session: Session, schemes: dict[str, GrantScheme], grant_round: GrantRound, as_of: date
) -> dict:
    """What a round stands at on ``as_of``: decisions, notice, letters, appeals, deadlines, recipients."""
    rows = decisions_of(session, grant_round)
    cases = [case_of(session, row, schemes[row.scheme_id].postal_grace_days) for row in rows]
    letters = [letter for row in rows if (letter := letter_of(session, row.id))]
    open_appeals = sum(1 for case in cases for appeal in case.appeals if appeal.open)
    deadlines = [d for letter in letters for d in (letter.appeal_due, letter.acceptance_due) if d]
    return {
        "round": grant_round.name,
        "decisions": len(rows),
        "awarded": str(sum((Decimal(r.amount_awarded) for r in rows), Decimal(0))),
        "decided_on": grant_round.decided_on,
        "notice_needed": needs_notice(session, schemes, grant_round),
        "notice_sent_at": grant_round.ministry_notice_sent_at,
        "letters_allowed": letters_gate(session, schemes, grant_round) is None,
        "letters": len(letters),
        "open_appeals": open_appeals,
        "last_deadline": max(deadlines) if deadlines else None,
        "lapsed": sum(1 for r in rows if r.lapsed_at is not None),
        "recipients_blockers": recipients_list_blockers(cases, as_of),
        "recipients_sent_at": grant_round.recipients_info_sent_at,
    }
