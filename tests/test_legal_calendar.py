"""The Norwegian legal calendar. Pinned dates were worked out by hand from a calendar;
each comment shows the counting."""

import calendar as stdcal
from datetime import date, datetime, time, timedelta, timezone

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pliktvakt.legal_calendar import (
    add_business_days,
    add_calendar,
    at_least_before,
    business_days_between,
    is_business_day,
    local_date,
    next_business_day,
    parse_duration,
    previous_business_day,
    statutory_deadline,
    straks,
)

days_2020_2040 = st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 1))


@pytest.mark.parametrize(
    "start, expected, why",
    [
        # Easter 2025: Easter Sunday 20 April. 31 Mar (Mon) + 3 weeks = Mon 21 Apr, Andre påskedag
        # -> Tue 22 Apr.
        (date(2025, 3, 31), date(2025, 4, 22), "andre påskedag"),
        # Easter 2026: Easter Sunday 5 April. 12 Mar (Thu) + 3w = Thu 2 Apr, Skjærtorsdag; Fri 3 Langfredag,
        # Sat 4, Sun 5, Mon 6 Andre påskedag -> Tue 7 Apr.
        (date(2026, 3, 12), date(2026, 4, 7), "hele påsken"),
        # Pentecost 2025: Sunday 8 June. 19 May (Mon) + 3w = Mon 9 Jun, Andre pinsedag -> Tue 10 Jun.
        (date(2025, 5, 19), date(2025, 6, 10), "andre pinsedag"),
        # Ascension 2025: Thursday 29 May (Easter + 39 days). 8 May (Thu) + 3w = 29 May -> Fri 30 May.
        (date(2025, 5, 8), date(2025, 5, 30), "Kristi himmelfart"),
        # 17 May 2025 is a Saturday. 26 Apr (Sat) + 3w = Sat 17 May; Sun 18 -> Mon 19 May.
        (date(2025, 4, 26), date(2025, 5, 19), "17. mai på lørdag"),
        # 17 May 2026 is a Sunday, and Norway has no substitute day: Mon 18 May 2026 is a business day.
        (date(2026, 4, 26), date(2026, 5, 18), "17. mai på søndag"),
        # Christmas 2025: Thu 25, Fri 26, Sat 27, Sun 28 Dec. 4 Dec (Thu) + 3w = 25 Dec -> Mon 29 Dec.
        (date(2025, 12, 4), date(2025, 12, 29), "jul"),
        # New Year 2026: Thu 1 Jan. 11 Dec 2025 (Thu) + 3w = 1 Jan -> Fri 2 Jan.
        (date(2025, 12, 11), date(2026, 1, 2), "nyttår"),
        # An ordinary case: 2 Sep 2025 (Tue) + 3w = Tue 23 Sep, a business day: unchanged.
        (date(2025, 9, 2), date(2025, 9, 23), "vanlig uke"),
    ],
)
def test_three_week_appeal_deadline_rolls_to_next_business_day(start, expected, why):
    assert statutory_deadline(start, "3w").due == expected, why


def test_deadline_rule_names_the_holiday_and_the_paragraphs():
    rule = statutory_deadline(date(2025, 3, 31), "3w").rule
    assert "2025-04-21 er Andre påskedag" in rule
    assert "§ 148" in rule and "§ 149" in rule


@pytest.mark.parametrize(
    "start, duration, expected",
    [
        (date(2024, 1, 31), "1m", date(2024, 2, 29)),  # leap year: February has 29 days, Thu 29 Feb
        (date(2025, 1, 31), "1m", date(2025, 2, 28)),  # Fri 28 Feb 2025
        (date(2023, 1, 31), "1m", date(2023, 2, 28)),  # Tue 28 Feb 2023
        # 31 Aug 2025 + 1m = 30 Sep 2025 (Tue): September has no 31st.
        (date(2025, 8, 31), "1m", date(2025, 9, 30)),
        # 28 Feb 2025 + 1m = Fri 28 Mar 2025: "same number", not "end of month".
        (date(2025, 2, 28), "1m", date(2025, 3, 28)),
    ],
)
def test_months_end_on_same_number_or_last_day(start, duration, expected):
    assert statutory_deadline(start, duration).due == expected


def test_at_least_before_moves_backwards_over_17_may():
    # 31 May 2025 (Sat) - 14 days = Sat 17 May 2025 (also Grunnlovsdag) -> back to Fri 16 May.
    assert at_least_before(date(2025, 5, 31), 14) == date(2025, 5, 16)
    # 20 May 2025 (Tue) - 14 = Tue 6 May, a business day: unchanged.
    assert at_least_before(date(2025, 5, 20), 14) == date(2025, 5, 6)


def test_business_days_count_over_easter():
    # From Wed 16 Apr 2025, 3 business days: Thu 17, Fri 18 and Mon 21 are holidays,
    # so Tue 22 (1), Wed 23 (2), Thu 24 (3).
    assert add_business_days(date(2025, 4, 16), 3) == date(2025, 4, 24)
    assert add_business_days(date(2025, 4, 24), -3) == date(2025, 4, 16)
    assert business_days_between(date(2025, 4, 16), date(2025, 4, 24)) == 3


def test_business_day_deadline():
    # 10 business days from Thu 1 Jan 2026 (a holiday): Fri 2 (1), 5-9 Jan (2-6), 12-15 Jan (7-10).
    assert statutory_deadline(date(2026, 1, 1), "10d", business_days=True).due == date(2026, 1, 15)


def test_dates_do_not_shift_across_daylight_saving_time():
    # 29 Mar 2025 22:30 UTC is 23:30 in Oslo (CET, +1), the night before DST starts.
    assert local_date(datetime(2025, 3, 29, 22, 30, tzinfo=timezone.utc)) == date(2025, 3, 29)
    # 30 Jun 2025 22:30 UTC is 00:30 on 1 Jul in Oslo (CEST, +2).
    assert local_date(datetime(2025, 6, 30, 22, 30, tzinfo=timezone.utc)) == date(2025, 7, 1)
    # 25 Oct 2025 22:30 UTC is 00:30 on 26 Oct (still CEST), the night DST ends.
    assert local_date(datetime(2025, 10, 25, 22, 30, tzinfo=timezone.utc)) == date(2025, 10, 26)


def test_bad_duration_is_refused_in_bokmal():
    with pytest.raises(ValueError, match="ikke en gyldig frist"):
        parse_duration("3 weeks")
    with pytest.raises(ValueError, match="virkedager"):
        statutory_deadline(date(2025, 1, 1), "1m", business_days=True)


@settings(max_examples=300, deadline=None)
@given(days_2020_2040)
def test_business_day_agrees_with_holidays_package(day):
    expected = day.weekday() < 5 and day not in holidays.country_holidays("NO", years=day.year)
    assert is_business_day(day) == expected


@settings(max_examples=300, deadline=None)
@given(days_2020_2040)
def test_next_business_day_is_the_first_one(day):
    result = next_business_day(day)
    assert result >= day and is_business_day(result)
    assert all(not is_business_day(day + timedelta(n)) for n in range((result - day).days))
    back = previous_business_day(day)
    assert back <= day and is_business_day(back)
    assert all(not is_business_day(back + timedelta(n)) for n in range(1, (day - back).days + 1))


@settings(max_examples=300, deadline=None)
@given(days_2020_2040, st.sampled_from(["1w", "2w", "3w", "10d", "14d"]))
def test_statutory_deadline_only_moves_forward_over_non_business_days(day, duration):
    result = statutory_deadline(day, duration)
    assert result.due >= result.raw and is_business_day(result.due)
    skipped = (result.due - result.raw).days
    assert all(not is_business_day(result.raw + timedelta(n)) for n in range(skipped))
    if duration.endswith("w"):
        assert result.raw.weekday() == day.weekday()  # a week deadline ends on the same weekday


@settings(max_examples=300, deadline=None)
@given(days_2020_2040, st.integers(min_value=1, max_value=14))
def test_month_arithmetic_keeps_the_day_number_or_the_last_day(day, months):
    result = add_calendar(day, parse_duration(f"{months}m"))
    last = stdcal.monthrange(result.year, result.month)[1]
    assert result.day == min(day.day, last)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months


@settings(max_examples=300, deadline=None)
@given(days_2020_2040, st.integers(min_value=1, max_value=30))
def test_at_least_before_never_moves_forward(day, days):
    result = at_least_before(day, days)
    assert result <= day - timedelta(days=days) and is_business_day(result)


def test_negative_duration_rolls_backwards():
    # 1 May 2025 - 14 days = Thu 17 Apr 2025, Skjærtorsdag (Easter Sunday 20 April); backwards -> Wed 16 Apr.
    # Rolled forwards it would be Tue 22 Apr (Fri 18 Langfredag, Mon 21 Andre påskedag), after the event.
    result = statutory_deadline(date(2025, 5, 1), "-14d")
    assert (result.raw, result.due) == (date(2025, 4, 17), date(2025, 4, 16))
    assert (
        "14 dager før 2025-05-01" in result.rule
        and "Skjærtorsdag" in result.rule
        and "bakover" in result.rule
    )
    # A negative duration on a business day stays: 20 May 2025 (Tue) - 14 = Tue 6 May.
    assert statutory_deadline(date(2025, 5, 20), "-14d").due == date(2025, 5, 6)


@settings(max_examples=300, deadline=None)
@given(days_2020_2040, st.integers(min_value=1, max_value=60))
def test_negative_duration_never_moves_forward(day, days):
    result = statutory_deadline(day, f"-{days}d")
    assert result.due <= day - timedelta(days=days) and is_business_day(result.due)


def test_straks_same_day_or_next_business_day_after_three():
    # Wed 1 Apr 2026 at 10:00: the same day.
    assert straks(date(2026, 4, 1), time(10, 0)) == date(2026, 4, 1)
    # At 16:00, after 15:00: the next business day. Thu 2 Apr Skjærtorsdag, Fri 3 Langfredag, Sat 4, Sun 5,
    # Mon 6 Andre påskedag -> Tue 7 Apr.
    assert straks(date(2026, 4, 1), time(16, 0)) == date(2026, 4, 7)
    # At 15:00 exactly it is not after 15:00; with no time of day, the earlier (safe) answer.
    assert straks(date(2026, 4, 1), time(15, 0)) == date(2026, 4, 1)
    assert straks(date(2026, 4, 1)) == date(2026, 4, 1)
    # Recorded on Sat 4 Apr 2026 at 09:00: not a business day -> Tue 7 Apr.
    assert straks(date(2026, 4, 4), time(9, 0)) == date(2026, 4, 7)
