"""Keep secrets out of logs, artifacts and the database (DESIGN principle 10)."""

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from pydantic import SecretStr
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

_URL_CREDENTIALS = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<cred>[^@/\s]+)@", re.IGNORECASE)


_SECRET_QUERY_KEY = re.compile(r"pass|token|secret|key", re.IGNORECASE)


def redact_db_url(url: str) -> str:
    """A database URL with its password masked, and any query value that may be one
    (``?password=``, ``sslpassword``, ``token``…). A URL that does not parse shows only its
    scheme (issue 30): ``postgresql:/u:pass@h`` or ``::::pass`` would be shown whole."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        scheme = re.match(r"[a-z][a-z0-9+.-]*:", url, re.IGNORECASE)
        return f"{scheme.group()}***" if scheme else "***"
    query = {k: ("***" if _SECRET_QUERY_KEY.search(k) else v) for k, v in parsed.query.items()}
    return parsed.set(query=query).render_as_string(hide_password=True).replace("%2A%2A%2A", "***")


def redact_url(url: str) -> str:
    """An http(s) URL as scheme, host, port and path: no user info (a password), no query
    string or fragment (a token). What an error may show of a source that is a secret."""
    try:
        parts = urlsplit(url)
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # not even a URL: show only its scheme
        return url.split("://", 1)[0] + "://***"
    return f"{parts.scheme}://{parts.hostname or ''}{port}{parts.path}"


# What makes a setting URL-like even when it does not parse as a URL: a scheme separator
# (also mistyped, as in «htps://» or «https:/»), user info, or a query string.
_URL_LIKE = re.compile(r"^[a-z][a-z0-9+.-]*:/|@|\?|[?&][a-z_]+=", re.IGNORECASE)


def looks_like_url(value: str) -> bool:
    """Whether a setting looks like an address rather than a file path (issue 30): it may then
    hold a password or a token, wherever it came from."""
    return bool(_URL_LIKE.search(value))


def redact_location(value: str) -> str:
    """A setting that is a URL or a file path, as it may be shown: a URL-like value as
    ``redact_url`` shows it (scheme, host and path, never user info or query), or ``***``
    when not even that can be told; a plain path as it is."""
    if not looks_like_url(value):
        return value
    if "://" in value:
        return redact_url(value)
    return "***"


def scrub(text: str, secrets: Iterable[str | SecretStr | None]) -> str:
    """Replace every occurrence of a secret (and its URL-embedded parts) with ***."""
    for secret in secrets:
        value = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
        for part in _sensitive_parts(value):
            text = text.replace(part, "***")
    return text


def _sensitive_parts(value: str | None) -> list[str]:
    if not value:
        return []
    parts = [value]
    match = _URL_CREDENTIALS.match(value)
    if match:
        parts += [p for p in re.split(r"[:]", match.group("cred")) if len(p) >= 4]
    # Path segments and query values of a URL can be signatures (Teams workflows).
    if "://" in value:
        rest = value.split("://", 1)[1]
        parts += [p for p in re.split(r"[/?&=]", rest) if len(p) >= 16]
    return sorted(set(parts), key=len, reverse=True)
