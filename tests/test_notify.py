"""Informed means delivered: the one notify path, through real servers on 127.0.0.1.

A real SMTP server (aiosmtpd), a real HTTPS Teams endpoint (trustme), a real Prefect server
and SQLite. Officers come from config/officers.yaml, rewritten so that every officer has a
Teams workflow of its own (``wf-{officer id}``): the endpoint's request path then says who got
the Teams message.
"""

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from sqlmodel import select

from flows.deadline_watch import deadline_watch
from flows.grant_award_notice import grant_award_notice
from flows.ops_alert import ops_alert
from flows.prepublication_notice import prepublication_notice
from flows.settlement_analysis import settlement_analysis
from pliktvakt import notify, occurrences
from pliktvakt.catalogue import load_catalogue
from pliktvakt.db import make_engine, session_scope
from pliktvakt.grants import render_round_letters, store_intake
from pliktvakt.grants import store as grants_store
from pliktvakt.notify import NO_MINISTRY_RECIPIENTS, Key, Message
from pliktvakt.publications import store as publications_store
from pliktvakt.publications.inputs import PublicationInput
from pliktvakt.publications.tables import Publication
from pliktvakt.settings import get_settings
from pliktvakt.tables import OfficerAbsence, OutboxMessage
from tasks.delivery import deliver_pending
from tests.servers import SmtpServer
from tests.settlement.conftest import MUNICIPALITY_CSV, SETTLEMENT_YAML
from tests.settlement.flowdata import BEHIND_MAR, ON_TRACK_FEB, scenario

ROOT = Path(__file__).resolve().parent.parent
MINISTRY = ["post@aid.example", "analyse@aid.example"]


@pytest.fixture
def world(env, monkeypatch, tmp_path, smtp_server, teams_endpoint):
    """The real catalogue; every officer with a Teams workflow; hand-made settlement data."""
    config = tmp_path / "config"
    config.mkdir()
    shutil.copy(ROOT / "config" / "obligations.yaml", config / "obligations.yaml")
    # Scheme facts filled with test texts: the shipped placeholders refuse every letter.
    from tests.grants.conftest import fill_facts

    raw = yaml.safe_load((ROOT / "config" / "grant_schemes.yaml").read_text(encoding="utf-8"))
    (config / "grant_schemes.yaml").write_text(yaml.safe_dump(fill_facts(raw), allow_unicode=True), "utf-8")
    officers = (ROOT / "config" / "officers.yaml").read_text(encoding="utf-8")
    officers = re.sub(r"\n    teams_url: .*", "", officers)
    officers = re.sub(
        r"(  - id: ([a-z-]+)\n)", lambda m: f"{m[1]}    teams_url: ${{TEAMS_{m[2].upper()}}}\n", officers
    )
    (config / "officers.yaml").write_text(officers, encoding="utf-8")
    for officer in load_catalogue_ids(officers):
        monkeypatch.setenv(f"TEAMS_{officer.upper()}", teams_endpoint.url(workflow=f"wf-{officer}"))
    (config / "municipalities.csv").write_text(MUNICIPALITY_CSV, encoding="utf-8")
    (config / "settlement.yaml").write_text(SETTLEMENT_YAML, encoding="utf-8")
    source = tmp_path / "bosetting.csv"
    for name, value in [
        ("CONFIG_DIR", config),
        ("SETTLEMENT_SOURCE", source),
        ("EMAIL_URL", smtp_server.url),
        ("PUBLISH_DIR", tmp_path / "publisert"),
        ("SETTLEMENT_REPORT_DIR", tmp_path / "rapporter"),
        ("MINISTRY_RECIPIENTS", ",".join(MINISTRY)),
    ]:
        monkeypatch.setenv(f"PLIKTVAKT_{name}", str(value))
    get_settings.cache_clear()
    return source


def load_catalogue_ids(officers_yaml: str) -> list[str]:
    return re.findall(r"  - id: ([a-z-]+)\n    teams_url", officers_yaml)


def _engine():
    return make_engine(get_settings().database_url)


def _catalogue():
    return load_catalogue(get_settings().config_dir)


def _absent(officer_id: str, start: date, end: date) -> None:
    with session_scope(_engine()) as session:
        session.add(OfficerAbsence(officer_id=officer_id, start=start, end=end))


def _teams_to(endpoint, officer_id: str) -> list[str]:
    """The Teams texts that reached ``officer_id``'s workflow."""
    return [
        text
        for request, text in zip(endpoint.requests, endpoint.texts(), strict=True)
        if f"wf-{officer_id}" in request["path"]
    ]


def _outbox(**where) -> list[OutboxMessage]:
    with session_scope(_engine()) as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        for name, value in where.items():
            query = query.where(getattr(OutboxMessage, name) == value)
        return list(session.exec(query))


# --- receipts -----------------------------------------------------------------------------


def test_email_receipt_is_the_message_id_the_server_received(env, smtp_server, monkeypatch):
    monkeypatch.setenv("PLIKTVAKT_EMAIL_URL", smtp_server.url)
    get_settings.cache_clear()
    settings, catalogue = get_settings(), _catalogue()
    key = Key("settlement", "report-2026-10", "report")
    with session_scope(_engine()) as session:
        notify.notify_ministry(session, MINISTRY, Message("Rapport", "Tekst", "<p>Tekst</p>"), key)
    report = deliver_pending(_engine(), settings, catalogue, ("settlement",))
    assert sorted(report.sent) == sorted(key.to(a, "email") for a in MINISTRY)
    for row in _outbox(duty="settlement"):
        [copy] = smtp_server.to(row.recipient)
        assert copy["Message-ID"] == row.message_id and len(copy.get_all("Message-ID")) == 1
        assert copy["X-Pliktvakt-Key"] == row.key
        assert row.receipt.startswith(f"Message-ID {row.message_id}; godtatt av SMTP-tjeneren 127.0.0.1:")


@pytest.mark.parametrize("status", [200, 202])
def test_teams_receipt_holds_the_status_the_endpoint_returned(world, teams_endpoint, status):
    teams_endpoint.status = status
    with session_scope(_engine()) as session:
        notify.notify_role(
            session,
            _catalogue(),
            "drift",
            Message("Drift", "Tekst"),
            Key("ops", "event-1", "alert"),
            date(2026, 3, 9),
        )
    deliver_pending(_engine(), get_settings(), _catalogue(), ("ops",))
    [teams] = _outbox(channel="teams")
    assert teams.status == "sent" and teams.receipt.startswith(
        f"HTTP {status} fra Teams-arbeidsflyten på 127.0.0.1:"
    )
    assert "SECRETsig" not in teams.receipt and teams.officer_id == "driftsansvarlig" and teams.duty == "ops"


# --- absence: the deputy receives in every duty, by email and by Teams --------------------


def test_watch_and_ops_alert_go_to_the_deputy(prefect_server, world, smtp_server, teams_endpoint):
    # Role styring: Kari Nordmann (styringsleder), deputy Ola Hansen (okonomileder). Role drift:
    # driftsansvarlig, deputy styringsleder. Both absent Mon 9 Mar 2026, so the ops alert passes
    # to the deputy's deputy, Ola.
    _absent("styringsleder", date(2026, 3, 9), date(2026, 3, 9))
    _absent("driftsansvarlig", date(2026, 3, 9), date(2026, 3, 9))
    with session_scope(_engine()) as session:
        occurrences.trigger(
            session, _catalogue(), "oversight-matters-notice", date(2026, 3, 2), "rr-1"
        )  # due 9 Mar
    assert deadline_watch(as_of="2026-03-09T09:00:00", check_prefect=False, return_state=True).is_completed()
    assert [str(m["Subject"]).split(":")[0] for m in smtp_server.to("ola.hansen@imdi.example")] == [
        "Frist i dag"
    ]
    assert (
        smtp_server.to("kari.nordmann@imdi.example") == []
        and len(_teams_to(teams_endpoint, "okonomileder")) == 1
    )

    state = ops_alert(
        event="prefect.flow-run.Failed",
        resource="materialise",
        event_id="e-1",
        as_of="2026-03-09T09:00:00",
        return_state=True,
    )
    assert state.is_completed()
    assert smtp_server.subjects("ola.hansen@imdi.example")[-1] == "pliktvakt: Kjøringen materialise feilet"
    assert smtp_server.to("drift@imdi.example") == [] and smtp_server.to("kari.nordmann@imdi.example") == []
    assert (
        len(_teams_to(teams_endpoint, "okonomileder")) == 2
        and _teams_to(teams_endpoint, "driftsansvarlig") == []
    )


def test_settlement_cadence_alert_goes_to_the_deputy(prefect_server, world, smtp_server, teams_endpoint):
    # Role bosetting: bosettingsleder (Ingrid Berg), deputy analytiker (Nils Johansen), absent
    # Tue 1 Apr 2025, the day March's figures switch the analysis to weekly (80 % < 85 %).
    world.write_text(scenario(ON_TRACK_FEB), encoding="utf-8")
    assert settlement_analysis(as_of="2025-03-03", return_state=True).is_completed()
    _absent("bosettingsleder", date(2025, 4, 1), date(2025, 4, 1))
    world.write_text(scenario(BEHIND_MAR), encoding="utf-8")
    state = settlement_analysis(as_of="2025-04-01", return_state=True)
    assert state.is_completed() and state.result()["cadence_changed"] == "weekly"
    assert [s for s in smtp_server.subjects("nils.johansen@imdi.example") if "ukentlig" in s]
    assert smtp_server.to("ingrid.berg@imdi.example") == []
    assert any("ukentlig" in text for text in _teams_to(teams_endpoint, "analytiker"))


def test_settlement_quality_alert_goes_to_the_deputy(prefect_server, world, smtp_server, teams_endpoint):
    # Role statistikk: analytiker (Nils Johansen), deputy bosettingsleder (Ingrid Berg), absent
    # Mon 3 Mar 2025; Kinn (4602) is missing, so the check that every municipality is there fails.
    _absent("analytiker", date(2025, 3, 3), date(2025, 3, 3))
    world.write_text(scenario(ON_TRACK_FEB, leave_out="4602"), encoding="utf-8")
    state = settlement_analysis(as_of="2025-03-03", return_state=True)
    assert state.is_failed() and "nøkkeltallene er ikke publisert" in state.message
    assert [s for s in smtp_server.subjects("ingrid.berg@imdi.example") if "kvalitetskontrollen" in s]
    assert smtp_server.to("nils.johansen@imdi.example") == []
    assert any("kvalitetskontrollen" in t for t in _teams_to(teams_endpoint, "bosettingsleder"))


def test_publication_owner_alert_goes_to_the_deputy(prefect_server, world, smtp_server, teams_endpoint):
    # Planned Mon 13 Apr 2026, added Wed 1 Apr: the notice is late (1 Apr + 14 = 15 Apr), so the
    # owner (role kunnskap: kunnskapsleder Sara Lie, deputy kommunikasjonsradgiver Jonas Dahl,
    # who chose a digest) is alerted. Sara is absent, so Jonas's digest holds the alert.
    with session_scope(_engine()) as session:
        publications_store.add(
            session,
            _catalogue(),
            PublicationInput(
                title="Rapport om bosetting", kind="rapport", publish_on=date(2026, 4, 13), owner="kunnskap"
            ),
        )
    _absent("kunnskapsleder", date(2026, 4, 1), date(2026, 4, 1))
    assert prepublication_notice(as_of="2026-04-01T07:00:00", return_state=True).is_completed()
    assert smtp_server.to("sara.lie@imdi.example") == [] and _teams_to(teams_endpoint, "kunnskapsleder") == []
    held = _outbox(officer_id="kommunikasjonsradgiver")
    assert {(m.channel, m.status) for m in held} == {("email", "digest"), ("teams", "digest")}
    assert deadline_watch(as_of="2026-04-01T09:00:00", check_prefect=False, return_state=True).is_completed()
    [digest] = smtp_server.to("jonas.dahl@imdi.example")
    assert "For sent varsel" in digest.get_body(preferencelist=("plain",)).get_content()
    assert any("For sent varsel" in t for t in _teams_to(teams_endpoint, "kommunikasjonsradgiver"))


def test_grant_lapse_alert_goes_to_the_deputy(prefect_server, world, smtp_server, teams_endpoint, tmp_path):
    # Role tilskudd: tilskuddsleder (Fatima Ali), deputy tilskuddsradgiver (Per Olsen).
    # A municipality's grant needs acceptance: letter Fri 25 Apr 2025, acceptance due 3 weeks
    # later, Fri 16 May; none came, so on Mon 19 May it lapses.
    from tests.grants.conftest import HEADER, ORGNR_C

    awards = tmp_path / "tildelinger.csv"
    awards.write_text(
        f"{HEADER};søkertype;grunn\njobbsjansen;2025;Eksempel kommune;{ORGNR_C};500 000;400 000;;"
        "Sats 80 000 kr × 5;offentlig;ramme\n",
        encoding="utf-8",
    )
    schemes, catalogue = grants_store.load_grant_schemes(get_settings().config_dir), _catalogue()
    with session_scope(_engine()) as session:
        store_intake.import_round(session, schemes, awards, "2025-1", {}, "test")
        grants_store.decide_round(session, catalogue, schemes, "2025-1", date(2025, 4, 22), "test")
    assert grant_award_notice(as_of="2025-04-23", return_state=True).is_completed()  # notice delivered
    with session_scope(_engine()) as session:
        render_round_letters.make_letters(
            session, schemes, "2025-1", tmp_path / "brev", date(2025, 4, 25), "test"
        )
    _absent("tilskuddsleder", date(2025, 5, 19), date(2025, 5, 19))
    assert grant_award_notice(as_of="2025-05-19", return_state=True).is_completed()
    assert smtp_server.subjects("per.olsen@imdi.example") == [
        "Tilskudd falt bort: Eksempel kommune (runde 2025-1)"
    ]
    assert smtp_server.to("fatima.ali@imdi.example") == []
    assert any("Tilskudd falt bort" in t for t in _teams_to(teams_endpoint, "tilskuddsradgiver"))


# --- the publication gate counts from delivery ----------------------------------------------


def test_publication_gate_waits_for_delivery(prefect_server, world, monkeypatch, teams_endpoint):
    # Planned Fri 5 Jun 2026; the notice is due 21 days before, Fri 15 May 2026 (a business day;
    # Kristi himmelfartsdag is Thu 14 May). SMTP is down from the start; Teams works.
    from typer.testing import CliRunner

    from cli.main import app

    down = SmtpServer()  # a free port, nothing listening yet
    monkeypatch.setenv("PLIKTVAKT_EMAIL_URL", down.url)
    monkeypatch.setenv("PLIKTVAKT_MINISTRY_RECIPIENTS", "post@aid.example")
    get_settings.cache_clear()
    with session_scope(_engine()) as session:
        publication_id = publications_store.add(
            session,
            _catalogue(),
            PublicationInput(
                title="Evaluering av norskopplæringen",
                kind="evaluering",
                publish_on=date(2026, 6, 5),
                owner="kunnskap",
            ),
        ).id
    assert prepublication_notice(as_of="2026-05-15T07:00:00", return_state=True).is_failed()
    # Mon 18 May: one business day since Fri 15 May, so no alert yet; Tue 19 May: two.
    assert prepublication_notice(as_of="2026-05-18T07:00:00", return_state=True).is_failed()
    assert _outbox(step="alert-notice_undelivered-1") == []
    assert prepublication_notice(as_of="2026-05-19T07:00:00", return_state=True).is_failed()
    # Role kunnskap: kunnskapsleder (Sara Lie). Email is down, but Teams reached her.
    assert {m.officer_id for m in _outbox(step="alert-notice_undelivered-1")} == {"kunnskapsleder"}
    assert any("ikke levert til departementet" in t for t in _teams_to(teams_endpoint, "kunnskapsleder"))
    # Fri 29 May, 14 days after the notice was queued: the gate is still closed, naming what waits.
    runner = CliRunner()
    result = runner.invoke(
        app, ["publication", "check", str(publication_id), "--as-of", "2026-05-29", "--json"]
    )
    assert result.exit_code == 1, result.output
    assert (
        "post@aid.example (pending" in result.output
        and '"may_publish_on_planned_date": false' in result.output
    )
    down.start()
    try:
        # Delivered Mon 1 Jun 2026, so publication is allowed from Mon 15 Jun, not on 5 Jun.
        state = prepublication_notice(as_of="2026-06-01T07:00:00", return_state=True)
        assert state.is_completed(), state.message
    finally:
        down.stop()
    with session_scope(_engine()) as session:
        publication = session.get(Publication, publication_id)
        assert (publication.notice_queued_on, publication.notice_delivered_on) == (
            date(2026, 5, 15),
            date(2026, 6, 1),
        )
        assert publication.status == "planned"
    result = runner.invoke(
        app, ["publication", "check", str(publication_id), "--as-of", "2026-06-02", "--json"]
    )
    assert result.exit_code == 1 and '"earliest_date": "2026-06-15"' in result.output
    assert "levert til departementet 2026-06-01" in result.output


# --- one ending for "no recipients", and one duty's failure is not another's ------------------


def test_no_ministry_recipients_ends_every_duty_the_same(prefect_server, world, monkeypatch, tmp_path):
    monkeypatch.setenv("PLIKTVAKT_MINISTRY_RECIPIENTS", "")
    get_settings.cache_clear()
    world.write_text(scenario(ON_TRACK_FEB), encoding="utf-8")
    catalogue, schemes = _catalogue(), grants_store.load_grant_schemes(get_settings().config_dir)
    from tests.grants.conftest import HEADER, ORGNR_A

    awards = tmp_path / "tildelinger.csv"
    awards.write_text(
        f"{HEADER};søkertype;grunn\nintegreringsarbeid-frivillige-organisasjoner;2025;Frivillig lag;"
        f"{ORGNR_A};200 000;150 000;;75 % av godkjent budsjett;privat;ramme\n",
        encoding="utf-8",
    )
    with session_scope(_engine()) as session:
        publications_store.add(
            session,
            catalogue,
            PublicationInput(title="Rapport", kind="rapport", publish_on=date(2025, 3, 24), owner="kunnskap"),
        )
        store_intake.import_round(session, schemes, awards, "2025-1", {}, "test")
        grants_store.decide_round(session, catalogue, schemes, "2025-1", date(2025, 3, 3), "test")
    for run in (settlement_analysis, prepublication_notice, grant_award_notice):
        state = run(as_of="2025-03-03T08:00:00", return_state=True)
        assert state.is_failed() and NO_MINISTRY_RECIPIENTS in state.message, (run.name, state.message)
        assert "Traceback" not in (state.message or "")
    assert [m for m in _outbox() if m.officer_id is None] == []  # nothing queued for the ministry


def test_a_teams_failure_on_a_watch_alert_does_not_fail_settlement(
    prefect_server, world, teams_endpoint, smtp_server
):
    teams_endpoint.status = 500
    with session_scope(_engine()) as session:
        occurrences.trigger(
            session, _catalogue(), "oversight-matters-notice", date(2025, 2, 24), "rr-1"
        )  # due 3 Mar
    watch = deadline_watch(as_of="2025-03-03T07:00:00", check_prefect=False, return_state=True)
    assert watch.is_failed() and "watch:occurrence-" in watch.message
    world.write_text(scenario(ON_TRACK_FEB), encoding="utf-8")
    state = settlement_analysis(as_of="2025-03-03T08:00:00", return_state=True)
    assert state.is_completed(), state.message
    assert len([m for m in _outbox(duty="watch") if m.status == "pending"]) == 1  # the Teams alert waits
