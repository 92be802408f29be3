"""Look an evaluation up in Kudos, DFØ's public register of knowledge documents (pkt. 4.3).

``GET {base}/documents?type=Evaluering&actor_name=…&page=N`` returns Laravel-style pages:
``{"data": [{"uuid", "title", ...}], "meta": {"current_page", "last_page", ...}}``.

Matching rule: a document matches when its normalised title equals the normalised title
we registered, or equals it once the document's subtitle is appended. Normalising means
Unicode NFKC, case folded, every run of non-letters/digits made one space, trimmed. So
"Evaluering av X – sluttrapport" matches "evaluering av x: sluttrapport", but a longer or
shorter title does not: a near miss is reported as not found, never guessed at.
"""

import re
import time
import unicodedata
from dataclasses import dataclass
from typing import Literal

import httpx
from pydantic import BaseModel, ConfigDict, ValidationError

DEFAULT_BASE_URL = "https://kudos.dfo.no/api/v0"
# The public landing page of a document, by its uuid.
DEFAULT_DOCUMENT_URL = "https://kudos.dfo.no/dokument/{uuid}"
EVALUATION_TYPE = "Evaluering"
_NON_WORD = re.compile(r"[\W_]+")


class KudosError(Exception):
    """Kudos could not answer the question. The message is bokmål, for officers."""


class KudosUnavailable(KudosError):
    """Timeouts, connection errors or 5xx, still failing after every retry."""

    def __init__(self, url: str, attempts: int, last_error: str):
        self.url = url
        self.attempts = attempts
        self.last_error = last_error
        super().__init__(f"Kudos svarte ikke etter {attempts} forsøk ({url}): {last_error}")


class KudosResponseError(KudosError):
    """Kudos answered, but not with what we expected (4xx, not JSON, wrong shape)."""

    def __init__(self, url: str, problem: str):
        self.url = url
        self.problem = problem
        super().__init__(f"Uventet svar fra Kudos ({url}): {problem}")


class KudosDocument(BaseModel):
    model_config = ConfigDict(extra="allow")

    uuid: str
    title: str
    subtitle: str | None = None
    type: str | None = None


class KudosMeta(BaseModel):
    model_config = ConfigDict(extra="allow")

    current_page: int
    last_page: int


class KudosPage(BaseModel):
    model_config = ConfigDict(extra="allow")

    data: list[KudosDocument]
    meta: KudosMeta


@dataclass(frozen=True)
class KudosMatch:
    document: KudosDocument
    url: str  # the evidence: the document's public page in Kudos
    pages_read: int


@dataclass(frozen=True)
class KudosLookup:
    """The outcome of a lookup that never raises, for a flow to record and show."""

    status: Literal["found", "not_found", "unavailable", "bad_response"]
    match: KudosMatch | None
    message: str  # bokmål


def normalise_title(title: str) -> str:
    text = unicodedata.normalize("NFKC", title).casefold()
    return _NON_WORD.sub(" ", text).strip()


def title_matches(document: KudosDocument, title: str) -> bool:
    wanted = normalise_title(title)
    candidates = [document.title]
    if document.subtitle:
        candidates.append(f"{document.title} {document.subtitle}")
    return any(normalise_title(c) == wanted for c in candidates)


def _describe_validation(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "(roten)"
        if item["type"] == "missing":
            parts.append(f"feltet «{where}» mangler")
        else:
            parts.append(f"feltet «{where}» har feil form ({item['type']})")
    return "; ".join(parts)


def _get_page(
    client: httpx.Client, params: dict[str, str | int], attempts: int, backoff: float
) -> KudosPage:
    url = str(client.base_url.join("documents").copy_merge_params(params))
    last_error = ""
    for attempt in range(1, attempts + 1):
        try:
            response = client.get("documents", params=params)
        except httpx.TimeoutException:
            last_error = "tidsavbrudd"
        except httpx.TransportError as exc:
            last_error = f"nettverksfeil ({type(exc).__name__})"
        else:
            if response.status_code >= 500:
                last_error = f"HTTP {response.status_code}"
            elif response.status_code != 200:
                raise KudosResponseError(url, f"HTTP {response.status_code}: {response.text[:200]}")
            else:
                return _parse_page(url, response)
        if attempt < attempts:
            time.sleep(backoff * 2 ** (attempt - 1))
    raise KudosUnavailable(url, attempts, last_error)


def _parse_page(url: str, response: httpx.Response) -> KudosPage:
    try:
        body = response.json()
    except ValueError:
        raise KudosResponseError(url, "svaret er ikke JSON")
    if not isinstance(body, dict):
        raise KudosResponseError(url, f"svaret er ikke et JSON-objekt, men {type(body).__name__}")
    try:
        return KudosPage.model_validate(body)
    except ValidationError as exc:
        raise KudosResponseError(url, _describe_validation(exc))


def make_client(base_url: str = DEFAULT_BASE_URL, timeout: float = 10.0, connect_retries: int = 2) -> httpx.Client:
    """A client for Kudos; httpx's transport retries connection failures by itself."""
    return httpx.Client(
        base_url=base_url.rstrip("/") + "/",
        timeout=httpx.Timeout(timeout),
        transport=httpx.HTTPTransport(retries=connect_retries),
        headers={"User-Agent": "pliktvakt (IMDi)", "Accept": "application/json"},
    )


def find_evaluation(
    client_or_base_url: httpx.Client | str,
    title: str,
    actor_name: str,
    *,
    timeout: float = 10.0,
    attempts: int = 3,
    backoff: float = 1.0,
    max_pages: int = 200,
    document_url: str = DEFAULT_DOCUMENT_URL,
) -> KudosMatch | None:
    """Find an evaluation by title among ``actor_name``'s evaluations in Kudos.

    Returns the match with its public link, or None when no document matches.
    Raises ``KudosUnavailable`` after ``attempts`` tries of a page that times out or
    gets a 5xx (waiting ``backoff``, 2×, 4× ... seconds between), and
    ``KudosResponseError`` for a 4xx or a body of the wrong shape.
    """
    if isinstance(client_or_base_url, str):
        with make_client(client_or_base_url, timeout) as client:
            return _search(client, title, actor_name, attempts, backoff, max_pages, document_url)
    return _search(client_or_base_url, title, actor_name, attempts, backoff, max_pages, document_url)


def _search(
    client: httpx.Client, title: str, actor_name: str, attempts: int, backoff: float, max_pages: int, document_url: str
) -> KudosMatch | None:
    page_no = 1
    while True:
        params = {"type": EVALUATION_TYPE, "actor_name": actor_name, "page": page_no}
        page = _get_page(client, params, attempts, backoff)
        if page.meta.current_page != page_no:
            # A server that ignores ?page= would otherwise have us loop forever.
            raise KudosResponseError(
                str(client.base_url.join("documents").copy_merge_params(params)),
                f"ba om side {page_no}, men meta.current_page er {page.meta.current_page}",
            )
        for document in page.data:
            if title_matches(document, title):
                return KudosMatch(document, document_url.format(uuid=document.uuid), page_no)
        if page_no >= page.meta.last_page:
            return None
        if page_no >= max_pages:
            raise KudosResponseError(
                str(client.base_url.join("documents")), f"flere enn {max_pages} sider; søket ble stoppet"
            )
        page_no += 1


def lookup_evaluation(client_or_base_url: httpx.Client | str, title: str, actor_name: str, **options) -> KudosLookup:
    """``find_evaluation`` as a result: the flow records the status instead of crashing."""
    try:
        match = find_evaluation(client_or_base_url, title, actor_name, **options)
    except KudosUnavailable as exc:
        return KudosLookup("unavailable", None, str(exc))
    except KudosResponseError as exc:
        return KudosLookup("bad_response", None, str(exc))
    if match is None:
        return KudosLookup("not_found", None, f"«{title}» er ikke funnet blant evalueringene til «{actor_name}» i Kudos.")
    return KudosLookup("found", match, f"«{title}» er registrert i Kudos: {match.url}")
