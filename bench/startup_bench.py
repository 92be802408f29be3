"""Start-up of `make run`: seconds from launching it to serving, and to the end of its start-up runs.

"Serving" is the moment Prefect's serve prints "Your deployments are being served" (the
deployments are registered and the serve loop starts polling): that line is what an operator
and tests/ops wait for. The start-up runs' end is the line "Oppstartskjøringene er ferdige"
(or, before issue 31, the "Prefect UI:" line printed after them). Times are wall-clock from
the Popen of `make run` to the first time the line is in its output (polled every 50 ms).

The goal (issue 31): serving within 20 s of `make run` on a machine where the environment is
already set up. The bench clones the checkout (--root, default this one; its committed HEAD)
into a temporary directory and runs `make setup` there first (not timed as start-up; its time
is printed): the sync and, since issue 31, the Prefect server's database. Then it starts `make
run` twice on free ports: a first start (pliktvakt's database is created; before issue 31 the
Prefect server's was created here too) and once more with the data the first left (a later
start). Each is stopped with SIGTERM to its process group once its start-up runs
are reported. PYTHONDONTWRITEBYTECODE is removed from the environment.

Run: uv run python bench/startup_bench.py [--root PATH] [--starts 2]
"""

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVING = "Your deployments are being served"
DONE = "Oppstartskjøringene er ferdige"
DONE_BEFORE_ISSUE_31 = "Prefect UI:"  # printed after the start-up runs, before serving
UV = os.environ.get("UV", str(Path.home() / ".local" / "bin" / "uv"))
TIMEOUT = 600


def _env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k != "PYTHONDONTWRITEBYTECODE" and not k.startswith(("PREFECT_", "PLIKTVAKT_", "VIRTUAL_ENV"))
    }
    env["PATH"] = f"{Path(UV).parent}:{env.get('PATH', '')}"
    return {**env, **extra}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clone(root: Path) -> tuple[Path, float]:
    """A clone of ``root``'s HEAD after `make setup`: (its path, the seconds `make setup` took)."""
    path = Path(tempfile.mkdtemp(prefix="bench-startup-")) / "pliktvakt"
    subprocess.run(["git", "clone", "--quiet", str(root), str(path)], check=True, timeout=300)
    # The environment set-up the goal assumes done: `make setup` syncs the environment and,
    # since issue 31, makes the Prefect server's database. Before it, the set-up was the sync.
    started = time.perf_counter()
    subprocess.run(["make", "setup"], cwd=path, env=_env(), check=True, capture_output=True, timeout=900)
    setup_seconds = time.perf_counter() - started
    # Byte-compile once, as the first ever start would leave it for the next ones.
    subprocess.run(
        [str(path / ".venv" / "bin" / "python"), "-m", "compileall", "-q", "-j", "0", str(path)],
        env=_env(),
        capture_output=True,
        timeout=900,
    )
    return path, setup_seconds


def one_start(checkout: Path, label: str) -> dict[str, float]:
    port, web = _free_port(), _free_port()
    env = _env(PLIKTVAKT_PREFECT_PORT=str(port), PLIKTVAKT_WEB_PORT=str(web))
    log_path = checkout / f"make-run-{port}.log"
    run_local = (checkout / "deployments" / "run_local.py").read_text(encoding="utf-8")
    done = DONE if DONE in run_local else DONE_BEFORE_ISSUE_31
    seen: dict[str, float] = {}
    with open(log_path, "wb") as log:
        started = time.perf_counter()
        proc = subprocess.Popen(
            ["make", "run"],
            cwd=checkout,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        while time.perf_counter() - started < TIMEOUT:
            text = log_path.read_text(errors="replace")
            now = time.perf_counter() - started
            if "Database klar" in text:  # `pliktvakt init`'s first line: migrated, catalogue loaded
                seen.setdefault("database migrated (init)", now)
            if SERVING in text:
                seen.setdefault("serving", now)
            if done in text:
                seen.setdefault("start-up runs reported", now)
            if "serving" in seen and "start-up runs reported" in seen:
                break
            if proc.poll() is not None:
                sys.exit(f"make run stopped:\n{text}")
            time.sleep(0.05)
        else:
            sys.exit(f"make run did not serve within {TIMEOUT} s:\n{log_path.read_text(errors='replace')}")
    finally:
        stop_started = time.perf_counter()
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        seen["stop after SIGTERM"] = time.perf_counter() - stop_started
    text = log_path.read_text(errors="replace")
    outcomes = re.findall(r"^([a-z-]+(?: \([^)]*\))?): (\S.*)$", text, re.MULTILINE)
    print(f"{label} (Prefect port {port}):")
    for name, seconds in seen.items():
        print(f"  {seconds:6.1f} s  {name}")
    print("  start-up runs: " + ", ".join(f"{name}={state}" for name, state in outcomes))
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to clone (its HEAD)")
    parser.add_argument("--starts", type=int, default=2, help="starts after the first (with its data)")
    options = parser.parse_args()
    checkout, setup_seconds = clone(options.root.resolve())
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=checkout, capture_output=True, text=True
    )
    print(
        f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}; PYTHONDONTWRITEBYTECODE unset; "
        f"commit {head.stdout.strip()}; clone {checkout}"
    )
    print(f"`make setup` in the clone (not timed as start-up): {setup_seconds:.1f} s")
    first = one_start(checkout, "first start after `make setup` (no pliktvakt database yet)")
    print(f"  goal: serving within 20 s of `make run` -> {first['serving']:.1f} s")
    for number in range(1, options.starts):
        one_start(checkout, f"start {number + 1} (data/ from before)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
