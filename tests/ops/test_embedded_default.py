"""The embedded default as an operator meets it: `make run` in a fresh clone serves every
deployment, refuses a second copy, takes `pliktvakt run` onto its server, shows the
deployments and artifacts in the Prefect UI (headless Chromium), and stops cleanly on
Ctrl-C or SIGTERM.

The tests in this module share one `make run` and run in order; the last one stops it.
"""

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest
import yaml

from deployments.run_local import WAITS_FOR_A_PERSON
from flows.registry import FLOWS
from tests.ops.procs import alive, clean_env, descendants, free_port

ROOT = Path(__file__).resolve().parents[2]
SERVING = "Your deployments are being served"
START_UP_DONE = "Oppstartskjøringene er ferdige"
SCREENSHOTS = ROOT / "test-output" / "browser"
pytestmark = pytest.mark.timeout(900)  # the first test waits for `make run` to serve


class MakeRun:
    def __init__(self, clone: Path):
        self.clone, self.port = clone, free_port()
        self.env = clean_env(PLIKTVAKT_PREFECT_PORT=str(self.port))
        self.log = clone / f"make-run-{self.port}.log"
        self.ui = f"http://127.0.0.1:{self.port}"
        self.api = f"{self.ui}/api"

    def start(self, timeout: float = 600) -> "MakeRun":
        with open(self.log, "wb") as log:
            # A session of its own, as a terminal gives a foreground job a process group.
            self.proc = subprocess.Popen(
                ["make", "run"],
                cwd=self.clone,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self.wait_for(SERVING, timeout)

    def wait_for(self, text: str, timeout: float = 600) -> "MakeRun":
        deadline = time.monotonic() + timeout
        while text not in self.output():
            assert self.proc.poll() is None, self.output()
            assert time.monotonic() < deadline, self.output()
            time.sleep(1)
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def post(self, path: str, body: dict) -> list[dict]:
        response = httpx.post(f"{self.api}{path}", json=body, timeout=30)
        response.raise_for_status()
        return response.json()

    def stop(self, sig: int, within: float = 10) -> None:
        """Send ``sig`` to the process group and fail unless every process is gone ``within`` s."""
        processes = descendants(self.proc.pid) | {self.proc.pid}
        started = time.monotonic()
        os.killpg(self.proc.pid, sig)
        while time.monotonic() - started < within:
            self.proc.poll()
            left = {pid for pid in processes if alive(pid)}
            if not left:
                return
            time.sleep(0.2)
        self.kill()
        pytest.fail(
            f"{len(left)} prosess(er) levde {within} s etter signalet: {sorted(left)}\n{self.output()}"
        )

    def kill(self) -> None:
        for pid in descendants(self.proc.pid) | {self.proc.pid}:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("clone") / "pliktvakt"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(path)], check=True, timeout=120)
    return path


@pytest.fixture(scope="module")
def serving(clone):
    """`make run` once its start-up runs (made after serving began) have ended."""
    make_run = MakeRun(clone).start().wait_for(START_UP_DONE)
    yield make_run
    if make_run.proc.poll() is None:
        make_run.kill()


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium mangler under CI: .ci/run skal installere Debian-pakken chromium")
        pytest.skip("chromium er ikke installert (apt-get install chromium)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return path


def browse(chromium: str, url: str, screenshot: str, height: int = 1400) -> str:
    """The page as a user sees it once its scripts have run: saves a PNG, returns the DOM."""
    args = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        f"--window-size=1366,{height}",  # the width an operator's laptop has (issue 28)
        "--virtual-time-budget=30000",
    ]
    shot = subprocess.run(
        [*args, f"--screenshot={SCREENSHOTS / screenshot}", url], capture_output=True, timeout=180
    )
    assert shot.returncode == 0 and (SCREENSHOTS / screenshot).stat().st_size > 10_000, shot.stderr[-2000:]
    dom = subprocess.run([*args, "--dump-dom", url], capture_output=True, text=True, timeout=180)
    assert dom.returncode == 0, dom.stderr[-2000:]
    return dom.stdout


def test_a_second_make_run_says_so_and_exits(serving):
    second = subprocess.run(
        ["make", "run"], cwd=serving.clone, env=serving.env, capture_output=True, text=True, timeout=300
    )
    assert second.returncode != 0 and "kjører allerede" in second.stderr, second.stdout + second.stderr


def test_the_start_up_runs_are_runs_of_their_deployments_made_after_serving_began(serving):
    """Issue 31: serving first, then each flow once as a run of its deployment, so the UI's
    deployments page shows them; each outcome printed, materialise twice (first and last)."""
    output = serving.output()
    outcomes = re.findall(r"^([a-z-]+(?: \(status etter oppstart\))?): (\S+)", output, re.MULTILINE)
    assert [name for name, _ in outcomes if name in FLOWS] == [
        name for name in FLOWS if name not in WAITS_FOR_A_PERSON
    ] + [name for name in FLOWS if name in WAITS_FOR_A_PERSON], output
    assert ("materialise (status etter oppstart)", "Completed") in outcomes, output
    assert output.index(SERVING) < output.index(f"{next(iter(FLOWS))}: "), output
    deployments = {d["id"]: d["name"] for d in serving.post("/deployments/filter", {})}
    runs = serving.post("/flow_runs/filter", {"flow_runs": {"deployment_id": {"is_null_": False}}})
    started = [deployments[run["deployment_id"]] for run in runs if run["state_type"] != "SCHEDULED"]
    # Every flow run once at start, materialise twice; a scheduled run that came due meanwhile
    # could only add to these.
    for name in FLOWS:
        assert started.count(name) >= (2 if name == "materialise" else 1), (name, started)


def test_pliktvakt_run_adds_its_run_to_make_runs_server(serving):
    materialise = {"flows": {"name": {"any_": ["materialise"]}}}
    before = {run["id"] for run in serving.post("/flow_runs/filter", materialise)}
    manual = subprocess.run(
        ["uv", "run", "--frozen", "pliktvakt", "run", "materialise"],
        cwd=serving.clone,
        env=serving.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert manual.returncode == 0, manual.stdout + manual.stderr
    assert "Prefect-serveren til `make run`" in manual.stderr
    # The server's scheduler may add the deployment's next scheduled runs meanwhile; the
    # manual run is the one new run that belongs to no deployment.
    new = [
        run
        for run in serving.post("/flow_runs/filter", materialise)
        if run["id"] not in before and run["deployment_id"] is None
    ]
    assert [run["state_type"] for run in new] == ["COMPLETED"]
    artifacts = serving.post("/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [new[0]["id"]]}}})
    assert "obligation-status" in {a["key"] for a in artifacts}


def test_the_ui_shows_the_deployments_with_their_schedules(serving, chromium):
    dom = browse(chromium, f"{serving.ui}/deployments", "deployments.png")
    names = [spec["name"] for spec in yaml.safe_load((ROOT / "prefect.yaml").read_text())["deployments"]]
    assert f"{len(names)} Deployments" in dom
    # The list shows ten a page; a deployment past the first page is looked up on its own page.
    deployments = {d["name"]: d["id"] for d in serving.post("/deployments/filter", {})}
    for name in [name for name in names if name not in dom]:
        page = browse(
            chromium, f"{serving.ui}/deployments/deployment/{deployments[name]}", f"deployment-{name}.png"
        )
        assert name in page, name
    # materialise runs at 06:00 every day (prefect.yaml), and the UI says so.
    assert re.search(r"At 0?6:00 AM every day", dom), "the schedule of materialise is not shown"


def _latest_artifact(serving, key: str) -> dict:
    artifacts = serving.post(
        "/artifacts/filter", {"artifacts": {"key": {"any_": [key]}}, "sort": "CREATED_DESC", "limit": 1}
    )
    assert artifacts, f"no {key} artifact"
    return artifacts[0]


def test_the_ui_shows_the_obligation_status_after_the_start_up_pass(serving, chromium):
    """Written again after every start-up flow, so it lists the evaluations the evaluation
    plan made; as lines that wrap to the screen, each linking to the duty desk."""
    artifact = _latest_artifact(serving, "obligation-status")
    dom = browse(chromium, f"{serving.ui}/artifacts/artifact/{artifact['id']}", "obligation-status.png")
    assert artifact["type"] == "markdown" and "Status per" in dom
    assert "Planlagt evaluering av en tilskuddsordning satt i gang" in artifact["data"]
    first = re.search(r"^- \[#(\d+)\]\((\S+)\)", artifact["data"], re.MULTILINE)
    assert first and first[2].endswith(f"/plikt/{first[1]}") and f'href="{first[2]}"' in dom


def test_the_ui_shows_the_settlement_report_with_its_charts(serving, chromium):
    artifact = _latest_artifact(serving, "settlement-report")
    dom = browse(chromium, f"{serving.ui}/artifacts/artifact/{artifact['id']}", "settlement-report.png", 2600)
    assert "Bosetting: månedlig analyse" in dom
    charts = re.findall(r"<img[^>]+src=\"data:image/png;base64,", dom)
    assert len(charts) >= 2, "the charts of the settlement report are not shown"


def test_ctrl_c_stops_every_process_within_10_s_without_a_traceback(serving):
    serving.stop(signal.SIGINT)
    output = serving.output()
    assert "Traceback" not in output, output
    assert "pliktvakt er stoppet." in output


@pytest.mark.timeout(900)
def test_sigterm_stops_every_process_within_10_s_without_a_traceback(clone):
    make_run = MakeRun(clone).start()
    make_run.stop(signal.SIGTERM)
    output = make_run.output()
    assert "Traceback" not in output, output
    assert "pliktvakt er stoppet." in output
