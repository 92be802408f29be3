"""Cases recorded instead of refused (issue 29): a public body's request for reconsideration
and an appeal by a third party with a legal interest (fvl. § 28), each with its deadline, and
forwarded to AID like an appeal when IMDi does not uphold it."""

from datetime import date

import pytest
from sqlmodel import select

from pliktvakt.db import session_scope
from pliktvakt.grants import render_round_letters, store, store_duties, store_responses
from pliktvakt.grants.tables import GrantAppeal
from pliktvakt.tables import Occurrence

from .test_duties import _ids, decided  # noqa: F401


def _occurrence(session, obligation_id: str) -> Occurrence:
    return session.exec(select(Occurrence).where(Occurrence.obligation_id == obligation_id)).one()


@pytest.fixture
def lettered(decided, schemes, tmp_path):  # noqa: F811
    """The decided round's letters, dated Fri 25 Apr 2025."""
    engine, catalogue = decided
    with session_scope(engine) as session:
        render_round_letters.make_letters(
            session, schemes, "2025-1", tmp_path, date(2025, 4, 25), "t", catalogue=catalogue
        )
    return engine, catalogue


def test_a_competitors_appeal_runs_from_when_it_learned_of_the_decision(lettered):
    """The award to Frivillig lag reached it Mon 28 Apr 2025 (its own deadline Mon 19 May).
    A rejected competitor learned of it Fri 2 May: its three weeks end Fri 23 May 2025
    (fvl. § 29 første ledd), so posted Thu 22 May it is in time, posted Mon 26 May it is late."""
    engine, catalogue = lettered
    with session_scope(engine) as session:
        lag = _ids(session)["Frivillig lag"]
        store_responses.letter_received(session, lag, date(2025, 4, 28), "t")
        with pytest.raises(store.GrantsError, match="--appellant"):
            store_responses.record_appeal(
                session,
                lag,
                date(2025, 5, 23),
                "t",
                posted=date(2025, 5, 22),
                kind=store_responses.AppealKind.THIRD_PARTY,
            )
        in_time = store_responses.record_appeal(
            session,
            lag,
            date(2025, 5, 23),
            "t",
            posted=date(2025, 5, 22),
            kind=store_responses.AppealKind.THIRD_PARTY,
            appellant="Frivillig forening",
            learned_on=date(2025, 5, 2),
        )
        late = store_responses.record_appeal(
            session,
            lag,
            date(2025, 5, 27),
            "t",
            posted=date(2025, 5, 26),
            kind=store_responses.AppealKind.THIRD_PARTY,
            appellant="Annen forening",
            learned_on=date(2025, 5, 2),
        )
        assert (in_time.kind, in_time.appellant, in_time.in_time, late.in_time) == (
            "tredjepart",
            "Frivillig forening",
            True,
            False,
        )
        # Not upheld: forwarded to AID as appeal body, by the appeal's id.
        appeal, forwarding = store_duties.appeal_not_upheld(
            session, catalogue, lag, date(2025, 6, 2), "t", appeal_id=late.id
        )
        assert appeal.id == late.id and forwarding.obligation_id == store_duties.FORWARDING_OBLIGATION
        # One month from Mon 2 Jun 2025: Wed 2 Jul 2025 (placeholder).
        assert forwarding.due == date(2025, 7, 2)


def test_a_municipalitys_request_for_reconsideration_is_a_case_with_a_deadline(lettered):
    """Eksempel kommune's award is not an enkeltvedtak (vedlegg 1 pkt. 2), so it cannot be
    appealed, but its request for reconsideration is recorded: posted Tue 6 May 2025, arrived
    Wed 7 May. The letter (Fri 25 Apr) asked for it within three weeks: Fri 16 May, so it came
    in time. IMDi's handling deadline (placeholder): one month from Wed 7 May is Sat 7 Jun
    2025, moved back to Fri 6 Jun (IMDi's own deadline). Not upheld Tue 10 Jun: forwarded to AID
    as the superior body, due one month later, Thu 10 Jul 2025, and the handling is done."""
    engine, catalogue = lettered
    with session_scope(engine) as session:
        ids = _ids(session)
        kommune = ids["Eksempel kommune"]
        with pytest.raises(store.GrantsError, match="kan be om ny vurdering"):
            store_responses.record_appeal(session, kommune, date(2025, 5, 7), "t", posted=date(2025, 5, 6))
        with pytest.raises(store.GrantsError, match="er et enkeltvedtak"):
            store_responses.record_appeal(
                session,
                ids["Frivillig lag"],
                date(2025, 5, 7),
                "t",
                kind=store_responses.AppealKind.RECONSIDERATION,
            )
        request = store_responses.record_appeal(
            session,
            kommune,
            date(2025, 5, 7),
            "t",
            posted=date(2025, 5, 6),
            kind=store_responses.AppealKind.RECONSIDERATION,
            catalogue=catalogue,
        )
        assert (request.kind, request.in_time) == ("omgjoring", True)
        handling = _occurrence(session, store_duties.RECONSIDERATION_OBLIGATION)
        assert (handling.due, handling.ref) == (date(2025, 6, 6), f"grant-appeal:{request.id}")
        _, forwarding = store_duties.appeal_not_upheld(session, catalogue, kommune, date(2025, 6, 10), "t")
        assert forwarding.due == date(2025, 7, 10)
        assert _occurrence(session, store_duties.RECONSIDERATION_OBLIGATION).status == "done"
        assert session.get(GrantAppeal, request.id).not_upheld_on == date(2025, 6, 10)


def test_letters_are_refused_without_case_number_contact_and_appeal_address(decided, schemes, tmp_path):  # noqa: F811
    """Issue 29: every letter gives IMDi's case number, the contact person and where an appeal
    goes; `grants letters` passes them from settings, and refuses the round while one is unset."""
    from pliktvakt.grants.render_letters import Particulars

    engine, catalogue = decided
    with session_scope(engine) as session, pytest.raises(store.GrantsError) as refused:
        render_round_letters.make_letters(
            session,
            schemes,
            "2025-1",
            tmp_path,
            date(2025, 4, 25),
            "t",
            particulars=Particulars(contact="Kari"),
        )
    text = str(refused.value)
    assert "IMDis saksnummer for runden" in text and "PLIKTVAKT_GRANT_APPEAL_ADDRESS" in text
    assert "kontaktperson" not in text and not (tmp_path / "brev").exists()
