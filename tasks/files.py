"""Writing files, the one place for it: the domain builds the bytes, this puts them on disk.

Each file is written beside its target and renamed into place, so a reader never sees half a
file and a crash leaves the old file, not a broken one.

The rename replaces whatever is at the target, as whoever runs pliktvakt (often root in a
container). So only a regular file is replaced (issue 30): a symlink, a device (``/dev/null``,
``/dev/full``), a FIFO or a directory at the target is refused with ``OutputRefused``, and the
temporary file is created new (``O_EXCL``), never through a link someone left there."""

import os
import stat
import tempfile
from pathlib import Path


class OutputRefused(ValueError):
    """A target pliktvakt will not write to; the message is in bokmål."""


def check_target(target: Path, make_dirs: bool = True) -> None:
    """Refuse a target that exists and is not a regular file (a symlink is not followed), and,
    unless ``make_dirs``, a target whose directory does not exist."""
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        kind = (
            "en mappe"
            if stat.S_ISDIR(mode)
            else "en symbolsk lenke"
            if stat.S_ISLNK(mode)
            else "en enhet, FIFO eller socket"
        )
        raise OutputRefused(
            f"{target}: er {kind}, ikke en vanlig fil; pliktvakt erstatter bare vanlige filer "
            "(bruk -o - for å skrive til skjermen)"
        )
    if not make_dirs and not target.parent.is_dir():
        raise OutputRefused(f"{target}: mappen «{target.parent}» finnes ikke")


def write_file(target: Path, content: bytes | str, make_dirs: bool = True) -> Path:
    """Write ``content`` (str as UTF-8) to ``target`` atomically, creating its directory
    (unless ``make_dirs`` is False). Only a regular file is replaced (``check_target``)."""
    target = Path(target)
    check_target(target, make_dirs)
    if make_dirs:
        target.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    descriptor, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    tmp = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        if target.exists():
            os.chmod(tmp, stat.S_IMODE(os.stat(target).st_mode))
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_files(files: dict[Path, bytes | str]) -> list[Path]:
    """Write several files; each one atomically (a set of files is not one transaction)."""
    return [write_file(path, content) for path, content in files.items()]
