"""A stand-in for the grants register on 127.0.0.1 that answers by the contract in
``pliktvakt.register.contract``, faults included.

- ``POST /api/v1/tilskuddsordninger`` and ``/api/v1/tilskudd`` need the bearer token and an
  ``Idempotency-Key``. A key seen before gets its first answer again and changes nothing
  (``duplicates`` counts them); a new key for a known ``ekstern_id`` updates the entry.
- ``faults`` is a queue of what the next POSTs meet: ``("429", seconds)`` (Retry-After),
  ``("500",)``, ``("slow", seconds)``: the entry is stored, then the answer waits (so a client
  that times out sends the same POST again), or ``("refuse", reason)``: 422.
- ``fail_after = N``: after N stored entries every POST gets 500 (a server failing midway).
- ``latency``: seconds every request waits (the benchmark).
- ``GET /api/download/allocation-to-volunteers?year=Y``: the year's awards as xlsx, served as
  ``application/json`` and with wrong recorded dimensions, as the real one does. ``published``
  overrides what it shows: ``{ekstern_id: None}`` leaves an award out, ``{ekstern_id: amount}``
  shows another amount.
"""

import io
import json
import re
import threading
import time
import zipfile
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from tests.servers import free_port, send_json

TOKEN = "hemmelig-nokkel-123"


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # listen backlog: the default 5 drops connections under load
    daemon_threads = True


PATHS = {"/api/v1/tilskuddsordninger": "ordning", "/api/v1/tilskudd": "tilskudd"}
AWARD_FIELDS = ("ekstern_id", "ordning", "mottaker_orgnr", "tildelt_belop", "aar")


class RegisterServer:
    def __init__(self, token: str = TOKEN, latency: float = 0.0):
        self.token, self.latency = token, latency
        self.faults: deque = deque()
        self.fail_after: int | None = None
        self.answers: dict[str, tuple[int, dict]] = {}  # by idempotency key
        self.entries: dict[tuple[str, str], dict] = {}  # (kind, ekstern_id) -> body, as stored
        self.ids: dict[tuple[str, str], str] = {}
        self.published: dict[str, object] = {}
        self.posts = self.duplicates = 0
        self.requests: list[dict] = []  # path and headers of every POST, for the tests
        self.lock = threading.Lock()
        self.stopping = threading.Event()  # ends a too-late answer when the test is done
        self.port = free_port()
        self.httpd = _Server(("127.0.0.1", self.port), self._handler())
        # Shutdown is looked for every 0.05 s, not serve_forever's 0.5 s, at every teardown.
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "RegisterServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def awards(self) -> dict[str, dict]:
        return {ref: body for (kind, ref), body in self.entries.items() if kind == "tilskudd"}

    # --- POST -------------------------------------------------------------------------

    def post(self, path: str, headers, body: bytes) -> tuple[int, dict, dict]:
        """(status, JSON answer, extra headers) of one POST; may sleep (latency, slow)."""
        with self.lock:
            self.posts += 1
            self.requests.append(
                {
                    "path": path,
                    "headers": dict(headers),
                    "key": headers.get("Idempotency-Key"),
                    "at": time.monotonic(),
                }
            )
            fault = self.faults.popleft() if self.faults else None
        if fault and fault[0] == "429":
            return 429, {"feil": "for mange forespørsler"}, {"Retry-After": str(fault[1])}
        if fault and fault[0] == "500":
            return 500, {"feil": "intern feil"}, {}
        if fault and fault[0] == "refuse":
            return 422, {"feil": fault[1]}, {}
        if headers.get("Authorization") != f"Bearer {self.token}":
            return 401, {"feil": "ugyldig eller manglende nøkkel"}, {}
        key, kind = headers.get("Idempotency-Key"), PATHS.get(path)
        if not key or kind is None:
            return 400, {"feil": "Idempotency-Key mangler" if kind else "ukjent adresse"}, {}
        status, answer = self._store(kind, key, json.loads(body))
        if fault and fault[0] == "slow":
            self.stopping.wait(fault[1])  # stored, but the answer comes too late: the client tries again
        return status, answer, {}

    def _store(self, kind: str, key: str, body: dict) -> tuple[int, dict]:
        with self.lock:
            if key in self.answers:
                self.duplicates += 1
                return self.answers[key]
            if kind == "tilskudd" and any(body.get(f) in (None, "") for f in AWARD_FIELDS):
                return 422, {"feil": "påkrevd felt mangler"}
            if self.fail_after is not None and len(self.entries) >= self.fail_after:
                return 500, {"feil": "tjenesten er nede"}
            entry = (kind, body["ekstern_id"])
            status = 200 if entry in self.ids else 201
            self.ids.setdefault(entry, f"T-{len(self.ids) + 1:06d}")
            self.entries[entry] = body
            self.answers[key] = (status, {"id": self.ids[entry]})
            return self.answers[key]

    # --- GET --------------------------------------------------------------------------

    def allocation_file(self, year: int) -> bytes:
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.append(["Tildelinger til frivillige organisasjoner", None])  # a title above the header
        sheet.append(
            ["Organisasjonsnummer", "Mottaker", "Tilskuddsordning", "Tilskuddsforvalter", "Beløp", "År"]
        )
        for ref, body in sorted(self.awards().items()):
            amount = self.published.get(ref, body["tildelt_belop"])
            if int(body["aar"]) != year or amount is None:
                continue
            sheet.append(
                [
                    int(body["mottaker_orgnr"]),
                    body["mottaker"],
                    body["ordning"],
                    body["forvalter"],
                    float(amount),
                    year,
                ]
            )
        buffer = io.BytesIO()
        workbook.save(buffer)
        return _wrong_dimensions(buffer.getvalue())

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # as a real server: no 40 ms wait for delayed ACKs

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if server.latency:
                    time.sleep(server.latency)
                status, answer, extra = server.post(urlparse(self.path).path, self.headers, body)
                send_json(self, status, json.dumps(answer).encode(), extra)

            def do_GET(self):
                url = urlparse(self.path)
                if url.path == "/stand-in/stats":  # for a benchmark that runs it in another process
                    stats = {
                        "awards": len(server.awards()),
                        "posts": server.posts,
                        "duplicates": server.duplicates,
                    }
                    return send_json(self, 200, json.dumps(stats).encode())
                if url.path != "/api/download/allocation-to-volunteers":
                    return send_json(self, 404, b'{"feil": "ukjent adresse"}')
                year = int(parse_qs(url.query).get("year", ["0"])[0])
                with server.lock:
                    fault = server.faults.popleft() if server.faults else None
                if fault and fault[0] == "500":
                    return send_json(self, 500, b'{"feil": "intern feil"}')
                if fault and fault[0] == "html":
                    return send_json(self, 200, b"<html>vedlikehold</html>")
                send_json(self, 200, server.allocation_file(year))  # says JSON; is xlsx

        return Handler


def serve(port: int, latency: float) -> None:
    """Run the stand-in on ``port`` until killed (``python -m tests.register_server PORT LATENCY``)."""
    server = RegisterServer(latency=latency)
    server.httpd.server_close()
    server.port = port
    server.httpd = _Server(("127.0.0.1", port), server._handler())
    server.httpd.serve_forever()


def _wrong_dimensions(xlsx: bytes) -> bytes:
    """The same workbook with the sheet's recorded dimension set to A1:B2."""
    source, target = zipfile.ZipFile(io.BytesIO(xlsx)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', data)
            out.writestr(item, data)
    return target.getvalue()


if __name__ == "__main__":
    import sys

    serve(int(sys.argv[1]), float(sys.argv[2]))
