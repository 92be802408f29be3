"""Issue 30, secrets: every URL-like setting is either a secret that is redacted wherever it is
shown, or an address that is shown and so may hold none. With a password and a token in each,
the failing paths are run (the CLI, and a flow on the real Prefect server of the session), and
the output, pliktvakt's database and the bytes of Prefect's database are searched for them."""

import asyncio

import pytest

from pliktvakt.redact import redact_db_url
from pliktvakt.settings import get_settings
from tests.settlement.test_demo_and_secrets import PASSWORD, TOKEN, _database, _shown
from tests.settlement.test_mistyped_source import _prefect_database_bytes

SHOWN_ADDRESSES = ["UI_URL", "PUBLIC_URL", "KUDOS_URL", "KUDOS_DOCUMENT_URL", "TILSKUDD_API_URL"]
WITH_SECRETS = [
    f"https://ops:{PASSWORD}@host.example/x",
    f"https://host.example/x?token={TOKEN}",
    f"htps://ops:{PASSWORD}@host.example",  # mistyped: still refused, never shown
]


def said(result) -> str:
    return " ".join((result.stdout + result.stderr).replace("│", " ").split())


@pytest.mark.parametrize("name", SHOWN_ADDRESSES)
@pytest.mark.parametrize("value", WITH_SECRETS)
def test_a_shown_address_with_a_secret_is_refused_without_showing_it(wide_cli, name, value):
    result = wide_cli("status", expect=2, extra_env={f"PLIKTVAKT_{name}": value})
    text = said(result)
    assert f"PLIKTVAKT_{name}: adressen kan ikke ha brukernavn/passord" in text
    assert PASSWORD not in text and TOKEN not in text


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (f"::::{PASSWORD}", "***"),
        (f"postgresql:/imdi:{PASSWORD}@db.example/pliktvakt", "postgresql:***"),
        (f"mongodb://imdi:{PASSWORD}@db.example/x", "mongodb://imdi:***@db.example/x"),
        (
            f"postgresql+psycopg://imdi@db.example/p?password={PASSWORD}&sslmode=require",
            "postgresql+psycopg://imdi@db.example/p?password=***&sslmode=require",
        ),
    ],
)
def test_a_database_url_is_shown_without_its_secrets_even_when_it_does_not_parse(url, shown):
    assert redact_db_url(url) == shown


@pytest.mark.parametrize("url", [f"::::{PASSWORD}", f"postgresql:/imdi:{PASSWORD}@db.example/p"])
def test_a_database_url_that_does_not_parse_is_not_echoed_by_the_cli(wide_cli, url):
    text = said(wide_cli("status", expect=2, extra_env={"PLIKTVAKT_DATABASE_URL": url}))
    assert "er ikke en database pliktvakt kan bruke" in text and PASSWORD not in text


@pytest.mark.parametrize("name", ["UI_URL", "TILSKUDD_API_URL"])
def test_a_flow_run_with_a_secret_in_an_address_keeps_it_nowhere(prefect_server, env, monkeypatch, name):
    from flows.deadline_watch import deadline_watch

    monkeypatch.setenv(f"PLIKTVAKT_{name}", f"https://ops:{PASSWORD}@host.example/x?token={TOKEN}")
    get_settings.cache_clear()
    state = deadline_watch(as_of="2026-03-02T09:00", check_prefect=False, return_state=True)
    assert state.is_failed()
    assert f"PLIKTVAKT_{name}: adressen kan ikke ha brukernavn/passord" in state.message
    monkeypatch.delenv(f"PLIKTVAKT_{name}")
    get_settings.cache_clear()
    shown = asyncio.run(_shown(state.state_details.flow_run_id)) + _database()
    assert PASSWORD not in shown and TOKEN not in shown
    stored = _prefect_database_bytes()
    assert PASSWORD.encode() not in stored and TOKEN.encode() not in stored
