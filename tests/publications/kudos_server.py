"""A stand-in for Kudos' public API: a real HTTP server on 127.0.0.1, in a thread.

Serves ``GET /api/v0/documents?type=…&actor_name=…&page=N`` as Laravel-style pages,
like Kudos does, and can be told to misbehave for the next requests:
"timeout" (sleeps beyond the client's timeout), "500", "bad_shape" (JSON without
``meta``) or "html" (a 200 that is not JSON). ``requests`` records the query of every request it got.
"""

import json
import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

API_PREFIX = "/api/v0"


def document(
    uuid: str,
    title: str,
    actor: str = "Integrerings- og mangfoldsdirektoratet",
    type_: str = "Evaluering",
    **extra,
) -> dict:
    """A document shaped like Kudos' (fields we do not use are left out or passed in ``extra``)."""
    return {
        "uuid": uuid,
        "title": title,
        "type": type_,
        "actors": [{"name": actor, "role": "Oppdragsgiver"}],
        **extra,
    }


class KudosStandIn:
    def __init__(self, documents: list[dict], per_page: int = 2, sleep_seconds: float = 1.0):
        self.documents = documents
        self.per_page = per_page
        self.sleep_seconds = sleep_seconds
        self.script: deque[str] = deque()  # behaviours for the next requests, in order
        self.always: str | None = None  # a behaviour for every request
        self.requests: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()  # ends a too-late answer when the test is done
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{API_PREFIX}"

    def __enter__(self) -> "KudosStandIn":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def next_behaviour(self) -> str:
        with self._lock:
            if self.script:
                return self.script.popleft()
            return self.always or "ok"

    def page(self, query: dict[str, str]) -> dict:
        matching = [
            d
            for d in self.documents
            if d["type"] == query.get("type", d["type"])
            and ("actor_name" not in query or any(a["name"] == query["actor_name"] for a in d["actors"]))
        ]
        current = int(query.get("page", "1"))
        last = max(1, -(-len(matching) // self.per_page))
        start = (current - 1) * self.per_page
        data = matching[start : start + self.per_page]
        return {
            "data": data,
            "meta": {
                "current_page": current,
                "last_page": last,
                "per_page": self.per_page,
                "total": len(matching),
                "from": start + 1 if data else None,
                "to": start + len(data) if data else None,
            },
        }

    def _handler(self):
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:
                url = urlparse(self.path)
                query = {k: v[-1] for k, v in parse_qs(url.query).items()}
                with stand_in._lock:
                    stand_in.requests.append(query)
                if url.path != f"{API_PREFIX}/documents":
                    return self._send(404, {"message": "Not Found"})
                behaviour = stand_in.next_behaviour()
                if behaviour == "timeout":
                    stand_in._stopping.wait(stand_in.sleep_seconds)  # past the client's timeout
                    return self._send(200, stand_in.page(query))
                if behaviour == "500":
                    return self._send(500, {"message": "Server Error"})
                if behaviour == "html":  # e.g. a maintenance page from a proxy
                    payload = b"<html><body>Vedlikehold</body></html>"
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return None
                if behaviour == "bad_shape":
                    return self._send(200, {"data": stand_in.page(query)["data"], "pagination": {}})
                return self._send(200, stand_in.page(query))

            def _send(self, status: int, body: dict) -> None:
                payload = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

        return Handler
