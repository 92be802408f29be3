"""The tilskudd-registration and tilskudd-reconciliation flows through a real Prefect server,
the stand-in register and a real SMTP server; `pliktvakt grants import` as a user runs it."""

import functools
import json
from datetime import date

import pytest
from sqlmodel import select

from flows.deadline_watch import deadline_watch
from flows.grant_award_notice import grant_award_notice
from flows.tilskudd_reconciliation import tilskudd_reconciliation
from flows.tilskudd_registration import tilskudd_registration
from pliktvakt.db import make_engine, session_scope
from pliktvakt.grants.tables import GrantRound
from pliktvakt.register import rules
from pliktvakt.tables import Occurrence
from tests.artifacts import latest_artifact

from .conftest import HEADER, OFFICER, ORGNR_A, ORGNR_B, ORGNR_C
from .register_support import FRIVILLIG, award_lines

OVERDUE = "Over fristen: Tildeling til frivillig organisasjon registrert fortløpende"


@pytest.fixture
def cli(register_env, pliktvakt_cli, monkeypatch):
    monkeypatch.setenv("PLIKTVAKT_DATABASE_URL", register_env.database_url)
    return functools.partial(pliktvakt_cli, timeout=180)


def _text(message) -> str:
    return "".join(
        part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        for part in message.walk()
        if part.get_content_maintype() == "text"
    )


def _occurrences(settings) -> list[Occurrence]:
    with session_scope(make_engine(settings.database_url)) as session:
        query = select(Occurrence).where(Occurrence.obligation_id == rules.OBLIGATION)
        return list(session.exec(query.order_by(Occurrence.id)))


def _run(flow, as_of: str, completed: bool = True):
    state = flow(as_of=as_of, return_state=True)
    assert state.is_completed() == completed, state.message
    return state.result() if completed else state.message


def test_an_imdi_award_is_registered_once_the_ministry_has_heard(
    prefect_server, register_env, register, smtp, cli, write_csv
):
    awards = write_csv(
        HEADER + ";søkertype;grunn",
        f"{FRIVILLIG};2025;Frivillig lag;{ORGNR_A};200 000;150 000;;75 % av godkjent budsjett;privat;ramme",
        f"{FRIVILLIG};2025;Frivillig forening;{ORGNR_B};90 000;0;Utenfor målgruppen;;privat;malgruppe",
        f"jobbsjansen;2025;Eksempel kommune;{ORGNR_C};500 000;400 000;;Sats 80 000 kr × 5;offentlig;ramme",
    )
    cli("grants", "import", str(awards), "--round", "2025-1", "--as-of", "2025-04-22")
    # Only the award to a voluntary organisation is registered: not the rejection, not
    # jobbsjansen. Due 5 business days after 22.04.2025: 23, 24, 25, 28, 29 April.
    [occurrence] = _occurrences(register_env)
    assert (occurrence.ref, occurrence.due, occurrence.status) == (
        "grant-decision/1",
        date(2025, 4, 29),
        "open",
    )

    held = _run(tilskudd_registration, "2025-04-23T08:05")
    assert held == {"queued": 1, "completed": 0, "unregistered": 1}  # the scheme went; the round waits
    assert list(register.entries) == [("ordning", FRIVILLIG)]
    shown = latest_artifact("tilskudd-registration").data
    assert shown == (
        "- **runde** 2025-1 – tildelingene i runden · venter til departementet er orientert om "
        "tildelingene (instruks 6.1)\n"
    )

    cli("grants", "decide", "2025-1", "--as-of", "2025-04-22")
    _run(grant_award_notice, "2025-04-23T09:00")  # the notice is delivered, with receipts
    done = _run(tilskudd_registration, "2025-04-23T10:05")
    assert done == {"queued": 1, "completed": 1, "unregistered": 0}
    assert register.awards()["grant-decision/1"]["tildelt_belop"] == "150000.00"
    [occurrence] = _occurrences(register_env)
    register_id = register.ids[("tilskudd", "grant-decision/1")]
    assert occurrence.status == "done" and not occurrence.late
    assert (
        occurrence.evidence
        == f"Registrert i tilskuddsregisteret: tilskuddsregisteret id {register_id} (HTTP 201)"
    )
    assert _run(tilskudd_registration, "2025-04-23T11:05") == {"queued": 0, "completed": 0, "unregistered": 0}
    assert register.posts == 2

    register.published["grant-decision/1"] = "100000"
    checked = _run(tilskudd_reconciliation, "2025-04-28T06:00")
    assert checked == {"years": [2025], "differences": 1}
    [alert] = smtp.to(OFFICER, "Tilskuddsregisteret 2025: 1 avvik ved avstemming")
    assert f"{ORGNR_A}, Tilskudd til integreringsarbeid i regi av frivillige organisasjoner" in _text(alert)
    [row] = json.loads(latest_artifact("tilskudd-reconciliation").data)
    assert (row["Avvik"], row["Organisasjonsnummer"], row["År"]) == (
        "Annet beløp i registeret",
        ORGNR_A,
        "2025",
    )
    _run(tilskudd_reconciliation, "2025-05-05T06:00")  # the same difference: not told twice
    assert len(smtp.to(OFFICER, "Tilskuddsregisteret 2025")) == 1


def test_a_municipal_award_not_registered_in_time_is_alerted(
    prefect_server, register_env, register, smtp, cli, write_csv
):
    mixed = write_csv(
        HEADER + ";søkertype;grunn",
        *award_lines(1),
        f"jobbsjansen;2025;Eksempel kommune;{ORGNR_C};500 000;400 000;;Sats;offentlig;ramme",
        name="blandet.csv",
    )
    refused = cli("grants", "import", str(mixed), "--round", "oslo-1", "--forvalter", "0301", expect=2)
    assert "linje 3, felt «ordning»: ordningen «jobbsjansen» er ikke delegert til kommunene" in " ".join(
        refused.stderr.split()
    )
    unknown = cli("grants", "import", str(mixed), "--round", "oslo-1", "--forvalter", "9999", expect=2)
    assert "--forvalter «9999»: ukjent kommunenummer" in " ".join(unknown.stderr.split())
    with session_scope(make_engine(register_env.database_url)) as session:
        assert session.exec(select(GrantRound)).all() == []  # nothing half-written

    oslo = write_csv(HEADER + ";søkertype;grunn", *award_lines(1), name="oslo.csv")
    cli("grants", "import", str(oslo), "--round", "oslo-1", "--forvalter", "0301", "--as-of", "2025-04-22")
    decided = cli("grants", "decide", "oslo-1", expect=2)
    assert "kommunen sender tilskuddsbrevene" in " ".join(decided.stderr.split())

    register.fail_after = 0  # the register is down
    failed = _run(tilskudd_registration, "2025-04-23T08:05", completed=False)
    assert "HTTP 500 etter 4 forsøk" in failed
    _run(deadline_watch, "2025-04-30T09:00")  # one day past 29.04.2025
    [alert] = smtp.to(OFFICER, OVERDUE)
    assert "(1 dager)" in str(alert["Subject"])

    register.fail_after = None
    assert _run(tilskudd_registration, "2025-04-30T10:05")["completed"] == 1
    [occurrence] = _occurrences(register_env)
    assert occurrence.status == "done" and occurrence.late
    assert register.awards()[occurrence.ref]["forvalter"] == "Oslo kommune"
