"""The main job on the embedded default: a local Prefect server, the duty desk (officers'
web app), pliktvakt's SQLite database, and every deployment served with its schedules.

Stop it with Ctrl-C or SIGTERM: serving stops first, then the server. The server runs in
a session of its own, so the terminal's Ctrl-C does not kill it from under the serving
process (which would then hang on its websocket).
"""

import fcntl
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


def start_server() -> subprocess.Popen:
    """Start the Prefect server in its own session and wait until it answers."""
    PREFECT_HOME.mkdir(parents=True, exist_ok=True)
    args = ["-m", "prefect", "server", "start", "--host", HOST, "--port", str(PORT)]
    return start_answering(args, LOG, "Prefect-serveren", healthy)


def start_answering(args: list[str], log_path: Path, name: str, answers) -> subprocess.Popen:
    """``python args`` in its own session, logging to ``log_path``, once ``answers()``; exits
    with a bokmål line naming ``name`` and the log if it stops or stays silent."""
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, *args],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=os.environ.copy(),
            start_new_session=True,
        )
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if answers():
            return process
        if process.poll() is not None:
            sys.exit(f"{name} stoppet; se {log_path}")
        time.sleep(0.5)
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


def start_desk() -> tuple[subprocess.Popen, str]:
    """Start `pliktvakt web` in its own session; (process, address) once it answers.

    PLIKTVAKT_PUBLIC_URL, when not set, becomes the address it serves on, so every link in an
    alert reaches it; set here, before any flow runs, so the served flows inherit it."""
    from pliktvakt.settings import Settings, get_settings

    settings = get_settings()
    port = desk_port(settings.web_port)
    address = f"http://{HOST}:{port}"
    if settings.public_url == Settings.model_fields["public_url"].default:
        os.environ["PLIKTVAKT_PUBLIC_URL"] = address
        get_settings.cache_clear()
    args = ["-m", "pliktvakt.cli", "web", "--host", HOST, "--port", str(port)]
    return start_answering(args, DESK_LOG, "Pliktvakt web", lambda: _answers(f"{address}/logg-inn")), address


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def run_each_flow_once() -> None:
    """Bring the UI up to date at once instead of at the first scheduled time.

    The flows are level-triggered, so an extra run is harmless. A failed run is shown in
    the UI and does not stop the serving."""
    from flows.registry import FLOWS

    for name, flow in FLOWS.items():
        if name in WAITS_FOR_A_PERSON:
            _run_aside(name, flow)
            continue
        state = flow(return_state=True)
        print(f"{name}: {state.name}")
    # The duties above create occurrences of their own (grant rounds, evaluations,
    # publications): the status artifact is written again after them, so it shows them all.
    state = FLOWS["materialise"](return_state=True)
    print(f"materialise (status etter oppstart): {state.name}")


# A run that may pause for a person's approval (pkt. 2.2) runs in a thread, so that serving
# starts while it waits; it goes on in this process when it is answered in the UI.
WAITS_FOR_A_PERSON = {"settlement-analysis"}
ASIDE_SECONDS = 60


def _run_aside(name: str, flow) -> None:
    states = []
    thread = threading.Thread(target=lambda: states.append(flow(return_state=True)), name=name, daemon=True)
    thread.start()
    thread.join(ASIDE_SECONDS)
    print(f"{name}: {states[0].name if states else 'venter på godkjenning i Prefect-UI-et'}")


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main() -> None:
    os.chdir(ROOT)
    os.environ.update(prefect_env())
    # The links in alerts point at this server's UI, on the port it really serves on.
    os.environ.setdefault("PLIKTVAKT_UI_URL", UI)
    # Ctrl-C stops it even when started in the background, where the shell ignores SIGINT.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    # SIGTERM stops like Ctrl-C until serving begins; then Prefect's runner handles it.
    signal.signal(signal.SIGTERM, _interrupt)
    lock = hold_lock()
    server = desk = None
    try:
        server = start_server()
        from deployments.serve import main as serve
        from pliktvakt.cli import init

        init(as_of=None)
        desk, desk_address = start_desk()
        run_each_flow_once()
        print(
            f"\nPrefect UI: {UI}  (deployments, kjøringer og artefakter)."
            f"\nPliktvakt web: {desk_address}  (saksbehandlernes pliktside; lenkene i varslene går hit)."
            "\nStopp med Ctrl-C.\n",
            flush=True,
        )
        serve()
    except KeyboardInterrupt:
        pass
    finally:
        # A second Ctrl-C while stopping must not leave the server behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for process in (desk, server):
            if process is not None:
                stop_server(process)
        print("pliktvakt er stoppet.", flush=True)
        lock.close()


if __name__ == "__main__":
    main()
