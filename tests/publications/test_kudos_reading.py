"""Reading Kudos' answers and searching its pages, in memory (pliktvakt.publications.kudos)."""

import json

import pytest

from pliktvakt.publications.kudos import (
    KudosPage,
    KudosResponseError,
    KudosUnavailable,
    lookup_failure,
    lookup_result,
    query,
    read_page,
    search,
)

URL = "http://kudos.test/api/v0/documents?page=1"


def page(current: int, last: int, *titles: str) -> KudosPage:
    return KudosPage.model_validate(
        {
            "data": [{"uuid": f"u{current}{i}", "title": t} for i, t in enumerate(titles)],
            "meta": {"current_page": current, "last_page": last},
        }
    )


def test_query_asks_for_one_actors_evaluations():
    assert query("IMDi", 3) == {"type": "Evaluering", "actor_name": "IMDi", "page": 3}


def test_read_page_sorts_answers_into_unavailable_and_bad_response():
    with pytest.raises(KudosUnavailable) as unavailable:
        read_page(URL, 503, "", attempts=4, page_no=1)
    assert unavailable.value.last_error == "HTTP 503" and unavailable.value.attempts == 4
    with pytest.raises(KudosResponseError, match="HTTP 403: forbudt"):
        read_page(URL, 403, "forbudt", attempts=4, page_no=1)
    with pytest.raises(KudosResponseError, match="ikke et JSON-objekt, men list"):
        read_page(URL, 200, "[]", attempts=4, page_no=1)
    wrong_page = json.dumps({"data": [], "meta": {"current_page": 1, "last_page": 1}})
    with pytest.raises(KudosResponseError, match="ba om side 2, men meta.current_page er 1"):
        read_page(URL, 200, wrong_page, attempts=4, page_no=2)


def test_search_stops_at_the_page_that_holds_the_title():
    pages = {1: page(1, 3, "A"), 2: page(2, 3, "B", "Evaluering av X: sluttrapport"), 3: page(3, 3, "C")}
    read = []
    match = search(
        lambda n: read.append(n) or pages[n],
        "Evaluering av X – sluttrapport",
        URL,
        document_url="https://kudos.test/{uuid}",
    )
    assert (match.document.uuid, match.url, match.pages_read) == ("u21", "https://kudos.test/u21", 2)
    assert read == [1, 2]


def test_search_gives_up_past_max_pages():
    with pytest.raises(KudosResponseError, match="flere enn 2 sider"):
        search(lambda n: page(n, 9, "A"), "B", URL, max_pages=2)


def test_lookup_statuses():
    assert lookup_result("T", "IMDi", None).status == "not_found"
    assert not lookup_result("T", "IMDi", None).failed
    unavailable = lookup_failure(KudosUnavailable(URL, 3, "tidsavbrudd"))
    bad = lookup_failure(KudosResponseError(URL, "svaret er ikke JSON"))
    assert (unavailable.status, bad.status) == ("unavailable", "bad_response")
    assert unavailable.failed and bad.failed
    assert unavailable.message.startswith("Kudos svarte ikke etter 3 forsøk")
