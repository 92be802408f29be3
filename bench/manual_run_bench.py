"""A manual run onto a running Prefect server: `pliktvakt run materialise` next to its peer.

The peer is a trivial flow run the way `pliktvakt run` runs a flow: a new Python process that
imports Prefect, and calls a flow in-process (``@flow def noop(): pass``) with PREFECT_API_URL
set to the server, so the run is kept there. `pliktvakt run materialise` is timed the same way,
as a process, against the same server and a database made by `pliktvakt init` first.

The bench starts its own Prefect server on a free port with a temporary PREFECT_HOME (so it
does not clash with a `make run`), warms each case up once, then prints the median of --runs
runs of each and the ratio (goal: materialise <= 1.5x the peer). PYTHONDONTWRITEBYTECODE is
removed from the children's environment.

Run: uv run python bench/manual_run_bench.py [--runs 5] [--root PATH]
(--root: another checkout with its own synced .venv, e.g. a worktree of an older commit.)
"""

import argparse
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PEER = """
from prefect import flow
from prefect.settings import PREFECT_API_URL, temporary_settings

@flow
def noop():
    pass

with temporary_settings(updates={PREFECT_API_URL: %r}):
    state = noop(return_state=True)
assert state.is_completed(), state
print(f"Flyten noop fullført: {state.result()}")
"""


def _env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k != "PYTHONDONTWRITEBYTECODE" and not k.startswith(("PREFECT_", "PLIKTVAKT_"))
    }
    return {**env, **extra}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _time(args: list[str], env: dict, cwd: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of the process. On a machine others load, CPU
    time varies less than wall time; both are printed."""
    cpu_before = _children_cpu()
    started = time.perf_counter()
    result = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=900)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return elapsed, _children_cpu() - cpu_before


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def start_server(python: str, home: Path, port: int) -> subprocess.Popen:
    env = _env(
        PREFECT_HOME=str(home),
        PREFECT_SERVER_API_HOST="127.0.0.1",
        PREFECT_SERVER_API_PORT=str(port),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
    )
    log = open(home / "server.log", "wb")
    server = subprocess.Popen(
        [python, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            sys.exit(f"the Prefect server stopped: see {home / 'server.log'}")
        time.sleep(0.5)
    server.terminate()
    sys.exit("the Prefect server did not answer within 300 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose pliktvakt is timed")
    options = parser.parse_args()
    root = options.root.resolve()
    python, pliktvakt = str(root / ".venv" / "bin" / "python"), str(root / ".venv" / "bin" / "pliktvakt")
    work = Path(tempfile.mkdtemp(prefix="bench-manual-run-"))
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = _env(
        PREFECT_API_URL=api,
        PLIKTVAKT_DATABASE_URL=f"sqlite:///{work / 'pliktvakt.db'}",
        PLIKTVAKT_CONFIG_DIR=str(root / "config"),
        PLIKTVAKT_PREFECT_PORT=str(port),
    )
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True)
    print(
        f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}; PYTHONDONTWRITEBYTECODE unset; "
        f"checkout {root} at {head.stdout.strip()}"
    )
    server = start_server(python, work, port)
    try:
        subprocess.run([pliktvakt, "init"], env=env, cwd=work, check=True, capture_output=True, timeout=300)
        cases = {
            "peer: @flow noop() in a new process": [python, "-c", PEER % api],
            "pliktvakt run materialise": [pliktvakt, "run", "materialise"],
        }
        for args in cases.values():  # warm-up: bytecode caches, the page cache, the first run
            _time(args, env, work)
        medians = {}
        print(f"Manual runs onto a running Prefect server (port {port}), median of {options.runs} (s):")
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
        for _ in range(options.runs):  # interleaved, so a burst of load from others hits both
            for name, args in cases.items():
                times[name].append(_time(args, env, work))
        cpu = {}
        for name, each in times.items():
            medians[name] = statistics.median(wall for wall, _ in each)
            cpu[name] = statistics.median(used for _, used in each)
            runs = ", ".join(f"{wall:.2f}" for wall, _ in each)
            print(f"  {medians[name]:6.2f} wall, {cpu[name]:6.2f} CPU  {name}   (wall: {runs})")
        peer, materialise = "peer: @flow noop() in a new process", "pliktvakt run materialise"
        print(f"  materialise / peer = {medians[materialise] / medians[peer]:.2f}x wall (goal: at most 1.5x)")
        print(f"  materialise / peer = {cpu[materialise] / cpu[peer]:.2f}x CPU time")
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
