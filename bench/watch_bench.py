"""One deadline-watch pass over N open occurrences, on SQLite and PostgreSQL, without Prefect.

For 10,000 and 100,000 open occurrences it prints, for each database:
- the first pass, which queues every step due (as after an import or long downtime);
- a steady pass, the usual run every 15 minutes (nothing new to queue);
- the floor (issue 31): a bare bulk insert of the same outbox rows the first pass wrote into an
  empty table shaped as outbox_message (its indexes and foreign key included), in one transaction:
  ``executemany`` on SQLite, ``COPY`` on PostgreSQL; and each pass's ratio to it;
with wall time and the peak resident memory of the process that ran the pass. Each pass
runs in a fresh process, so the peak is that pass's own (imports included). At the end, the
linearity: each figure at the largest size over the smallest, beside the ratio of the sizes.
Goals: first pass <= 3x the floor and <= 5 s; steady pass <= 2 s; linear from 10k to 100k.
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
from pliktvakt.occurrences import sync_obligations  # noqa: E402
from pliktvakt.tables import Occurrence  # noqa: E402

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
    started, cpu = time.perf_counter(), time.process_time()
    summary = queue_alerts_now(engine, catalogue, TODAY)
    deliver_pending(engine, settings, catalogue)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{elapsed:.2f} {summary.queued} {peak:.0f} {cpu:.2f}")


FLOOR_COLUMNS = (
    "key, duty, officer_id, channel, recipient, subject, body, html, attachments, "
    "occurrence_id, step, status, attempts, created_at"
)


def floor_pass(url: str) -> None:
    """Child process: the floor. Reads the outbox rows the watch wrote, then times only their
    bare bulk insert (and commit) into an empty copy of outbox_message, indexes and foreign
    key included."""
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = [tuple(r) for r in connection.exec_driver_sql(f"SELECT {FLOOR_COLUMNS} FROM outbox_message")]
    raw = engine.raw_connection()
    driver, cursor = raw.driver_connection, raw.driver_connection.cursor()
    if engine.dialect.name == "postgresql":
        _pg_floor_table(cursor)
        driver.commit()
        started, cpu = time.perf_counter(), time.process_time()
        with cursor.copy(f"COPY outbox_floor ({FLOOR_COLUMNS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        driver.commit()
    else:
        _sqlite_floor_table(cursor)
        driver.commit()
        started, cpu = time.perf_counter(), time.process_time()
        marks = ", ".join("?" for _ in FLOOR_COLUMNS.split(","))
        cursor.executemany(f"INSERT INTO outbox_floor ({FLOOR_COLUMNS}) VALUES ({marks})", rows)
        driver.commit()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    cursor.execute("DROP TABLE outbox_floor")
    driver.commit()
    raw.close()
    print(f"{elapsed:.2f} {len(rows)} 0 {cpu:.2f}")


def _pg_floor_table(cursor) -> None:
    """outbox_message's shape, indexes and foreign key (to occurrence), as outbox_floor. LIKE
    copies no foreign key; SQLite's copied DDL keeps its own, and each row's check of it is
    part of what inserting a message costs (about a third of the COPY here)."""
    cursor.execute("CREATE TABLE outbox_floor (LIKE outbox_message INCLUDING ALL)")
    found = cursor.execute(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = 'outbox_message'::regclass AND contype = 'f'"
    ).fetchall()
    for (definition,) in found:
        cursor.execute(f"ALTER TABLE outbox_floor ADD {definition}")


def _sqlite_floor_table(cursor) -> None:
    """outbox_message's own DDL (table and indexes), renamed to outbox_floor."""
    found = cursor.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name = 'outbox_message' AND sql IS NOT NULL"
    ).fetchall()
    for (sql,) in sorted(found, key=lambda r: not r[0].startswith("CREATE TABLE")):
        cursor.execute(sql.replace("outbox_message", "outbox_floor"))


def run_pass(url: str, kind: str = "--child-pass") -> tuple[float, int, float, float]:
    """(wall s, rows queued, peak MB, CPU s of the process) of one pass in a fresh process. The
    CPU time is the client's alone (not the PostgreSQL server's); it varies less with the load
    of a shared machine than the wall time does."""
    result = subprocess.run([sys.executable, __file__, kind, url], capture_output=True, text=True, check=True)
    elapsed, queued, peak, cpu = result.stdout.split()
    return float(elapsed), int(queued), float(peak), float(cpu)


def measure(label: str, url: str, count: int) -> dict:
    seed(url, count)
    first, queued, first_peak, first_cpu = run_pass(url)
    steady, again, steady_peak, steady_cpu = run_pass(url)
    floor, floor_rows, _, floor_cpu = run_pass(url, "--child-floor")
    print(
        f"{label:10} {count:>7} open | "
        f"first pass {first:5.2f} s (cpu {first_cpu:5.2f} s), {queued:>6} queued, peak {first_peak:4.0f} MB"
        f" | steady pass {steady:5.2f} s (cpu {steady_cpu:5.2f} s), {again} queued,"
        f" peak {steady_peak:4.0f} MB\n"
        f"{'':10} {'':>7}      | floor {floor:5.2f} s (cpu {floor_cpu:5.2f} s, {floor_rows} rows)"
        f" | first/floor {first / floor:4.1f}x (goal <= 3x, <= 5 s)"
        f" | steady/floor {steady / floor:4.1f}x (goal <= 2 s)",
        flush=True,
    )
    return {"first": first, "steady": steady, "floor": floor}


def print_linearity(results: dict[tuple[str, int], dict]) -> None:
    for label in dict.fromkeys(label for label, _ in results):
        sizes = sorted(count for name, count in results if name == label)
        if len(sizes) < 2:
            continue
        small, large = results[(label, sizes[0])], results[(label, sizes[-1])]
        growth = " ".join(f"{k} {large[k] / small[k]:4.1f}x" for k in ("first", "steady", "floor"))
        print(f"{label:10} {sizes[-1]}/{sizes[0]} (sizes {sizes[-1] / sizes[0]:.0f}x): {growth}")


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
    parser.add_argument("--child-floor")
    args = parser.parse_args()
    if args.child_pass:
        return one_pass(args.child_pass)
    if args.child_floor:
        return floor_pass(args.child_floor)
    results = {}
    for count in args.sizes:
        with tempfile.TemporaryDirectory() as folder:
            results[("SQLite", count)] = measure("SQLite", f"sqlite:///{folder}/bench.db", count)
        if not args.skip_postgres:
            schema = pg_schema()
            try:
                results[("PostgreSQL", count)] = measure(
                    "PostgreSQL",
                    f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}",
                    count,
                )
            finally:
                with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                    conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    print_linearity(results)


if __name__ == "__main__":
    main()
