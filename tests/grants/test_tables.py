"""The 6.1 gate on the round itself, in memory: letters only once the ministry has the notice."""

from datetime import date, datetime, timezone

import pytest

from pliktvakt.grants.schemes import needing_notice
from pliktvakt.grants.tables import GrantRound

FRIVILLIG = "integreringsarbeid-frivillige-organisasjoner"
SENT = datetime(2025, 4, 23, 8, 0, tzinfo=timezone.utc)


def test_no_letters_before_the_round_is_decided():
    assert not GrantRound(name="r").letters_allowed(notice_needed=False, receipts_held=True)


@pytest.mark.parametrize(
    ("sent_at", "receipts_held", "allowed"),
    [
        (None, False, False),
        (None, True, False),  # receipts without the recorded notice
        (SENT, False, False),  # a timestamp alone is not proof
        (SENT, True, True),
    ],
)
def test_letters_wait_for_the_notice_with_receipts(sent_at, receipts_held, allowed):
    grant_round = GrantRound(name="r", decided_on=date(2025, 4, 22), ministry_notice_sent_at=sent_at)
    assert grant_round.notice_recorded(receipts_held) is allowed
    assert grant_round.letters_allowed(notice_needed=True, receipts_held=receipts_held) is allowed


def test_letters_allowed_once_decided_when_no_scheme_needs_the_notice():
    grant_round = GrantRound(name="r", decided_on=date(2025, 4, 22))
    assert grant_round.letters_allowed(notice_needed=False, receipts_held=False)


def test_only_schemes_awarded_on_application_need_the_notice(schemes):
    found = needing_notice(schemes, {"jobbsjansen", FRIVILLIG, "integreringstilskudd"})
    assert [s.id for s in found] == sorted([FRIVILLIG, "jobbsjansen"])
    named = {k: s.model_copy(update={"named_in_budget": True}) for k, s in schemes.items()}
    assert needing_notice(named, {"jobbsjansen", FRIVILLIG}) == []
