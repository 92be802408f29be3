"""One deadline-watch pass over N open occurrences, on SQLite and PostgreSQL, without Prefect.

Prints wall time and peak memory for the first pass (which queues every step due) and for
a second pass (steady state: nothing new), for 10,000 and 100,000 occurrences.
Run: uv run python bench/watch_bench.py [--sizes 10000 100000] [--skip-postgres]
"""

import argparse
import gc
import random
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import psycopg
from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pliktvakt.catalogue import load_catalogue  # noqa: E402
from pliktvakt.db import make_engine, migrate, session_scope  # noqa: E402
from pliktvakt.models import Occurrence  # noqa: E402
from pliktvakt.occurrences import sync_obligations  # noqa: E402
from tasks.delivery import deliver_pending  # noqa: E402
from tasks.watch import queue_alerts_now  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 25)
STAMP = datetime(2026, 11, 25, 8, tzinfo=timezone.utc)
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"


def seed(engine, catalogue, count: int) -> None:
    """``count`` open occurrences, due from 60 days ago to 60 days ahead, across all duties."""
    rng = random.Random(42)
    obligations = list(catalogue.obligations.values())
    with session_scope(engine) as session:
        sync_obligations(session, catalogue)
    rows = []
    for n in range(count):
        obligation = obligations[n % len(obligations)]
        due = TODAY + timedelta(days=rng.randint(-60, 60))
        rows.append({"obligation_id": obligation.id, "period": f"bench:{n}", "anchor": due, "due": due,
                     "role": obligation.role, "status": "open", "late": False,
                     "created_at": STAMP, "updated_at": STAMP})
    with engine.begin() as connection:
        for start in range(0, count, 10000):
            connection.execute(insert(Occurrence), rows[start:start + 10000])


def one_pass(engine, settings, catalogue) -> tuple[float, int]:
    started = time.perf_counter()
    summary = queue_alerts_now(engine, catalogue, TODAY, "http://127.0.0.1:4200")
    deliver_pending(engine, settings, catalogue)
    return time.perf_counter() - started, summary.queued


def measure(label: str, url: str, count: int) -> None:
    from pliktvakt.settings import Settings

    migrate(url)
    engine = make_engine(url)
    catalogue = load_catalogue(ROOT / "config")
    settings = Settings(database_url=url, email_url=None)
    seed(engine, catalogue, count)
    gc.collect()
    first, queued = one_pass(engine, settings, catalogue)
    second, again = one_pass(engine, settings, catalogue)
    tracemalloc.start()
    one_pass(engine, settings, catalogue)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(f"{label:10} {count:>7} open | first pass {first:6.2f} s, {queued:>6} queued | "
          f"steady pass {second:6.2f} s, {again} queued | steady peak {peak:6.1f} MB (tracemalloc)")
    engine.dispose()


def pg_schema_url() -> tuple[str, str]:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return schema, f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    for count in args.sizes:
        with tempfile.TemporaryDirectory() as folder:
            measure("SQLite", f"sqlite:///{folder}/bench.db", count)
        if not args.skip_postgres:
            schema, url = pg_schema_url()
            try:
                measure("PostgreSQL", url, count)
            finally:
                with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                    conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    import resource

    print(f"process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
