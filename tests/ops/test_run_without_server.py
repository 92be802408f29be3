"""`pliktvakt run` with no Prefect server, on a machine kept busy by a CPU-bound process:
it starts a temporary server, waits long enough for it, says once that the run is not kept,
and completes."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.ops.procs import clean_env, free_port

ROOT = Path(__file__).resolve().parents[2]
BURN = "while True: pass"


@pytest.mark.timeout(900)
def test_run_materialise_completes_on_a_busy_machine_without_a_server(sqlite_url, tmp_path):
    env = clean_env(
        PREFECT_HOME=str(tmp_path / "prefect-home"),
        PLIKTVAKT_DATABASE_URL=sqlite_url,
        PLIKTVAKT_CONFIG_DIR=str(ROOT / "config"),
        # No `make run` answers on this port, so the run falls back to a temporary server.
        PLIKTVAKT_PREFECT_PORT=str(free_port()),
    )
    pliktvakt = [sys.executable, "-m", "cli.main"]
    subprocess.run([*pliktvakt, "init"], cwd=tmp_path, env=env, check=True, capture_output=True, timeout=300)
    burner = subprocess.Popen([sys.executable, "-c", BURN])
    try:
        result = subprocess.run(
            [*pliktvakt, "run", "materialise"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=800,
        )
    finally:
        burner.kill()
        burner.wait()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Flyten materialise fullført" in result.stdout
    assert result.stderr.count("midlertidig Prefect-server") == 1
    assert "Traceback" not in result.stderr
