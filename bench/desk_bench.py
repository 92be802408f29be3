"""Server time of the duty desk's pages with 100,000 occurrences and 1,000 officers, on SQLite
and PostgreSQL (issue 27; goal p95 ≤ 150 ms).

The catalogue is the repository's, plus 1,000 officers o-0000…o-0999, each holding one role
r-0000…r-0999, in a tree of managers (o-k reports to o-(k//10); o-0000 at the top) with the
next officer as deputy. 100,000 occurrences of the real obligations are spread over those
roles (100 each), due from 60 days ago to 60 days ahead, 80 % open.

It prints p50 and p95 (ms) over many requests, in this process through the ASGI app (the
server's time, no network) of:
- «Mine plikter» of leaf officers (their 100 duties);
- «Mine plikter» of a middle manager (o-0001: 10 reports below, 100 below them) with the
  duties escalated to them;
- «Alle plikter» (open, first page; and filtered by one role) as a styring officer;
- a duty page.
Run: uv run python bench/desk_bench.py [--skip-postgres] [--requests 60]
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import psycopg
import yaml
from sqlalchemy import insert, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pliktvakt import links  # noqa: E402
from pliktvakt.catalogue import load_catalogue  # noqa: E402
from pliktvakt.clock import OSLO  # noqa: E402
from pliktvakt.db import make_engine, migrate, session_scope  # noqa: E402
from pliktvakt.occurrences import sync_obligations  # noqa: E402
from pliktvakt.settings import Settings  # noqa: E402
from pliktvakt.tables import Occurrence  # noqa: E402

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 10, tzinfo=OSLO)
STAMP = datetime(2026, 11, 25, 8, tzinfo=timezone.utc)
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
OFFICERS = 1000
OCCURRENCES = 100_000


def config_dir(into: Path) -> Path:
    """The repository's config with 1,000 more officers and roles."""
    target = into / "config"
    shutil.copytree(ROOT / "config", target)
    people = yaml.safe_load((target / "officers.yaml").read_text())
    for k in range(OFFICERS):
        officer = {"id": f"o-{k:04d}", "name": f"Saksbehandler {k}", "email": f"o{k}@imdi.example"}
        if k:
            officer["manager"] = f"o-{k // 10:04d}"
        officer["deputy"] = f"o-{(k + 1) % OFFICERS:04d}"
        people["officers"].append(officer)
        people["roles"].append({"id": f"r-{k:04d}", "title": f"Rolle {k}", "officer": f"o-{k:04d}"})
    (target / "officers.yaml").write_text(yaml.safe_dump(people, allow_unicode=True))
    return target


def seed(url: str, config: Path) -> None:
    migrate(url)
    engine, catalogue = make_engine(url), load_catalogue(config)
    rng = random.Random(27)
    obligations = [o for o in catalogue.obligations.values() if o.kind in ("recurring", "event")]
    with session_scope(engine) as session:
        sync_obligations(session, catalogue)
    rows = []
    for n in range(OCCURRENCES):
        due = TODAY + timedelta(days=rng.randint(-60, 60))
        done = rng.random() < 0.2
        rows.append(
            {
                "obligation_id": obligations[n % len(obligations)].id,
                "period": f"bench:{n}",
                "anchor": due,
                "due": due,
                "role": f"r-{n % OFFICERS:04d}",
                "status": "done" if done else "open",
                "late": False,
                "completed_at": STAMP if done else None,
                "completed_by": "bench@imdi.example" if done else None,
                "evidence": "bench" if done else None,
                "created_at": STAMP,
                "updated_at": STAMP,
            }
        )
    with engine.begin() as connection:
        for start in range(0, OCCURRENCES, 10000):
            connection.execute(insert(Occurrence), rows[start : start + 10000])
    if engine.dialect.name == "postgresql":
        # What autovacuum does soon after a bulk load: statistics for the planner, and the
        # visibility map that lets a count read the index alone.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE occurrence"))
    engine.dispose()


def measure(url: str, config: Path, requests: int) -> dict[str, tuple[float, float]]:
    from fastapi.testclient import TestClient

    from desk.app import create_app

    settings = Settings(database_url=url, config_dir=config, web_secret="bench-secret")
    app = create_app(settings)
    app.state.now = lambda _=None: NOW
    client = TestClient(app, base_url="http://127.0.0.1:8400", follow_redirects=False)

    def as_officer(email: str) -> dict:
        return {"pv_session": links.sign(app.state.key, "session", f"{email}|{int(NOW.timestamp())}")}

    rng = random.Random(1)
    leaves = [f"o{k}@imdi.example" for k in rng.sample(range(111, OFFICERS), 20)]
    duty_ids = [rng.randint(1, OCCURRENCES) for _ in range(20)]
    cases = {
        "Mine plikter (saksbehandler)": lambda i: client.get("/", cookies=as_officer(leaves[i % 20])),
        "Mine plikter (leder, o-0001)": lambda i: client.get("/", cookies=as_officer("o1@imdi.example")),
        "Alle plikter (åpne, side 1)": lambda i: client.get(
            "/alle", cookies=as_officer("kari.nordmann@imdi.example")
        ),
        "Alle plikter (én rolle)": lambda i: client.get(
            f"/alle?rolle=r-{i % OFFICERS:04d}&status=all", cookies=as_officer("kari.nordmann@imdi.example")
        ),
        "Pliktside": lambda i: client.get(
            f"/plikt/{duty_ids[i % 20]}", cookies=as_officer("kari.nordmann@imdi.example")
        ),
    }
    results = {}
    for name, call in cases.items():
        call(0)  # warm: templates compiled, connections open
        times = []
        for i in range(requests):
            started = time.perf_counter()
            response = call(i)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (name, response.status_code, response.text[:300])
        times.sort()
        results[name] = (statistics.median(times), times[int(0.95 * (len(times) - 1))])
    app.state.engine.dispose()
    return results


def report(database: str, results: dict[str, tuple[float, float]]) -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n{database}: {OCCURRENCES:,} forekomster, {OFFICERS:,} saksbehandlere".replace(",", " "))
    print(f"  (maskinens last: {load} på {os.cpu_count()} kjerner; en travel maskin gir høyere p95)")
    for name, (p50, p95) in results.items():
        verdict = "ok" if p95 <= 150 else "OVER 150 ms"
        print(f"  {name:32} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config = config_dir(Path(tmp))
        sqlite_url = f"sqlite:///{tmp}/bench.db"
        seed(sqlite_url, config)
        report("SQLite", measure(sqlite_url, config, args.requests))
        if args.skip_postgres:
            return
        name = f"bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
            seed(url, config)
            report("PostgreSQL", measure(url, config, args.requests))
        finally:
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
