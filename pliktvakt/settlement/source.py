"""Where the settlement figures come from (PLIKTVAKT_SETTLEMENT_SOURCE): a file, a URL
serving JSON, or, when unset, the shipped synthetic sample.

The fetch itself is in ``tasks.settlement_source``; this is what is done with what it fetched.
The payload shape is documented in ``pliktvakt.settlement.parsing``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pliktvakt.settings import Settings
from pliktvakt.settlement.model import LoadResult
from pliktvakt.settlement.parsing import parse_json_payload

SAMPLE = Path("sample") / "bosetting-syntetisk.csv"


class SettlementSourceError(Exception):
    """The source could not be fetched after all attempts. The message is bokmål and names the
    source without its query string, which may hold a token."""

    def __init__(self, url: str, attempts: int, problem: str):
        self.attempts = attempts
        super().__init__(
            f"Kunne ikke hente bosettingstall fra {shown_source(url)} etter {attempts} forsøk: {problem}"
        )


def source_location(settings: Settings) -> str:
    """PLIKTVAKT_SETTLEMENT_SOURCE, or the shipped synthetic sample."""
    return settings.settlement_source or str(settings.config_dir / SAMPLE)


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def shown_source(source: str) -> str:
    """The source without a query string or user info, which may hold a token."""
    if not is_url(source):
        return source
    parts = urlsplit(source)
    return f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''}{parts.path}"


def parse_fetched(payload: Any, url: str, known_municipalities: Iterable[str] | None = None) -> LoadResult:
    """The rows of a fetched JSON payload; errors and the result name the URL as shown."""
    return parse_json_payload(payload, shown_source(url), known_municipalities)
