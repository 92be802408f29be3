"""The one text rule of both databases (issue 30), checked before every flush: a text longer
than its column, or with a NUL, is refused alike on SQLite and PostgreSQL, for a new row and
for a changed attribute of a stored one (issue 31 checks only what changed), and for the
outbox's bulk insert, which goes past the ORM."""

import pytest
from sqlmodel import select

from pliktvakt import outbox
from pliktvakt.db import StoredValueRefused, make_engine, session_scope
from pliktvakt.tables import OutboxMessage


def _message(**changes) -> OutboxMessage:
    values = {
        "key": "test:texts:step:officer:email",
        "duty": "test",
        "channel": "email",
        "recipient": "leder@imdi.no",
        "subject": "Emne",
        "body": "Tekst",
    }
    return OutboxMessage(**(values | changes))


# One outbox row as the bulk insert takes it, within the rule.
BULK_ROW = {
    "key": "test:bulk:step:officer:email",
    "duty": "test",
    "channel": "email",
    "recipient": "leder@imdi.no",
    "subject": "Emne",
    "body": "Tekst",
}


def _stored(engine) -> list[tuple[str, str]]:
    with session_scope(engine) as session:
        return [(m.recipient, m.body) for m in session.exec(select(OutboxMessage))]


def test_a_new_row_with_a_text_longer_than_its_column_is_refused(db_url):
    engine = make_engine(db_url)
    # recipient is max_length=300 in tables.py; 301 is one over.
    with pytest.raises(StoredValueRefused) as refused, session_scope(engine) as session:
        session.add(_message(recipient="a" * 301))
    assert str(refused.value) == "«recipient» (outbox_message): teksten har 301 tegn; høyst 300"
    assert _stored(engine) == []


def test_a_new_row_with_a_nul_in_an_unbounded_text_is_refused(db_url):
    engine = make_engine(db_url)
    with pytest.raises(StoredValueRefused) as refused, session_scope(engine) as session:
        session.add(_message(body="før\x00etter"))
    assert str(refused.value) == "«body» (outbox_message): teksten har et NUL-tegn (0x00)"
    assert _stored(engine) == []


def test_a_changed_attribute_of_a_stored_row_is_checked_and_the_row_kept(db_url):
    engine = make_engine(db_url)
    with session_scope(engine) as session:
        session.add(_message())
    with pytest.raises(StoredValueRefused) as refused, session_scope(engine) as session:
        message = session.exec(select(OutboxMessage)).one()
        message.status = "sent"  # a valid change beside the refused one
        message.recipient = "b" * 301
    assert str(refused.value) == "«recipient» (outbox_message): teksten har 301 tegn; høyst 300"
    assert _stored(engine) == [("leder@imdi.no", "Tekst")]
    with session_scope(engine) as session:
        message = session.exec(select(OutboxMessage)).one()
        message.body = "ny tekst"  # within the rule: written
    assert _stored(engine) == [("leder@imdi.no", "ny tekst")]


def test_a_bulk_insert_past_the_orm_keeps_the_same_rule_and_writes_nothing(db_url):
    engine = make_engine(db_url)
    good = dict(BULK_ROW)
    bad = good | {"key": "test:bulk:step:other:email", "subject": "Em\x00ne"}
    with pytest.raises(StoredValueRefused) as refused, session_scope(engine) as session:
        outbox.enqueue_many(session, [good, bad])
    assert str(refused.value) == "«subject» (outbox_message): teksten har et NUL-tegn (0x00)"
    assert _stored(engine) == []
    with session_scope(engine) as session:
        assert outbox.enqueue_many(session, [good]) == 1
    assert _stored(engine) == [("leder@imdi.no", "Tekst")]


def test_the_decisions_bulk_insert_keeps_the_same_rule_and_writes_nothing(db_url):
    from pliktvakt.grants import store_intake
    from pliktvakt.grants.tables import GrantDecision, GrantRound

    engine = make_engine(db_url)
    with session_scope(engine) as session:
        grant_round = GrantRound(name="r1")
        session.add(grant_round)
        session.flush()
        row = {
            "round_id": grant_round.id,
            "source_line": 2,
            "scheme_id": "s",
            "year": 2025,
            "applicant": "Lag",
            "orgnr": "1234567890",  # ten digits: the column holds nine
            "applicant_kind": "privat",
            "organisation_form": "FLI",
            "amount_applied": 1,
            "amount_awarded": 1,
            "rejection_reason": None,
            "computation": "sats",
            "ground": None,
            "decision_kind": "enkeltvedtak",
            "lapsed_at": None,
        }
        with pytest.raises(StoredValueRefused, match="«orgnr» .*10 tegn; høyst 9"):
            store_intake._insert_decisions(session, [row | {"orgnr": "123456789"}, row])
        assert session.exec(select(GrantDecision)).all() == []


def test_a_bulk_insert_names_the_first_refused_row_as_a_flush_would(db_url):
    """A refusal names the first bad row's field, as a flush would: row 2's body (a NUL), not
    row 3's recipient, though «recipient» is the earlier column."""
    engine = make_engine(db_url)
    good = dict(BULK_ROW)
    rows = [
        good,
        good | {"key": "test:bulk:step:two:email", "body": "før\x00etter"},
        good | {"key": "test:bulk:step:three:email", "recipient": "a" * 301},
    ]
    with pytest.raises(StoredValueRefused) as refused, session_scope(engine) as session:
        outbox.enqueue_many(session, rows)
    assert str(refused.value) == "«body» (outbox_message): teksten har et NUL-tegn (0x00)"
    with pytest.raises(StoredValueRefused) as refused, session_scope(engine) as session:
        outbox.enqueue_many(session, [good, rows[2]])
    assert str(refused.value) == "«recipient» (outbox_message): teksten har 301 tegn; høyst 300"
    assert _stored(engine) == []
