"""The HTTP JSON source against a real HTTP server on 127.0.0.1."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pliktvakt.settlement.inputs_source import SettlementSourceError
from tasks.settlement_source import fetch_settlement_json, load_settlement_url
from tests.servers import send_json, serve_in_background
from tests.settlement.handmade import json_payload

PAYLOAD = json_payload({"kategori": "bosatt", "antall": 12, "herav_em": 1})


class SettlementService(BaseHTTPRequestHandler):
    """Behaves like the outside service: answers, fails with 500, or hangs."""

    hits: dict[str, int] = {}

    def do_GET(self):  # noqa: N802
        hits = self.hits[self.path] = self.hits.get(self.path, 0) + 1
        if self.path == "/slow":
            self.server.stopping.wait(1.0)  # past the client's timeout, or until the test is done
        if self.path == "/error" or (self.path == "/flaky" and hits == 1):
            self._send(500, b'{"feil": "intern"}')
        elif self.path == "/missing":
            self._send(404, b"{}")
        else:
            self._send(200, json.dumps(PAYLOAD).encode())

    def _send(self, status, body):
        send_json(self, status, body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    SettlementService.hits = {}
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), SettlementService)
    httpd.daemon_threads = True
    httpd.stopping = threading.Event()
    serve_in_background(httpd)
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.stopping.set()
    httpd.shutdown()
    httpd.server_close()


def test_success(server):
    result = load_settlement_url(server + "/ok", ["0301"], timeout=5, retries=0)
    assert [(r.municipality, r.count, r.em) for r in result.rows] == [("0301", 12, 1)]
    assert result.source == server + "/ok"


def test_500_is_retried_then_fails(server):
    with pytest.raises(SettlementSourceError) as info:
        fetch_settlement_json(server + "/error", timeout=5, retries=2, backoff=0)
    # One attempt plus two retries, all answered 500.
    assert SettlementService.hits["/error"] == 3
    assert info.value.attempts == 3
    assert "etter 3 forsøk: tjenesten svarte HTTP 500" in str(info.value)


def test_500_then_success(server):
    assert fetch_settlement_json(server + "/flaky", timeout=5, retries=1, backoff=0) == PAYLOAD
    assert SettlementService.hits["/flaky"] == 2


def test_timeout_is_retried_then_fails(server):
    started = time.monotonic()
    with pytest.raises(SettlementSourceError) as info:
        fetch_settlement_json(server + "/slow", timeout=0.2, retries=1, backoff=0)
    assert "tidsavbrudd etter 0.2 s" in str(info.value)
    assert SettlementService.hits["/slow"] == 2
    # Two attempts of 0.2 s each, not the server's full second each.
    assert time.monotonic() - started < 1.5


def test_404_is_not_retried(server):
    with pytest.raises(SettlementSourceError, match="HTTP 404"):
        fetch_settlement_json(server + "/missing", timeout=5, retries=3, backoff=0)
    assert SettlementService.hits["/missing"] == 1
