"""The Kudos client (instruks pkt. 4.3): HTTP on the shared retry policy (``tasks.http``).

What a page means, and which document matches, is ``pliktvakt.publications.kudos``.
"""

import httpx

from pliktvakt.publications import kudos
from pliktvakt.publications.kudos import KudosError, KudosLookup, KudosMatch, KudosPage, KudosUnavailable
from pliktvakt.settings import Settings
from tasks import http
from tasks.common import io_task

HEADERS = {"User-Agent": "pliktvakt (IMDi)", "Accept": "application/json"}


def make_client(
    base_url: str = kudos.DEFAULT_BASE_URL, timeout: float = 10.0, attempts: int = 3, backoff: float = 1.0
) -> httpx.Client:
    """A client for Kudos: ``attempts`` tries of a request that times out, fails to connect
    or gets a 5xx, waiting longer each time (``tasks.http``)."""
    return http.client(attempts, backoff, timeout, base_url=base_url.rstrip("/") + "/", headers=HEADERS)


def get_page(client: httpx.Client, actor_name: str, page_no: int, attempts: int) -> KudosPage:
    """One page of ``actor_name``'s evaluations. ``attempts`` only names the tries in an error."""
    params = kudos.query(actor_name, page_no)
    url = str(client.base_url.join("documents").copy_merge_params(params))
    try:
        response = client.get("documents", params=params)
    except httpx.TransportError as exc:
        raise KudosUnavailable(url, attempts, http.failure(exc)) from None
    return kudos.read_page(url, response.status_code, response.text, attempts, page_no)


def find_evaluation(
    client_or_base_url: httpx.Client | str,
    title: str,
    actor_name: str,
    *,
    timeout: float = 10.0,
    attempts: int = 3,
    backoff: float = 1.0,
    max_pages: int = kudos.DEFAULT_MAX_PAGES,
    document_url: str = kudos.DEFAULT_DOCUMENT_URL,
) -> KudosMatch | None:
    """Find an evaluation by title among ``actor_name``'s evaluations in Kudos.

    Returns the match with its public link, or None when no document matches. Raises
    ``KudosUnavailable`` when a page still times out or gets a 5xx after ``attempts`` tries,
    and ``KudosResponseError`` for a 4xx or a body of the wrong shape. A ready client
    brings its own transport, and so its own retries.
    """
    if isinstance(client_or_base_url, str):
        with make_client(client_or_base_url, timeout, attempts, backoff) as client:
            return find_evaluation(
                client, title, actor_name, attempts=attempts, max_pages=max_pages, document_url=document_url
            )
    client = client_or_base_url
    return kudos.search(
        lambda page_no: get_page(client, actor_name, page_no, attempts),
        title,
        str(client.base_url.join("documents")),
        max_pages,
        document_url,
    )


def lookup_evaluation(
    client_or_base_url: httpx.Client | str, title: str, actor_name: str, **options
) -> KudosLookup:
    """``find_evaluation`` as a result: the flow records the status instead of crashing."""
    try:
        match = find_evaluation(client_or_base_url, title, actor_name, **options)
    except KudosError as exc:
        return kudos.lookup_failure(exc)
    return kudos.lookup_result(title, actor_name, match)


@io_task(name="kudos-lookup")
def kudos_lookup(settings: Settings, title: str) -> KudosLookup:
    """Never raises: retries (timeouts, 5xx) happen in the transport, and the outcome is a status."""
    return lookup_evaluation(
        settings.kudos_url,
        title,
        settings.kudos_actor_name,
        timeout=settings.kudos_timeout_seconds,
        attempts=settings.kudos_attempts,
        backoff=settings.kudos_backoff_seconds,
        document_url=settings.kudos_document_url,
    )
