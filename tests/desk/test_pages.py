"""The desk's other pages (issue 27): «Alle plikter», «Fravær», event duties and the grants
register's upload files, each through the CLI's own domain function, audited via the desk."""

import json
from datetime import date

from sqlmodel import select

from pliktvakt.db import session_scope
from pliktvakt.register import store
from pliktvakt.register.tables import RegisterUpload
from pliktvakt.tables import AuditEntry, Occurrence, OfficerAbsence
from tests.desk.conftest import PER, SARA, csrf_of, sign_in

KARI = "kari.nordmann@imdi.example"  # styring: sees and acts on every duty
FATIMA = "fatima.ali@imdi.example"  # tilskuddsleder: the grants register's role (tilskudd)


def test_all_duties_is_for_styring_drift_and_ledelse(desk, client):
    sign_in(client, desk.state.smtp, PER)
    refused = client.get("/alle")
    assert refused.status_code == 403 and "styring, drift og ledelse" in refused.text
    client.cookies.clear()
    sign_in(client, desk.state.smtp, KARI)
    page = client.get("/alle?rolle=kunnskap&status=all")
    assert page.status_code == 200 and "<h2>Vedlegg pkt. 9</h2>" in page.text
    assert "/alle/etterlevelse?ar=2026" in page.text
    record = client.get("/alle/etterlevelse?ar=2026")
    assert record.status_code == 200 and "<script" not in record.text


def test_an_officer_registers_their_own_absence_and_sees_who_stands_in(desk, client):
    """Sara is away 14–18 December 2026; Jonas, her deputy, stands in (config/officers.yaml)."""
    sign_in(client, desk.state.smtp, SARA)
    page = client.get("/fravaer")
    done = client.post(
        "/fravaer",
        data={
            "officer": "kunnskapsleder",
            "fra": "2026-12-14",
            "til": "2026-12-18",
            "grunn": "ferie",
            "csrf": csrf_of(page.text),
        },
    )
    assert done.status_code == 303
    listed = client.get("/fravaer").text
    assert "Sara Lie" in listed and "Jonas Dahl" in listed and "14. desember 2026" in listed
    with session_scope(desk.state.engine) as session:
        absence = session.exec(select(OfficerAbsence)).one()
        assert (absence.officer_id, absence.start, absence.end) == (
            "kunnskapsleder",
            date(2026, 12, 14),
            date(2026, 12, 18),
        )
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "absence.added")).one()
        assert entry.actor == SARA and json.loads(entry.details)["via"] == "pliktvakt web"


def test_an_officer_cannot_register_absence_for_someone_they_do_not_manage(desk, client):
    sign_in(client, desk.state.smtp, PER)
    page = client.get("/fravaer")
    refused = client.post(
        "/fravaer",
        data={
            "officer": "kunnskapsleder",
            "fra": "2026-12-14",
            "til": "2026-12-18",
            "csrf": csrf_of(page.text),
        },
    )
    assert refused.status_code == 403
    with session_scope(desk.state.engine) as session:
        assert session.exec(select(OfficerAbsence)).all() == []


def test_a_straks_duty_is_triggered_with_the_time_it_became_known(desk, client):
    """Known Monday 7 December 2026 at 16:30, after 15:00: due the next business day, Tuesday
    8 December (instruks pkt. 3.1; legal_calendar.straks). Without a time it is refused."""
    sign_in(client, desk.state.smtp, KARI)
    page = client.get("/hendelse")
    assert "AID informert straks" in page.text
    form = {
        "plikt": "material-deviation-notice",
        "dato": "2026-12-07",
        "referanse": "26/900",
        "csrf": csrf_of(page.text),
    }
    missing = client.post("/hendelse", data=form)
    assert missing.status_code == 400 and "klokkeslettet" in missing.text
    done = client.post("/hendelse", data=form | {"klokkeslett": "16:30"})
    assert done.status_code == 303
    with session_scope(desk.state.engine) as session:
        occurrence = session.exec(
            select(Occurrence).where(Occurrence.obligation_id == "material-deviation-notice")
        ).one()
        assert occurrence.due == date(2026, 12, 8) and occurrence.ref == "26/900"
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "occurrence.triggered")).one()
        assert entry.actor == KARI and json.loads(entry.details)["via"] == "pliktvakt web"


def test_a_grants_register_upload_is_confirmed_with_its_checksum_shown(desk, client):
    with session_scope(desk.state.engine) as session:
        upload = store.record_upload(session, [], "tilskudd-2026-12-07.xlsx", b"innhold")
        sha = upload.sha256
    sign_in(client, desk.state.smtp, FATIMA)
    page = client.get("/tilskuddsregister")
    assert sha in page.text and "tilskudd-2026-12-07.xlsx" in page.text
    done = client.post("/tilskuddsregister/bekreft", data={"sha256": sha, "csrf": csrf_of(page.text)})
    assert done.status_code == 200 and sha in done.text
    with session_scope(desk.state.engine) as session:
        assert session.exec(select(RegisterUpload)).one().confirmed_by == FATIMA


def test_the_duty_page_opens_for_a_duty_of_every_obligation(desk, client):
    """One occurrence of each of the 14 recurring obligations materialised on Mon 7 Dec 2026 (13
    months ahead), opened by a styring officer: each page answers 200 with its deadline rule.
    The annual report's 15 March is sourced to økonomiregelverket (issue 29), a source the
    desk's first rule text lacked."""
    sign_in(client, desk.state.smtp, KARI)
    with session_scope(desk.state.engine) as session:
        first = {}
        for occurrence in session.exec(select(Occurrence).order_by(Occurrence.due)):
            first.setdefault(occurrence.obligation_id, occurrence.id)
    assert "annual-report" in first and len(first) == 14
    for obligation_id, occurrence_id in first.items():
        page = client.get(f"/plikt/{occurrence_id}")
        assert page.status_code == 200, (obligation_id, page.text[:500])
        assert "Kilde: " in page.text, obligation_id
    annual = client.get(f"/plikt/{first['annual-report']}").text
    assert "Kilde: økonomiregelverket." in annual
