"""Each command loads only what it needs: checked in `sys.modules` of a real CLI process."""

import json
import os
import subprocess
import sys

import pytest

HEAVY = ("prefect", "sqlalchemy", "sqlmodel", "alembic", "openpyxl", "numpy", "matplotlib")
# Runs the CLI as `pliktvakt` does, then reports which heavy packages ended up loaded.
PROBE = f"""
import json, sys
from cli.main import main
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
print(json.dumps({{"code": code, "loaded": [m for m in {HEAVY!r} if m in sys.modules]}}), file=sys.stderr)
"""


def _loaded(tmp_path, *args: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ},
        timeout=120,
    )
    report = json.loads(result.stderr.strip().splitlines()[-1])
    assert report["code"] in (0, None), result.stdout + result.stderr
    return report["loaded"]


@pytest.mark.parametrize(
    "args",
    [("deadline", "--from", "2025-03-31", "--add", "3w"), ("--help",), ("obligations", "list", "--json")],
)
def test_light_commands_load_no_database_excel_plotting_or_prefect(env, tmp_path, args):
    assert _loaded(tmp_path, *args) == []


def test_status_loads_the_database_layer_only(env, tmp_path):
    assert _loaded(tmp_path, "status", "--json") == ["sqlalchemy", "sqlmodel"]


def test_the_cli_offers_every_publication_kind():
    from cli.publications import KINDS
    from pliktvakt.publications.inputs import PublicationKind

    assert KINDS == tuple(kind.value for kind in PublicationKind)
