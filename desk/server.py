"""Serving the desk with uvicorn: `pliktvakt web`, `make run`, and production's workers.

uvicorn's access log prints each request's query string, and a duty link carries its token
there: it is turned off, and the desk logs method, path, status and time instead (desk.app).
"""

import ipaddress
import logging

from pliktvakt.settings import Settings

LOCAL_NAMES = {"localhost", "ip6-localhost"}


class SecretMissing(ValueError):
    """Serving beyond this machine without PLIKTVAKT_WEB_SECRET; the message is in bokmål."""


def is_local(host: str) -> bool:
    if host.lower() in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_secret(settings: Settings, host: str) -> None:
    secret = settings.web_secret.get_secret_value() if settings.web_secret is not None else ""
    if not is_local(host) and not secret:
        raise SecretMissing(
            f"Pliktvakt web starter ikke på {host} uten PLIKTVAKT_WEB_SECRET: lenker og innlogging "
            "må signeres med en hemmelig nøkkel når andre maskiner kan nå tjenesten. Sett "
            "PLIKTVAKT_WEB_SECRET (for eksempel `openssl rand -hex 32`), eller bruk --host 127.0.0.1."
        )


def log_config() -> dict:
    """uvicorn's own logging, without its access log; the desk's logger at INFO."""
    from uvicorn.config import LOGGING_CONFIG

    config = {**LOGGING_CONFIG, "loggers": dict(LOGGING_CONFIG["loggers"])}
    config["loggers"]["uvicorn.access"] = {"handlers": [], "level": "WARNING", "propagate": False}
    config["loggers"]["desk"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def factory():
    """The app, for `uvicorn --factory desk.server:factory` (production's workers)."""
    from desk.app import create_app

    return create_app()


def serve(settings: Settings, host: str, port: int, workers: int = 1) -> None:
    import uvicorn

    check_secret(settings, host)
    logging.getLogger("desk").setLevel(logging.INFO)
    uvicorn.run(
        "desk.server:factory",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_config=log_config(),
        proxy_headers=True,
        server_header=False,
    )
