"""Fixtures for the publications tests: a real SMTP server on 127.0.0.1 (aiosmtpd)."""

import email
import socket
from email.message import Message
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from pliktvakt.settings import get_settings

MINISTRY = ["postmottak@aid.example", "saksbehandler@aid.example"]
OWNER_EMAIL = "sara.lie@imdi.example"  # officer of the role "kunnskap" in config/officers.yaml


class Inbox:
    """Collects every mail the server accepts, parsed."""

    def __init__(self):
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if address in m["X-Envelope-To"]]

    def subjects(self, address: str) -> list[str]:
        return [str(m["Subject"]) for m in self.to(address)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    inbox.url = f"mailto://127.0.0.1:{controller.port}?from=pliktvakt@imdi.example"
    yield inbox
    controller.stop()


@pytest.fixture
def pub_env(env, smtp, monkeypatch):
    """Settings with the ministry's recipients and the local SMTP server."""
    monkeypatch.setenv("PLIKTVAKT_MINISTRY_RECIPIENTS", ",".join(MINISTRY))
    monkeypatch.setenv("PLIKTVAKT_EMAIL_URL", smtp.url)
    monkeypatch.setenv("PLIKTVAKT_KUDOS_URL", "http://127.0.0.1:9/api/v0")  # nothing listens: tests set their own
    monkeypatch.setenv("PLIKTVAKT_KUDOS_BACKOFF_SECONDS", "0")
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()
