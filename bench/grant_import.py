"""Prints how long validating an award file and rendering its letters takes, and (issue 31)
how long `pliktvakt grants import` takes to a scheme for voluntary organisations, where each
award opens a registration occurrence in the grants register's duty (vedlegg 1 pkt. 1).

    uv run python bench/grant_import.py [rows]  (distinct applicants: a repeated one is refused)
    uv run python bench/grant_import.py --registration [--skip-postgres] [--sizes 10000,50000,100000]

The registration case runs the real command in its own process on a fresh database (SQLite,
then PostgreSQL at PLIKTVAKT_BENCH_PG, default postgresql://postgres@127.0.0.1:5432/test),
every row an award to integreringsarbeid-frivillige-organisasjoner, and prints the wall time,
the CPU time, the time per row, and the ratio of the largest size to the smallest: linear
time gives the ratio of the sizes (10 for 100k/10k). `--plain` adds the same file to a
scheme without registration (jobbsjansen) at the largest size, for comparison.
"""

import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

from pliktvakt.grants.inputs import read_award_file
from pliktvakt.grants.render_letters import build_letter_data, render_letter
from pliktvakt.grants.schemes import load_schemes

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from import_memory import HEADER, orgnrs, peak_of  # noqa: E402  distinct valid organisation numbers

VOLUNTARY = "integreringsarbeid-frivillige-organisasjoner"
PLAIN = "jobbsjansen"
PG_ADMIN = os.environ.get("PLIKTVAKT_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")


def main(rows: int) -> None:
    schemes = load_schemes(ROOT / "config" / "grant_schemes.yaml")
    lines = ["ordning;år;søker;orgnr;søkt_beløp;tildelt_beløp;avslagsgrunn;beregning;grunn;organisasjonsform"]
    numbers = orgnrs()
    for n in range(rows):
        scheme = "integreringsarbeid-frivillige-organisasjoner" if n % 2 else "jobbsjansen"
        awarded = 0 if n % 5 == 0 else 1000
        lines.append(
            f"{scheme};2025;Søker {n};{next(numbers)};2000;{awarded};{'avslag' if not awarded else ''};sats;"
            f"{'malgruppe' if not awarded else 'ramme'};FLI"
        )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.csv"
        path.write_text("\n".join(lines), encoding="utf-8")
        start = time.perf_counter()
        decisions = read_award_file(path, schemes)
        imported = time.perf_counter() - start
    start = time.perf_counter()
    for n, d in enumerate(decisions):
        render_letter(build_letter_data("bench", f"b-{n}", schemes[d.scheme_id], d, date(2025, 3, 31)))
    rendered = time.perf_counter() - start
    print(f"{rows} rader: import {imported:.3f} s ({rows / imported:,.0f} rader/s)")
    print(f"{rows} brev: {rendered:.3f} s ({rows / rendered:,.0f} brev/s)")


# --- issue 31: imports to a scheme whose awards are registered ---------------------------


def award_file(path: Path, rows: int, scheme: str) -> None:
    """Every row a full award (no ground needed), each to its own organisation."""
    numbers = orgnrs()
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER + "\n")
        for n in range(rows):
            out.write(f"{scheme};2025;Frivillig lag {n};{next(numbers)};200 000;200 000;;Sats;;FLI\n")


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def _pg_url(name: str) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(PG_ADMIN).set(drivername="postgresql+psycopg", database=name)
    return url.render_as_string(hide_password=False)


def import_once(database: str, path: Path, tmp: Path) -> tuple[int, float, float, float, str]:
    """(exit code, wall s, peak RSS MB, CPU s, last line) of one import on a new database."""
    name = f"bench_{uuid.uuid4().hex[:10]}"
    url = f"sqlite:///{tmp / (name + '.db')}" if database == "sqlite" else _pg_url(name)
    if database == "postgresql":
        _pg(f'CREATE DATABASE "{name}"')
    env = {
        **os.environ,
        "PLIKTVAKT_DATABASE_URL": url,
        "PLIKTVAKT_CONFIG_DIR": str(ROOT / "config"),
        "PLIKTVAKT_IMPORT_ROW_LIMIT": "1000000",
        "COLUMNS": "200",
    }
    try:
        cli = [sys.executable, "-m", "cli.main"]
        subprocess.run([*cli, "init"], env=env, capture_output=True, check=True)
        return peak_of([*cli, "grants", "import", str(path), "--round", "bench"], env)
    finally:
        if database == "postgresql":
            _pg(f'DROP DATABASE "{name}" WITH (FORCE)')


def registration(sizes: list[int], databases: list[str], plain: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for database in databases:
            walls: dict[int, float] = {}
            for rows in sizes:
                path = tmp / f"{VOLUNTARY}-{rows}.csv"
                if not path.exists():
                    award_file(path, rows, VOLUNTARY)
                code, wall, peak, cpu, last = import_once(database, path, tmp)
                walls[rows] = wall
                print(
                    f"{database} frivillige {rows:>7,} rader: exit {code}, {wall:6.1f} s "
                    f"({cpu:.1f} s CPU), {wall / rows * 1000:.3f} ms/rad, topp RSS {peak:.0f} MB"
                )
                if code:
                    print(f"    {last}")
            small, large = min(walls), max(walls)
            if large != small:
                print(
                    f"{database}: {large:,}/{small:,} = {walls[large] / walls[small]:.2f} "
                    f"(lineært: {large / small:.0f})"
                )
            if plain:
                path = tmp / f"{PLAIN}-{large}.csv"
                award_file(path, large, PLAIN)
                code, wall, peak, cpu, _ = import_once(database, path, tmp)
                print(
                    f"{database} uten registrering {large:>7,} rader: exit {code}, {wall:6.1f} s "
                    f"({cpu:.1f} s CPU), {wall / large * 1000:.3f} ms/rad, topp RSS {peak:.0f} MB"
                )


def _option(name: str, default: str) -> str:
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


if __name__ == "__main__":
    if "--registration" in sys.argv:
        sizes = [int(s) for s in _option("--sizes", "10000,50000,100000").split(",")]
        databases = ["sqlite"] if "--skip-postgres" in sys.argv else ["sqlite", "postgresql"]
        registration(sizes, databases, "--plain" in sys.argv)
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
