"""The production profile end to end, as the README describes it: a Prefect server on
PostgreSQL behind basic authentication, a process work pool, `prefect deploy --all` from
prefect.yaml, a worker, and a duty deployment run through it onto pliktvakt's PostgreSQL."""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from pliktvakt.db import migrate
from tests.conftest import made_in_postgres
from tests.ops.procs import clean_env, free_port

ROOT = Path(__file__).resolve().parents[2]
AUTH = ("drift", f"e2e-{uuid.uuid4().hex[:12]}")


def _start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:
        return subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def _stop(proc: subprocess.Popen) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=15)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture
def prefect_database(pg_available):
    name = f"prefect_e2e_{uuid.uuid4().hex[:8]}"
    with made_in_postgres(f'CREATE DATABASE "{name}"', f'DROP DATABASE "{name}" WITH (FORCE)'):
        yield f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"


@pytest.mark.timeout(900)
def test_duty_deployment_runs_on_a_worker_behind_auth_on_postgresql(prefect_database, pg_url, tmp_path):
    migrate(pg_url)  # `pliktvakt init` before each release
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    server_env = clean_env(
        PREFECT_HOME=str(tmp_path / "server-home"),
        PREFECT_SERVER_DATABASE_CONNECTION_URL=prefect_database,
        PREFECT_SERVER_API_AUTH_STRING=":".join(AUTH),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
    )
    client_env = clean_env(
        PREFECT_HOME=str(tmp_path / "client-home"),
        PREFECT_API_URL=api,
        PREFECT_API_AUTH_STRING=":".join(AUTH),
        PLIKTVAKT_HOME=str(ROOT),
        PLIKTVAKT_DATABASE_URL=pg_url,
        PLIKTVAKT_CONFIG_DIR=str(ROOT / "config"),
        PLIKTVAKT_SETTLEMENT_REPORT_DIR=str(tmp_path / "reports"),
        PLIKTVAKT_PUBLISH_DIR=str(tmp_path / "publisert"),
    )
    prefect = [sys.executable, "-m", "prefect"]
    server = _start(
        [*prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        server_env,
        tmp_path / "server.log",
    )
    worker = None
    try:
        _wait_healthy(api, server, tmp_path / "server.log")
        # A call without credentials is refused.
        assert httpx.post(f"{api}/deployments/filter", json={}, timeout=30).status_code == 401

        def cli(*args: str) -> str:
            result = subprocess.run(
                [*prefect, "--no-prompt", *args],
                cwd=ROOT,
                env=client_env,
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert result.returncode == 0, result.stdout + result.stderr
            return result.stdout

        cli("work-pool", "create", "pliktvakt", "--type", "process")
        cli("deploy", "--all")
        worker = _start(
            [*prefect, "worker", "start", "--pool", "pliktvakt", "--limit", "2"],
            client_env,
            tmp_path / "worker.log",
        )
        cli("deployment", "run", "materialise/materialise", "--watch", "--watch-timeout", "600")
        # PREFECT_API_URL comes first: a manual run lands on this server too.
        manual = subprocess.run(
            [sys.executable, "-m", "cli.main", "run", "materialise"],
            cwd=tmp_path,
            env=client_env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert manual.returncode == 0 and "midlertidig" not in manual.stderr, manual.stdout + manual.stderr

        with httpx.Client(base_url=api, auth=AUTH, timeout=30) as client:
            deployments = client.post("/deployments/filter", json={}).json()
            by_name = {d["name"]: d for d in deployments}
            assert {d["global_concurrency_limit"]["limit"] for d in deployments} == {1}
            assert by_name["deadline-watch"]["concurrency_options"]["collision_strategy"] == "CANCEL_NEW"
            assert by_name["materialise"]["concurrency_options"]["collision_strategy"] == "ENQUEUE"
            runs = [
                run
                for run in client.post(
                    "/flow_runs/filter",
                    json={"deployments": {"id": {"any_": [by_name["materialise"]["id"]]}}},
                ).json()
                if not run["auto_scheduled"]
            ]
            assert [r["state_type"] for r in runs] == ["COMPLETED"], json.dumps(runs, indent=1)[:2000]
            assert runs[0]["work_pool_name"] == "pliktvakt"
            manual_runs = client.post(
                "/flow_runs/filter",
                json={
                    "flows": {"name": {"any_": ["materialise"]}},
                    "flow_runs": {"deployment_id": {"is_null_": True}},
                },
            )
            assert [r["state_type"] for r in manual_runs.json()] == ["COMPLETED"]
            artifacts = client.post(
                "/artifacts/filter", json={"artifacts": {"flow_run_id": {"any_": [runs[0]["id"]]}}}
            ).json()
            status = [a for a in artifacts if a["key"] == "obligation-status"]
            assert status and status[0]["type"] == "markdown" and "Status per" in status[0]["data"], artifacts
    finally:
        if worker is not None:
            _stop(worker)
        _stop(server)
    for log in ("server.log", "worker.log"):
        assert AUTH[1] not in (tmp_path / log).read_text(errors="replace"), f"the auth string is in {log}"


def _wait_healthy(api: str, server: subprocess.Popen, log: Path, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text(errors="replace")
        try:
            if httpx.get(f"{api}/health", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    pytest.fail(f"Prefect-serveren svarte ikke innen {timeout} s:\n{log.read_text(errors='replace')}")
