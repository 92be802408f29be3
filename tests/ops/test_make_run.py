"""`make run` in a fresh clone, as an operator uses it: it serves, refuses a second copy,
takes `pliktvakt run` onto its server, and stops cleanly on Ctrl-C or SIGTERM."""

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.ops.procs import alive, clean_env, descendants, free_port

ROOT = Path(__file__).resolve().parents[2]
SERVING = "Your deployments are being served"


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("clone") / "pliktvakt"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(path)], check=True, timeout=120)
    return path


class MakeRun:
    def __init__(self, clone: Path):
        self.clone, self.port = clone, free_port()
        self.env = clean_env(PLIKTVAKT_PREFECT_PORT=str(self.port))
        self.log = clone / f"make-run-{self.port}.log"
        self.api = f"http://127.0.0.1:{self.port}/api"

    def start(self, timeout: float = 420) -> None:
        with open(self.log, "wb") as log:
            # A session of its own, as a terminal gives a foreground job its process group.
            self.proc = subprocess.Popen(["make", "run"], cwd=self.clone, env=self.env, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while SERVING not in self.output():
            assert self.proc.poll() is None, self.output()
            assert time.monotonic() < deadline, self.output()
            time.sleep(1)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def flow_runs(self, deployment: str | None = None) -> list[dict]:
        body = {"flows": {"name": {"any_": [deployment]}}} if deployment else {}
        response = httpx.post(f"{self.api}/flow_runs/filter", json=body, timeout=30)
        response.raise_for_status()
        return response.json()

    def stop(self, sig: int, within: float = 10) -> float:
        """Send ``sig`` to the process group; the seconds until every process was gone."""
        processes = descendants(self.proc.pid) | {self.proc.pid}
        started = time.monotonic()
        os.killpg(self.proc.pid, sig)
        while time.monotonic() - started < within:
            self.proc.poll()
            left = {pid for pid in processes if alive(pid)}
            if not left:
                return time.monotonic() - started
            time.sleep(0.2)
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        pytest.fail(f"{len(left)} prosess(er) levde {within} s etter signalet: {sorted(left)}\n{self.output()}")


@pytest.mark.timeout(900)
def test_make_run_serves_takes_manual_runs_and_stops_on_ctrl_c(clone):
    make_run = MakeRun(clone)
    make_run.start()
    try:
        second = subprocess.run(["make", "run"], cwd=clone, env=make_run.env, capture_output=True, text=True,
                                timeout=300)
        assert second.returncode != 0 and "kjører allerede" in second.stderr, second.stdout + second.stderr

        before = make_run.flow_runs("materialise")
        manual = subprocess.run(["uv", "run", "--frozen", "pliktvakt", "run", "materialise"], cwd=clone,
                                env=make_run.env, capture_output=True, text=True, timeout=300)
        assert manual.returncode == 0, manual.stdout + manual.stderr
        assert "Prefect-serveren til `make run`" in manual.stderr
        after = make_run.flow_runs("materialise")
        new = {run["id"] for run in after} - {run["id"] for run in before}
        assert len(new) == 1 and all(r["state_type"] == "COMPLETED" for r in after if r["id"] in new)
    finally:
        make_run.stop(signal.SIGINT)
    output = make_run.output()
    assert "Traceback" not in output, output
    assert "pliktvakt er stoppet." in output


@pytest.mark.timeout(900)
def test_make_run_stops_on_sigterm(clone):
    make_run = MakeRun(clone)
    make_run.start()
    make_run.stop(signal.SIGTERM)
    output = make_run.output()
    assert "Traceback" not in output, output
    assert "pliktvakt er stoppet." in output
