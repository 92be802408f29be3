"""Processes, ports and a clean environment for tests that start real servers."""

import os
import socket
from pathlib import Path

UV_DIR = str(Path.home() / ".local" / "bin")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without this test session's Prefect and pliktvakt settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "PLIKTVAKT_"))}
    env["PATH"] = f"{UV_DIR}:{env.get('PATH', '')}"
    return {**env, **extra}


def _parent(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def descendants(root: int) -> set[int]:
    """Every living process below ``root``, wherever its session or process group."""
    parents = {int(p): _parent(int(p)) for p in os.listdir("/proc") if p.isdigit()}
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    """True while the process exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
