"""The one `--as-of` (cli.common.AsOf) and the one clock it resolves with."""

from datetime import date, datetime, time, timezone

import pytest
from typer.testing import CliRunner

from cli.main import app
from pliktvakt import clock
from pliktvakt.legal_calendar import local_date

runner = CliRunner()


def _run(*args: str):
    result = runner.invoke(app, list(args))
    return result, " ".join(result.output.replace("│", " ").split())  # rich boxes and wraps long lines


@pytest.mark.parametrize(
    "command",
    [
        ("status",),
        ("init",),
        ("publication", "list"),
        ("grants", "list"),
    ],
)
@pytest.mark.parametrize("value", ["09.03.2026", "2026-02-30", "i morgen", "2026-03-09T25:00"])
def test_a_bad_as_of_is_a_usage_error_in_bokmal(env, command, value):
    result, said = _run(*command, "--as-of", value)
    assert result.exit_code == 2
    assert f"«{value}» er ikke en dato (ÅÅÅÅ-MM-DD) eller et tidspunkt (ÅÅÅÅ-MM-DDTTT:MM)" in said
    assert "'--as-of'" in said and "Traceback" not in said


def test_a_bad_event_moment_uses_the_same_parser(env):
    result, said = _run("trigger", "x", "--on", "1.4.2026")
    assert result.exit_code == 2 and "'--on'" in said and "«1.4.2026» er ikke en dato" in said


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2026-03-09", "09.03.2026"),
        ("2026-03-09T07:30", "09.03.2026"),
        ("2026-03-09 23:30:00", "09.03.2026"),
        ("2026-03-09T23:30+00:00", "10.03.2026"),  # 00:30 the next day in Oslo
    ],
)
def test_good_as_of_values_are_accepted_as_oslo_time(env, value, day):
    assert _run("init", "--as-of", value)[0].exit_code == 0
    result, said = _run("status", "--as-of", value)
    assert result.exit_code == 0, result.output
    assert f"Status per {day}" in said


def test_resolve_takes_text_dates_and_datetimes_alike():
    oslo_morning = datetime(2026, 3, 9, 9, 0, tzinfo=clock.OSLO)
    assert clock.resolve("2026-03-09") == clock.resolve(date(2026, 3, 9)) == oslo_morning
    assert clock.resolve("2026-03-09T09:00") == clock.resolve(datetime(2026, 3, 9, 9, 0)) == oslo_morning
    assert clock.resolve(datetime(2026, 3, 9, 8, 0, tzinfo=timezone.utc)) == oslo_morning
    assert clock.resolve("2026-03-09T08:00Z").utcoffset().total_seconds() == 3600  # shown in Oslo time
    assert clock.resolve().tzinfo is clock.OSLO
    with pytest.raises(ValueError, match="«09.03.2026» er ikke en dato"):
        clock.resolve("09.03.2026")


def test_clock_and_legal_calendar_agree_on_the_day():
    # 23:30 on 29 March in Oslo is 22:30 UTC: the same Oslo day either way it comes in.
    assert local_date(clock.resolve("2025-03-29T23:30")) == date(2025, 3, 29)
    assert local_date(clock.resolve(datetime(2025, 3, 29, 23, 30))) == date(2025, 3, 29)
    # A time read back from the database is UTC: 22:30 UTC on 30 June is 1 July in Oslo.
    assert local_date(clock.stored(datetime(2025, 6, 30, 22, 30))) == date(2025, 7, 1)
    with pytest.raises(ValueError, match="naive datetime"):
        local_date(datetime(2025, 3, 29, 23, 30))


def test_event_moment_is_oslo_date_and_time():
    from cli.catalogue import parse_event_moment

    assert parse_event_moment("2026-03-09", "--on") == (date(2026, 3, 9), None)
    assert parse_event_moment("2026-03-09T15:30", "--on") == (date(2026, 3, 9), time(15, 30))
    assert parse_event_moment("2026-03-09T23:30+00:00", "--on") == (date(2026, 3, 10), time(0, 30))
