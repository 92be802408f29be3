"""Fixtures for the evaluation-plan tests: a copy of the repository's config with known years,
the ministry's recipients and the local SMTP server (tests/servers.py)."""

import shutil
from pathlib import Path

import pytest
import yaml

from pliktvakt.settings import get_settings

ROOT = Path(__file__).resolve().parents[2]
MINISTRY = ["postmottak@aid.example", "saksbehandler@aid.example"]
OFFICER = "sara.lie@imdi.example"  # the officer of the role "kunnskap" in config/officers.yaml
# Known last evaluations in the copied schemes file; every other scheme stays null (unknown).
LAST = {"jobbsjansen": 2018, "integreringstilskudd": 2024, "norskopplaeringen": 2023}


def write_plan_file(path: Path, capacity: int = 3, horizon: int = 10) -> Path:
    path.write_text(
        f"""capacity_per_year: {{value: {capacity}, source: placeholder, note: test}}
horizon_years: {{value: {horizon}, source: placeholder, note: test}}
start_by: {{value: "04-30", source: placeholder, note: test}}
report_by: {{value: "12-15", source: placeholder, note: test}}
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def config_dir(tmp_path) -> Path:
    """The repository's config, with the years of ``LAST`` filled in."""
    target = tmp_path / "config"
    shutil.copytree(ROOT / "config", target)
    path = target / "grant_schemes.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for scheme in data["schemes"]:
        scheme["last_evaluated"] = LAST.get(scheme["id"], scheme["last_evaluated"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


@pytest.fixture
def eval_env(env, config_dir, smtp_server, monkeypatch, tmp_path):
    """Settings with the copied config, the ministry's recipients, the local SMTP server and
    an output folder of the test's own."""
    monkeypatch.setenv("PLIKTVAKT_CONFIG_DIR", str(config_dir))
    monkeypatch.setenv("PLIKTVAKT_MINISTRY_RECIPIENTS", ",".join(MINISTRY))
    monkeypatch.setenv("PLIKTVAKT_EMAIL_URL", smtp_server.url)
    monkeypatch.setenv("PLIKTVAKT_EVALUATION_PLAN_DIR", str(tmp_path / "plan"))
    monkeypatch.setenv("PLIKTVAKT_KUDOS_URL", "http://127.0.0.1:9/api/v0")  # nothing listens
    monkeypatch.setenv("PLIKTVAKT_KUDOS_BACKOFF_SECONDS", "0")
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()
