"""The one retry policy for outside HTTP services (Kudos, the settlement source, the grants
register): httpx with httpx-retries' transport. Timeouts, connection errors, 429 and 5xx are
retried with exponential backoff, honouring Retry-After; nothing else is."""

import httpx
from httpx_retries import Retry, RetryTransport

RETRY_STATUSES = (429, 500, 502, 503, 504)


def retry_policy(attempts: int, backoff: float) -> Retry:
    """``attempts`` in all (so attempts - 1 retries); waits backoff, 2·backoff, 4·backoff …

    httpx-retries waits factor · 2^n after the n-th attempt (n from 1), hence half the backoff."""
    return Retry(
        total=max(attempts - 1, 0),
        backoff_factor=backoff / 2,
        status_forcelist=RETRY_STATUSES,
        backoff_jitter=0.0,
        allowed_methods=("GET", "HEAD", "PUT", "DELETE", "OPTIONS", "POST"),
    )


def failure(exc: httpx.TransportError) -> str:
    """What a request that got no answer came to, in bokmål (for errors naming the service)."""
    if isinstance(exc, httpx.TimeoutException):
        return "tidsavbrudd"
    return f"nettverksfeil ({type(exc).__name__})"


def client(attempts: int, backoff: float, timeout: float, **kwargs) -> httpx.Client:
    """A client that retries by the policy. POST is retried too: callers that POST send an
    idempotency key, so a retry never does the thing twice."""
    transport = RetryTransport(retry=retry_policy(attempts, backoff))
    return httpx.Client(transport=transport, timeout=timeout, **kwargs)


def async_client(attempts: int, backoff: float, timeout: float, **kwargs) -> httpx.AsyncClient:
    transport = RetryTransport(retry=retry_policy(attempts, backoff))
    return httpx.AsyncClient(transport=transport, timeout=timeout, **kwargs)
