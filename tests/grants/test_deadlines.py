from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from pliktvakt.grants.rules import (
    Appeal,
    GrantCase,
    acceptance_deadline,
    appeal_deadline,
    appeal_in_time,
    grant_lapsed,
    payable,
    postal_grace_end,
    recipients,
    recipients_list_blockers,
    round_final,
)
from pliktvakt.grants.schemes import DecisionKind

E, A = DecisionKind.ENKELTVEDTAK, DecisionKind.AKSEPT


@pytest.mark.parametrize(
    ("received", "raw", "due"),
    [
        # Mon 31 Mar 2025 + 3 weeks = Mon 21 Apr 2025, Andre påskedag -> Tue 22 Apr.
        (date(2025, 3, 31), date(2025, 4, 21), date(2025, 4, 22)),
        # Thu 27 Mar 2025 + 3 weeks = Thu 17 Apr, Skjærtorsdag; Fri 18 Langfredag, Sat 19,
        # Sun 20 Påskedag, Mon 21 Andre påskedag -> Tue 22 Apr.
        (date(2025, 3, 27), date(2025, 4, 17), date(2025, 4, 22)),
        # Thu 4 Dec 2025 + 3 weeks = Thu 25 Dec, Første juledag; Fri 26 Andre juledag,
        # Sat 27, Sun 28 -> Mon 29 Dec.
        (date(2025, 12, 4), date(2025, 12, 25), date(2025, 12, 29)),
        # Thu 11 Dec 2025 + 3 weeks = Thu 1 Jan 2026, Første nyttårsdag -> Fri 2 Jan 2026.
        (date(2025, 12, 11), date(2026, 1, 1), date(2026, 1, 2)),
        # Fri 26 Apr 2024 + 3 weeks = Fri 17 May 2024, Grunnlovsdag; Sat 18, Sun 19 Pinsedag,
        # Mon 20 Andre pinsedag (Easter 31 Mar + 50 days) -> Tue 21 May 2024.
        (date(2024, 4, 26), date(2024, 5, 17), date(2024, 5, 21)),
        # Sat 26 Apr 2025 + 3 weeks = Sat 17 May 2025 (Grunnlovsdag on a Saturday), Sun 18
        # -> Mon 19 May 2025.
        (date(2025, 4, 26), date(2025, 5, 17), date(2025, 5, 19)),
        # Letter reached the party on Sat 7 Jun 2025: + 3 weeks = Sat 28 Jun -> Mon 30 Jun.
        (date(2025, 6, 7), date(2025, 6, 28), date(2025, 6, 30)),
        # Sun 8 Jun 2025 + 3 weeks = Sun 29 Jun -> Mon 30 Jun.
        (date(2025, 6, 8), date(2025, 6, 29), date(2025, 6, 30)),
        # Tue 2 Sep 2025 + 3 weeks = Tue 23 Sep, an ordinary business day: no roll.
        (date(2025, 9, 2), date(2025, 9, 23), date(2025, 9, 23)),
    ],
)
def test_appeal_deadline_three_weeks_rolled_to_business_day(received, raw, due):
    deadline = appeal_deadline(received)
    assert (deadline.raw, deadline.due) == (raw, due)


def test_appeal_deadline_names_the_holiday_it_rolled_past():
    assert "Andre påskedag" in appeal_deadline(date(2025, 3, 31)).rule


@pytest.mark.parametrize(
    ("submitted", "in_time"),
    [
        (date(2025, 4, 17), True),
        (date(2025, 4, 21), True),  # the raw day is a holiday, still in time
        (date(2025, 4, 22), True),  # the rolled due day is the last day
        (date(2025, 4, 23), False),
    ],
)
def test_appeal_in_time_around_easter(submitted, in_time):
    # Received 31 Mar 2025: due 22 Apr 2025 (see above).
    assert appeal_in_time(date(2025, 3, 31), submitted) is in_time


def test_acceptance_deadline_uses_scheme_rule(schemes):
    # Letter dated Fri 2 May 2025 + 3 weeks = Fri 23 May 2025, a business day.
    assert acceptance_deadline(schemes["jobbsjansen"], date(2025, 5, 2)).due == date(2025, 5, 23)
    with pytest.raises(ValueError, match="integreringstilskudd"):
        acceptance_deadline(schemes["integreringstilskudd"], date(2025, 5, 2))


def _aksept(key="k1", due=date(2025, 5, 23), accepted=None, awarded="100000"):
    return GrantCase(key, f"Søker {key}", A, Decimal(awarded), acceptance_due=due, accepted_on=accepted)


def _vedtak(key="v1", received=date(2025, 3, 31), appeals=(), awarded="100000"):
    return GrantCase(
        key, f"Søker {key}", E, Decimal(awarded), letter_received=received, appeals=tuple(appeals)
    )


def test_lapse_only_after_the_acceptance_deadline():
    case = _aksept(due=date(2025, 5, 23))
    assert not grant_lapsed(case, date(2025, 5, 23))  # the whole due day belongs to the recipient
    assert grant_lapsed(case, date(2025, 5, 24))


def test_acceptance_in_time_prevents_lapse_late_acceptance_does_not():
    assert not grant_lapsed(_aksept(accepted=date(2025, 5, 23)), date(2025, 6, 1))
    assert grant_lapsed(_aksept(accepted=date(2025, 5, 26)), date(2025, 6, 1))


def test_rejections_and_enkeltvedtak_never_lapse():
    assert not grant_lapsed(_aksept(awarded="0"), date(2025, 6, 1))
    assert not grant_lapsed(_vedtak(), date(2026, 1, 1))


def test_payable_only_after_acceptance():
    assert not payable(_aksept(), date(2025, 5, 10))
    assert payable(_aksept(accepted=date(2025, 5, 10)), date(2025, 5, 10))
    assert not payable(_aksept(accepted=date(2025, 5, 26)), date(2025, 6, 1))
    assert payable(_vedtak(), date(2025, 4, 1))
    assert not payable(_vedtak(awarded="0"), date(2025, 4, 1))


def test_recipients_list_waits_for_the_last_appeal_deadline():
    # Received 31 Mar -> due 22 Apr; received 4 Apr (Fri) + 3w = Fri 25 Apr, business day.
    cases = [_vedtak("v1", date(2025, 3, 31)), _vedtak("v2", date(2025, 4, 4))]
    # Then each waits 7 calendar days' postal grace (fvl. § 30): to 29 Apr and 2 May.
    assert recipients_list_blockers(cases, date(2025, 4, 23)) == [
        "Søker v1 (v1): klagefristen gikk ut 2025-04-22; venter til og med 2025-04-29 på klager som "
        "er postlagt i tide (forvaltningsloven § 30)",
        "Søker v2 (v2): klagefristen løper til og med 2025-04-25",
    ]
    assert not round_final(cases, date(2025, 5, 2))
    assert round_final(cases, date(2025, 5, 3))
    no_grace = [replace(case, postal_grace_days=0) for case in cases]
    assert not round_final(no_grace, date(2025, 4, 25)) and round_final(no_grace, date(2025, 4, 26))


def test_why_example_posted_on_the_last_day_is_in_time():
    # Issue 13: received Wed 3 Dec 2025 + 3 weeks = Wed 24 Dec 2025 (a business day); posted
    # 24 Dec, arrived Mon 29 Dec: in time, judged by the day it was posted (fvl. § 30).
    assert appeal_deadline(date(2025, 12, 3)).due == date(2025, 12, 24)
    assert appeal_in_time(date(2025, 12, 3), date(2025, 12, 24))
    assert not appeal_in_time(date(2025, 12, 3), date(2025, 12, 29))  # had arrival counted
    assert postal_grace_end(date(2025, 12, 24)) == date(2025, 12, 31)
    case = _vedtak("v1", date(2025, 12, 3))
    assert not round_final([case], date(2025, 12, 25))  # the old "final" day
    assert round_final([case], date(2026, 1, 1))


def test_open_appeal_holds_the_list_back_until_closed():
    open_appeal = _vedtak(appeals=[Appeal(date(2025, 4, 10))])
    assert recipients_list_blockers([open_appeal], date(2025, 6, 1)) == [
        "Søker v1 (v1): klagen er ikke ferdig behandlet"
    ]
    closed = _vedtak(appeals=[Appeal(date(2025, 4, 10), closed_on=date(2025, 5, 20))])
    assert round_final([closed], date(2025, 6, 1))


def test_unknown_receipt_and_running_acceptance_block():
    unknown = GrantCase("v9", "Søker v9", E, Decimal(1))
    pending = _aksept(due=date(2025, 5, 23))
    reasons = recipients_list_blockers([unknown, pending], date(2025, 5, 20))
    assert reasons == [
        "Søker v9 (v9): det er ikke registrert når brevet kom fram",
        "Søker k1 (k1): akseptfristen løper til og med 2025-05-23",
    ]
    # Accepted early: no longer waiting for the deadline.
    assert round_final([_aksept(accepted=date(2025, 5, 5))], date(2025, 5, 6))
    assert recipients_list_blockers([], date(2025, 5, 6)) == ["runden har ingen vedtak"]


def test_recipients_leave_out_rejected_and_lapsed():
    cases = [
        _aksept("k1"),
        _aksept("k2", accepted=date(2025, 5, 2)),
        _vedtak("v1"),
        _vedtak("v2", awarded="0"),
    ]
    assert [c.key for c in recipients(cases, date(2025, 6, 1))] == ["k2", "v1"]
