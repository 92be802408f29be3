"""«Periode» as a person says it: each key pinned by hand from how the areas build it
(pliktvakt/occurrences.py, settlement/rules_cadence.py, evaluation/store.py, grants, publications)."""

import pytest

from pliktvakt.catalogue import Recurrence
from pliktvakt.periods import Subjects, period_text

MONTHLY = Recurrence(rrule="FREQ=MONTHLY;BYMONTHDAY=1", source="instruction")
NEW_YEAR = Recurrence(dates=["01-01"], source="instruction")
YEAR_END = Recurrence(dates=["12-31"], source="instruction")
MIDYEAR = Recurrence(dates=["06-30"], source="instruction")
MEETINGS = Recurrence(dates=["2026-05-06", "2026-11-11"], source="placeholder", note="test")
THREE_YEARS = Recurrence(
    rrule="DTSTART:20240901\nRRULE:FREQ=YEARLY;INTERVAL=3;BYMONTH=9;BYMONTHDAY=1",
    source="placeholder",
    note="test",
)
SUBJECTS = Subjects(
    schemes={"jobbsjansen": "Jobbsjansen", "etnisk-mangfold-arbeidslivet": "Etnisk mangfold i arbeidslivet"},
    rounds={"3": "2026-1"},
    publications={"7": "Bosetting av flyktninger 2025"},
    applicants={"12": "Eksempel kommune"},
)


@pytest.mark.parametrize(
    ("period", "recurrence", "said"),
    [
        # Monthly analysis anchored on the 1st: the month it is for.
        ("2026-12-01", MONTHLY, "desember 2026"),
        ("2027-01-01", MONTHLY, "januar 2027"),
        # Yearly, anchored on 1 January or 31 December: the year.
        ("2026-01-01", NEW_YEAR, "2026"),
        ("2026-12-31", YEAR_END, "2026"),
        # The half-year report, anchored on 30 June.
        ("2026-06-30", MIDYEAR, "1. halvår 2026"),
        # One-off meeting dates: the meeting's day.
        ("2026-11-11", MEETINGS, "11. november 2026"),
        # Every third year from 1 Sep 2024: no month or year name fits, so the day.
        ("2027-09-01", THREE_YEARS, "1. september 2027"),
        # An anchor without its rule: the day, never the key.
        ("2026-12-01", None, "1. desember 2026"),
        # The settlement's weekly occurrences: ISO week 5 of 2026.
        ("weekly:2026-W05", None, "uke 5 2026"),
        # An approval gate: the report period and a digest of the figures.
        ("2025-03-01:3f2a9c1b0d4e", MONTHLY, "mars 2025"),
        ("weekly:2026-W05:3f2a9c1b0d4e", None, "uke 5 2026"),
        # Events: what they are about, where the domain knows it.
        ("event:2026-12-15:evaluation:jobbsjansen:2026", None, "Evaluering av Jobbsjansen 2026"),
        (
            "event:2026-12-15:evaluation:etnisk-mangfold-arbeidslivet:2026",
            None,
            "Evaluering av Etnisk mangfold i arbeidslivet 2026",
        ),
        ("event:2026-04-22:grant-round:3", None, "tilskuddsrunde 2026-1"),
        ("event:2026-04-22:grant-round:3:jobbsjansen", None, "tilskuddsrunde 2026-1, Jobbsjansen"),
        ("event:2026-05-13:grant-decision:12", None, "tilskuddsvedtak 12 (Eksempel kommune)"),
        ("event:2026-05-13:grant-decision/12", None, "tilskuddsvedtak 12 (Eksempel kommune)"),
        ("event:2026-06-01:publication:7", None, "publikasjonen «Bosetting av flyktninger 2025»"),
        ("event:2026-06-01:grant-appeal:4", None, "klage 4 på tilskuddsvedtak"),
        # An event without a reference, and one with a reference given by hand.
        ("event:2026-03-02", None, "2. mars 2026"),
        ("event:2026-03-02:rr-1", None, "2. mars 2026 (rr-1)"),
    ],
)
def test_period_as_a_person_says_it(period, recurrence, said):
    assert period_text(period, recurrence, SUBJECTS) == said


def test_an_unnamed_subject_is_shown_by_its_id():
    # The scheme is not in the schemes file (renamed since): its id, not nothing.
    assert (
        period_text("event:2026-12-15:evaluation:gammel-ordning:2026") == "Evaluering av gammel-ordning 2026"
    )
    assert period_text("event:2026-06-01:publication:99") == "publikasjon 99"
