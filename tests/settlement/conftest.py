"""Fixtures over the hand-made data in ``handmade.py``."""

import pytest

from pliktvakt.settlement.inputs import Municipality
from pliktvakt.settlement.inputs_figures import parse_csv
from tests.settlement.handmade import MUNICIPALITIES, hand_made_csv


@pytest.fixture
def municipalities() -> list[Municipality]:
    return list(MUNICIPALITIES)


@pytest.fixture
def load_result():
    result = parse_csv(hand_made_csv().encode("utf-8"), "hand.csv", [m.code for m in MUNICIPALITIES])
    assert result.quarantined == []
    return result


# --- For the flow tests: a real SMTP server and a small hand-made world -------------------

import shutil  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

from pliktvakt.settings import get_settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def smtp(smtp_server, monkeypatch):
    """The shared SMTP server (tests/servers.py); PLIKTVAKT_EMAIL_URL points at it."""
    monkeypatch.setenv("PLIKTVAKT_EMAIL_URL", smtp_server.url)
    get_settings.cache_clear()
    return smtp_server


MUNICIPALITY_CSV = """\
# Fire kommuner, håndlaget for testene.
kommunenr;kommune;fylkesnr;fylke
0301;Oslo;03;Oslo
1103;Stavanger;11;Rogaland
4601;Bergen;46;Vestland
4602;Kinn;46;Vestland
"""

SETTLEMENT_YAML = """\
need: {2024: 200, 2025: 200}
large_deviation: {below: 0.85, above: null}
far_behind: {ratio: 0.6, min_shortfall: 5}
projection: {history_years: 3}
suppression_threshold: 5
require_approval: false
"""

RECIPIENTS = ["post@aid.example", "analyse@aid.example"]


@dataclass
class FlowWorld:
    source: Path
    publish_dir: Path
    report_dir: Path

    def write(self, text: str, encoding: str = "utf-8") -> None:
        self.source.write_bytes(text.encode(encoding))


@pytest.fixture
def world(env, monkeypatch, tmp_path) -> FlowWorld:
    """Settings for a flow run on the hand-made municipalities, with the real catalogue."""
    config = tmp_path / "config"
    config.mkdir()
    for name in ("obligations.yaml", "officers.yaml"):
        shutil.copy(ROOT / "config" / name, config / name)
    (config / "municipalities.csv").write_text(MUNICIPALITY_CSV, encoding="utf-8")
    (config / "settlement.yaml").write_text(SETTLEMENT_YAML, encoding="utf-8")
    created = FlowWorld(tmp_path / "bosetting.csv", tmp_path / "publisert", tmp_path / "rapporter")
    for name, value in [
        ("CONFIG_DIR", config),
        ("SETTLEMENT_SOURCE", created.source),
        ("PUBLISH_DIR", created.publish_dir),
        ("SETTLEMENT_REPORT_DIR", created.report_dir),
        ("MINISTRY_RECIPIENTS", ",".join(RECIPIENTS)),
        ("SETTLEMENT_RETRIES", "1"),
        ("SETTLEMENT_TIMEOUT", "0.5"),
    ]:
        monkeypatch.setenv(f"PLIKTVAKT_{name}", str(value))
    monkeypatch.delenv("PLIKTVAKT_EMAIL_URL", raising=False)
    get_settings.cache_clear()
    return created


def db_rows(model, **where) -> list:
    """The rows of ``model`` in the settings' database where each field equals its value."""
    from sqlmodel import select

    from pliktvakt.db import make_engine, session_scope

    with session_scope(make_engine(get_settings().database_url)) as session:
        query = select(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return list(session.exec(query))
