"""Issue 30: a settlement source URL with a typo (``htps://user:pass@…?token=…``) was taken
for a file path and shown whole: in the CLI, the flow log, the Failed state, and 24 times in
Prefect's database. Now it is redacted wherever it is shown and never passed to a task. Looked
for in the run as the Prefect server keeps it, in pliktvakt's database and in the bytes of
Prefect's database."""

import asyncio
from pathlib import Path

import pytest

from flows.settlement_analysis import settlement_analysis
from pliktvakt.redact import looks_like_url, redact_location
from pliktvakt.settings import get_settings
from tests.settlement.test_demo_and_secrets import PASSWORD, TOKEN, _database, _shown


def _prefect_database_bytes() -> bytes:
    from prefect.settings import PREFECT_API_DATABASE_CONNECTION_URL

    url = PREFECT_API_DATABASE_CONNECTION_URL.value() or ""
    path = Path(url.split("///", 1)[1]) if "sqlite" in url and "///" in url else None
    if path is None or not path.exists():
        pytest.skip(f"Prefect's test database is not a SQLite file here ({url.split(':', 1)[0]})")
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))  # with -wal


@pytest.mark.parametrize(
    "source",
    [
        f"htps://imdi:{PASSWORD}@data.imdi.example/api/bosetting?token={TOKEN}",
        f"https:/imdi:{PASSWORD}@data.imdi.example/api?token={TOKEN}",
        f"imdi:{PASSWORD}@data.imdi.example/api?token={TOKEN}",
    ],
)
def test_mistyped_source_url_is_redacted_everywhere(prefect_server, world, monkeypatch, source):
    monkeypatch.setenv("PLIKTVAKT_SETTLEMENT_SOURCE", source)
    get_settings.cache_clear()
    state = settlement_analysis(as_of="2025-03-03", return_state=True)
    assert state.is_failed()
    assert "ser ut som en adresse, men begynner ikke med http:// eller https://" in state.message
    shown = asyncio.run(_shown(state.state_details.flow_run_id)) + _database()
    assert TOKEN not in shown and PASSWORD not in shown
    stored = _prefect_database_bytes()
    assert TOKEN.encode() not in stored and PASSWORD.encode() not in stored


def test_url_like_values_are_redacted_even_when_they_do_not_parse():
    assert redact_location(f"htps://u:{PASSWORD}@host.example/p?token={TOKEN}") == "htps://host.example/p"
    assert redact_location(f"http://[::1:{PASSWORD}/x") == "http://***"
    assert redact_location(f"u:{PASSWORD}@host/x") == "***"
    assert redact_location("/data/bosetting.csv") == "/data/bosetting.csv"
    assert not looks_like_url("data/bosetting 2025.csv")
