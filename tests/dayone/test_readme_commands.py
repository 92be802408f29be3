"""The README's commands work in a fresh shell after `make run` or `make test`: they call the
environment's own programs (.venv/bin/…), so no PATH set up by an earlier shell is needed."""

import os
import re
import subprocess

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def fresh_shell(command: str) -> subprocess.CompletedProcess:
    """``command`` in a new login-less shell with only the system's PATH: no uv, no ~/.local/bin."""
    env = {"HOME": os.environ["HOME"], "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    return subprocess.run(
        ["/bin/sh", "-c", command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_readme_calls_the_environments_own_programs():
    # No command given as `uv run …`, in running text or a code block.
    assert re.findall(r"`uv run [a-z]|^uv run ", README, re.MULTILINE) == []
    programs = set(re.findall(r"\.venv/bin/([a-z]+)", README))
    assert {"pliktvakt", "alembic", "prefect", "python"} <= programs
    for program in programs:
        assert (ROOT / ".venv" / "bin" / program).is_file(), program
    assert fresh_shell("command -v uv").returncode != 0  # the shell really has no uv


def test_the_readmes_deadline_examples_in_a_fresh_shell():
    """The README's own examples and what it says they print (worked out there by hand:
    Easter Monday 21 April 2025 and Maundy Thursday 17 April 2025)."""
    for command, printed in [
        (".venv/bin/pliktvakt deadline --from 2025-03-31 --add 3w", "2025-04-22"),
        (".venv/bin/pliktvakt deadline --from 2025-05-01 --add=-14d", "2025-04-16"),
    ]:
        assert f"`{command}` prints `{printed}`" in README.replace("\n", " ")
        done = fresh_shell(command)
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines()[0].startswith(printed), done.stdout
