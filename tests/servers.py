"""Real servers on 127.0.0.1 for tests: an SMTP server (aiosmtpd) and an HTTPS endpoint
that behaves like a Power Automate (Teams) workflow, with trustme certificates."""

import email
import email.policy
import json
import socket
import ssl
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage as Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import trustme
from aiosmtpd.controller import Controller


def send_json(handler: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict | None = None) -> None:
    """Answer a stand-in service's request with a JSON body (and ``headers``); a client that
    gave up (a timeout test) is not an error of the server."""
    handler.send_response(status)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    try:
        handler.wfile.write(body)
    except (BrokenPipeError, ConnectionResetError):
        pass


def serve_in_background(httpd) -> threading.Thread:
    """``httpd`` answering on a daemon thread until its ``shutdown()``. ``serve_forever`` looks
    for a shutdown every 0.5 s by default, and each test would wait that long at teardown."""
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return thread


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Recorder:
    """Keeps every mail, parsed, with its envelope recipients in ``X-Envelope-To``.

    Recipients in ``refuse`` are answered 550 at RCPT.
    """

    def __init__(self, refuse: set[str]):
        self.messages: list[Message] = []
        self.envelopes: list = []
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"


class SmtpServer:
    """aiosmtpd on a free (or given) port. ``url`` is the PLIKTVAKT_EMAIL_URL that reaches it.

    With ``password``, the server requires AUTH LOGIN/PLAIN as user ``pliktvakt``. Addresses
    added to ``refuse`` are refused at RCPT with 550.
    """

    def __init__(self, port: int | None = None, password: str | None = None):
        self.port = port or free_port()
        self.password = password
        self.refuse: set[str] = set()
        self.recorder = _Recorder(self.refuse)
        extra = {}
        if password:
            extra = dict(authenticator=self._authenticate, auth_required=True, auth_require_tls=False)
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port, **extra)

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        ok = auth_data.login == b"pliktvakt" and auth_data.password == self.password.encode()
        return AuthResult(success=ok)

    def start(self) -> "SmtpServer":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    @property
    def url(self) -> str:
        credentials = f"pliktvakt:{self.password}@" if self.password else ""
        return f"mailto://{credentials}127.0.0.1:{self.port}?from=pliktvakt@imdi.example"

    @property
    def messages(self) -> list[Message]:
        return self.recorder.messages

    def to(self, address: str, subject_start: str = "") -> list[Message]:
        """Mails with ``address`` in their To header (and a subject starting with ``subject_start``)."""
        return [
            m for m in self.messages if address in m["To"] and str(m["Subject"]).startswith(subject_start)
        ]

    def subjects(self, address: str) -> list[str]:
        return [str(m["Subject"]) for m in self.to(address)]


@dataclass
class TeamsEndpoint:
    """An HTTPS server answering like a Power Automate workflow trigger (202), or ``status``."""

    status: int = 202
    requests: list[dict] = field(default_factory=list)

    def start(self) -> "TeamsEndpoint":
        authority = trustme.CA()
        certificate = authority.issue_cert("127.0.0.1")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        certificate.configure_cert(context)
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                endpoint.requests.append({"path": self.path, "body": json.loads(body or b"{}")})
                self.send_response(endpoint.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        serve_in_background(self.server)
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, workflow: str = "wf0123456789", signature: str = "SECRETsig0123456789abcdef") -> str:
        # verify=no only here: the certificate comes from a throwaway trustme CA.
        return f"workflows://127.0.0.1:{self.port}/{workflow}/{signature}?verify=no"

    def texts(self) -> list[str]:
        return [json.dumps(r["body"], ensure_ascii=False) for r in self.requests]
