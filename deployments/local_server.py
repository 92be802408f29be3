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


def running_server_settings() -> tuple[dict | None, bool]:
    """Prefect settings for a server that is already there, for the faces that resume or start
    runs (the CLI, the desk): none needed when PREFECT_API_URL is set; this server's when it
    answers (then the second value is True, so the face can say so); None when neither."""
    from prefect import settings

    if settings.get_current_settings().api.url:
        return {}, False
    if healthy():
        return {settings.PREFECT_API_URL: API, settings.PREFECT_HOME: PREFECT_HOME}, True
    return None, False


def prepare_database() -> None:
    """Create or upgrade the local Prefect server's database, as the server does on its first
    start: `make setup` runs this, so the first `make run` finds it made and serves sooner
    (issue 31: the migrations took 7 to 15 s of that start on 2 cores). The same settings as
    `make run` (``prefect_env``), so it is the database that server opens."""
    os.environ.update(prefect_env())
    PREFECT_HOME.mkdir(parents=True, exist_ok=True)
    import asyncio

    from prefect.server.database import provide_database_interface

    asyncio.run(provide_database_interface().create_db())  # what the server runs on start
    print(f"Prefect-databasen til `make run` er klar ({PREFECT_HOME}).")


if __name__ == "__main__":
    prepare_database()
