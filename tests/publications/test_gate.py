from datetime import date

import pytest

from pliktvakt.publications.rules import check_gate, earliest_publication_date, notice_due_date


@pytest.mark.parametrize(
    ("publish_on", "due"),
    [
        # Fri 20 Jun 2025 - 21 days = Fri 30 May 2025, a business day.
        (date(2025, 6, 20), date(2025, 5, 30)),
        # Thu 19 Jun 2025 - 21 = Thu 29 May 2025, Kristi himmelfartsdag (Easter 20 Apr + 39):
        # backwards to Wed 28 May.
        (date(2025, 6, 19), date(2025, 5, 28)),
        # Sun 30 Mar 2025 - 21 = Sun 9 Mar: backwards to Fri 7 Mar.
        (date(2025, 3, 30), date(2025, 3, 7)),
        # Mon 12 May 2025 - 21 = Mon 21 Apr, 2. påskedag; 20 Sun, 19 Sat, 18 langfredag,
        # 17 skjærtorsdag: backwards to Wed 16 Apr.
        (date(2025, 5, 12), date(2025, 4, 16)),
    ],
)
def test_notice_due_date_moves_backwards_to_a_business_day(publish_on, due):
    assert notice_due_date(publish_on) == due


def test_lead_time_is_configurable_but_never_below_14_days():
    # Fri 20 Jun 2025 - 30 days = Wed 21 May 2025, a business day.
    assert notice_due_date(date(2025, 6, 20), lead_days=30) == date(2025, 5, 21)
    # Exactly 14: Fri 20 Jun - 14 = Fri 6 Jun.
    assert notice_due_date(date(2025, 6, 20), lead_days=14) == date(2025, 6, 6)
    with pytest.raises(ValueError, match="minst 14 dager"):
        notice_due_date(date(2025, 6, 20), lead_days=13)


def test_notice_day_is_day_zero():
    # Notice Mon 3 Mar 2025 + 14 calendar days = Mon 17 Mar 2025.
    assert earliest_publication_date(date(2025, 3, 3)) == date(2025, 3, 17)


def test_gate_open_exactly_14_days_after_notice():
    result = check_gate(date(2025, 3, 17), date(2025, 3, 3), as_of=date(2025, 3, 10))
    assert result.may_publish_on_planned_date
    assert result.earliest_date == date(2025, 3, 17)
    assert not result.best_case
    assert "pkt. 6.1" in result.reason


def test_gate_closed_13_days_after_notice():
    # Notice Mon 3 Mar, planned Sun 16 Mar: 13 days. Earliest Mon 17 Mar.
    result = check_gate(date(2025, 3, 16), date(2025, 3, 3), as_of=date(2025, 3, 10))
    assert not result.may_publish_on_planned_date
    assert result.earliest_date == date(2025, 3, 17)
    assert "2025-03-17" in result.reason and "mindre enn 14 dager" in result.reason


def test_publication_may_fall_on_a_weekend():
    # Notice Sat 1 Mar 2025 + 14 = Sat 15 Mar 2025; publishing that Saturday is allowed.
    result = check_gate(date(2025, 3, 15), date(2025, 3, 1), as_of=date(2025, 3, 1))
    assert result.may_publish_on_planned_date and result.earliest_date == date(2025, 3, 15)


def test_without_notice_the_gate_is_closed_and_earliest_is_a_best_case():
    # No notice; as_of Mon 3 Mar 2025: best case notice today, earliest Mon 17 Mar.
    # Planned Mon 31 Mar can still be kept.
    result = check_gate(date(2025, 3, 31), None, as_of=date(2025, 3, 3))
    assert not result.may_publish_on_planned_date
    assert result.best_case and result.planned_date_reachable
    assert result.earliest_date == date(2025, 3, 17)
    assert "ikke varslet" in result.reason and "senest 2025-03-17" in result.reason


def test_without_notice_too_close_to_the_planned_date():
    # as_of Thu 20 Mar 2025 + 14 = Thu 3 Apr, after the planned Mon 31 Mar.
    result = check_gate(date(2025, 3, 31), None, as_of=date(2025, 3, 20))
    assert not result.planned_date_reachable
    assert result.earliest_date == date(2025, 4, 3)


def test_settings_refuse_a_lead_time_below_14_days(monkeypatch):
    from pydantic import ValidationError

    from pliktvakt.settings import Settings

    assert Settings().publication_notice_lead_days == 21
    monkeypatch.setenv("PLIKTVAKT_PUBLICATION_NOTICE_LEAD_DAYS", "10")
    with pytest.raises(ValidationError):
        Settings()


def test_gate_stays_closed_while_the_notice_is_queued_but_undelivered():
    # Queued Mon 3 Mar 2025, never delivered. On Tue 25 Mar (22 days later) the gate is still
    # closed: delivered today at best, so the earliest date is Tue 25 Mar + 14 = Tue 8 Apr.
    result = check_gate(
        date(2025, 3, 24),
        None,
        as_of=date(2025, 3, 25),
        queued_on=date(2025, 3, 3),
        waiting=("aid@dep.example (pending: SMTPConnectError)",),
    )
    assert not result.may_publish_on_planned_date and result.best_case
    assert result.earliest_date == date(2025, 4, 8)
    assert "ikke levert" in result.reason and "aid@dep.example (pending: SMTPConnectError)" in result.reason
