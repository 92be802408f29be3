"""The HTTP JSON source of settlement figures (PLIKTVAKT_SETTLEMENT_SOURCE = a URL).

The payload shape is documented in ``pliktvakt.settlement.parsing``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from typing import Any

import httpx

from pliktvakt.settlement.model import LoadResult
from pliktvakt.settlement.parsing import parse_json_payload


class SettlementSourceError(Exception):
    """The source could not be fetched after all attempts. Message in bokmål."""

    def __init__(self, url: str, attempts: int, problem: str):
        self.url = url
        self.attempts = attempts
        self.problem = problem
        super().__init__(f"Kunne ikke hente bosettingstall fra {url} etter {attempts} forsøk: {problem}")


def fetch_settlement_json(url: str, timeout: float = 30.0, retries: int = 3,
                          backoff: float = 1.0) -> Any:
    """GET ``url`` and return its decoded JSON.

    Retries on timeouts, connection errors and 5xx answers, waiting ``backoff * 2**n``
    seconds between attempts; a 4xx answer or a body that is not JSON fails at once,
    since asking again would give the same answer. ``retries`` counts the extra attempts.
    """
    attempts = 0
    problem = ""
    with httpx.Client(timeout=timeout, follow_redirects=True) as client:
        for attempt in range(retries + 1):
            attempts = attempt + 1
            if attempt:
                time.sleep(backoff * 2 ** (attempt - 1))
            try:
                response = client.get(url, headers={"Accept": "application/json"})
            except httpx.TimeoutException:
                problem = f"tidsavbrudd etter {timeout:g} s"
                continue
            except httpx.TransportError as exc:
                problem = f"nettverksfeil ({type(exc).__name__})"
                continue
            if response.status_code >= 500:
                problem = f"tjenesten svarte HTTP {response.status_code}"
                continue
            if response.status_code >= 400:
                raise SettlementSourceError(url, attempts, f"tjenesten svarte HTTP {response.status_code}")
            try:
                return response.json()
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise SettlementSourceError(url, attempts, "svaret er ikke gyldig JSON") from None
    raise SettlementSourceError(url, attempts, problem)


def load_settlement_url(url: str, known_municipalities: Iterable[str] | None = None,
                        timeout: float = 30.0, retries: int = 3, backoff: float = 1.0) -> LoadResult:
    return parse_json_payload(fetch_settlement_json(url, timeout, retries, backoff), url,
                              known_municipalities)
