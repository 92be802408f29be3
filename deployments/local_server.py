"""Where `make run` keeps its local Prefect server, so `pliktvakt run` can find it.

No Prefect imports here: the address and PREFECT_HOME must be known before Prefect is
imported, since Prefect reads its settings once, at import.
"""

import os
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PORT = int(os.environ.get("PLIKTVAKT_PREFECT_PORT", "4200"))
UI = f"http://{HOST}:{PORT}"
API = f"{UI}/api"
PREFECT_HOME = ROOT / "data" / "prefect"


def prefect_env() -> dict[str, str]:
    """The Prefect settings of `make run`'s server and of every client that talks to it."""
    return {
        "PREFECT_HOME": str(PREFECT_HOME),
        "PREFECT_API_URL": API,
        "PREFECT_SERVER_API_HOST": HOST,
        "PREFECT_SERVER_API_PORT": str(PORT),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
    }


def healthy(timeout: float = 2) -> bool:
    try:
        return httpx.get(f"{API}/health", timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False
