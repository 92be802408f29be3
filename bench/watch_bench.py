"""One deadline-watch pass over N open occurrences, on SQLite and PostgreSQL, without Prefect.

For 10,000 and 100,000 open occurrences it prints, for each database:
- the first pass, which queues every step due (as after an import or long downtime);
- a steady pass, the usual run every 15 minutes (nothing new to queue);
with wall time and the peak resident memory of the process that ran the pass. Each pass
runs in a fresh process, so the peak is that pass's own (imports included).
Run: uv run python bench/watch_bench.py [--sizes 10000 100000] [--skip-postgres]
"""

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import psycopg
from sqlalchemy import insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pliktvakt.catalogue import load_catalogue  # noqa: E402
from pliktvakt.db import make_engine, migrate, session_scope  # noqa: E402
from pliktvakt.models import Occurrence  # noqa: E402
from pliktvakt.occurrences import sync_obligations  # noqa: E402

TODAY = date(2026, 11, 25)
STAMP = datetime(2026, 11, 25, 8, tzinfo=timezone.utc)
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"


def seed(url: str, count: int) -> None:
    """``count`` open occurrences, due from 60 days ago to 60 days ahead, across all duties."""
    migrate(url)
    engine, catalogue = make_engine(url), load_catalogue(ROOT / "config")
    rng = random.Random(42)
    obligations = list(catalogue.obligations.values())
    with session_scope(engine) as session:
        sync_obligations(session, catalogue)
    rows = []
    for n in range(count):
        obligation = obligations[n % len(obligations)]
        due = TODAY + timedelta(days=rng.randint(-60, 60))
        rows.append(
            {
                "obligation_id": obligation.id,
                "period": f"bench:{n}",
                "anchor": due,
                "due": due,
                "role": obligation.role,
                "status": "open",
                "late": False,
                "created_at": STAMP,
                "updated_at": STAMP,
            }
        )
    with engine.begin() as connection:
        for start in range(0, count, 10000):
            connection.execute(insert(Occurrence), rows[start : start + 10000])


def one_pass(url: str) -> None:
    """Child process: one watch pass (queue what is due, deliver with no channel set)."""
    from pliktvakt.settings import Settings
    from tasks.delivery import deliver_pending
    from tasks.watch import queue_alerts_now

    engine, catalogue = make_engine(url), load_catalogue(ROOT / "config")
    settings = Settings(database_url=url, email_url=None)
    started = time.perf_counter()
    summary = queue_alerts_now(engine, catalogue, TODAY)
    deliver_pending(engine, settings, catalogue)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{elapsed:.2f} {summary.queued} {peak:.0f}")


def run_pass(url: str) -> tuple[float, int, float]:
    result = subprocess.run(
        [sys.executable, __file__, "--child-pass", url], capture_output=True, text=True, check=True
    )
    elapsed, queued, peak = result.stdout.split()
    return float(elapsed), int(queued), float(peak)


def measure(label: str, url: str, count: int) -> None:
    seed(url, count)
    first, queued, first_peak = run_pass(url)
    steady, again, steady_peak = run_pass(url)
    print(
        f"{label:10} {count:>7} open | "
        f"first pass {first:5.2f} s, {queued:>6} queued, peak {first_peak:4.0f} MB"
        f" | steady pass {steady:5.2f} s, {again} queued, peak {steady_peak:4.0f} MB",
        flush=True,
    )


def pg_schema() -> str:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return schema


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--child-pass")
    args = parser.parse_args()
    if args.child_pass:
        return one_pass(args.child_pass)
    for count in args.sizes:
        with tempfile.TemporaryDirectory() as folder:
            measure("SQLite", f"sqlite:///{folder}/bench.db", count)
        if not args.skip_postgres:
            schema = pg_schema()
            try:
                measure(
                    "PostgreSQL",
                    f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}",
                    count,
                )
            finally:
                with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                    conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


if __name__ == "__main__":
    main()
