"""The HTTP JSON source of settlement figures: one GET, retried by the one policy (tasks.http).

Timeouts, connection errors, 429 and 5xx are retried with backoff; any other 4xx answer or a
body that is not JSON fails at once, since asking again would give the same answer.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import httpx

from pliktvakt.settlement.inputs import LoadResult
from pliktvakt.settlement.inputs_source import SettlementSourceError, parse_fetched
from tasks.http import client


def _attempts(response: httpx.Response) -> int:
    """How many requests the retry transport made for ``response``."""
    retry = response.extensions.get("retry")
    return retry.attempts_made + 1 if retry is not None else 1


def fetch_settlement_json(url: str, timeout: float = 30.0, retries: int = 3, backoff: float = 1.0) -> Any:
    """GET ``url`` and return its decoded JSON; ``retries`` counts the extra attempts."""
    attempts = retries + 1  # an error raised by the transport comes after every attempt
    with client(attempts, backoff, timeout, follow_redirects=True) as http:
        try:
            response = http.get(url, headers={"Accept": "application/json"})
        except httpx.TimeoutException:
            raise SettlementSourceError(url, attempts, f"tidsavbrudd etter {timeout:g} s") from None
        except httpx.TransportError as exc:
            tried = attempts if isinstance(exc, (httpx.NetworkError, httpx.RemoteProtocolError)) else 1
            raise SettlementSourceError(url, tried, f"nettverksfeil ({type(exc).__name__})") from None
    if response.status_code >= 400:
        raise SettlementSourceError(url, _attempts(response), f"tjenesten svarte HTTP {response.status_code}")
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise SettlementSourceError(url, _attempts(response), "svaret er ikke gyldig JSON") from None


def load_settlement_url(
    url: str,
    known_municipalities: Iterable[str] | None = None,
    timeout: float = 30.0,
    retries: int = 3,
    backoff: float = 1.0,
) -> LoadResult:
    return parse_fetched(fetch_settlement_json(url, timeout, retries, backoff), url, known_municipalities)
