"""The main job on the embedded default: a local Prefect server, the duty desk (officers'
web app), pliktvakt's SQLite database, and every deployment served with its schedules.

Serving begins first; then each flow runs once as a run of its deployment (``StartUp``), so
the start-up runs show under their deployments in the UI and their end states are printed.

Stop it with Ctrl-C or SIGTERM: serving stops first, then the server. The server runs in
a session of its own, so the terminal's Ctrl-C does not kill it from under the serving
process (which would then hang on its websocket).
"""

import _thread
import fcntl
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from deployments.local_server import API, HOST, PORT, PREFECT_HOME, ROOT, UI, healthy, prefect_env

LOG = ROOT / "data" / "prefect-server.log"
DESK_LOG = ROOT / "data" / "desk.log"
LOCK = ROOT / "data" / "make-run.pid"
STARTUP_SECONDS = 180
STOP_SECONDS = 5


def hold_lock():
    """One `make run` per checkout and port. A second one says so and exits."""
    LOCK.parent.mkdir(parents=True, exist_ok=True)
    lock = open(LOCK, "a+")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.seek(0)
        sys.exit(
            f"`make run` kjører allerede (prosess {lock.read().strip() or '?'}), med Prefect-grensesnittet "
            f"på {UI}. Stopp den med Ctrl-C før du starter en ny."
        )
    if healthy():
        sys.exit(
            f"En annen Prefect-server svarer allerede på {API}. Stopp den, eller velg en annen port med "
            "PLIKTVAKT_PREFECT_PORT."
        )
    lock.seek(0)
    lock.truncate()
    lock.write(f"{os.getpid()}\n")
    lock.flush()
    return lock


def launch_server() -> subprocess.Popen:
    """Start the Prefect server in its own session; ``wait_answering`` waits for it."""
    PREFECT_HOME.mkdir(parents=True, exist_ok=True)
    return launch(["-m", "prefect", "server", "start", "--host", HOST, "--port", str(PORT)], LOG)


def launch(args: list[str], log_path: Path) -> subprocess.Popen:
    """``python args`` in its own session, logging to ``log_path``."""
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            [sys.executable, *args],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=os.environ.copy(),
            start_new_session=True,
        )


def wait_answering(process: subprocess.Popen, log_path: Path, name: str, answers) -> None:
    """Return once ``answers()``; else a bokmål line naming ``name`` and the log, and exit, if
    it stops or stays silent."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if answers():
            return
        if process.poll() is not None:
            sys.exit(f"{name} stoppet; se {log_path}")
        time.sleep(0.2)
    stop_server(process)
    sys.exit(f"{name} svarte ikke innen {STARTUP_SECONDS} sekunder; se {log_path}")


def stop_server(server: subprocess.Popen) -> None:
    """SIGTERM to the server's whole session; SIGKILL what is left after STOP_SECONDS."""
    for sig, wait in ((signal.SIGTERM, STOP_SECONDS), (signal.SIGKILL, STOP_SECONDS)):
        try:
            os.killpg(server.pid, sig)
        except ProcessLookupError:
            return
        try:
            server.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def desk_port(wanted: int) -> int:
    """``wanted`` (PLIKTVAKT_WEB_PORT) when it is free, else any free port: `make run` starts
    even when something else holds 8400, and the alerts then link to where the desk really is."""
    with socket.socket() as sock:
        try:
            sock.bind((HOST, wanted))
            return wanted
        except OSError:
            sock.bind((HOST, 0))
            return sock.getsockname()[1]


def launch_desk() -> tuple[subprocess.Popen, str]:
    """Start `pliktvakt web` in its own session: (process, address).

    PLIKTVAKT_PUBLIC_URL, when not set, becomes the address it serves on, so every link in an
    alert reaches it; set here, before any flow runs, so the served flows inherit it."""
    from pliktvakt.settings import Settings, get_settings

    settings = get_settings()
    port = desk_port(settings.web_port)
    address = f"http://{HOST}:{port}"
    if settings.public_url == Settings.model_fields["public_url"].default:
        os.environ["PLIKTVAKT_PUBLIC_URL"] = address
        get_settings.cache_clear()
    return launch(["-m", "cli.main", "web", "--host", HOST, "--port", str(port)], DESK_LOG), address


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


# A run that may pause for a person's approval (pkt. 2.2) is not waited for beyond this: the
# start-up goes on, and the run goes on in the serving process when it is answered in the UI.
WAITS_FOR_A_PERSON = {"settlement-analysis"}
ASIDE_SECONDS = 60
DONE = "Oppstartskjøringene er ferdige"


class StartUp(threading.Thread):
    """After serving has begun: waits for the desk, says where the UI and the desk are, then
    runs each flow once as a run of its deployment, so the UI is up to date at once instead of
    at the first scheduled time, and the runs show under their deployments (issue 31).

    The flows are level-triggered, so an extra run is harmless. Each run's end state is printed;
    a failed run is shown in the UI and does not stop the serving. The desk not answering does:
    it stops `make run` as before serving began."""

    def __init__(self, desk: subprocess.Popen, desk_address: str):
        super().__init__(name="oppstart", daemon=True)
        self.desk, self.desk_address = desk, desk_address
        self.ids: dict[str, str] = {}
        self.stopping = threading.Event()
        self.failed: str | None = None

    def begin(self, deployment_ids: dict[str, str]) -> None:
        """Start, once the deployments are registered (by id, from their names)."""
        self.ids = deployment_ids
        self.start()

    def run(self) -> None:
        try:
            self._run()
        except SystemExit as exc:  # the desk stopped or stayed silent: stop `make run`
            self.failed = str(exc.code)
            _thread.interrupt_main()
        except Exception as exc:  # the server went away while stopping; else say what failed
            if not self.stopping.is_set():
                print(f"Oppstartskjøringene stoppet: {exc}", flush=True)

    def _run(self) -> None:
        from prefect.client.orchestration import get_client

        from flows.registry import FLOWS

        wait_answering(
            self.desk, DESK_LOG, "Pliktvakt web", lambda: _answers(f"{self.desk_address}/logg-inn")
        )
        print(
            f"\nPrefect UI: {UI}  (deployments, kjøringer og artefakter)."
            f"\nPliktvakt web: {self.desk_address}  (saksbehandlernes pliktside; lenkene i varslene går hit)."
            "\nStopp med Ctrl-C.\n",
            flush=True,
        )
        with get_client(sync_client=True) as client:
            aside = {}
            for name in FLOWS:
                run = client.create_flow_run_from_deployment(self.ids[name])
                if name in WAITS_FOR_A_PERSON:
                    aside[name] = run.id
                    continue
                self._say(name, self._wait(client, run.id))
            # The duties above create occurrences of their own (grant rounds, evaluations,
            # publications): the status artifact is written again after them, so it shows them all.
            run = client.create_flow_run_from_deployment(self.ids["materialise"])
            self._say("materialise (status etter oppstart)", self._wait(client, run.id))
            for name, run_id in aside.items():
                state = self._wait(client, run_id, ASIDE_SECONDS)
                self._say(name, state if state.is_final() else None)
        print(f"{DONE}; kjøringene vises under hver deployment i Prefect-UI-et.", flush=True)

    def _wait(self, client, run_id, seconds: float | None = None):
        """The run's state once it is final or paused (waiting for a person), or after
        ``seconds``."""
        deadline = None if seconds is None else time.monotonic() + seconds
        while not self.stopping.is_set():
            state = client.read_flow_run(run_id).state
            if state.is_final() or state.is_paused() or (deadline and time.monotonic() > deadline):
                return state
            time.sleep(0.5)
        raise RuntimeError("stoppet")

    def _say(self, name: str, state) -> None:
        if self.stopping.is_set():
            return
        if state is None or state.is_paused():
            print(f"{name}: venter på godkjenning i Prefect-UI-et", flush=True)
        elif state.is_completed():
            print(f"{name}: {state.name}", flush=True)
        else:
            print(f"{name}: {state.name} ({state.message or 'se kjøringen i Prefect-UI-et'})", flush=True)


def _interrupt(signum, frame) -> None:
    """Ctrl-C and SIGTERM stop once: `uv run` passes the signal on to us too, and a second
    KeyboardInterrupt in the middle of stopping would leave the serving half stopped.

    What the serving loop's cancelled tasks log while it stops (a connection of the runner's
    control channel cut mid-read, with its traceback) is not news to someone who asked it to
    stop: asyncio's log is quiet from here."""
    if not _stopping.is_set():
        _stopping.set()
        logging.getLogger("asyncio").setLevel(logging.CRITICAL + 1)
        raise KeyboardInterrupt


_stopping = threading.Event()


def main() -> None:
    os.chdir(ROOT)
    os.environ.update(prefect_env())
    # The links in alerts point at this server's UI, on the port it really serves on.
    os.environ.setdefault("PLIKTVAKT_UI_URL", UI)
    # Ctrl-C stops it even when started in the background, where the shell ignores SIGINT;
    # SIGTERM stops it the same way, also once serving has begun (``serve_deployments``).
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    lock = hold_lock()
    server = desk = start_up = None
    try:
        # Serving first (issue 31): the server and the desk start in their own processes while
        # this one migrates the database and loads every flow; the start-up runs come after.
        server = launch_server()
        desk, desk_address = launch_desk()
        from cli.main import init
        from deployments.serve import build_deployments, serve_deployments

        init(as_of=None)
        deployments = build_deployments()
        wait_answering(server, LOG, "Prefect-serveren", healthy)
        start_up = StartUp(desk, desk_address)
        serve_deployments(deployments, when_registered=start_up.begin, on_sigterm=_interrupt)
    except KeyboardInterrupt:
        pass
    finally:
        # A second Ctrl-C while stopping must not leave the server behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if start_up is not None:
            start_up.stopping.set()
        for process in (desk, server):
            if process is not None:
                stop_server(process)
        print("pliktvakt er stoppet.", flush=True)
        lock.close()
    if start_up is not None and start_up.failed:
        sys.exit(start_up.failed)


if __name__ == "__main__":
    main()
