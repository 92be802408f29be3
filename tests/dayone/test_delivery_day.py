"""A notice's delivery day is never before the day it was queued: with --as-of ahead of the
wall clock, the 14 days of instruks pkt. 6.1 count from the as-of day of delivery.

Dates worked out by hand (the issue's example): a publication planned for Thu 11 Feb 2027 has
its notice due 21 days before, Thu 21 Jan 2027. The flow runs with --as-of Mon 1 Feb 2027,
late, and queues and delivers the notice that day (the wall clock is earlier, December 2026).
Day 0 is 1 Feb, so publication is allowed from 1 Feb + 14 = Mon 15 Feb: not on 11 Feb.
"""

import json
from datetime import date

from flows.prepublication_notice import prepublication_notice
from pliktvakt.publications.rules import delivery_day
from tests.publications.test_flow_notice import add, read


def test_delivery_day_is_between_queueing_and_the_runs_day():
    queued = date(2027, 2, 1)
    # Accepted by the SMTP server on the wall clock's day, before the as-of day it was queued on.
    assert delivery_day(queued, date(2026, 12, 6), date(2027, 2, 1)) == date(2027, 2, 1)
    # A replayed day: the wall clock is later than the run's day; the run's day counts.
    assert delivery_day(date(2026, 3, 25), date(2026, 12, 6), date(2026, 3, 25)) == date(2026, 3, 25)
    # Queued one day, accepted the next (a retry): the day it was accepted.
    assert delivery_day(date(2026, 3, 25), date(2026, 3, 26), date(2026, 3, 26)) == date(2026, 3, 26)


def test_as_of_ahead_counts_the_14_days_from_the_as_of_day(prefect_server, pub_env, pliktvakt_cli):
    publication_id = add(pub_env, publish_on="2027-02-11")
    state = prepublication_notice(as_of="2027-02-01", return_state=True)
    assert state.is_completed(), state.message
    publication, _ = read(pub_env, publication_id)
    assert (publication.notice_queued_on, publication.notice_delivered_on) == (
        date(2027, 2, 1),
        date(2027, 2, 1),
    )
    result = pliktvakt_cli(
        "publication",
        "check",
        str(publication_id),
        "--as-of",
        "2027-02-01",
        "--json",
        expect=1,
        extra_env={"PLIKTVAKT_DATABASE_URL": pub_env.database_url},
    )
    answer = json.loads(result.stdout)
    assert answer["notice_delivered_on"] == "2027-02-01"
    assert answer["may_publish_on_planned_date"] is False and answer["earliest_date"] == "2027-02-15"
