"""The Kudos part of prepublication-notice (instruks pkt. 4.3) against the local stand-in.

An evaluation planned for Wed 15 April 2026 gets its notice Wed 25 March (21 days
before); on 15 April the gate is open and it counts as published, so it is looked up.
"""

from datetime import date

from flows.prepublication_notice import prepublication_notice
from pliktvakt.db import make_engine, session_scope
from pliktvakt.publications.tables import Publication
from pliktvakt.settings import get_settings
from pliktvakt.tables import Occurrence

from .conftest import MINISTRY, OWNER_EMAIL
from .kudos_server import KudosStandIn, document
from .test_flow_notice import add

TITLE = "Evaluering av introduksjonsprogrammet"


def documents() -> list[dict]:
    # 2 a page: page 1 = b, c; page 2 = the evaluation.
    return [
        document("b", "Evaluering av tilskudd"),
        document("c", "Evaluering av mentorordningen"),
        document("d1e2", TITLE),
    ]


def use(monkeypatch, kudos: KudosStandIn, **env) -> None:
    monkeypatch.setenv("PLIKTVAKT_KUDOS_URL", kudos.base_url)
    for name, value in env.items():
        monkeypatch.setenv(f"PLIKTVAKT_{name.upper()}", str(value))
    get_settings.cache_clear()


def published(settings) -> int:
    publication_id = add(settings, title=TITLE)
    assert prepublication_notice(as_of="2026-03-25", return_state=True).is_completed()
    return publication_id


def kudos_occurrence(settings, publication_id) -> tuple[Publication, Occurrence]:
    with session_scope(make_engine(settings.database_url)) as session:
        publication = session.get(Publication, publication_id)
        return publication, session.get(Occurrence, publication.kudos_occurrence_id)


def test_found_on_the_second_page_after_a_500_and_a_timeout(prefect_server, pub_env, monkeypatch):
    publication_id = published(pub_env)
    with KudosStandIn(documents(), sleep_seconds=1.0) as kudos:
        use(monkeypatch, kudos, kudos_timeout_seconds=0.3, kudos_attempts=3)
        kudos.script.extend(["500", "timeout"])  # page 1 fails twice, the third try answers
        state = prepublication_notice(as_of="2026-04-15", return_state=True)
    assert state.is_completed(), state.message
    assert [r["page"] for r in kudos.requests] == ["1", "1", "1", "2"]
    publication, occurrence = kudos_occurrence(pub_env, publication_id)
    assert publication.status == "published" and publication.kudos_last_status == "found"
    assert occurrence.obligation_id == "evaluation-kudos-registration"
    assert occurrence.status == "done" and occurrence.evidence == "https://kudos.dfo.no/dokument/d1e2"
    assert occurrence.due == date(2026, 5, 15)  # 15 April + 30 days, a Friday
    with KudosStandIn(documents()) as kudos:
        use(monkeypatch, kudos)
        assert prepublication_notice(as_of="2026-04-16", return_state=True).is_completed()
    assert kudos.requests == []  # done: not looked up again


def _failed_run(monkeypatch, behaviour: str, **env):
    with KudosStandIn(documents(), sleep_seconds=1.0) as kudos:
        use(monkeypatch, kudos, **env)
        kudos.always = behaviour
        state = prepublication_notice(as_of="2026-04-15", return_state=True)
    return state, kudos


def test_a_persistent_500_ends_failed_cleanly_after_the_rest_is_done(
    prefect_server, pub_env, monkeypatch, smtp
):
    evaluation = published(pub_env)
    # Wed 6 May - 21 days = Wed 15 April: this notice is due in the same run as the lookup.
    add(pub_env, title="Rapport om språk", kind="rapport", publish_on="2026-05-06")
    state, kudos = _failed_run(monkeypatch, "500", kudos_attempts=3)
    assert state.is_failed()
    assert len(kudos.requests) == 3  # retried
    assert "Kudos svarte ikke etter 3 forsøk" in state.message and "HTTP 500" in state.message
    assert f"Publikasjon {evaluation}:" in state.message
    # Everything else was done in the same run: the other notice went out.
    for recipient in MINISTRY:
        assert smtp.subjects(recipient)[1] == "Varsel om publisering: Rapport om språk (06.05.2026)"
    publication, occurrence = kudos_occurrence(pub_env, evaluation)
    assert publication.kudos_last_status == "unavailable" and occurrence.status == "open"


def test_a_timeout_ends_failed_with_a_clear_state(prefect_server, pub_env, monkeypatch):
    published(pub_env)
    state, kudos = _failed_run(monkeypatch, "timeout", kudos_attempts=2, kudos_timeout_seconds=0.3)
    assert state.is_failed() and len(kudos.requests) == 2
    assert "Kudos svarte ikke etter 2 forsøk" in state.message and "tidsavbrudd" in state.message


def test_an_unexpected_shape_is_a_clear_error(prefect_server, pub_env, monkeypatch):
    publication_id = published(pub_env)
    state, kudos = _failed_run(monkeypatch, "bad_shape")
    assert state.is_failed() and len(kudos.requests) == 1  # a wrong shape is not retried
    assert "Uventet svar fra Kudos" in state.message and "«meta» mangler" in state.message
    assert kudos_occurrence(pub_env, publication_id)[0].kudos_last_status == "bad_response"


def test_not_found_after_30_days_reminds_the_owner_of_legal_deposit(
    prefect_server, pub_env, monkeypatch, smtp
):
    published(pub_env)
    with KudosStandIn(documents()[:2]) as kudos:
        use(monkeypatch, kudos)
        for day in ("2026-04-15", "2026-05-14"):  # 0 and 29 days after: no reminder yet
            assert prepublication_notice(as_of=day, return_state=True).is_completed()
        assert smtp.to(OWNER_EMAIL) == []
        assert prepublication_notice(as_of="2026-05-15", return_state=True).is_completed()  # 30 days
        assert prepublication_notice(as_of="2026-05-16", return_state=True).is_completed()
    assert smtp.subjects(OWNER_EMAIL) == [f"Evalueringen «{TITLE}» er ikke registrert i Kudos"]
    text = smtp.to(OWNER_EMAIL)[0].get_body(("plain", "html")).get_content()
    assert "Altinn" in text and "Nasjonalbiblioteket" in text and "for 30 dager siden" in text
