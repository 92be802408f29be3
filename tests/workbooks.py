"""Rewriting one part of a saved workbook, as a careless or hostile program would write it:
the tests of what an XLSX import reads, and bench/import_memory.py's hostile files."""

import zipfile
from collections.abc import Callable
from pathlib import Path


def patch_member(path: Path, member: str, change: Callable[[bytes], bytes]) -> None:
    """Replace the part ``member`` of the workbook at ``path`` by ``change`` of it."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts[member] = change(parts[member])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def patch_sheet(path: Path, change: Callable[[bytes], bytes]) -> None:
    """``patch_member`` of the workbook's first worksheet."""
    with zipfile.ZipFile(path) as source:
        sheet = next(n for n in source.namelist() if n.startswith("xl/worksheets/sheet"))
    patch_member(path, sheet, change)
