"""Fixtures for the publications tests: the shared SMTP server on 127.0.0.1 (tests/servers.py)."""

import pytest

from pliktvakt.settings import get_settings

MINISTRY = ["postmottak@aid.example", "saksbehandler@aid.example"]
OWNER_EMAIL = "sara.lie@imdi.example"  # officer of the role "kunnskap" in config/officers.yaml


@pytest.fixture
def smtp(smtp_server):
    return smtp_server


@pytest.fixture
def pub_env(env, smtp, monkeypatch):
    """Settings with the ministry's recipients and the local SMTP server."""
    monkeypatch.setenv("PLIKTVAKT_MINISTRY_RECIPIENTS", ",".join(MINISTRY))
    monkeypatch.setenv("PLIKTVAKT_EMAIL_URL", smtp.url)
    monkeypatch.setenv(
        "PLIKTVAKT_KUDOS_URL", "http://127.0.0.1:9/api/v0"
    )  # nothing listens: tests set their own
    monkeypatch.setenv("PLIKTVAKT_KUDOS_BACKOFF_SECONDS", "0")
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()
