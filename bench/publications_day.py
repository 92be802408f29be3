"""How long the publications day takes for many publications (no Prefect, no SMTP).

uv run python bench/publications_day.py [N]
Adds N publications on a fresh SQLite file, then times plan_day on the day most
notices fall due, and a rerun of that day (which must queue nothing).
"""

import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from pliktvakt.catalogue import load_catalogue
from pliktvakt.db import make_engine, migrate, session_scope
from pliktvakt.publications import inputs, store, store_day
from pliktvakt.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def main(n: int) -> None:
    url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    migrate(url)
    engine, catalogue = make_engine(url), load_catalogue(ROOT / "config")
    settings = Settings(ministry_recipients=["a@aid.example", "b@aid.example"])
    start = time.perf_counter()
    with session_scope(engine) as session:
        for i in range(n):
            data = inputs.validate(
                title=f"Rapport {i}",
                kind="rapport",
                publish_on=date(2026, 4, 15) + timedelta(days=i % 7),
                owner="kunnskap",
            )
            store.add(session, catalogue, data, "bench", "bench")
    print(f"add {n}: {time.perf_counter() - start:.2f} s")
    for label in ("plan_day 2026-03-27", "rerun"):
        start = time.perf_counter()
        with session_scope(engine) as session:
            report = store_day.plan_day(session, catalogue, settings, date(2026, 3, 27))
        print(f"{label}: {time.perf_counter() - start:.2f} s, {len(report.queued)} messages queued")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
