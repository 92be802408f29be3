"""Peak memory and wall time of `pliktvakt grants import` on large files (issue 18).

Each case runs the real command in its own process on a fresh SQLite database, and reports
that process's peak resident set size (ru_maxrss). The default cases:

- the 50 MB file of 435,000 rows, refused by the row limit (PLIKTVAKT_IMPORT_ROW_LIMIT,
  200,000 by default) before any row is validated;
- the same file imported with the limit raised to 500,000;
- a file of ROWS rows under the limit (default 200,000), imported.

And three small but hostile workbooks (issue 30), each to be refused within 200 MB and 5 s:

- 5 KB declaring the range A1:XFD5000 in its <dimension> record (openpyxl padded every row to
  16,384 cells: 15.7 s and 770 MB);
- 200 KB holding a 200 MB applicant name;
- 120,000 rows that are each rejected (900 MB of rejection rows before; 275 KB in the issue,
  2.7 MB here, as openpyxl writes its strings inline).

    uv run python bench/import_memory.py [ROWS] [--hostile-only]
    uv run python bench/import_memory.py [ROWS] --registration  (issue 31: default 100,000)
"""

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from stdnum.no import orgnr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.workbooks import patch_sheet  # noqa: E402

HEADER = "ordning;år;søker;orgnr;søkt_beløp;tildelt_beløp;avslagsgrunn;beregning;grunn;organisasjonsform"
SCHEMES = ("integreringsarbeid-frivillige-organisasjoner", "jobbsjansen")


def orgnrs():
    """Distinct valid organisation numbers (mod 11), so no row is a duplicate decision."""
    base = 80_000_000
    while True:
        base += 1
        for digit in "0123456789":  # the one check digit that makes the checksum 0, if any
            if orgnr.is_valid(f"{base}{digit}"):
                yield f"{base}{digit}"


def write_file(path: Path, rows: int) -> None:
    numbers = orgnrs()
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER + "\n")
        for n in range(rows):
            awarded = 0 if n % 5 == 0 else 150_000
            reason = "Søknaden faller utenfor målgruppen for ordningen" if not awarded else ""
            computation = "75 prosent av godkjent budsjett, avrundet" if awarded else ""
            out.write(
                f"{SCHEMES[n % 2]};2025;Frivillig organisasjon nr. {n};{next(numbers)};"
                f"200 000;{awarded};{reason};{computation};{'ramme' if awarded else 'malgruppe'};FLI\n"
            )


def peak_of(args: list[str], env: dict) -> tuple[int, float, float, str]:
    """Exit code, seconds, peak RSS (MB) and CPU seconds (user + system) of one process. On a
    shared machine the wall time grows with the others' load; the CPU time hardly does."""
    probe = (
        "import resource, subprocess, sys, time; t = time.perf_counter();"
        "r = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN);"
        "print(r.returncode, time.perf_counter() - t, u.ru_maxrss / 1024, u.ru_utime + u.ru_stime);"
        "print((r.stdout + r.stderr).strip().splitlines()[-1][:150])"
    )
    result = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, env=env)
    numbers, last = result.stdout.splitlines()[:2]
    code, seconds, peak, cpu = numbers.split()
    return int(code), float(seconds), float(peak), float(cpu), last


def case(label: str, rows: int, tmp: Path, limit: int = 200_000) -> None:
    path = tmp / f"{rows}.csv"
    if not path.exists():
        write_file(path, rows)
    env = {
        **os.environ,
        "PLIKTVAKT_IMPORT_ROW_LIMIT": str(limit),
        "PLIKTVAKT_DATABASE_URL": f"sqlite:///{tmp / f'{rows}-{limit}.db'}",
        "PLIKTVAKT_CONFIG_DIR": str(Path(__file__).resolve().parents[1] / "config"),
        "COLUMNS": "200",
    }
    subprocess.run([sys.executable, "-m", "cli.main", "init"], env=env, capture_output=True, check=True)
    command = [sys.executable, "-m", "cli.main", "grants", "import", str(path), "--round", "bench"]
    code, seconds, peak, cpu, last = peak_of(command, env)
    size = path.stat().st_size / 1e6
    print(
        f"{label}: {rows:,} rader, {size:.0f} MB: exit {code}, {seconds:.1f} s "
        f"({cpu:.1f} s CPU), topp RSS {peak:.0f} MB"
    )
    print(f"    {last}")


def _workbook(path: Path, rows) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Vedtak")
    sheet.append(HEADER.split(";"))
    for row in rows:
        sheet.append(row)
    book.save(path)


def hostile_files(tmp: Path) -> list[tuple[str, Path]]:
    numbers = orgnrs()
    decision = [SCHEMES[0], 2025, "Frivillig lag", next(numbers), 2000, 1000, None, "sats"]

    wide = tmp / "a1-xfd5000.xlsx"
    _workbook(wide, [decision])

    def claim(xml: bytes) -> bytes:
        xml = re.sub(rb"<dimension ref=\"[^\"]*\"", b'<dimension ref="A1:XFD5000"', xml, count=1)
        if b"<dimension" not in xml:
            xml = xml.replace(b"<sheetData", b'<dimension ref="A1:XFD5000"/><sheetData', 1)
        return xml

    patch_sheet(wide, claim)

    long_name = tmp / "navn-200mb.xlsx"
    _workbook(long_name, [[*decision[:2], "NAVN", *decision[3:]]])
    patch_sheet(long_name, lambda xml: xml.replace(b">NAVN<", b">" + b"x" * 200_000_000 + b"<", 1))

    rejected = tmp / "120000-avvist.xlsx"
    _workbook(rejected, ([SCHEMES[0], 2025, "Lag", "123", 2000, 1000, None, "sats"] for _ in range(120_000)))
    return [("A1:XFD5000", wide), ("Søkernavn på 200 MB", long_name), ("120 000 avviste rader", rejected)]


def hostile_case(label: str, path: Path, tmp: Path) -> None:
    env = {
        **os.environ,
        "PLIKTVAKT_DATABASE_URL": f"sqlite:///{tmp / (path.stem + '.db')}",
        "PLIKTVAKT_CONFIG_DIR": str(Path(__file__).resolve().parents[1] / "config"),
        "COLUMNS": "200",
    }
    subprocess.run([sys.executable, "-m", "cli.main", "init"], env=env, capture_output=True, check=True)
    command = [sys.executable, "-m", "cli.main", "grants", "import", str(path), "--round", "bench"]
    code, seconds, peak, cpu, last = peak_of(command, env)
    size = path.stat().st_size / 1e3
    verdict = "innenfor" if peak <= 200 and seconds < 5 else "UTENFOR"
    figures = f"exit {code}, {seconds:.1f} s ({cpu:.1f} s CPU), topp RSS {peak:.0f} MB"
    print(f"{label}: {size:.0f} KB: {figures} ({verdict} 200 MB og 5 s)")
    print(f"    {last}")


def main(rows: int, hostile_only: bool = False) -> None:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        if not hostile_only:
            case("Over grensen", 435_000, Path(tmp))
            case("Grensen hevet til 500 000", 435_000, Path(tmp), limit=500_000)
            case("Under grensen", rows, Path(tmp))
        for label, path in hostile_files(Path(tmp)):
            hostile_case(label, path, Path(tmp))
    print(f"({time.perf_counter() - started:.0f} s i alt)")


def registration_case(rows: int) -> None:
    """Issue 31: ROWS awards to a scheme for voluntary organisations, each opening a
    registration occurrence (`--registration`; bench/grant_import.py times it on both databases)."""
    with tempfile.TemporaryDirectory() as tmp:
        numbers = orgnrs()
        award = f"{SCHEMES[0]};2025;Lag {{}};{{}};200 000;200 000;;Sats;;FLI\n"
        lines = (award.format(n, next(numbers)) for n in range(rows))
        (Path(tmp) / f"{rows}.csv").write_text(HEADER + "\n" + "".join(lines), encoding="utf-8")
        case("Frivillige, med registrering", rows, Path(tmp))


if __name__ == "__main__":
    numbers = [a for a in sys.argv[1:] if a.isdigit()]
    if "--registration" in sys.argv:
        sys.exit(registration_case(int(numbers[0]) if numbers else 100_000))
    main(int(numbers[0]) if numbers else 200_000, "--hostile-only" in sys.argv)
