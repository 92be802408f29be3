"""The grant-award-notice flow through a real Prefect server and a real SMTP server, and the
`pliktvakt grants` commands as a user runs them."""

import functools
import json
from datetime import date

import pytest
from sqlmodel import select

from flows.grant_award_notice import grant_award_notice
from pliktvakt.db import make_engine, session_scope
from pliktvakt.grants import render_round_letters, store, store_intake, store_responses
from pliktvakt.grants.tables import GrantDecision, GrantImportRejection, GrantRound
from pliktvakt.tables import Occurrence
from tests.artifacts import latest_artifact

from .conftest import HEADER, MINISTRY, OFFICER, ORGNR_A, ORGNR_B, ORGNR_C, ORGNR_D, PARTY_HEADER

FRIVILLIG = "integreringsarbeid-frivillige-organisasjoner"
NOTICE, RECIPIENTS = "Orientering om tildeling", "Tilskuddsmottakere"


@pytest.fixture
def cli(grants_env, pliktvakt_cli):
    return functools.partial(pliktvakt_cli, timeout=180)


def _award_file(write_csv):
    return write_csv(
        HEADER + ";søkertype;grunn",
        f"{FRIVILLIG};2025;Frivillig lag;{ORGNR_A};200 000;150 000;;75 % av godkjent budsjett;privat;ramme",
        f"{FRIVILLIG};2025;Frivillig forening;{ORGNR_B};90 000;0;Utenfor målgruppen;;privat;malgruppe",
        f"jobbsjansen;2025;Eksempel kommune;{ORGNR_C};500 000;400 000;;Sats 80 000 kr × 5;offentlig;ramme",
        f"jobbsjansen;2025;Annen kommune;{ORGNR_D};400 000;300 000;;Sats 100 000 kr × 3;offentlig;ramme",
    )


def _text(message) -> str:
    """Every text part of the mail, decoded."""
    return "".join(
        part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        for part in message.walk()
        if part.get_content_maintype() == "text"
    )


def _run(as_of: str):
    state = grant_award_notice(as_of=as_of, return_state=True)
    assert state.is_completed(), state.message
    return state.result()


def _ids(settings) -> dict[str, int]:
    with session_scope(make_engine(settings.database_url)) as session:
        return {d.applicant: d.id for d in session.exec(select(GrantDecision))}


def test_round_from_notice_to_recipients_list(prefect_server, grants_env, smtp, cli, write_csv, tmp_path):
    cli(
        "grants",
        "import",
        str(_award_file(write_csv)),
        "--round",
        "2025-1",
        "--budget",
        "jobbsjansen=1 000 000",
    )
    cli("grants", "decide", "2025-1", "--saksnummer", "25/01234", "--as-of", "2025-04-22")
    refused = cli(
        "grants", "letters", "2025-1", "-o", str(tmp_path / "brev"), "--as-of", "2025-04-22", expect=2
    )
    assert "før departementet er orientert" in refused.stderr and not (tmp_path / "brev").exists()

    first = _run("2025-04-23")
    assert (first["notice_queued"], first["underspent"], first["recorded"]) == (2, 1, 1)
    for address in MINISTRY:
        [notice] = smtp.to(address, NOTICE)
        assert "Frivillig lag" in _text(notice) and "Annen kommune" in _text(notice)
    # Jobbsjansen: budget 1 000 000, awarded 400 000 + 300 000: 300 000 unused -> the officer is told once.
    assert len(smtp.to(OFFICER, "Mindreforbruk")) == 1
    with session_scope(make_engine(grants_env.database_url)) as session:
        notice = session.exec(
            select(Occurrence).where(Occurrence.obligation_id == "grant-award-ministry-notice")
        ).one()
        assert notice.status == "done" and notice.evidence.count("godtatt av SMTP-tjeneren 127.0.0.1") == 2
        assert (
            session.exec(
                select(Occurrence).where(Occurrence.obligation_id == "underspending-ministry-consultation")
            )
            .one()
            .ref.endswith(":jobbsjansen")
        )

    # Letters dated Fri 25 Apr 2025; acceptance 3 weeks later: Fri 16 May 2025 (no holiday).
    cli("grants", "letters", "2025-1", "-o", str(tmp_path / "brev"), "--as-of", "2025-04-25")
    written = sorted(p.name for p in (tmp_path / "brev").iterdir())
    assert len(written) == 8 and sum(name.endswith(".json") for name in written) == 4
    ids = _ids(grants_env)
    # Reached the party Sat 26 Apr: + 3 weeks = Sat 17 May (Grunnlovsdag and a Saturday), Sun 18 ->
    # Mon 19 May 2025. Received Mon 28 Apr: + 3 weeks = Mon 19 May.
    assert (
        "19.05.2025"
        in cli("grants", "letter-received", str(ids["Frivillig lag"]), "--on", "2025-04-26").stdout
    )
    cli("grants", "letter-received", str(ids["Frivillig forening"]), "--on", "2025-04-28")
    appealed = cli(
        "grants",
        "appeal",
        str(ids["Frivillig forening"]),
        "--posted",
        "2025-05-02",
        "--received",
        "2025-05-05",
    ).stdout
    assert "postlagt/sendt 02.05.2025, kom inn 05.05.2025; klagen kom i tide" in " ".join(appealed.split())
    cli("grants", "accept", str(ids["Eksempel kommune"]), "--on", "2025-05-10")

    # Sat 17 May: Annen kommune's acceptance (due 16 May) is missing -> lapsed, officer told once.
    assert _run("2025-05-17")["lapsed"] == 1 and _run("2025-05-18")["lapsed"] == 0
    assert len(smtp.to(OFFICER, "Tilskudd falt bort")) == 1
    payments = json.loads(cli("grants", "payments", "2025-1", "--json", "--as-of", "2025-05-18").stdout)
    assert sorted(p["applicant"] for p in payments) == ["Eksempel kommune", "Frivillig lag"]

    # Wed 21 May: every deadline has passed (the appeal deadlines on Mon 19 May), but the postal
    # grace runs 7 days to Mon 26 May and the appeal is open: the list is held back.
    assert _run("2025-05-21")["recipients_queued"] == 0
    state = json.loads(cli("grants", "list", "--json", "--as-of", "2025-05-21").stdout)[0]
    assert state["recipients_blockers"] == [
        f"Frivillig lag ({ids['Frivillig lag']}): klagefristen gikk ut 2025-05-19; venter til og med "
        "2025-05-26 på klager som er postlagt i tide (forvaltningsloven § 30)",
        f"Frivillig forening ({ids['Frivillig forening']}): klagen er ikke ferdig behandlet",
    ]
    cli(
        "grants",
        "appeal-closed",
        str(ids["Frivillig forening"]),
        "--on",
        "2025-05-21",
        "--outcome",
        "ikke tatt til følge",
    )

    assert _run("2025-05-26")["recipients_queued"] == 0  # the last day of the postal grace
    assert _run("2025-05-27")["recipients_queued"] == 2
    _run("2025-05-28")
    for address in MINISTRY:
        [listing] = smtp.to(address, RECIPIENTS)  # once per recipient after two runs
        text = _text(listing)
        assert "Frivillig lag" in text and "Eksempel kommune" in text and "Annen kommune" not in text
    table = json.loads(latest_artifact("grant-rounds").data)
    assert table[0]["Runde"] == "2025-1" and table[0]["Mottakerliste sendt"].startswith("ja")
    assert table[0]["Brev tillatt"] == "ja" and table[0]["Falt bort"] == 1


def test_recipients_list_waits_for_the_last_appeal_deadline(
    prefect_server, grants_env, smtp, write_csv, tmp_path
):
    engine = make_engine(grants_env.database_url)
    path = write_csv(
        PARTY_HEADER, f"{FRIVILLIG};2025;Frivillig lag;{ORGNR_A};200 000;150 000;;75 %;ramme;FLI"
    )
    with session_scope(engine) as session:
        store_intake.import_round(
            session, store.load_grant_schemes(grants_env.config_dir), path, "r", {}, "test"
        )
    from pliktvakt.catalogue import load_catalogue

    schemes = store.load_grant_schemes(grants_env.config_dir)
    with session_scope(engine) as session:
        store.decide_round(
            session, load_catalogue(grants_env.config_dir), schemes, "r", date(2025, 3, 24), "test"
        )
    _run("2025-03-25")
    with session_scope(engine) as session:
        render_round_letters.make_letters(session, schemes, "r", tmp_path, date(2025, 3, 28), "test")
        decision_id = _ids(grants_env)["Frivillig lag"]
        # Reached the party Mon 31 Mar 2025: + 3 weeks = Mon 21 Apr, Andre påskedag -> Tue 22 Apr.
        assert store_responses.letter_received(
            session, decision_id, date(2025, 3, 31), "test"
        ).appeal_due == date(2025, 4, 22)
    assert _run("2025-04-22")["recipients_queued"] == 0  # the whole due day belongs to the party
    # Then 7 calendar days' postal grace (fvl. § 30): through Tue 29 Apr.
    assert _run("2025-04-29")["recipients_queued"] == 0
    assert _run("2025-04-30")["recipients_queued"] == 2
    assert [len(smtp.to(a, RECIPIENTS)) for a in MINISTRY] == [1, 1]


def test_appeal_posted_on_the_last_day_is_in_time_and_the_list_waits_for_it(
    prefect_server, grants_env, smtp, write_csv, tmp_path
):
    # The example of issue 13: letter received Wed 3 Dec 2025; + 3 weeks = Wed 24 Dec 2025 (a
    # business day). The appeal is posted 24 Dec and arrives Mon 29 Dec. Before, it was "for
    # sent" and the "final" list had gone to the ministry on 25 Dec.
    from pliktvakt.catalogue import load_catalogue

    engine = make_engine(grants_env.database_url)
    schemes = store.load_grant_schemes(grants_env.config_dir)
    path = write_csv(
        PARTY_HEADER, f"{FRIVILLIG};2026;Frivillig lag;{ORGNR_A};200 000;150 000;;75 %;ramme;FLI"
    )
    with session_scope(engine) as session:
        store_intake.import_round(session, schemes, path, "jul", {}, "test")
        store.decide_round(
            session, load_catalogue(grants_env.config_dir), schemes, "jul", date(2025, 11, 24), "test"
        )
    _run("2025-11-25")  # the ministry notice (instruks 6.1)
    with session_scope(engine) as session:
        render_round_letters.make_letters(session, schemes, "jul", tmp_path, date(2025, 12, 1), "test")
        decision_id = _ids(grants_env)["Frivillig lag"]
        letter = store_responses.letter_received(session, decision_id, date(2025, 12, 3), "test")
        assert letter.appeal_due == date(2025, 12, 24)
    assert _run("2025-12-25")["recipients_queued"] == 0  # the postal grace runs to 31 Dec
    with session_scope(engine) as session:
        appeal = store_responses.record_appeal(
            session, decision_id, date(2025, 12, 29), "test", posted=date(2025, 12, 24)
        )
        assert appeal.in_time and appeal.posted_on == date(2025, 12, 24)
    assert _run("2026-01-02")["recipients_queued"] == 0  # grace over, but the appeal is open
    with session_scope(engine) as session:
        store_responses.close_appeal(session, decision_id, date(2026, 1, 5), "tatt til følge", "test")
    assert _run("2026-01-06")["recipients_queued"] == 2
    assert [len(smtp.to(a, RECIPIENTS)) for a in MINISTRY] == [1, 1]


def test_undelivered_notice_fails_the_run_after_doing_the_rest(prefect_server, grants_env, smtp, write_csv):
    smtp.refuse.add(MINISTRY[1])
    engine = make_engine(grants_env.database_url)
    schemes = store.load_grant_schemes(grants_env.config_dir)
    from pliktvakt.catalogue import load_catalogue

    with session_scope(engine) as session:
        store_intake.import_round(
            session, schemes, _award_file(write_csv), "r", {"jobbsjansen": 10**6}, "test"
        )
        store.decide_round(
            session, load_catalogue(grants_env.config_dir), schemes, "r", date(2025, 4, 22), "test"
        )
    state = grant_award_notice(as_of="2025-04-23", return_state=True)
    assert state.is_failed() and "1 melding(er) ble ikke levert" in state.message
    assert len(smtp.to(MINISTRY[0], NOTICE)) == 1 and len(smtp.to(OFFICER, "Mindreforbruk")) == 1
    with session_scope(engine) as session:
        assert session.exec(select(GrantRound)).one().ministry_notice_sent_at is None  # the gate stays shut


def test_cli_rejects_bad_files_and_runs_the_flow_alone(
    prefect_server, grants_env, smtp, cli, write_csv, tmp_path
):
    bad = write_csv(
        PARTY_HEADER,
        f"{FRIVILLIG};2025;Feil lag;974760674;90 000;0;Utenfor målgruppen;;malgruppe;FLI",
        name="feil.csv",
    )
    result = cli("grants", "import", str(bad), "--round", "2025-1", expect=2)
    stderr = " ".join(result.stderr.split())  # rich wraps long lines
    assert (
        "feil.csv, linje 2, felt «orgnr»: ugyldig organisasjonsnummer «974760674»: kontrollsifferet" in stderr
    )
    malformed = write_csv(PARTY_HEADER + ";merknad", name="ukjent.csv")
    assert "ukjent kolonne" in cli("grants", "import", str(malformed), "--round", "2025-1", expect=2).stderr
    with session_scope(make_engine(grants_env.database_url)) as session:
        assert (
            list(session.exec(select(GrantRound))) == [] and list(session.exec(select(GrantDecision))) == []
        )
        assert len(list(session.exec(select(GrantImportRejection)))) == 2

    cli("grants", "import", str(_award_file(write_csv)), "--round", "2025-1")
    cli("grants", "decide", "2025-1", "--saksnummer", "25/01234", "--as-of", "2025-04-22")
    # The command alone, as an operator runs it: its own ephemeral Prefect in its own home.
    alone = {
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    }
    ran = cli("run", "grant-award-notice", "--as-of", "2025-04-23T08:00", extra_env=alone, server_noise=True)
    assert "fullført" in ran.stdout
    assert [len(smtp.to(a, NOTICE)) for a in MINISTRY] == [1, 1]
    cli("grants", "letters", "2025-1", "-o", str(tmp_path / "brev"), "--as-of", "2025-04-24")
