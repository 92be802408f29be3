"""The compliance record of a year with 20,000 occurrences, in every format (html, md, csv, xlsx).

The year has done-on-time, late, overdue, open and withdrawn occurrences across every dated
duty, one delivered message (with its receipt) per occurrence, and a valid hash-chained audit
log of about 60,000 entries (completed/withdrawn, message queued, message sent), so
``audit.verify`` walks a real chain.

For each database and format, in a fresh process (so the peak is that format's own):
read (the occurrences, their messages, and one pass over the audit chain that verifies it and
keeps the record's entries: audit.verify_and_read), build, render, wall time in all, rows/s,
the output size, the peak resident memory of the process and the peak of Python allocations
during build + render (tracemalloc, a second pass).

The floor, measured in the same process just before: the year's occurrence rows with their
receipts, one query through the driver's own cursor (no SQLAlchemy), the record's filter on the
due date, every row fetched; the best of three. Each format's total is printed as a ratio to it.
The goals (issue 31): each format in 2 s or less, and csv and md in at most twice the floor.
Run: uv run python bench/compliance_bench.py [--count 20000] [--skip-postgres]
"""

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import psycopg
from sqlalchemy import insert, update

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pliktvakt.audit import canonical, entry_hash  # noqa: E402
from pliktvakt.catalogue import load_catalogue  # noqa: E402
from pliktvakt.db import make_engine, migrate, session_scope  # noqa: E402
from pliktvakt.occurrences import sync_obligations  # noqa: E402
from pliktvakt.tables import AuditEntry, AuditHead, Occurrence, OutboxMessage  # noqa: E402

YEAR = 2025
AS_OF = datetime(2025, 9, 15, 7, tzinfo=timezone.utc)
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
FORMATS = ("html", "md", "csv", "xlsx")


def _outcome(rng: random.Random, due: date) -> str:
    if due > AS_OF.date():
        return "withdrawn" if rng.random() < 0.05 else "open"
    roll = rng.random()
    return "on-time" if roll < 0.7 else "late" if roll < 0.85 else "overdue" if roll < 0.95 else "withdrawn"


def seed(url: str, count: int) -> None:
    migrate(url)
    engine, catalogue = make_engine(url), load_catalogue(ROOT / "config")
    with session_scope(engine) as session:
        sync_obligations(session, catalogue)
        head = session.get(AuditHead, 1)
        seq, prev = head.seq, head.hash
    rng = random.Random(16)
    dated = [o for o in catalogue.obligations.values() if o.dated]
    occurrences, messages, entries = [], [], []

    def audit(at: datetime, action: str, subject: str, details: dict) -> None:
        nonlocal seq, prev
        seq += 1
        text = canonical(details)
        digest = entry_hash(seq, at, "bench", action, subject, text, prev)
        entries.append(
            {
                "seq": seq,
                "at": at,
                "actor": "bench",
                "action": action,
                "subject": subject,
                "details": text,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest

    for n in range(count):
        obligation = dated[n % len(dated)]
        due = date(YEAR, 1, 1) + timedelta(days=rng.randint(0, 364))
        outcome = _outcome(rng, due)
        done_at = None
        if outcome in ("on-time", "late"):
            shift = -rng.randint(0, 5) if outcome == "on-time" else rng.randint(1, 20)
            done_at = datetime.combine(due + timedelta(days=shift), datetime.min.time(), timezone.utc)
            done_at += timedelta(hours=8)
        period = f"bench:{n}"
        occurrences.append(
            {
                "id": n + 1,
                "obligation_id": obligation.id,
                "period": period,
                "anchor": due,
                "due": due,
                "role": obligation.role,
                "status": {"on-time": "done", "late": "done", "withdrawn": "withdrawn"}.get(outcome, "open"),
                "late": outcome == "late",
                "completed_at": done_at,
                "completed_by": "kari.nordmann@imdi.example" if done_at else None,
                "evidence": f"Sak 25/{n}" if done_at else None,
                "created_at": AS_OF,
                "updated_at": AS_OF,
            }
        )
        key = f"bench:occurrence-{n + 1}:notice:post@aid.example:email"
        sent_at = datetime.combine(due, datetime.min.time(), timezone.utc) - timedelta(days=1)
        receipt = f"godtatt av SMTP-tjeneren 127.0.0.1 {sent_at:%d.%m.%Y} kl. 09:00 (250 OK)"
        messages.append(
            {
                "key": key,
                "duty": "bench",
                "officer_id": None,
                "channel": "email",
                "recipient": "post@aid.example",
                "subject": "Orientering",
                "body": "Tekst",
                "occurrence_id": n + 1,
                "step": "notice",
                "status": "sent",
                "attempts": 1,
                "receipt": receipt,
                "message_id": f"<{n}@imdi>",
                "created_at": sent_at,
                "sent_at": sent_at,
            }
        )
        audit(sent_at, "message.queued", key, {"channel": "email", "recipient": "post@aid.example"})
        audit(sent_at, "message.sent", key, {"channel": "email", "receipt": receipt})
        if done_at:
            audit(done_at, "occurrence.completed", f"{obligation.id}/{period}", {"id": n + 1})
        elif outcome == "withdrawn":
            audit(AS_OF, "occurrence.withdrawn", f"{obligation.id}/{period}", {"reason": "regelen er endret"})
    with engine.begin() as connection:
        for table, rows in ((Occurrence, occurrences), (OutboxMessage, messages), (AuditEntry, entries)):
            for start in range(0, len(rows), 10000):
                connection.execute(insert(table), rows[start : start + 10000])
        connection.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=seq, hash=prev))


FLOOR_SQL = (
    "SELECT o.id, o.obligation_id, o.period, o.due, o.status, o.late, o.completed_at, o.completed_by,"
    " o.evidence, m.key, m.recipient, m.channel, m.officer_id, m.status, m.receipt, m.sent_at"
    " FROM occurrence o LEFT JOIN outbox_message m ON m.occurrence_id = o.id"
    " WHERE o.due >= {p} AND o.due <= {p} ORDER BY o.id, m.id"
)


def floor(engine) -> float:
    """Seconds to read the year's occurrences with their receipts: the driver's cursor, one
    query, fetched whole; the best of three."""
    sqlite = engine.dialect.name == "sqlite"
    sql = FLOOR_SQL.format(p="?" if sqlite else "%s")
    first, last = date(YEAR, 1, 1), date(YEAR, 12, 31)
    params = (first.isoformat(), last.isoformat()) if sqlite else (first, last)
    best = float("inf")
    for _ in range(3):
        connection = engine.raw_connection()
        try:
            started = time.perf_counter()
            cursor = connection.cursor()
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            best = min(best, time.perf_counter() - started)
        finally:
            connection.close()
    assert len(rows) >= 1, "the floor read no rows"
    return best


def one_format(url: str, fmt: str) -> None:
    """Child process: the floor, then read, build and render the record once timed, then once
    traced."""
    from pliktvakt.compliance import render, rules, store

    engine, catalogue = make_engine(url), load_catalogue(ROOT / "config")
    floor_s = floor(engine)

    def once() -> tuple[float, float, float, int, int, bool]:
        started = time.perf_counter()
        with session_scope(engine) as session:
            stored = store.read(session, catalogue, YEAR)
        read_done = time.perf_counter()
        built = rules.build(stored, YEAR, AS_OF)
        built_done = time.perf_counter()
        content = render.render(built, fmt)
        rendered = time.perf_counter()
        size = len(content.encode("utf-8") if isinstance(content, str) else content)
        times = (read_done - started, built_done - read_done, rendered - built_done)
        return (*times, len(built.rows), size, built.chain_intact)

    read_s, build_s, render_s, rows, size, intact = once()
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    once()
    traced_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "floor": floor_s,
                "read": read_s,
                "build": build_s,
                "render": render_s,
                "rows": rows,
                "bytes": size,
                "intact": intact,
                "rss": peak_rss,
                "traced": traced_peak,
            }
        )
    )


def _databases(skip_postgres: bool, tmp: Path):
    yield "SQLite", f"sqlite:///{tmp / 'bench.db'}", None
    if skip_postgres:
        return
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=3, autocommit=True) as conn:
            schema = f"bench_{uuid.uuid4().hex[:8]}"
            conn.execute(f'CREATE SCHEMA "{schema}"')
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL hoppes over: {exc}")
        return
    yield (
        "PostgreSQL",
        f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}",
        schema,
    )


def _goal(fmt: str, total: float, ratio: float) -> str:
    """Whether the format meets issue 31's goals: ≤ 2 s, and ≤ 2× the floor for csv and md."""
    missed = [] if total <= 2 else ["> 2 s"]
    if fmt in ("csv", "md") and ratio > 2:
        missed.append("> 2× floor")
    return "met" if not missed else "missed (" + ", ".join(missed) + ")"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("URL", "FORMAT"))
    args = parser.parse_args()
    if args.child:
        return one_format(*args.child)
    with tempfile.TemporaryDirectory() as tmp:
        for name, url, schema in _databases(args.skip_postgres, Path(tmp)):
            try:
                started = time.perf_counter()
                seed(url, args.count)
                print(f"\n{name}: {args.count} occurrences seeded in {time.perf_counter() - started:.1f} s")
                print(
                    f"{'format':<6} {'floor':>7} {'read':>7} {'build':>7} {'render':>7} {'total':>7} "
                    f"{'×floor':>7} {'rows/s':>8} {'size':>9} {'peak RSS':>9} {'traced':>8}  audit  goal"
                )
                for fmt in FORMATS:
                    child = subprocess.run(
                        [sys.executable, __file__, "--child", url, fmt],
                        capture_output=True,
                        text=True,
                        check=True,
                    )
                    r = json.loads(child.stdout.strip().splitlines()[-1])
                    total = r["read"] + r["build"] + r["render"]
                    ratio = total / r["floor"]
                    print(
                        f"{fmt:<6} {r['floor']:>6.2f}s {r['read']:>6.2f}s {r['build']:>6.2f}s "
                        f"{r['render']:>6.2f}s {total:>6.2f}s {ratio:>6.1f}× {r['rows'] / total:>8.0f} "
                        f"{r['bytes'] / 2**20:>7.1f}MB {r['rss']:>7.0f}MB {r['traced']:>6.0f}MB  "
                        f"{'intact' if r['intact'] else 'BROKEN'}  {_goal(fmt, total, ratio)}"
                    )
            finally:
                if schema:
                    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


if __name__ == "__main__":
    main()
