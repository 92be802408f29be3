"""Prints how long validating an award file and rendering its letters takes.

uv run python bench/grant_import.py [rows]  (distinct applicants: a repeated one is refused)
"""

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from pliktvakt.grants.awards import read_award_file
from pliktvakt.grants.letters import build_letter_data, render_letter
from pliktvakt.grants.schemes import load_schemes

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from import_memory import orgnrs  # noqa: E402  distinct valid organisation numbers


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


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
