"""Kind: inputs. Where the settlement figures come from, and what is read from a fetched source.

PLIKTVAKT_SETTLEMENT_SOURCE names a file, a URL serving JSON, or, when unset, the shipped
synthetic sample.

The fetch itself is in ``tasks.settlement_source``; this is what is done with what it fetched.
The payload shape is documented in ``pliktvakt.settlement.inputs_figures``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pliktvakt.redact import looks_like_url, redact_location, redact_url
from pliktvakt.settings import Settings
from pliktvakt.settlement.inputs import LoadResult
from pliktvakt.settlement.inputs_figures import parse_json_payload

SAMPLE = Path("sample") / "bosetting-syntetisk.csv"
DEMO_DIR = "demo"  # demo mode: under the publish directory; never the publish directory itself


class SettlementSourceError(Exception):
    """The source could not be fetched after all attempts. The message is bokmål and names the
    source without its query string, which may hold a token."""

    def __init__(self, url: str, attempts: int, problem: str):
        self.attempts = attempts
        super().__init__(
            f"Kunne ikke hente bosettingstall fra {shown_source(url)} etter {attempts} forsøk: {problem}"
        )


def source_location(settings: Settings) -> str:
    """PLIKTVAKT_SETTLEMENT_SOURCE, or the shipped synthetic sample. The plain value: pass it
    only to the fetch, and show it only through ``shown_source``."""
    if settings.settlement_source is None:
        return str(settings.config_dir / SAMPLE)
    return settings.settlement_source.get_secret_value()


def is_demo(settings: Settings) -> bool:
    """The run analyses the shipped synthetic sample: no source is set, or it names the sample."""
    if settings.settlement_source is None:
        return True
    location = settings.settlement_source.get_secret_value()
    return not is_url(location) and Path(location).resolve() == (settings.config_dir / SAMPLE).resolve()


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def shown_source(source: str) -> str:
    """The source without a query string or user info, which may hold a token; a source that
    only looks like a URL (a mistyped scheme) is redacted too (``redact_location``)."""
    return redact_url(source) if is_url(source) else redact_location(source)


def mistyped_url(source: str) -> str | None:
    """Why a source that is no http(s) URL but looks like one cannot be used; None for a path.
    Checked before the source is passed to any task, so Prefect never stores it."""
    if is_url(source) or not looks_like_url(source):
        return None
    return (
        f"PLIKTVAKT_SETTLEMENT_SOURCE ({shown_source(source)}) ser ut som en adresse, men begynner "
        "ikke med http:// eller https://; rett skrivefeilen, eller oppgi en filsti"
    )


def parse_fetched(payload: Any, url: str, known_municipalities: Iterable[str] | None = None) -> LoadResult:
    """The rows of a fetched JSON payload; errors and the result name the URL as shown."""
    return parse_json_payload(payload, shown_source(url), known_municipalities)
