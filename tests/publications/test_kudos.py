import httpx
import pytest

from pliktvakt.publications.kudos import KudosResponseError, KudosUnavailable, normalise_title
from tasks.kudos import find_evaluation, lookup_evaluation

from .kudos_server import KudosStandIn, document

IMDI = "Integrerings- og mangfoldsdirektoratet"
TITLE = "Evaluering av introduksjonsprogrammet – sluttrapport"
FAST = {"timeout": 0.3, "attempts": 3, "backoff": 0.05}


def five_documents() -> list[dict]:
    # per_page=2: page 1 = a, b; page 2 = c, target; page 3 = e. The target is on page 2.
    return [
        document("a", "Årsrapport 2023", type_="Årsrapport"),  # filtered out by type
        document("b", "Evaluering av tilskudd til kvalifisering"),
        document("c", "Evaluering av mentorordningen"),
        document("d", "Evaluering av introduksjonsprogrammet: Sluttrapport"),
        document("e", "Evaluering av Jobbsjansen"),
        document("x", TITLE, actor="Arbeids- og velferdsdirektoratet"),  # other actor
    ]


def failing_twice(behaviour: str, error: type[Exception]):
    """The stand-in answers ``behaviour`` to every request: ``find_evaluation`` raises
    ``error``, then ``lookup_evaluation`` reports it as a status."""
    with KudosStandIn(five_documents()) as kudos:
        kudos.always = behaviour
        with pytest.raises(error) as caught:
            find_evaluation(kudos.base_url, TITLE, IMDI, **FAST)
        lookup = lookup_evaluation(kudos.base_url, TITLE, IMDI, **FAST)
    return caught.value, lookup, kudos.requests


def test_finds_the_document_on_the_second_page():
    with KudosStandIn(five_documents()) as kudos:
        match = find_evaluation(kudos.base_url, TITLE, IMDI, **FAST)
    assert match is not None
    assert match.document.uuid == "d"
    assert match.url == "https://kudos.dfo.no/dokument/d"
    assert match.pages_read == 2
    # Two requests, pages 1 and 2, each filtered by type and actor; page 3 is never read.
    assert [r["page"] for r in kudos.requests] == ["1", "2"]
    assert all(r["type"] == "Evaluering" and r["actor_name"] == IMDI for r in kudos.requests)


def test_not_found_reads_every_page():
    with KudosStandIn(five_documents()) as kudos:
        match = find_evaluation(kudos.base_url, "Evaluering av introduksjonsprogrammet", IMDI, **FAST)
        lookup = lookup_evaluation(kudos.base_url, "Evaluering av noe annet", IMDI, **FAST)
    assert match is None  # a shorter title is not a match
    # IMDi has 4 evaluations at 2 a page: pages 1 and 2 for each of the two searches.
    assert [r["page"] for r in kudos.requests] == ["1", "2", "1", "2"]
    assert lookup.status == "not_found" and lookup.match is None
    assert "ikke funnet" in lookup.message


def test_timeout_and_500_are_retried_then_found():
    with KudosStandIn(five_documents(), sleep_seconds=1.0) as kudos:
        kudos.script.extend(["timeout", "500"])
        match = find_evaluation(kudos.base_url, TITLE, IMDI, **FAST)
    assert match is not None and match.document.uuid == "d"
    # Page 1 three times (timeout, 500, ok), then page 2 once.
    assert [r["page"] for r in kudos.requests] == ["1", "1", "1", "2"]


def test_a_500_that_persists_ends_in_a_clear_failure():
    error, lookup, requests = failing_twice("500", KudosUnavailable)
    assert error.attempts == 3
    assert error.last_error == "HTTP 500"
    assert str(error).startswith("Kudos svarte ikke etter 3 forsøk")
    assert len(requests) == 6  # 3 attempts for each of the two calls
    assert lookup.status == "unavailable" and "HTTP 500" in lookup.message


def test_a_timeout_that_persists_ends_in_a_clear_failure():
    with KudosStandIn(five_documents(), sleep_seconds=1.0) as kudos:
        kudos.always = "timeout"
        lookup = lookup_evaluation(kudos.base_url, TITLE, IMDI, **FAST)
    assert lookup.status == "unavailable"
    assert lookup.message.startswith("Kudos svarte ikke etter 3 forsøk")
    assert "tidsavbrudd" in lookup.message
    assert len(kudos.requests) == 3


def test_connection_refused_is_unavailable():
    with KudosStandIn([]) as kudos:
        base_url = kudos.base_url
    # The server is closed now: nothing listens on the port.
    lookup = lookup_evaluation(base_url, TITLE, IMDI, **FAST)
    assert lookup.status == "unavailable" and "nettverksfeil" in lookup.message


def test_unexpected_shape_is_a_clear_error_naming_the_field():
    error, lookup, requests = failing_twice("bad_shape", KudosResponseError)
    assert error.problem == "feltet «meta» mangler"
    assert len(requests) == 2  # a bad shape is not retried
    assert lookup.status == "bad_response" and "«meta» mangler" in lookup.message


def test_a_body_that_is_not_json_is_a_clear_error():
    with KudosStandIn(five_documents()) as kudos:
        kudos.always = "html"
        lookup = lookup_evaluation(kudos.base_url, TITLE, IMDI, **FAST)
    assert lookup.status == "bad_response" and lookup.message.endswith("svaret er ikke JSON")


def test_document_without_title_names_the_field():
    docs = [{"uuid": "z", "type": "Evaluering", "actors": [{"name": IMDI}]}]
    with KudosStandIn(docs) as kudos:
        with pytest.raises(KudosResponseError) as caught:
            find_evaluation(kudos.base_url, TITLE, IMDI, **FAST)
    assert caught.value.problem == "feltet «data.0.title» mangler"


def test_a_404_is_not_retried():
    with KudosStandIn(five_documents()) as kudos:
        with pytest.raises(KudosResponseError) as caught:
            find_evaluation(kudos.base_url.replace("/api/v0", "/api/v9"), TITLE, IMDI, **FAST)
    assert caught.value.problem.startswith("HTTP 404")
    assert len(kudos.requests) == 1


def test_accepts_a_ready_client():
    with (
        KudosStandIn(five_documents()) as kudos,
        httpx.Client(base_url=kudos.base_url, timeout=1.0) as client,
    ):
        match = find_evaluation(client, TITLE, IMDI, attempts=1)
    assert match is not None and match.document.uuid == "d"


def test_normalise_title():
    assert normalise_title("  Evaluering av X – Sluttrapport ") == "evaluering av x sluttrapport"
    assert normalise_title("Evaluering av X: sluttrapport") == "evaluering av x sluttrapport"
    assert normalise_title("Ørsta/Volda-rapporten") == "ørsta volda rapporten"
