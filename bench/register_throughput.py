"""Throughput and memory of the grants register client (issue 11).

Sends N awards (default 10,000) plus the scheme to the stand-in register
(tests/register_server.py) on 127.0.0.1, which waits ``--latency`` seconds (50 ms) on every
request, with ``--concurrency`` requests at a time (16). The bound is
concurrency ÷ latency requests per second; the goal is at least 80 % of it. Prints the
wall time, the throughput and its share of the bound, and the peak memory (tracemalloc) of
planning and of sending, for N and for N/5 awards (in a second run each, since tracemalloc
slows the code down): flat memory means the sending peak does not grow with N.

Run: uv run python bench/register_throughput.py [--awards 10000] [--latency 0.05] [--concurrency 16]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from import_memory import orgnrs  # noqa: E402  distinct valid organisation numbers

from pliktvakt import clock  # noqa: E402
from pliktvakt.catalogue import load_catalogue  # noqa: E402
from pliktvakt.db import make_engine, migrate, session_scope  # noqa: E402
from pliktvakt.grants import store_intake as intake  # noqa: E402
from pliktvakt.grants.schemes import load_schemes  # noqa: E402
from pliktvakt.register import store as plan  # noqa: E402
from pliktvakt.settings import Settings  # noqa: E402
from pliktvakt.settlement.inputs import municipalities_by_code  # noqa: E402
from tasks import register as register_tasks  # noqa: E402
from tests.register_server import TOKEN  # noqa: E402
from tests.servers import free_port  # noqa: E402

SCHEME = "integreringsarbeid-frivillige-organisasjoner"
HEADER = "ordning;år;søker;orgnr;søkt_beløp;tildelt_beløp;avslagsgrunn;beregning;søkertype;grunn"


def _round(settings: Settings, schemes, awards: int, folder: Path) -> None:
    numbers = orgnrs()
    lines = [HEADER] + [
        f"{SCHEME};2025;Forening {n};{next(numbers)};20000;{10000 + n};;Sats;privat;"
        + ("ramme" if n < 10000 else "")
        for n in range(awards)
    ]
    path = folder / "runde.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    config = ROOT / "config"
    municipalities = municipalities_by_code(config)
    with session_scope(make_engine(settings.database_url)) as session:
        grant_round = intake.import_round(session, schemes, path, "bench", {}, "bench")
        plan.mark_municipal(session, schemes, municipalities, grant_round, "0301", "bench")
        plan.open_occurrences(
            session, load_catalogue(config), schemes, grant_round, date(2025, 4, 22), "bench"
        )


def _measured(call, traced: bool):
    """(result, seconds, peak bytes); tracemalloc slows the code down, so a timed run is not traced."""
    if not traced:
        start = time.perf_counter()
        return call(), time.perf_counter() - start, 0
    tracemalloc.start()
    start = time.perf_counter()
    result = call()
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, elapsed, peak


@contextmanager
def stand_in(latency: float):
    """The stand-in register in a process of its own, as the register is another machine:
    in this process its threads would compete with the client for the GIL."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.register_server", str(port), str(latency)], cwd=ROOT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(f"{url}/stand-in/stats", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(10)


def run(awards: int, latency: float, concurrency: int, traced: bool) -> dict:
    schemes = load_schemes(ROOT / "config" / "grant_schemes.yaml")
    with tempfile.TemporaryDirectory() as tmp, stand_in(latency) as url:
        settings = Settings(
            database_url=f"sqlite:///{tmp}/bench.db",
            config_dir=ROOT / "config",
            tilskudd_backend="api",
            tilskudd_api_url=url,
            tilskudd_api_token=TOKEN,
            tilskudd_concurrency=concurrency,
            tilskudd_timeout_seconds=10,
        )
        migrate(settings.database_url)
        _round(settings, schemes, awards, Path(tmp))
        planned, plan_seconds, plan_peak = _measured(
            lambda: register_tasks.plan_registrations.fn(settings, schemes), traced
        )
        now = clock.resolve("2025-04-23T10:00")
        sent, seconds, send_peak = _measured(lambda: register_tasks.send_pending.fn(settings, now), traced)
        assert sent.registered == planned.queued == awards + 1 and not sent.failed, sent.failed[:3]
        stats = httpx.get(f"{url}/stand-in/stats").json()
        assert stats == {"awards": awards, "posts": awards + 1, "duplicates": 0}, stats
    requests = awards + 1
    bound = concurrency / latency
    return {
        "awards": awards,
        "plan_s": plan_seconds,
        "plan_peak_mb": plan_peak / 1e6,
        "send_s": seconds,
        "throughput": requests / seconds,
        "bound": bound,
        "share": requests / seconds / bound,
        "send_peak_mb": send_peak / 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--awards", type=int, default=10_000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    os.environ.pop("PLIKTVAKT_DATABASE_URL", None)
    peaks: dict[int, float] = {}
    for awards in (args.awards // 5, args.awards):
        timed = run(awards, args.latency, args.concurrency, traced=False)
        traced = run(awards, args.latency, args.concurrency, traced=True)
        peaks[awards] = traced["send_peak_mb"]
        print(
            f"{awards:>6} awards: planned in {timed['plan_s']:.2f} s (peak {traced['plan_peak_mb']:.1f} MB); "
            f"sent in {timed['send_s']:.2f} s, {timed['throughput']:.0f} requests/s = {timed['share']:.0%} "
            f"of the bound {timed['bound']:.0f}/s; peak while sending {traced['send_peak_mb']:.1f} MB"
        )
    small, full = peaks.values()
    print(f"Peak memory while sending, {args.awards} against {args.awards // 5} awards: {full / small:.2f}x")


if __name__ == "__main__":
    main()
