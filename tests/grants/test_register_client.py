"""The grants register client against a real HTTP server on 127.0.0.1 that behaves like the
register (tests/register_server.py): 429 with Retry-After, 500, answers too slow for the
timeout, a duplicate POST, a server that fails midway, a refusal. Each award is registered
exactly once, and nothing is lost."""

import json
from datetime import date
from decimal import Decimal

from sqlalchemy import text
from sqlmodel import select

from pliktvakt import clock
from pliktvakt.db import make_engine, session_scope
from pliktvakt.grants.tables import GrantDecision
from pliktvakt.register import contract, rules, store, texts
from pliktvakt.register.tables import RegisterSubmission, SubmissionStatus
from pliktvakt.tables import Occurrence
from tasks import register as register_tasks

from .register_support import FRIVILLIG, OSLO, TOKEN, award_lines, import_round

NOW = clock.resolve("2025-04-23T10:00")


def _send(settings, schemes):
    planned = register_tasks.plan_registrations.fn(settings, schemes)
    return planned, register_tasks.send_pending.fn(settings, NOW)


def _submissions(settings) -> list[RegisterSubmission]:
    with session_scope(make_engine(settings.database_url)) as session:
        return list(session.exec(select(RegisterSubmission).order_by(RegisterSubmission.id)))


def test_faults_on_the_way_and_each_award_registered_once(register_env, register, schemes, write_csv):
    import_round(register_env, schemes, write_csv, "oslo-2025", award_lines(4), date(2025, 4, 22))
    # The first four POSTs meet: 429 (Retry-After 1 s), 500, an answer 1 s late (past the
    # 0.5 s timeout, after the entry was stored), and 429 again.
    register.faults.extend([("429", 1), ("500",), ("slow", 1.0), ("429", 1)])
    planned, sent = _send(register_env, schemes)

    assert (planned.queued, sent.registered, sent.refused, sent.failed) == (5, 5, [], [])
    assert len(register.awards()) == 4 and len(register.entries) == 5  # 4 awards + the scheme
    # 5 submissions + one retry after each of the four faults; the late one came twice
    # under its key and was stored once.
    assert register.posts == 9 and register.duplicates == 1
    first = register.requests[0]
    retry = next(r for r in register.requests[1:] if r["key"] == first["key"])
    assert retry["at"] - first["at"] >= 1.0  # Retry-After honoured
    assert all(r["headers"]["Authorization"] == f"Bearer {TOKEN}" for r in register.requests)
    rows = _submissions(register_env)
    assert {r.status for r in rows} == {SubmissionStatus.REGISTERED}
    assert sorted(r.receipt for r in rows) == [
        f"tilskuddsregisteret id T-{n:06d} (HTTP 201)" for n in range(1, 6)
    ]
    award = register.awards()["grant-decision/1"]
    assert (award["mottaker_orgnr"], award["forvalter"], award["fylke"]) == (
        "971000007",
        "Oslo kommune",
        "Oslo",
    )
    assert (award["forvalter_kommunenr"], award["tildelt_belop"], award["aar"]) == (OSLO, "100000.00", 2025)


def test_a_server_failing_midway_loses_nothing(register_env, register, schemes, write_csv):
    import_round(register_env, schemes, write_csv, "oslo-2025", award_lines(5), date(2025, 4, 22))
    register.fail_after = 3  # the scheme and two awards get in; then 500 to everything
    _, sent = _send(register_env, schemes)
    assert sent.registered == 3 and len(sent.failed) == 3
    assert all("HTTP 500 etter 4 forsøk" in problem for problem in sent.failed)
    [problem] = sent.problems()
    # Which three got in depends on the order the concurrent requests arrived in.
    assert problem.startswith("3 ikke registrert ennå: pliktvakt-") and "(og" not in problem
    assert problem.count(": HTTP 500 etter 4 forsøk") == 3
    pending = [r for r in _submissions(register_env) if r.status == SubmissionStatus.PENDING]
    assert len(pending) == 3 and all(r.attempts == 1 and r.error for r in pending)

    register.fail_after = None
    planned, again = _send(register_env, schemes)
    assert (planned.queued, planned.unchanged, again.registered, again.failed) == (0, 6, 3, [])
    assert len(register.awards()) == 5 and register.duplicates == 0
    with session_scope(make_engine(register_env.database_url)) as session:
        assert store.complete_registered(session, NOW) == 5
        done = session.exec(select(Occurrence).where(Occurrence.obligation_id == rules.OBLIGATION)).all()
        assert {o.status for o in done} == {"done"} and all(
            "tilskuddsregisteret id T-" in o.evidence for o in done
        )


def test_a_refusal_is_kept_and_not_retried(register_env, register, schemes, write_csv):
    import_round(register_env, schemes, write_csv, "oslo-2025", award_lines(1), date(2025, 4, 22))
    register.faults.extend([("refuse", "ukjent tilskuddsordning")])
    _, sent = _send(register_env, schemes)
    assert register.posts == 2 and sent.registered == 1
    assert len(sent.refused) == 1 and "HTTP 422: ukjent tilskuddsordning" in sent.refused[0]
    refused = [r for r in _submissions(register_env) if r.status == SubmissionStatus.REFUSED]
    assert len(refused) == 1 and refused[0].error == "HTTP 422: ukjent tilskuddsordning"
    _, again = _send(register_env, schemes)
    assert register.posts == 2 and again.registered == 0  # a person must look first


def test_a_changed_award_updates_the_entry_under_a_new_key(register_env, register, schemes, write_csv):
    import_round(register_env, schemes, write_csv, "oslo-2025", award_lines(2), date(2025, 4, 22))
    _send(register_env, schemes)
    before = dict(register.ids)
    with session_scope(make_engine(register_env.database_url)) as session:
        decision = session.get(GrantDecision, 2)
        decision.amount_awarded = Decimal("50000")
        session.add(decision)
    planned, sent = _send(register_env, schemes)
    assert (planned.queued, planned.unchanged, sent.registered) == (1, 2, 1)
    assert register.awards()["grant-decision/2"]["tildelt_belop"] == "50000.00"
    assert register.ids == before  # updated in place: same register id
    keys = [r.idempotency_key for r in _submissions(register_env) if r.ref == "grant-decision/2"]
    assert len(keys) == len(set(keys)) == 2
    register_id = register.ids[("tilskudd", "grant-decision/2")]
    assert _submissions(register_env)[-1].receipt == f"tilskuddsregisteret id {register_id} (HTTP 200)"


def test_without_a_token_nothing_is_sent(register_env, register, schemes, write_csv, monkeypatch):
    monkeypatch.delenv("PLIKTVAKT_TILSKUDD_API_TOKEN")
    settings = register_env.model_copy(update={"tilskudd_api_token": None})
    import_round(settings, schemes, write_csv, "oslo-2025", award_lines(1), date(2025, 4, 22))
    _, sent = _send(settings, schemes)
    assert sent.failed == [texts.NO_TOKEN] and register.posts == 0


def test_only_valid_orgnr_are_sent(register_env, register, schemes, write_csv):
    round_id = import_round(register_env, schemes, write_csv, "oslo-2025", award_lines(1), date(2025, 4, 22))
    with session_scope(make_engine(register_env.database_url)) as session:
        # The import refuses a bad orgnr; a row written some other way is caught here too.
        session.add(
            GrantDecision(
                round_id=round_id,
                source_line=9,
                scheme_id=FRIVILLIG,
                year=2025,
                applicant="Feil nr",
                orgnr="971000008",
                applicant_kind="privat",
                amount_applied=Decimal(1000),
                amount_awarded=Decimal(1000),
                decision_kind="enkeltvedtak",
            )
        )
    planned, sent = _send(register_env, schemes)
    assert planned.problems == [
        "Vedtak 2 (Feil nr): organisasjonsnummer «971000008» er ikke gyldig "
        "og sendes ikke til tilskuddsregisteret"
    ]
    assert sent.registered == 2 and "grant-decision/2" not in register.awards()


def test_the_token_is_in_no_table(register_env, register, schemes, write_csv):
    import_round(register_env, schemes, write_csv, "oslo-2025", award_lines(2), date(2025, 4, 22))
    _send(register_env, schemes)
    engine = make_engine(register_env.database_url)
    with engine.connect() as connection:
        for table in ("register_submission", "audit_entry", "occurrence"):
            rows = connection.execute(text(f"SELECT * FROM {table}")).all()
            assert rows and TOKEN not in json.dumps([list(map(str, r)) for r in rows]), table


def test_the_idempotency_key_follows_the_content():
    body = contract.body(
        contract.SchemePayload(
            ekstern_id="a", navn="A", forvalter="F", ansvarlig_departement="D", regelverk="R"
        )
    )
    same = contract.body(
        contract.SchemePayload(
            ekstern_id="a", navn="A", forvalter="F", ansvarlig_departement="D", regelverk="R"
        )
    )
    other = contract.body(
        contract.SchemePayload(
            ekstern_id="a", navn="B", forvalter="F", ansvarlig_departement="D", regelverk="R"
        )
    )
    key = contract.idempotency_key("ordning", "a", body)
    assert (
        key
        == contract.idempotency_key("ordning", "a", same)
        != contract.idempotency_key("ordning", "a", other)
    )
    assert key.startswith("pliktvakt-ordning-a-") and len(key) == len("pliktvakt-ordning-a-") + 16


def test_a_lapsed_award_is_not_sent_and_its_registration_withdrawn(
    register_env, register, schemes, write_csv
):
    import_round(register_env, schemes, write_csv, "oslo-2025", award_lines(2), date(2025, 4, 22))
    with session_scope(make_engine(register_env.database_url)) as session:
        decision = session.get(GrantDecision, 2)
        decision.lapsed_at = date(2025, 5, 14)
        session.add(decision)
    _, sent = _send(register_env, schemes)
    assert sent.registered == 2 and list(register.awards()) == ["grant-decision/1"]
    assert register_tasks.complete_registrations.fn(register_env.database_url, NOW) == 1
    states = {o.ref: (o.status, o.evidence) for o in _occurrences(register_env)}
    assert states["grant-decision/2"] == ("withdrawn", None)
    assert states["grant-decision/1"][0] == "done"


def _occurrences(settings) -> list[Occurrence]:
    with session_scope(make_engine(settings.database_url)) as session:
        return list(session.exec(select(Occurrence).where(Occurrence.obligation_id == rules.OBLIGATION)))


def test_a_placeholder_fact_is_never_sent(schemes, shipped_schemes):
    # As shipped, the purpose and target group are placeholders: the register gets neither.
    shipped = rules.scheme_payload(shipped_schemes[FRIVILLIG])
    assert (shipped.formaal, shipped.malgruppe) == (None, None)
    filled = rules.scheme_payload(schemes[FRIVILLIG])  # the tests' copy with the facts entered
    assert filled.formaal == schemes[FRIVILLIG].facts.purpose.text and filled.formaal.startswith("Testtekst")
    assert contract.body(filled) != contract.body(shipped)  # entering a fact updates the scheme


def test_a_run_names_a_few_failures_and_counts_the_rest():
    report = register_tasks.SendReport(
        failed=[f"k{n}: HTTP 500" for n in range(8)], refused=["k9: HTTP 422: x"]
    )
    assert report.problems() == [
        "1 avvist av registeret: k9: HTTP 422: x",
        "8 ikke registrert ennå: k0: HTTP 500; k1: HTTP 500; k2: HTTP 500; k3: HTTP 500; k4: HTTP 500"
        " (og 3 til)",
    ]
