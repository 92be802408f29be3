"""Smoke tests of the real entry point, as a process of its own: the other CLI tests call the
same `main` in the test's process (tests/cli_runner.py), so these check what only a process
shows: the installed `pliktvakt` script, its exit codes, and that a user's mistake prints a
bokmål line on stderr and no traceback."""

import os
import shutil
import subprocess
from pathlib import Path


def _pliktvakt(*args: str, cwd: Path, **extra_env: str) -> subprocess.CompletedProcess:
    script = shutil.which("pliktvakt")
    assert script is not None, "the `pliktvakt` script is not installed in the environment"
    return subprocess.run(
        [script, *args], capture_output=True, text=True, cwd=cwd, env={**os.environ, **extra_env}, timeout=120
    )


def test_help_exits_0_and_is_in_bokmal(tmp_path):
    result = _pliktvakt("--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "IMDis plikter etter instruksen fra AID" in result.stdout


def test_a_bad_option_value_exits_2_with_the_reason_and_no_traceback(tmp_path):
    result = _pliktvakt("deadline", "--from", "2025-02-30", "--add", "3d", cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "Feil: --from: «2025-02-30» er ikke en dato på formen ÅÅÅÅ-MM-DD." in result.stderr


def test_an_unmigrated_database_exits_2_with_advice_and_no_traceback(tmp_path):
    url = f"sqlite:///{tmp_path / 'tom.db'}"  # created empty on first use: no tables
    config = str(Path(__file__).resolve().parents[1] / "config")
    result = _pliktvakt("status", cwd=tmp_path, PLIKTVAKT_DATABASE_URL=url, PLIKTVAKT_CONFIG_DIR=config)
    assert result.returncode == 2, result.stdout + result.stderr
    said = " ".join(result.stderr.split())  # rich wraps long lines
    assert "Traceback" not in said and "no such table: occurrence. Kjør `pliktvakt init` først" in said
