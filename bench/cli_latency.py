"""Wall time of `pliktvakt` commands as processes, next to the floor of typer, rich and holidays.

Prints the median of N runs of `deadline`, `status`, `obligations list` and `--help`, and of
`python -c "import typer, rich, holidays"` in the same run (goal: `deadline` within 2x of it).
Then the time of `pliktvakt run materialise` without a Prefect server (a temporary one is
started; a fresh PREFECT_HOME, run twice) and with `make run`'s server running (the one that
answers on PLIKTVAKT_PREFECT_PORT, or a `make run` this script starts on a free port).

PYTHONDONTWRITEBYTECODE is removed from the children's environment: without bytecode
caches every import is compiled again, which doubles import times.
Run: uv run python bench/cli_latency.py [--runs 7] [--skip-run]
"""

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SERVING = "Your deployments are being served"


def _env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k != "PYTHONDONTWRITEBYTECODE" and not k.startswith("PREFECT_API")
    }
    return {**env, **extra}


def _time(args: list[str], env: dict, cwd: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=900)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return elapsed


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def commands(runs: int, env: dict, cwd: Path) -> None:
    pliktvakt = str(BIN / "pliktvakt")
    cases = {
        'python -c "import typer, rich, holidays"': [sys.executable, "-c", "import typer, rich, holidays"],
        "pliktvakt deadline --from 2025-03-31 --add 3w": [
            pliktvakt,
            "deadline",
            "--from",
            "2025-03-31",
            "--add",
            "3w",
        ],
        "pliktvakt status": [pliktvakt, "status"],
        "pliktvakt obligations list": [pliktvakt, "obligations", "list"],
        "pliktvakt --help": [pliktvakt, "--help"],
    }
    for args in cases.values():  # warm-up: bytecode caches and the page cache
        _time(args, env, cwd)
    medians = {}
    print(f"CLI wall time, median of {runs} runs (s):")
    for name, args in cases.items():
        medians[name] = statistics.median(_time(args, env, cwd) for _ in range(runs))
        print(f"  {medians[name]:6.3f}  {name}")
    floor = medians['python -c "import typer, rich, holidays"']
    ratio = medians["pliktvakt deadline --from 2025-03-31 --add 3w"] / floor
    print(f"  deadline / floor = {ratio:.2f}x (goal: within 2x)")


def run_materialise(env: dict, cwd: Path) -> None:
    pliktvakt = [str(BIN / "pliktvakt"), "run", "materialise"]
    home = Path(tempfile.mkdtemp(prefix="bench-prefect-"))
    # A port nothing answers on, so `pliktvakt run` falls back to a temporary server.
    alone = {**env, "PREFECT_HOME": str(home), "PLIKTVAKT_PREFECT_PORT": str(_free_port())}
    print("pliktvakt run materialise (s):")
    print(f"  {_time(pliktvakt, alone, cwd):6.1f}  no server: temporary server, new PREFECT_HOME")
    print(f"  {_time(pliktvakt, alone, cwd):6.1f}  no server: temporary server, same PREFECT_HOME again")

    sys.path.insert(0, str(ROOT))
    from deployments import local_server

    started = None
    port = local_server.PORT
    if not local_server.healthy():
        port = _free_port()
        log = open(cwd / "make-run.log", "wb")
        started = subprocess.Popen(
            ["make", "run"],
            cwd=ROOT,
            env={**env, "PLIKTVAKT_PREFECT_PORT": str(port)},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        while SERVING not in (cwd / "make-run.log").read_text(errors="replace"):
            if started.poll() is not None:
                sys.exit(f"make run stopped: see {cwd / 'make-run.log'}")
            time.sleep(1)
    try:
        served = {**env, "PLIKTVAKT_PREFECT_PORT": str(port)}
        for attempt in ("first", "second"):
            print(
                f"  {_time(pliktvakt, served, cwd):6.1f}  "
                f"with make run's server on port {port} ({attempt} run)"
            )
    finally:
        if started is not None:
            os.killpg(started.pid, signal.SIGINT)
            started.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--skip-run", action="store_true", help="only the CLI commands")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-cli-"))
    env = _env(
        PLIKTVAKT_DATABASE_URL=f"sqlite:///{work / 'pliktvakt.db'}", PLIKTVAKT_CONFIG_DIR=str(ROOT / "config")
    )
    subprocess.run(
        [str(BIN / "pliktvakt"), "init"], env=env, cwd=work, check=True, capture_output=True, timeout=300
    )
    print(f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}; PYTHONDONTWRITEBYTECODE unset")
    commands(options.runs, env, work)
    if not options.skip_run:
        run_materialise(env, work)


if __name__ == "__main__":
    main()
