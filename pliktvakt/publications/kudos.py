"""Contract of Kudos, DFØ's public register of knowledge documents (pkt. 4.3): the query and how to read
its answers. The HTTP client is ``tasks.kudos``; nothing here does I/O.

``GET {base}/documents?type=Evaluering&actor_name=…&page=N`` returns Laravel-style pages:
``{"data": [{"uuid", "title", ...}], "meta": {"current_page", "last_page", ...}}``.

Matching rule: a document matches when its normalised title equals the normalised title
we registered, or equals it once the document's subtitle is appended. Normalising means
Unicode NFKC, case folded, every run of non-letters/digits made one space, trimmed. So
"Evaluering av X – sluttrapport" matches "evaluering av x: sluttrapport", but a longer or
shorter title does not: a near miss is reported as not found, never guessed at.
"""

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

DEFAULT_BASE_URL = "https://kudos.dfo.no/api/v0"
# The public landing page of a document, by its uuid.
DEFAULT_DOCUMENT_URL = "https://kudos.dfo.no/dokument/{uuid}"
EVALUATION_TYPE = "Evaluering"
DEFAULT_MAX_PAGES = 200
_NON_WORD = re.compile(r"[\W_]+")

Status = Literal["found", "not_found", "unavailable", "bad_response"]


class KudosError(Exception):
    """Kudos could not answer the question. The message is bokmål, for officers."""

    status: Status


class KudosUnavailable(KudosError):
    """Timeouts, connection errors or 5xx, still failing after every retry."""

    status = "unavailable"

    def __init__(self, url: str, attempts: int, last_error: str):
        self.url = url
        self.attempts = attempts
        self.last_error = last_error
        super().__init__(f"Kudos svarte ikke etter {attempts} forsøk ({url}): {last_error}")


class KudosResponseError(KudosError):
    """Kudos answered, but not with what we expected (4xx, not JSON, wrong shape)."""

    status = "bad_response"

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

    status: Status
    match: KudosMatch | None
    message: str  # bokmål

    @property
    def failed(self) -> bool:
        """Kudos gave no answer to go by: nothing is decided, and the run ends Failed."""
        return self.status in ("unavailable", "bad_response")


def normalise_title(title: str) -> str:
    text = unicodedata.normalize("NFKC", title).casefold()
    return _NON_WORD.sub(" ", text).strip()


def title_matches(document: KudosDocument, title: str) -> bool:
    wanted = normalise_title(title)
    candidates = [document.title]
    if document.subtitle:
        candidates.append(f"{document.title} {document.subtitle}")
    return any(normalise_title(c) == wanted for c in candidates)


def query(actor_name: str, page_no: int) -> dict[str, str | int]:
    """The parameters of one page of ``actor_name``'s evaluations."""
    return {"type": EVALUATION_TYPE, "actor_name": actor_name, "page": page_no}


def read_page(url: str, status_code: int, body: str, attempts: int, page_no: int) -> KudosPage:
    """Kudos' answer to the request for page ``page_no``, after the client's retries."""
    if status_code >= 500:
        raise KudosUnavailable(url, attempts, f"HTTP {status_code}")
    if status_code != 200:
        raise KudosResponseError(url, f"HTTP {status_code}: {body[:200]}")
    try:
        content = json.loads(body)
    except ValueError:
        raise KudosResponseError(url, "svaret er ikke JSON") from None
    if not isinstance(content, dict):
        raise KudosResponseError(url, f"svaret er ikke et JSON-objekt, men {type(content).__name__}")
    try:
        page = KudosPage.model_validate(content)
    except ValidationError as exc:
        raise KudosResponseError(url, _describe_validation(exc)) from None
    if page.meta.current_page != page_no:
        # A server that ignores ?page= would otherwise have us loop forever.
        raise KudosResponseError(
            url, f"ba om side {page_no}, men meta.current_page er {page.meta.current_page}"
        )
    return page


def _describe_validation(error: ValidationError) -> str:
    """Each field that is missing or of the wrong shape, by its path in the answer."""
    return "; ".join(
        f"feltet «{'.'.join(str(p) for p in item['loc']) or '(roten)'}» "
        + ("mangler" if item["type"] == "missing" else f"har feil form ({item['type']})")
        for item in error.errors()
    )


def search(
    fetch_page: Callable[[int], KudosPage],
    title: str,
    documents_url: str,
    max_pages: int = DEFAULT_MAX_PAGES,
    document_url: str = DEFAULT_DOCUMENT_URL,
) -> KudosMatch | None:
    """Read pages (``fetch_page(n)``) until one holds ``title``; None when none does.

    Raises what ``fetch_page`` raises, and ``KudosResponseError`` past ``max_pages``.
    """
    page_no = 1
    while True:
        page = fetch_page(page_no)
        for document in page.data:
            if title_matches(document, title):
                return KudosMatch(document, document_url.format(uuid=document.uuid), page_no)
        if page_no >= page.meta.last_page:
            return None
        if page_no >= max_pages:
            raise KudosResponseError(documents_url, f"flere enn {max_pages} sider; søket ble stoppet")
        page_no += 1


def lookup_result(title: str, actor_name: str, match: KudosMatch | None) -> KudosLookup:
    if match is None:
        return KudosLookup(
            "not_found", None, f"«{title}» er ikke funnet blant evalueringene til «{actor_name}» i Kudos."
        )
    return KudosLookup("found", match, f"«{title}» er registrert i Kudos: {match.url}")


def lookup_failure(error: KudosError) -> KudosLookup:
    return KudosLookup(error.status, None, str(error))
