from pathlib import Path

import pytest

from pliktvakt.grants.schemes import load_schemes

ROOT = Path(__file__).resolve().parents[2]
HEADER = "ordning;år;søker;orgnr;søkt_beløp;tildelt_beløp;avslagsgrunn;beregning"

# Real organisation numbers with valid check digits (mod 11), used as test applicants.
ORGNR_A = "974760673"
ORGNR_B = "987879696"
ORGNR_C = "971526920"


@pytest.fixture(scope="session")
def schemes():
    return load_schemes(ROOT / "config" / "grant_schemes.yaml")


@pytest.fixture
def write_csv(tmp_path):
    def write(*lines: str, name: str = "tildelinger.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
        return path

    return write


# --- real servers and the wired database (phase 2) -----------------------------------------

import email  # noqa: E402
import socket  # noqa: E402

from aiosmtpd.controller import Controller  # noqa: E402

from pliktvakt.settings import get_settings  # noqa: E402

ORGNR_D = "923609016"
MINISTRY = ["aid.postmottak@dep.example", "aid.tilskudd@dep.example"]
OFFICER = "fatima.ali@imdi.example"  # holder of role tilskudd in config/officers.yaml


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Recorder:
    """Accepts every mail, or refuses recipients listed in ``refuse`` with 550."""

    def __init__(self):
        self.messages: list[email.message.Message] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


class Smtp:
    def __init__(self):
        self.port = _free_port()
        self.recorder = _Recorder()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"mailto://127.0.0.1:{self.port}?from=pliktvakt@imdi.example"

    @property
    def messages(self):
        return self.recorder.messages

    def to(self, address: str, subject_start: str = "") -> list:
        return [m for m in self.messages if address in m["To"] and _subject(m).startswith(subject_start)]


def _subject(message) -> str:
    return str(email.header.make_header(email.header.decode_header(message["Subject"])))


@pytest.fixture
def smtp():
    server = Smtp()
    server.controller.start()
    yield server
    server.controller.stop()


@pytest.fixture
def grants_env(env, smtp, monkeypatch):
    """Settings with a migrated SQLite file, the SMTP server above and two ministry recipients."""
    monkeypatch.setenv("PLIKTVAKT_EMAIL_URL", smtp.url)
    monkeypatch.setenv("PLIKTVAKT_MINISTRY_RECIPIENTS", ",".join(MINISTRY))
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()
