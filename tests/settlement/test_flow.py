"""The settlement-analysis flow end to end, through a real Prefect server, a real SMTP
server on 127.0.0.1 and a migrated SQLite database, on hand-made data (see flowdata.py)."""

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from flows.settlement_analysis import settlement_analysis
from pliktvakt.settings import get_settings
from pliktvakt.settlement.tables import SettlementCadence
from pliktvakt.tables import AuditEntry, Occurrence, OccurrenceStatus, OutboxMessage
from tests.artifacts import latest_artifact
from tests.servers import serve_in_background
from tests.settlement.conftest import RECIPIENTS, SETTLEMENT_YAML, db_rows
from tests.settlement.flowdata import (
    BACK_APR,
    BEHIND_MAR,
    COUNTIES_BACK_MAR,
    COUNTIES_BEHIND_FEB,
    ON_TRACK_FEB,
    scenario,
    settled_by,
)

BOSETTING_OFFICER = "ingrid.berg@imdi.example"  # role bosetting -> bosettingsleder (officers.yaml)
STATISTIKK_OFFICER = "nils.johansen@imdi.example"  # role statistikk -> analytiker


def _occurrence(obligation: str, period: str) -> Occurrence:
    found = [o for o in db_rows(Occurrence, obligation_id=obligation) if o.period == period]
    assert len(found) == 1, [o.period for o in db_rows(Occurrence, obligation_id=obligation)]
    return found[0]


def _weekly(status: str | None = None) -> list[str]:
    rows = [
        o
        for o in db_rows(Occurrence, obligation_id="settlement-monthly-analysis")
        if o.period.startswith("weekly:")
    ]
    return sorted(o.period for o in rows if status is None or o.status == status)


def _run(as_of: str):
    state = settlement_analysis(as_of=as_of, return_state=True)
    assert state.is_completed(), state.message
    return state.result()


def test_large_deviation_switches_to_weekly_and_back(prefect_server, world, smtp):
    # 3 March 2025 (Mon): February analysed, 20 / 0.10 = 200 = 100 % of the need: monthly.
    world.write(scenario(ON_TRACK_FEB))
    first = _run("2025-03-03")
    assert (first["cadence"], first["cadence_changed"], first["projected_year_end"]) == (
        "monthly",
        None,
        200.0,
    )
    assert first["completed"] == ["2025-03-01"] and _weekly() == []
    assert len(smtp.messages) == 2  # the report, one per ministry recipient; no alert

    # 1 April 2025 (Tue): March analysed, 24 / 0.15 = 160 = 80 % < 85 %: weekly from today.
    world.write(scenario(BEHIND_MAR))
    second = _run("2025-04-01")
    assert (second["cadence"], second["cadence_changed"], second["projected_year_end"]) == (
        "weekly",
        "weekly",
        160.0,
    )
    # ISO week 14 of 2025 starts Monday 31 March; due two business days later, Wednesday 2 April.
    weekly = _occurrence("settlement-monthly-analysis", "weekly:2025-W14")
    assert (weekly.anchor.isoformat(), weekly.due.isoformat(), weekly.role, weekly.status) == (
        "2025-03-31",
        "2025-04-02",
        "bosetting",
        "done",
    )
    # One email serves the week and the month's occurrence (anchored 1 April).
    assert sorted(second["completed"]) == ["2025-04-01", "weekly:2025-W14"]
    assert "Kvittering: analyse@aid.example: Message-ID <" in weekly.evidence
    alert = smtp.to(BOSETTING_OFFICER)
    assert len(alert) == 1 and "nå ukentlig" in alert[0]["Subject"]
    assert "80,0" in alert[0].get_body(("plain", "html")).get_content()
    cadence = db_rows(SettlementCadence)
    assert [
        (c.from_date.isoformat(), c.cadence, c.projected_year_end, c.need, c.need_ratio) for c in cadence
    ] == [("2025-04-01", "weekly", 160.0, 200, 0.8)]
    assert len(smtp.messages) == 2 + 2 + 1

    # 2 April, same week, same data: nothing new is sent or made.
    again = _run("2025-04-02")
    assert (again["cadence"], again["cadence_changed"], again["completed"], again["report_queued"]) == (
        "weekly",
        None,
        [],
        0,
    )
    assert len(smtp.messages) == 5 and _weekly() == ["weekly:2025-W14"]

    # 7 April (Mon, week 15): still behind, so week 15's report is due and sent; no new alert.
    fourth = _run("2025-04-07")
    assert fourth["completed"] == ["weekly:2025-W15"] and len(smtp.messages) == 7
    assert len(smtp.to(BOSETTING_OFFICER)) == 1
    assert "uke 15" in smtp.to(RECIPIENTS[0])[-1]["Subject"]

    # 5 May (Mon): April analysed, 50 / 0.25 = 200 = 100 %: back to monthly, alerted once.
    world.write(scenario(BACK_APR))
    fifth = _run("2025-05-05")
    assert (fifth["cadence"], fifth["cadence_changed"], fifth["weekly_period"]) == (
        "monthly",
        "monthly",
        None,
    )
    assert fifth["completed"] == ["2025-05-01"]
    assert _weekly() == ["weekly:2025-W14", "weekly:2025-W15"]  # no week 19
    assert (
        len(smtp.to(BOSETTING_OFFICER)) == 2
        and "tilbake til månedlig" in smtp.to(BOSETTING_OFFICER)[-1]["Subject"]
    )
    assert [c.cadence for c in db_rows(SettlementCadence)] == ["weekly", "monthly"]
    assert [a.subject for a in db_rows(AuditEntry, action="settlement.cadence_changed")] == [
        "settlement-monthly-analysis"
    ] * 2
    # Key figures and trends were published for each month analysed: February, March and April.
    assert sorted(p.name for p in world.publish_dir.iterdir()) == [
        f"{kind}-bosetting-2025-{m}.{ext}"
        for kind, exts in (("nokkeltall", ("csv", "json")), ("trender", ("html", "json")))
        for m in ("02", "03", "04")
        for ext in exts
    ]


def test_report_reaches_smtp_with_its_html_attachment_once(prefect_server, world, smtp):
    world.write(scenario(ON_TRACK_FEB))
    result = _run("2025-03-03")
    assert result["report_queued"] == 2 and result["completed"] == ["2025-03-01"]
    assert sorted(m["X-Envelope-To"] for m in smtp.messages) == sorted(RECIPIENTS)
    mail = smtp.to(RECIPIENTS[0])[0]
    assert mail["Subject"] == "Månedlig analyse av bosettingsarbeidet – februar 2025"
    attachments = list(mail.iter_attachments())
    assert [(a.get_filename(), a.get_content_type()) for a in attachments] == [
        ("bosetting-analyse-2025-02-2025-03-03.html", "text/html")
    ]
    # Apprise names no charset on the part; the file says <meta charset="utf-8"> itself.
    html = attachments[0].get_payload(decode=True).decode("utf-8")
    # The attached report is the one kept with the run, charts and all.
    assert html == (world.report_dir / "bosetting-analyse-2025-02-2025-03-03.html").read_text(
        encoding="utf-8"
    )
    assert "<h2>Status hittil i år</h2>" in html and html.count("data:image/png;base64,") == 3
    done = _occurrence("settlement-monthly-analysis", "2025-03-01")
    assert (
        done.completed_by == "pliktvakt"
        and "post@aid.example: Message-ID <" in done.evidence
        and "godtatt av SMTP-tjeneren 127.0.0.1" in done.evidence
    )
    # Run again for the same period: nothing more is sent.
    again = _run("2025-03-04")
    assert again["report_queued"] == 0 and len(smtp.messages) == 2
    assert again["key_figures"] == "already"


def test_failed_quality_check_blocks_publishing_and_alerts(prefect_server, world, smtp):
    # Kinn (4602) has no rows for 2025, so "every municipality is present" fails.
    world.write(scenario(ON_TRACK_FEB, leave_out="4602"))
    state = settlement_analysis(as_of="2025-03-03", return_state=True)
    assert state.is_failed()
    assert "Alle kommuner er med" in state.message and "kommune 4602 Kinn" in state.message
    assert not world.publish_dir.exists()
    alert = smtp.to(STATISTIKK_OFFICER)
    assert len(alert) == 1 and "ikke publisert" in alert[0]["Subject"]
    assert (
        "kommune 4602 Kinn: kommunen mangler i nøkkeltallene"
        in alert[0].get_body(("plain", "html")).get_content()
    )
    assert _occurrence("settlement-key-figures-published", "2025-03-01").status == OccurrenceStatus.OPEN
    # Everything else was still done: the report went to the ministry.
    assert _occurrence("settlement-monthly-analysis", "2025-03-01").status == "done"
    assert len(smtp.to(RECIPIENTS[0])) == 1
    # The same failure the next day alerts no one again; the run still fails.
    assert settlement_analysis(as_of="2025-03-04", return_state=True).is_failed()
    assert len(smtp.to(STATISTIKK_OFFICER)) == 1 and not world.publish_dir.exists()


def test_quarantined_rows_are_counted_in_the_report(prefect_server, world):
    bad = "2025;2;03X1;Oslo;bosatt;3;0\n2025;2;1103;Stavanger;bosatt;-2;0\n"
    world.write(scenario(ON_TRACK_FEB, extra=bad))
    result = _run("2025-03-03")
    assert result["quarantined"] == 2
    html = (world.report_dir / "bosetting-analyse-2025-02-2025-03-03.html").read_text(encoding="utf-8")
    assert "Rader i karantene: 2" in html and "kommunenr" in html and "antall" in html
    # The good rows were analysed as if the bad ones were not there: 200 projected.
    assert result["projected_year_end"] == 200.0


def test_iso_8859_1_file_is_read(prefect_server, world):
    world.write(scenario(ON_TRACK_FEB).replace("Bergen", "Bærum-test"), encoding="iso-8859-1")
    assert _run("2025-03-03")["projected_year_end"] == 200.0


def test_malformed_file_fails_the_run_and_loads_nothing(prefect_server, world):
    text = scenario(ON_TRACK_FEB).splitlines()
    text[4] = text[4] + ";ekstra"  # line 5 of the file gets an eighth field
    world.write("\n".join(text) + "\n")
    state = settlement_analysis(as_of="2025-03-03", return_state=True)
    assert state.is_failed()
    assert f"{world.source}, linje 5" in state.message
    assert "linjen har 8 felt, overskriften 7" in state.message
    assert db_rows(OutboxMessage) == [] and db_rows(SettlementCadence) == []


class FailingService(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        self.send_response(500)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def failing_service():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FailingService)
    serve_in_background(httpd)
    yield f"http://127.0.0.1:{httpd.server_address[1]}/bosetting?token=hemmelig"
    httpd.shutdown()
    httpd.server_close()


def test_http_source_answering_500_fails_the_run(prefect_server, world, monkeypatch, failing_service):
    monkeypatch.setenv("PLIKTVAKT_SETTLEMENT_SOURCE", failing_service)
    get_settings.cache_clear()
    state = settlement_analysis(as_of="2025-03-03", return_state=True)
    assert state.is_failed()
    # PLIKTVAKT_SETTLEMENT_RETRIES=1 (conftest): two attempts.
    assert "etter 2 forsøk: tjenesten svarte HTTP 500" in state.message
    assert db_rows(OutboxMessage) == []


def test_run_leaves_report_and_key_figure_artifacts(prefect_server, world):
    world.write(scenario(ON_TRACK_FEB))
    result = _run("2025-03-03")
    report = latest_artifact("settlement-report")
    assert report.type == "markdown" and report.data.count("data:image/png;base64,") == 3
    assert result["report"] in report.data and "PLIKTVAKT_EMAIL_URL er ikke satt" in report.data
    table = json.loads(latest_artifact("settlement-key-figures").data)
    national = table[0]
    # Settled so far: Oslo 10 + 10; agreed 100 + 40 + 40 + 20 = 200.
    assert (national["Område"], national["Bosatt"], national["Vedtatt"]) == ("00 Hele landet", 20, 200)
    assert list(national) == ["Område", "Anmodet", "EM anm.", "Vedtatt", "EM vedt.", "Bosatt", "EM bos."]
    assert len(table) == 1 + 3 + 4  # the nation, three counties, four municipalities
    assert latest_artifact("settlement-cadence").data == "- **månedlig** – aldri endret\n"


def test_county_deviation_switches_to_weekly_and_back(prefect_server, world, smtp):
    config = world.source.parent / "config" / "settlement.yaml"
    config.write_text(
        SETTLEMENT_YAML.replace(
            "large_deviation: {below: 0.85, above: null}",
            "large_deviation:\n  national: {below: 0.85}\n  county: {points_below: 0.10, min_agreed: 10}",
        ),
        encoding="utf-8",
    )
    # 3 March 2025: February analysed; the nation is on track (300, 150 % of the need), but
    # Rogaland and Vestland are 15 points behind its share (flowdata.COUNTIES_BEHIND_FEB).
    world.write(settled_by(COUNTIES_BEHIND_FEB))
    first = _run("2025-03-03")
    assert (first["cadence"], first["cadence_changed"], first["projected_year_end"]) == (
        "weekly",
        "weekly",
        300.0,
    )
    [alert] = smtp.to(BOSETTING_OFFICER)
    body = alert.get_body(("plain",)).get_content()
    assert "Stort avvik etter IMDis kriterier (analyse av februar 2025)" in body
    # The mail's text part carries the no-break spaces as plain ones.
    for county in ("Rogaland", "Vestland"):
        assert f"{county}: 0,0 % bosatt av vedtatt mot 15,0 % for landet, 15,0 prosentpoeng under" in body
    [attachment] = list(smtp.to(RECIPIENTS[0])[0].iter_attachments())
    report = attachment.get_payload(decode=True).decode("utf-8")
    assert "<li>Rogaland: 0,0\u00a0% bosatt av vedtatt mot 15,0\u00a0% for landet" in report
    assert "Dette er IMDis egne kriterier" in report

    # 1 April: March analysed; 7 and 8,7 points behind, within 10: monthly again.
    world.write(settled_by(COUNTIES_BACK_MAR))
    second = _run("2025-04-01")
    assert (second["cadence"], second["cadence_changed"]) == ("monthly", "monthly")
    assert [c.cadence for c in db_rows(SettlementCadence)] == ["weekly", "monthly"]
    assert "tilbake til månedlig" in smtp.to(BOSETTING_OFFICER)[-1]["Subject"]


def test_a_municipality_missing_a_month_fails_the_run_naming_it(prefect_server, world):
    # Issue 30: Kinn's February «bosatt» row is missing (a file read only partly); analysed,
    # the nation's year to date would be too low. The run names Kinn and February, sends nothing.
    world.write(scenario(ON_TRACK_FEB).replace("2025;2;4602;Kinn;bosatt;0;0\n", ""))
    state = settlement_analysis(as_of="2025-03-03", return_state=True)
    assert state.is_failed()
    assert f"{world.source}: kilden mangler bosatt-tall for 1 kommune i perioden: 4602 Kinn (2025-02)." in (
        state.message
    )
    assert db_rows(OutboxMessage) == [] and db_rows(SettlementCadence) == []
