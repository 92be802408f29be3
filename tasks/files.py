"""Writing files, the one place for it: the domain builds the bytes, this puts them on disk.

Each file is written beside its target and renamed into place, so a reader never sees half a
file and a crash leaves the old file, not a broken one."""

import os
from pathlib import Path


def write_file(target: Path, content: bytes | str) -> Path:
    """Write ``content`` (str as UTF-8) to ``target`` atomically, creating its directory."""
    target.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    tmp = target.with_name(target.name + ".tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def write_files(files: dict[Path, bytes | str]) -> list[Path]:
    """Write several files; each one atomically (a set of files is not one transaction)."""
    return [write_file(path, content) for path, content in files.items()]
