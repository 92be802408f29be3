"""Stop and reclaim done right (issue 29): the fvl. § 16 notice gives the recipient time to
answer, the stop or reclaim waits for it, and then it is a decision with its own letter:
amount, repayment deadline, reasons (fvl. § 25) and appeal information (fvl. §§ 27–29)."""

import functools
import json
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from pliktvakt import occurrences
from pliktvakt.db import session_scope
from pliktvakt.grants import store, store_sanctions
from pliktvakt.grants.render_letters import Particulars
from pliktvakt.grants.tables import GrantSanction
from pliktvakt.tables import Occurrence

from .conftest import LETTER_SETTINGS
from .test_duties import _ids, clock_day, decided  # noqa: F401

STOP, RECLAIM = store_sanctions.SanctionKind.STOP, store_sanctions.SanctionKind.RECLAIM
CASE = "25/4711"
# The contact person and appeal address the settings give (tests/grants/conftest.LETTER_SETTINGS).
PARTICULARS = Particulars(
    contact=LETTER_SETTINGS["PLIKTVAKT_GRANT_CONTACT"],
    appeal_address=LETTER_SETTINGS["PLIKTVAKT_GRANT_APPEAL_ADDRESS"],
    appeal_email=LETTER_SETTINGS["PLIKTVAKT_GRANT_APPEAL_EMAIL"],
)


@pytest.fixture
def with_case(decided):  # noqa: F811
    """The decided round with IMDi's case number, which a stop or reclaim letter states."""
    engine, _ = decided
    with session_scope(engine) as session:
        store.set_case_number(session, store.get_round(session, "2025-1"), CASE, "test")
    return decided


def _notice(session) -> Occurrence:
    return session.exec(
        select(Occurrence).where(Occurrence.obligation_id == store_sanctions.NOTICE_OBLIGATION)
    ).one()


def test_stop_waits_for_the_response_deadline_then_has_its_letter(with_case, schemes):
    """Proposed Mon 2 Jun 2025; the notice recorded sent Wed 4 Jun. The response period is 14
    days: Wed 18 Jun 2025, a business day, so the recipient may answer to and with 18 Jun.
    Tried Thu 5 Jun (the day after the notice) and Wed 18 Jun: refused. Thu 19 Jun: carried
    out; its letter dated 19 Jun gives the appeal deadline 19 Jun + 3 weeks = Thu 10 Jul 2025."""
    engine, catalogue = with_case
    with session_scope(engine) as session:
        lag = _ids(session)["Frivillig lag"]
        first = store_sanctions.request(
            session, catalogue, schemes, lag, STOP, "Tiltaket er ikke gjennomført", date(2025, 6, 2), "t"
        )
        assert first.stage is store_sanctions.Stage.PROPOSED
        occurrences.complete(
            session, first.notice.id, "fatima", "Varsel sendt, sak 25/77", clock_day(2025, 6, 4)
        )
        early = store_sanctions.request(session, catalogue, schemes, lag, STOP, "", date(2025, 6, 5), "t")
        assert early.stage is store_sanctions.Stage.AWAITING_RESPONSE
        assert early.sanction.response_due == date(2025, 6, 18)
        last_day = store_sanctions.request(session, catalogue, schemes, lag, STOP, "", date(2025, 6, 18), "t")
        assert last_day.stage is store_sanctions.Stage.AWAITING_RESPONSE and not store_sanctions.stopped(
            session, lag
        )
        done = store_sanctions.request(
            session, catalogue, schemes, lag, STOP, "", date(2025, 6, 19), "t", particulars=PARTICULARS
        )
        assert done.carried_out and done.sanction.carried_out_on == date(2025, 6, 19)
        assert done.letter.particulars == PARTICULARS.model_copy(update={"case_number": CASE})
        letter = done.letter
        assert letter.enkeltvedtak and letter.amount == Decimal("150000.00")
        assert (letter.appeal.deadline, letter.response_due) == (date(2025, 7, 10), date(2025, 6, 18))
        assert json.loads(done.sanction.letter)["reference"] == letter.reference
        # A second stop of the stopped grant is refused, and opens no new notice.
        with pytest.raises(store.GrantsError, match="allerede gjennomført 19.06.2025"):
            store_sanctions.request(session, catalogue, schemes, lag, STOP, "igjen", date(2025, 6, 23), "t")
        assert len(session.exec(select(GrantSanction)).all()) == 1


def test_an_answer_lets_the_reclaim_go_before_the_deadline(with_case, schemes):
    """Notice sent Wed 4 Jun 2025 (answer due Wed 18 Jun); the answer is recorded Tue 10 Jun,
    so the reclaim is carried out Wed 11 Jun. Repayment: 30 days from Wed 11 Jun = Fri 11 Jul
    2025. Appeal: 11 Jun + 3 weeks = Wed 2 Jul 2025."""
    engine, catalogue = with_case
    with session_scope(engine) as session:
        lag = _ids(session)["Frivillig lag"]
        step = store_sanctions.request(
            session, catalogue, schemes, lag, RECLAIM, "Midlene er brukt til annet", date(2025, 6, 2), "t"
        )
        with pytest.raises(store.GrantsError, match="ikke registrert sendt"):
            store_sanctions.record_response(session, lag, date(2025, 6, 3), "Vi er uenige", "t")
        occurrences.complete(session, step.notice.id, "fatima", "Varsel sendt", clock_day(2025, 6, 4))
        store_sanctions.record_response(
            session, lag, date(2025, 6, 10), "Vi brukte midlene etter planen", "t"
        )
        with pytest.raises(store.GrantsError, match="--amount"):
            store_sanctions.request(session, catalogue, schemes, lag, RECLAIM, "", date(2025, 6, 11), "t")
        with pytest.raises(store.GrantsError, match="høyst det tildelte beløpet"):
            store_sanctions.request(
                session, catalogue, schemes, lag, RECLAIM, "", date(2025, 6, 11), "t", Decimal("150001")
            )
        done = store_sanctions.request(
            session,
            catalogue,
            schemes,
            lag,
            RECLAIM,
            "",
            date(2025, 6, 11),
            "t",
            Decimal("50000"),
            PARTICULARS,
        )
        assert done.carried_out
        assert (done.letter.repayment_due, done.letter.appeal.deadline) == (
            date(2025, 7, 11),
            date(2025, 7, 2),
        )
        assert done.letter.response_text == "Vi brukte midlene etter planen"


def test_a_letter_needing_a_placeholder_refuses_the_stop(decided, shipped_schemes):  # noqa: F811
    """With the shipped placeholders the decision letter cannot be made, so nothing is carried
    out. Notice sent Wed 4 Jun 2025, answer due Wed 18 Jun; tried Mon 30 Jun."""
    engine, catalogue = decided
    with session_scope(engine) as session:
        lag = _ids(session)["Frivillig lag"]
        step = store_sanctions.request(
            session, catalogue, shipped_schemes, lag, STOP, "Ikke gjennomført", date(2025, 6, 2), "t"
        )
        occurrences.complete(session, step.notice.id, "fatima", "Varsel sendt", clock_day(2025, 6, 4))
        with pytest.raises(store.GrantsError, match="facts.regelverk"):
            store_sanctions.request(
                session, catalogue, shipped_schemes, lag, STOP, "", date(2025, 6, 30), "t"
            )
        assert step.sanction.carried_out_on is None and not store_sanctions.stopped(session, lag)


@pytest.fixture
def cli(env, pliktvakt_cli):
    return functools.partial(pliktvakt_cli, timeout=120)


def test_commands_stop_after_the_deadline_with_a_letter(with_case, cli, tmp_path):
    """Proposed Mon 2 Jun 2025, notice recorded sent Wed 4 Jun: answer due Wed 18 Jun 2025.
    Thu 5 Jun: refused, naming 18.06.2025. Thu 19 Jun: carried out; the letter states the
    reasons and the appeal deadline Thu 10 Jul 2025. Then the municipality's grant (not an
    enkeltvedtak): its letter says how to ask for reconsideration, and cites no § 16 or § 25."""
    engine, _ = with_case
    with session_scope(engine) as session:
        ids = _ids(session)
    lag, kommune = ids["Frivillig lag"], ids["Eksempel kommune"]
    refused = cli(
        "grants",
        "stop",
        str(lag),
        "--reason",
        "Tiltaket er ikke gjennomført",
        "--as-of",
        "2025-06-02",
        expect=1,
    )
    assert "Forslaget er registrert" in " ".join(refused.stderr.split())
    with session_scope(engine) as session:
        notice = _notice(session)
    cli("complete", str(notice.id), "--by", "fatima", "--evidence", "Varsel sendt", "--as-of", "2025-06-04")
    early = cli("grants", "stop", str(lag), "--reason", "x", "--as-of", "2025-06-05", expect=1)
    assert "fristen for å uttale seg om forhåndsvarselet har gått ut 18.06.2025" in " ".join(
        early.stderr.split()
    )
    out_dir = tmp_path / "brev"
    done = cli("grants", "stop", str(lag), "--reason", "x", "--as-of", "2025-06-19", "-o", str(out_dir))
    assert "stans i utbetalingen er registrert 19.06.2025" in " ".join(done.stdout.split())
    (html,) = out_dir.glob("*.html")
    text = " ".join(html.read_text(encoding="utf-8").split())
    assert "Tiltaket er ikke gjennomført" in text and "10. juli 2025" in text
    assert "forvaltningsloven § 25" in text and "Testregelverket pkt. 4" in text  # conditions' point
    assert f"Vår referanse: {CASE}" in text and "Kontaktperson: Testkontakt Kari, tlf. 22 00 00 00" in text
    assert "sendes til IMDi, IMDi, Testpostboks 1, 0101 Oslo, eller på e-post til klage@imdi.example" in text
    twice = cli("grants", "stop", str(lag), "--reason", "x", "--as-of", "2025-06-23", expect=2)
    assert "allerede gjennomført 19.06.2025" in " ".join(twice.stderr.split())

    cli("grants", "stop", str(kommune), "--reason", "Ikke startet", "--as-of", "2025-06-02", expect=1)
    with session_scope(engine) as session:
        second = session.exec(select(Occurrence).where(Occurrence.ref == "grant-sanction:2")).one()
    cli("complete", str(second.id), "--by", "fatima", "--evidence", "Varsel sendt", "--as-of", "2025-06-04")
    cli("grants", "response", str(kommune), "--on", "2025-06-06", "--text", "Oppstart er utsatt")
    public_dir = tmp_path / "kommune"
    cli("grants", "stop", str(kommune), "--reason", "x", "--as-of", "2025-06-09", "-o", str(public_dir))
    (public,) = public_dir.glob("*.html")
    public_text = " ".join(public.read_text(encoding="utf-8").split())
    assert "be IMDi vurdere den på nytt" in public_text and "Oppstart er utsatt" in public_text
    assert "§ 16" not in public_text and "§ 25" not in public_text and "Klagefristen" not in public_text


def test_a_stop_without_case_number_or_appeal_address_is_refused(decided, schemes):  # noqa: F811
    """The round has no case number and no particulars are given: the letter cannot say where an
    appeal goes, so nothing is carried out. Notice sent Wed 4 Jun 2025, answer due Wed 18 Jun;
    tried Thu 19 Jun."""
    engine, catalogue = decided
    with session_scope(engine) as session:
        lag = _ids(session)["Frivillig lag"]
        step = store_sanctions.request(
            session, catalogue, schemes, lag, STOP, "Ikke gjennomført", date(2025, 6, 2), "t"
        )
        occurrences.complete(session, step.notice.id, "fatima", "Varsel sendt", clock_day(2025, 6, 4))
        with pytest.raises(store.GrantsError) as refused:
            store_sanctions.request(session, catalogue, schemes, lag, STOP, "", date(2025, 6, 19), "t")
        message = str(refused.value)
        assert "ingenting er gjennomført" in message and "IMDis saksnummer for runden" in message
        assert "PLIKTVAKT_GRANT_APPEAL_ADDRESS" in message and "PLIKTVAKT_GRANT_CONTACT" in message
        assert step.sanction.carried_out_on is None and not store_sanctions.stopped(session, lag)
