"""Award rounds in a real database (SQLite and PostgreSQL): all-or-nothing import, the 6.1
gate before letters, letter refusal, appeals and acceptance."""

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from pliktvakt.catalogue import load_catalogue
from pliktvakt.db import make_engine, session_scope
from pliktvakt.grants import render_round_letters, store, store_intake, store_responses
from pliktvakt.grants.inputs import AwardImportError
from pliktvakt.grants.tables import GrantBudget, GrantDecision, GrantImportRejection, GrantLetter, GrantRound
from pliktvakt.tables import Occurrence

from .conftest import HEADER, ORGNR_A, ORGNR_B, ORGNR_C, PARTY_HEADER, ROOT

FRIVILLIG = "integreringsarbeid-frivillige-organisasjoner"


def _count(session, table) -> int:
    return len(list(session.exec(select(table))))


def test_invalid_orgnr_rejects_the_whole_file_and_keeps_the_reasons(db_url, schemes, write_csv):
    path = write_csv(
        PARTY_HEADER,
        f"{FRIVILLIG};2025;Frivillig lag;{ORGNR_A};200 000;150 000;;75 % av budsjettet;ramme;FLI",
        f"{FRIVILLIG};2025;Feil lag;974760674;90 000;0;Utenfor målgruppen;;malgruppe;FLI",
    )
    engine = make_engine(db_url)
    with pytest.raises(AwardImportError) as caught, session_scope(engine) as session:
        store_intake.import_round(session, schemes, path, "2025-1", {"jobbsjansen": Decimal(1000)}, "test")
    # 974760674 is 974760673 with the check digit changed: the mod 11 check fails.
    assert (
        "tildelinger.csv, linje 3, felt «orgnr»: ugyldig organisasjonsnummer «974760674»: kontrollsifferet"
        in str(caught.value)
    )
    with session_scope(engine) as session:
        store_intake.record_rejection(session, "2025-1", path, caught.value, "test")
    with session_scope(engine) as session:
        assert [_count(session, t) for t in (GrantRound, GrantBudget, GrantDecision)] == [0, 0, 0]
        rejected = session.exec(select(GrantImportRejection)).one()
        assert (rejected.line, rejected.field, rejected.round_name) == (3, "orgnr", "2025-1")
        assert json.loads(rejected.raw)["søker"] == "Feil lag"


def test_malformed_file_is_rejected_with_line_and_field(env, schemes, write_csv):
    # Line 2 lacks a column (9 of 10 fields): refused as such, before any row is validated
    # (issue 30: a missing field is most often a stray quote or a lost separator).
    path = write_csv(
        HEADER + ";grunn;søkertype",
        f"{FRIVILLIG};2025;Lag A;{ORGNR_A};200 000;150 000;;ramme;privat",
        f"{FRIVILLIG};2025;Lag B;{ORGNR_B};mange penger;0;Utenfor målgruppen;;malgruppe;privat",
    )
    engine = make_engine(env.database_url)
    with pytest.raises(AwardImportError) as caught, session_scope(engine) as session:
        store_intake.import_round(session, schemes, path, "2025-1", {}, "test")
    assert "linje 2, felt «søkertype»: linjen har 9 felt, overskriften 10" in str(caught.value)
    # With the field there but empty, line 2 lacks its computation, and line 3 has text as amount.
    path.write_text(
        path.read_text(encoding="utf-8").replace("150 000;;ramme", "150 000;;;ramme"), encoding="utf-8"
    )
    with pytest.raises(AwardImportError) as caught, session_scope(engine) as session:
        store_intake.import_round(session, schemes, path, "2025-1", {}, "test")
    text = str(caught.value)
    assert "linje 2, felt «beregning»: innvilget tilskudd må si hvordan beløpet er regnet ut" in text
    assert "linje 3, felt «søkt_beløp»: «mange penger» er ikke et beløp i kroner" in text
    with session_scope(engine) as session:
        assert [_count(session, t) for t in (GrantRound, GrantDecision)] == [0, 0]


def _round(engine, schemes, write_csv, name="2025-1", allow_duplicate=None):
    path = write_csv(
        HEADER + ";søkertype;grunn",
        f"{FRIVILLIG};2025;Frivillig lag;{ORGNR_A};200 000;150 000;;75 % av godkjent budsjett;privat;ramme",
        f"{FRIVILLIG};2025;Frivillig forening;{ORGNR_B};90 000;0;Utenfor målgruppen;;privat;malgruppe",
        f"jobbsjansen;2025;Eksempel kommune;{ORGNR_C};500 000;400 000;;Sats 80 000 kr × 5;offentlig;ramme",
    )
    with session_scope(engine) as session:
        store_intake.import_round(session, schemes, path, name, {}, "test", allow_duplicate=allow_duplicate)


def test_gate_blocks_letters_until_the_notice_has_a_receipt(env, schemes, write_csv, tmp_path):
    engine, catalogue = make_engine(env.database_url), load_catalogue(ROOT / "config")
    _round(engine, schemes, write_csv)
    with pytest.raises(store.GrantsError, match="ikke vedtatt"), session_scope(engine) as session:
        render_round_letters.make_letters(
            session, schemes, "2025-1", tmp_path / "brev", date(2025, 4, 25), "test"
        )
    with session_scope(engine) as session:
        _, occurrence = store.decide_round(session, catalogue, schemes, "2025-1", date(2025, 4, 22), "test")
        # 3 business days from Tue 22 Apr 2025: Wed 23, Thu 24, Fri 25.
        assert (occurrence.obligation_id, occurrence.due) == (
            "grant-award-ministry-notice",
            date(2025, 4, 25),
        )
    with pytest.raises(store.GrantsError, match="punkt 6.1") as caught, session_scope(engine) as session:
        render_round_letters.make_letters(
            session, schemes, "2025-1", tmp_path / "brev", date(2025, 4, 25), "test"
        )
    assert "Tilskudd til Jobbsjansen" in str(caught.value)
    # A timestamp alone is not enough: the outbox must hold a receipt for the notice.
    with session_scope(engine) as session:
        grant_round = store.get_round(session, "2025-1")
        grant_round.ministry_notice_sent_at = grant_round.created_at
        session.add(grant_round)
    with pytest.raises(store.GrantsError, match="punkt 6.1"), session_scope(engine) as session:
        render_round_letters.make_letters(
            session, schemes, "2025-1", tmp_path / "brev", date(2025, 4, 25), "test"
        )


def test_a_letter_missing_required_content_is_refused_the_others_made(env, schemes, write_csv, tmp_path):
    engine, catalogue = make_engine(env.database_url), load_catalogue(ROOT / "config")
    path = write_csv(
        PARTY_HEADER,
        f"tilrettelagt-fag-yrkesopplaering;2025;Kommune A;{ORGNR_A};100 000;100 000;;Sats;;KOMM",
        f"tilrettelagt-fag-yrkesopplaering;2025;Kommune B;{ORGNR_B};100 000;50 000;;Halv sats;ramme;KOMM",
    )
    with session_scope(engine) as session:
        store_intake.import_round(session, schemes, path, "r", {}, "test")
    with session_scope(engine) as session:
        store.decide_round(session, catalogue, schemes, "r", date(2025, 4, 22), "test")
        _fake_notice_receipt(session, store.get_round(session, "r"))
        # As if the computation were lost after import (e.g. edited in the database).
        second = store.decisions_of(session, store.get_round(session, "r"))[1]
        second.computation = "  "
        session.add(second)
    with session_scope(engine) as session:
        result = render_round_letters.make_letters(session, schemes, "r", tmp_path, date(2025, 4, 25), "test")
    assert result.letters == 1 and [e.missing for e in result.refused] == [["hvordan beløpet er regnet ut"]]
    assert sorted(p.suffix for p in result.files) == [".html", ".json"]
    assert {p.parent for p in result.files} == {tmp_path} and not list(
        tmp_path.glob("*.html")
    )  # nothing written
    with session_scope(engine) as session:
        assert _count(session, GrantLetter) == 1


def test_letters_are_recorded_only_if_written(env, schemes, write_csv, tmp_path):
    from tasks.grants import write_round_letters

    engine, catalogue = make_engine(env.database_url), load_catalogue(ROOT / "config")
    _round(engine, schemes, write_csv)
    with session_scope(engine) as session:
        store.decide_round(session, catalogue, schemes, "2025-1", date(2025, 4, 22), "test")
        _fake_notice_receipt(session, store.get_round(session, "2025-1"))
    blocked = tmp_path / "brev"
    blocked.write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(OSError):
        write_round_letters.fn(env.database_url, schemes, "2025-1", blocked, date(2025, 4, 25), "test")
    with session_scope(engine) as session:
        assert _count(session, GrantLetter) == 0
    batch = write_round_letters.fn(
        env.database_url, schemes, "2025-1", tmp_path / "ut", date(2025, 4, 25), "test"
    )
    assert batch.letters == 3 and sorted((tmp_path / "ut").iterdir()) == sorted(batch.files)
    for path, content in batch.files.items():
        assert path.read_text(encoding="utf-8") == content
    with session_scope(engine) as session:
        assert _count(session, GrantLetter) == 3


def test_appeal_in_time_and_late_around_christmas(env, schemes, write_csv, tmp_path):
    engine, catalogue = make_engine(env.database_url), load_catalogue(ROOT / "config")
    path = write_csv(
        PARTY_HEADER, f"{FRIVILLIG};2025;Frivillig lag;{ORGNR_A};200 000;150 000;;75 %;ramme;FLI"
    )
    with session_scope(engine) as session:
        store_intake.import_round(session, schemes, path, "jul", {}, "test")
        store.decide_round(session, catalogue, schemes, "jul", date(2024, 12, 2), "test")
        grant_round = store.get_round(session, "jul")
        decision_id = store.decisions_of(session, grant_round)[0].id
        _fake_notice_receipt(session, grant_round)
    with session_scope(engine) as session:
        render_round_letters.make_letters(session, schemes, "jul", tmp_path, date(2024, 12, 4), "test")
        # Received Thu 12 Dec 2024 + 3 weeks = Thu 2 Jan 2025, a business day (1 Jan is the holiday).
        letter = store_responses.letter_received(session, decision_id, date(2024, 12, 12), "test")
        assert letter.appeal_due == date(2025, 1, 2)
        assert store_responses.record_appeal(session, decision_id, date(2025, 1, 2), "test").in_time
        assert not store_responses.record_appeal(session, decision_id, date(2025, 1, 3), "test").in_time
    # Frivillig lag's decision is in «jul» already: a second round repeats it (issue 30).
    _round(engine, schemes, write_csv, name="annen", allow_duplicate="test: en runde til med samme søker")
    with pytest.raises(store.GrantsError, match="ikke et enkeltvedtak"), session_scope(engine) as session:
        kommune = store.decisions_of(session, store.get_round(session, "annen"))[2]
        store_responses.record_appeal(session, kommune.id, date(2025, 1, 3), "test")


def _fake_notice_receipt(session, grant_round):
    """Record the notice as delivered, as the flow does after a real SMTP receipt (tested in
    test_flow_grant_award_notice.py)."""
    from pliktvakt import outbox
    from pliktvakt.grants import store_notices
    from pliktvakt.tables import utcnow

    key = store.notice_key(grant_round).to("aid@dep.example", "email")
    outbox.enqueue(
        session,
        {
            "key": key,
            "duty": "grants",
            "channel": "email",
            "recipient": "aid@dep.example",
            "subject": "Orientering",
            "body": "tekst",
        },
    )
    message = session.exec(select(outbox.OutboxMessage).where(outbox.OutboxMessage.key == key)).one()
    outbox.record_sent(
        session, message.id, "Message-ID <1@pliktvakt>; godtatt av SMTP-tjeneren 127.0.0.1:25", utcnow()
    )
    assert store_notices.record(session, grant_round, utcnow()) == ["ministry-notice"]
    done = session.exec(
        select(Occurrence).where(Occurrence.obligation_id == "grant-award-ministry-notice")
    ).one()
    assert done.status == "done" and "godtatt av SMTP-tjeneren 127.0.0.1:25" in done.evidence


def test_a_decision_typed_in_twice_for_the_same_applicant_is_refused(db_url, schemes):
    values = {
        "ordning": FRIVILLIG,
        "år": "2025",
        "søker": "Frivillig lag",
        "orgnr": ORGNR_A,
        "søkt_beløp": "2000",
        "tildelt_beløp": "1000",
        "beregning": "sats",
        "grunn": "ramme",
        "organisasjonsform": "FLI",
    }
    engine = make_engine(db_url)
    with session_scope(engine) as session:
        first = store_intake.add_decision(session, schemes, "2025-1", values, "test").id
    with pytest.raises(store.GrantsError, match=f"har allerede vedtak {first} for ordningen"):
        with session_scope(engine) as session:
            store_intake.add_decision(session, schemes, "2025-1", {**values, "tildelt_beløp": "900"}, "test")
    with session_scope(engine) as session:
        assert _count(session, GrantDecision) == 1
        store_intake.add_decision(
            session, schemes, "2025-1", {**values, "orgnr": ORGNR_B}, "test"
        )  # another applicant
