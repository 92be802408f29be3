"""The grant duties of vedlegg 1 pkt. 2 and 4 to 8 as occurrences: registration on import, the
acceptance and reporting deadlines of the letters, forwarding an appeal not upheld, stop or
reclaim only after the fvl. § 16 notice, and the control sample."""

import functools
import json
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select
from stdnum.no import orgnr as stdnum_orgnr

from pliktvakt.catalogue import load_catalogue
from pliktvakt.db import make_engine, session_scope
from pliktvakt.grants import (
    render_round_letters,
    store,
    store_control,
    store_duties,
    store_intake,
    store_responses,
)
from pliktvakt.grants.rules_control import Candidate, draw, sample_size
from pliktvakt.grants.tables import GrantControlSample, GrantDecision
from pliktvakt.tables import Occurrence

from .conftest import HEADER, ORGNR_A, ORGNR_B, ORGNR_C, PARTY_HEADER
from .test_rounds import _fake_notice_receipt

FRIVILLIG = "integreringsarbeid-frivillige-organisasjoner"


def _occurrence(session, obligation_id: str) -> Occurrence:
    return session.exec(select(Occurrence).where(Occurrence.obligation_id == obligation_id)).one()


@pytest.fixture
def decided(env, schemes, write_csv):
    """A round imported Tue 22 Apr 2025 and decided, the ministry notice delivered."""
    engine, catalogue = make_engine(env.database_url), load_catalogue(env.config_dir)
    path = write_csv(
        HEADER + ";søkertype;grunn",
        f"{FRIVILLIG};2025;Frivillig lag;{ORGNR_A};200 000;150 000;;75 % av godkjent budsjett;privat;ramme",
        f"jobbsjansen;2025;Eksempel kommune;{ORGNR_C};500 000;400 000;;Sats 80 000 kr × 5;offentlig;ramme",
        f"jobbsjansen;2025;Annen kommune;{ORGNR_B};100 000;0;Utenfor målgruppen;;offentlig;malgruppe",
    )
    with session_scope(engine) as session:
        store_intake.import_round(
            session, schemes, path, "2025-1", {}, "test", catalogue=catalogue, on=date(2025, 4, 22)
        )
        store.decide_round(session, catalogue, schemes, "2025-1", date(2025, 4, 22), "test")
        _fake_notice_receipt(session, store.get_round(session, "2025-1"))
    return engine, catalogue


def _ids(session) -> dict[str, int]:
    return {d.applicant: d.id for d in session.exec(select(GrantDecision))}


def test_import_and_letters_trigger_their_duties(decided, schemes, tmp_path):
    engine, catalogue = decided
    with session_scope(engine) as session:
        registration = _occurrence(session, store_duties.REGISTRATION_OBLIGATION)  # one: decide adds none
        # 5 business days from Tue 22 Apr 2025: 23, 24, 25, 28, 29 Apr.
        assert (registration.due, registration.ref) == (date(2025, 4, 29), "grant-round:1")
        batch = render_round_letters.make_letters(
            session, schemes, "2025-1", tmp_path, date(2025, 4, 25), "test", catalogue=catalogue
        )
        assert batch.letters == 3
        ids = _ids(session)
        # Only the municipality's award needs acceptance: Fri 25 Apr + 3 weeks = Fri 16 May 2025.
        acceptance = _occurrence(session, store_duties.ACCEPTANCE_OBLIGATION)
        assert (acceptance.due, acceptance.ref) == (
            date(2025, 5, 16),
            f"grant-decision:{ids['Eksempel kommune']}",
        )
        # Reporting: 03-01 the year after 2025 = Sun 1 Mar 2026, the recipients' deadline rolls
        # forward to Mon 2 Mar 2026. One per round and scheme that has awards.
        goals = session.exec(
            select(Occurrence)
            .where(Occurrence.obligation_id == store_duties.GOAL_OBLIGATION)
            .order_by(Occurrence.ref)
        ).all()
        assert [(o.ref, o.due) for o in goals] == [
            (f"grant-round:1:{FRIVILLIG}", date(2026, 3, 2)),
            ("grant-round:1:jobbsjansen", date(2026, 3, 2)),
        ]
        store_responses.accept(session, ids["Eksempel kommune"], date(2025, 5, 10), "fatima")
    with session_scope(engine) as session:
        done = _occurrence(session, store_duties.ACCEPTANCE_OBLIGATION)
        assert done.status == "done" and done.evidence == "Akseptbrev mottatt 10.05.2025" and not done.late


def test_a_typed_in_round_is_due_for_registration_when_decided(env, schemes):
    engine, catalogue = make_engine(env.database_url), load_catalogue(env.config_dir)
    values = {
        "ordning": FRIVILLIG,
        "år": "2025",
        "søker": "Lag",
        "orgnr": ORGNR_A,
        "organisasjonsform": "FLI",
    }
    with session_scope(engine) as session:
        store_intake.add_decision(
            session,
            schemes,
            "r",
            {**values, "søkt_beløp": "10", "tildelt_beløp": "10", "beregning": "sats"},
            "t",
        )
        store.decide_round(session, catalogue, schemes, "r", date(2025, 5, 2), "t")
        # 5 business days from Fri 2 May 2025: 5, 6, 7, 8, 9 May.
        assert _occurrence(session, store_duties.REGISTRATION_OBLIGATION).due == date(2025, 5, 9)


def test_lapse_completes_the_acceptance_occurrence(decided, schemes, tmp_path):
    engine, catalogue = decided
    with session_scope(engine) as session:
        render_round_letters.make_letters(
            session, schemes, "2025-1", tmp_path, date(2025, 4, 25), "test", catalogue=catalogue
        )
        grant_round = store.get_round(session, "2025-1")
        [lapsed] = store_responses.lapse_due(session, grant_round, date(2025, 5, 17), "pliktvakt")
    with session_scope(engine) as session:
        occurrence = _occurrence(session, store_duties.ACCEPTANCE_OBLIGATION)
        assert occurrence.status == "done" and "falt bort" in occurrence.evidence


def test_appeal_not_upheld_is_forwarded_with_a_deadline(decided, schemes, tmp_path):
    engine, catalogue = decided
    with session_scope(engine) as session:
        render_round_letters.make_letters(session, schemes, "2025-1", tmp_path, date(2025, 4, 25), "test")
        lag = _ids(session)["Frivillig lag"]
        store_responses.letter_received(session, lag, date(2025, 4, 28), "test")
        store_responses.record_appeal(session, lag, date(2025, 5, 7), "test", posted=date(2025, 5, 5))
        appeal, occurrence = store_duties.appeal_not_upheld(
            session, catalogue, lag, date(2025, 5, 20), "test"
        )
        # Placeholder: one month from Tue 20 May 2025 = Fri 20 Jun 2025 (a business day).
        assert (occurrence.obligation_id, occurrence.due) == ("grant-appeal-forwarding", date(2025, 6, 20))
        assert occurrence.ref == f"grant-appeal:{appeal.id}" and appeal.closed_on is None
        with pytest.raises(store.GrantsError, match="ble registrert som ikke tatt til følge"):
            store_duties.appeal_not_upheld(session, catalogue, lag, date(2025, 5, 21), "test")
        kommune = _ids(session)["Eksempel kommune"]
        with pytest.raises(store.GrantsError, match="har ingen åpen klage"):
            store_duties.appeal_not_upheld(session, catalogue, kommune, date(2025, 5, 21), "test")


def clock_day(year: int, month: int, day: int):
    from pliktvakt import clock

    return clock.resolve(date(year, month, day))


# --- the control sample (vedlegg 1 pkt. 8) -------------------------------------------------


def test_sample_size_is_the_share_rounded_up():
    assert [sample_size(n, 0.1) for n in (0, 1, 9, 10, 11, 25)] == [0, 1, 1, 1, 2, 3]
    with pytest.raises(store.GrantsError, match="--share 1.5"):
        sample_size(10, 1.5)


def test_draw_is_weighted_by_amount_and_earlier_findings():
    # Eleven candidates, two drawn (share 0.1 of 11, rounded up). Over 300 seeds the one with
    # ten times the amount, and the one with two earlier findings (weight × 3), are drawn more
    # often than any ordinary candidate.
    big = Candidate(1, "a", Decimal(1_000_000), 0)
    flagged = Candidate(2, "b", Decimal(100_000), 2)
    ordinary = [Candidate(i, f"o{i}", Decimal(100_000), 0) for i in range(3, 12)]
    counts: dict[int, int] = {}
    for seed in range(300):
        sample = draw([big, flagged, *ordinary], 0.1, seed)
        assert len(sample) == 2 and sample == draw([big, flagged, *ordinary], 0.1, seed)
        for c in sample:
            counts[c.decision_id] = counts.get(c.decision_id, 0) + 1
    most_ordinary = max(counts.get(c.decision_id, 0) for c in ordinary)
    assert counts[1] > counts[2] > most_ordinary
    assert (big.weight, flagged.weight) == (1_000_000.0, 300_000.0)


def _orgnrs(count: int) -> list[str]:
    """Valid organisation numbers (mod 11 check digit, checked by stdnum) for made-up applicants."""
    found = [
        number
        for number in (f"9{n:08d}" for n in range(1000, 1000 + 100 * count))
        if stdnum_orgnr.is_valid(number)
    ]
    assert len(found) >= count
    return found[:count]


def test_control_sample_is_recorded_once_and_findings_raise_the_weight(env, schemes, write_csv):
    engine = make_engine(env.database_url)
    numbers = _orgnrs(12)
    lines = [
        f"{FRIVILLIG};2025;Lag {i};{nr};{(i + 1) * 10_000};{(i + 1) * 10_000};;Sats;;FLI"
        for i, nr in enumerate(numbers)
    ]
    with session_scope(engine) as session:
        store_intake.import_round(session, schemes, write_csv(PARTY_HEADER, *lines), "2025-1", {}, "test")
    with session_scope(engine) as session:
        sample = store_control.record_sample(session, "2025-1", 0.1, 42, date(2025, 9, 1), "revisor")
        assert len(sample) == 2  # 12 × 0.1 = 1.2, rounded up
        assert all(row.seed == 42 and row.share == 0.1 for row in sample)
        first = [(row.decision_id, row.weight) for row in sample]
        store_control.record_finding(session, sample[0].id, "Manglende regnskap", "revisor")
    with (
        pytest.raises(store.GrantsError, match="har allerede et kontrollutvalg"),
        session_scope(engine) as session,
    ):
        store_control.record_sample(session, "2025-1", 0.1, 42, date(2025, 9, 2), "revisor")
    # The same recipient in a later round weighs twice its amount after one finding.
    flagged = next(d for d in _all(engine) if d.id == first[0][0])
    with session_scope(engine) as session:
        store_intake.import_round(
            session,
            schemes,
            write_csv(
                PARTY_HEADER, f"{FRIVILLIG};2026;Lag;{flagged.orgnr};5000;5000;;Sats;;FLI", name="b.csv"
            ),
            "2026-1",
            {},
            "t",
        )
        [row] = store_control.record_sample(session, "2026-1", 0.1, 1, date(2026, 9, 1), "revisor")
        assert row.weight == 10_000.0
        assert len(session.exec(select(GrantControlSample)).all()) == 3


def _all(engine):
    with session_scope(engine) as session:
        rows = session.exec(select(GrantDecision)).all()
        for row in rows:
            session.expunge(row)
        return rows


# --- the commands -----------------------------------------------------------------------------


@pytest.fixture
def cli(env, pliktvakt_cli):
    return functools.partial(pliktvakt_cli, timeout=120)


def test_commands_control_sample(decided, cli):
    sample = json.loads(
        cli("grants", "control-sample", "2025-1", "--share", "0.1", "--seed", "7", "--json").stdout
    )
    assert len(sample) == 1 and sample[0]["seed"] == 7  # two grants stand: 2 × 0.1 rounded up
    again = cli("grants", "control-sample", "2025-1", "--share", "0.1", "--seed", "7", expect=2)
    assert "har allerede et kontrollutvalg" in again.stderr and "Traceback" not in again.stderr
    assert json.loads(cli("grants", "control-list", "2025-1", "--json").stdout) == sample
    bad = cli("grants", "control-sample", "2025-1", "--share", "2", "--seed", "1", expect=2)
    assert "--share 2.0: må være større enn 0 og høyst 1" in bad.stderr


def test_facts_command_marks_the_placeholders(env, pliktvakt_cli, monkeypatch):
    from tests.conftest import ROOT

    monkeypatch.setenv("PLIKTVAKT_CONFIG_DIR", str(ROOT / "config"))  # the shipped placeholders
    result = pliktvakt_cli("grants", "facts")
    assert "PLASSHOLDER: 72 fakta er ikke fylt inn av IMDi" in " ".join(result.stderr.split())
    listed = json.loads(pliktvakt_cli("grants", "facts", "--json").stdout)
    assert len(listed) == 72 and {item["source"] for item in listed} == {"placeholder"}
