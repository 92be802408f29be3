"""Demo mode (the shipped synthetic sample) and the secret source URL, through a real Prefect
server, a real SMTP server and a real HTTP service on 127.0.0.1 that fails the ways a service does."""

import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    LogFilter,
    LogFilterFlowRunId,
)
from sqlalchemy import inspect, text

from flows.settlement_analysis import settlement_analysis
from pliktvakt.db import make_engine
from pliktvakt.redact import redact_url
from pliktvakt.settings import get_settings
from pliktvakt.settlement.texts import DEMO_MARK
from tests.artifacts import latest_artifact
from tests.servers import send_json, serve_in_background
from tests.settlement.conftest import ROOT

TOKEN, PASSWORD = "tok3nSECRETvalue42", "pa55wordSECRET"


def test_redact_url_keeps_scheme_host_and_path_only():
    url = f"https://imdi:{PASSWORD}@data.imdi.example:8443/api/bosetting?token={TOKEN}&x=1#frag"
    assert redact_url(url) == "https://data.imdi.example:8443/api/bosetting"


@pytest.fixture
def demo(world, monkeypatch):
    """The world of the flow tests, but with no source: the shipped synthetic sample."""
    monkeypatch.delenv("PLIKTVAKT_SETTLEMENT_SOURCE")
    (world.source.parent / "config" / "sample").mkdir()
    sample = ROOT / "config" / "sample" / "bosetting-syntetisk.csv"
    (world.source.parent / "config" / "sample" / sample.name).write_bytes(sample.read_bytes())
    for name in ("municipalities.csv", "settlement.yaml"):
        (world.source.parent / "config" / name).write_bytes((ROOT / "config" / name).read_bytes())
    get_settings.cache_clear()
    return world


def test_demo_mode_analyses_the_last_complete_month_and_its_cadence_agrees(prefect_server, demo, monkeypatch):
    """On Sunday 6 December 2026 the last complete month is November. The demo makes the
    synthetic sample up to November (the shipped file ends with October) and analyses it,
    like a real source that is up to date. The sample's 2026 is made to fall behind (its
    performance factor 0.76, under the national criterion 0.85 of the need), so the report
    says weekly, and the settlement-cadence artifact says the same, marked and not recorded."""
    monkeypatch.delenv("PLIKTVAKT_MINISTRY_RECIPIENTS")
    get_settings.cache_clear()
    state = settlement_analysis(as_of="2026-12-06", return_state=True)
    assert state.is_completed(), state.message
    assert state.result()["report"].endswith("bosetting-analyse-2026-11-2026-12-06.html")
    assert (
        sorted(p.name for p in (demo.publish_dir / "demo").iterdir())[0] == "nokkeltall-bosetting-2026-11.csv"
    )
    report = latest_artifact("settlement-report")
    assert report.description == f"{DEMO_MARK}: Analyse av bosettingsarbeidet, november 2026 (pkt. 2.2)"
    assert "- Rapportering: ukentlig" in report.data
    cadence = latest_artifact("settlement-cadence")
    assert cadence.data.startswith(
        f"- **ukentlig** fra november 2026 – {DEMO_MARK}: Stort avvik etter IMDis kriterier "
        "(analyse av november 2026)"
    )
    assert cadence.data.endswith("Ikke registrert, og ingen ukentlige forekomster (demomodus).\n")
    assert cadence.description.startswith(DEMO_MARK)


def test_the_demo_sample_ends_with_the_last_year_the_config_has_a_need_for():
    from pliktvakt.settlement.inputs import YearMonth
    from pliktvakt.settlement.sample import demo_month

    need = {2025: 16000, 2026: 12000}
    assert demo_month(YearMonth(2026, 12), need) == YearMonth(2026, 11)
    assert demo_month(YearMonth(2027, 1), need) == YearMonth(2026, 12)
    assert demo_month(YearMonth(2027, 12), need) == YearMonth(2026, 12)  # 2027 has no need: no 2027 data


def test_demo_mode_sends_nothing_and_writes_only_under_demo(prefect_server, demo, smtp, monkeypatch):
    monkeypatch.delenv("PLIKTVAKT_MINISTRY_RECIPIENTS")
    get_settings.cache_clear()
    state = settlement_analysis(as_of="2026-11-03", return_state=True)
    assert state.is_completed(), state.message
    outcome = state.result()
    assert outcome["demo"] is True and outcome["completed"] == [] and outcome["report_queued"] == 0
    assert smtp.messages == []
    # Only demo/ under the publish directory, and each file says what it is on its first line.
    assert [p.name for p in demo.publish_dir.iterdir()] == ["demo"]
    files = sorted((demo.publish_dir / "demo").iterdir())
    assert [p.name for p in files] == [
        "nokkeltall-bosetting-2026-10.csv",
        "nokkeltall-bosetting-2026-10.json",
        "trender-bosetting-2026-10.html",
        "trender-bosetting-2026-10.json",
    ]
    assert files[0].read_text(encoding="utf-8-sig").splitlines()[0] == f"# {DEMO_MARK}"
    assert json.loads(files[1].read_text(encoding="utf-8"))["merknad"] == DEMO_MARK
    assert f"<strong>{DEMO_MARK}.</strong>" in files[2].read_text(encoding="utf-8")
    assert json.loads(files[3].read_text(encoding="utf-8"))["merknad"] == DEMO_MARK
    [report] = demo.report_dir.iterdir()
    assert f"<strong>{DEMO_MARK}.</strong>" in report.read_text(encoding="utf-8")
    artifact = latest_artifact("settlement-report")
    assert artifact.data.startswith(f"# {DEMO_MARK}") and artifact.description.startswith(DEMO_MARK)
    assert latest_artifact("settlement-key-figures").description.startswith(DEMO_MARK)


def test_demo_mode_with_ministry_recipients_fails_and_says_how(prefect_server, demo, smtp):
    state = settlement_analysis(as_of="2026-11-03", return_state=True)
    assert state.is_failed()
    assert "Sett PLIKTVAKT_SETTLEMENT_SOURCE" in state.message
    assert smtp.messages == []  # the recipients are set: still nothing to the ministry


def test_source_naming_the_shipped_sample_is_demo_mode_too(prefect_server, demo, smtp, monkeypatch):
    sample = demo.source.parent / "config" / "sample" / "bosetting-syntetisk.csv"
    monkeypatch.setenv("PLIKTVAKT_SETTLEMENT_SOURCE", str(sample))
    get_settings.cache_clear()
    state = settlement_analysis(as_of="2026-11-03", return_state=True)
    assert state.is_failed() and "Sett PLIKTVAKT_SETTLEMENT_SOURCE" in state.message
    assert smtp.messages == [] and [p.name for p in demo.publish_dir.iterdir()] == ["demo"]


class FailingService(BaseHTTPRequestHandler):
    """A settlement service that answers badly: malformed JSON, 401, 500, or too slowly."""

    def do_GET(self):  # noqa: N802
        if self.path.startswith("/slow"):
            self.server.stopping.wait(1.0)  # past the client's timeout, or until the tests are done
        status, body = {"/bad": (200, b"{ikke json"), "/unauth": (401, b"{}"), "/error": (500, b"{}")}.get(
            self.path.split("?")[0], (200, b"{}")
        )
        send_json(self, status, body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def service():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FailingService)
    httpd.daemon_threads = True
    httpd.stopping = threading.Event()
    serve_in_background(httpd)
    yield httpd.server_address[1]
    httpd.stopping.set()
    httpd.shutdown()
    httpd.server_close()


async def _shown(run_id) -> str:
    """Everything the Prefect server keeps of the run that a person can read."""
    async with get_client() as client:
        run = await client.read_flow_run(run_id)
        logs = await client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id])))
        artifacts = await client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run_id]))
        )
        tasks = await client.read_task_runs()
        states = [t.state.message or "" for t in tasks if t.flow_run_id == run_id and t.state]
    return "\n".join(
        [run.state.message or "", json.dumps(run.parameters, default=str), *states]
        + [log.message for log in logs]
        + [f"{a.description} {a.data}" for a in artifacts]
    )


def _database() -> str:
    engine = make_engine(get_settings().database_url)
    with engine.connect() as connection:
        return "\n".join(
            str(row)
            for table in inspect(engine).get_table_names()
            for row in connection.execute(text(f'SELECT * FROM "{table}"'))
        )


@pytest.mark.parametrize("path", ["/bad", "/unauth", "/error", "/slow"])
def test_no_credential_of_the_source_url_is_kept_anywhere(prefect_server, world, monkeypatch, service, path):
    url = f"http://imdi:{PASSWORD}@127.0.0.1:{service}{path}?token={TOKEN}"
    monkeypatch.setenv("PLIKTVAKT_SETTLEMENT_SOURCE", url)
    get_settings.cache_clear()
    state = settlement_analysis(as_of="2025-03-03", return_state=True)
    assert state.is_failed()
    # The reason names the service as scheme, host and path, so an officer knows where to look.
    assert f"http://127.0.0.1:{service}{path}" in state.message
    shown = asyncio.run(_shown(state.state_details.flow_run_id)) + _database()
    assert TOKEN not in shown and PASSWORD not in shown and f"127.0.0.1:{service}{path}" in shown
