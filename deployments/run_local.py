"""The main job on the embedded default: a local Prefect server, pliktvakt's SQLite
database, and every deployment served with its schedules. Stop it with Ctrl-C."""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
HOST, PORT = "127.0.0.1", int(os.environ.get("PLIKTVAKT_PREFECT_PORT", "4200"))
API = f"http://{HOST}:{PORT}/api"


def _prefect_env() -> dict[str, str]:
    home = ROOT / "data" / "prefect"
    home.mkdir(parents=True, exist_ok=True)
    return {"PREFECT_HOME": str(home), "PREFECT_API_URL": API,
            "PREFECT_SERVER_API_HOST": HOST, "PREFECT_SERVER_API_PORT": str(PORT),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}


def _healthy() -> bool:
    try:
        return httpx.get(f"{API}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def start_server() -> subprocess.Popen | None:
    """Start the Prefect server unless one already answers; wait until it does."""
    if _healthy():
        print(f"Bruker Prefect-serveren som alt kjører på {API}")
        return None
    log = open(ROOT / "data" / "prefect-server.log", "ab")
    server = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", HOST, "--port", str(PORT)],
                              stdout=log, stderr=subprocess.STDOUT, env=os.environ.copy())
    for _ in range(120):
        if _healthy():
            return server
        if server.poll() is not None:
            sys.exit(f"Prefect-serveren stoppet; se {ROOT / 'data' / 'prefect-server.log'}")
        time.sleep(1)
    server.terminate()
    sys.exit("Prefect-serveren svarte ikke innen 120 sekunder.")


def run_each_flow_once() -> None:
    """Bring the UI up to date at once instead of at the first scheduled time.

    The flows are level-triggered, so an extra run is harmless. A failed run is shown in
    the UI and does not stop the serving."""
    from flows.registry import FLOWS

    for name, flow in FLOWS.items():
        state = flow(return_state=True)
        print(f"{name}: {state.name}")


def main() -> None:
    os.chdir(ROOT)
    os.environ.update(_prefect_env())
    server = start_server()
    try:
        from pliktvakt.cli import init
        from deployments.serve import main as serve

        init(as_of=None)
        run_each_flow_once()
        print(f"\nPrefect UI: http://{HOST}:{PORT}  (deployments, kjøringer og artefakter)\n")
        serve()
    except KeyboardInterrupt:
        pass
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
