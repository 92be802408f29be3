"""Adding a publication from the Prefect UI's run form, and the deployments in prefect.yaml."""

from prefect.utilities.callables import parameter_schema
from sqlmodel import select

from flows.publication_register import publication_add
from flows.registry import deployment_specs
from pliktvakt.db import make_engine, session_scope
from pliktvakt.publications.tables import Publication
from pliktvakt.tables import AuditEntry, Occurrence


def test_the_run_form_has_the_fields_of_the_cli():
    schema = parameter_schema(publication_add).model_dump()
    properties = schema["properties"]
    assert list(properties) == ["title", "kind", "publish_on", "owner", "by", "summary"]
    assert schema["required"] == ["title", "kind", "publish_on", "owner", "by"]
    assert properties["publish_on"]["format"] == "date"
    assert properties["kind"]["enum"] == ["fou", "evaluering", "rapport", "annet"]


def test_deployments_daily_at_seven_and_the_form_without_schedule():
    specs = {spec["name"]: spec for spec in deployment_specs()}
    assert specs["prepublication-notice"]["schedules"] == [{"cron": "0 7 * * *", "timezone": "Europe/Oslo"}]
    assert (
        specs["prepublication-notice"]["entrypoint"] == "flows/prepublication_notice.py:prepublication_notice"
    )
    assert "schedules" not in specs["publication-add"]


def test_add_from_the_form(prefect_server, pub_env):
    state = publication_add(
        title="Evaluering av X",
        kind="evaluering",
        publish_on="2026-04-15",
        owner="kunnskap",
        summary="Kort",
        by="sara.lie@imdi.example",
        return_state=True,
    )
    assert state.is_completed(), state.message
    with session_scope(make_engine(pub_env.database_url)) as session:
        publication = session.exec(select(Publication)).one()
        occurrence = session.get(Occurrence, publication.notice_occurrence_id)
    assert (publication.title, publication.source, publication.owner_role) == (
        "Evaluering av X",
        "prefect",
        "kunnskap",
    )
    assert occurrence.obligation_id == "publication-prenotice" and occurrence.status == "open"


def test_a_bad_form_fails_with_the_reason(prefect_server, pub_env):
    state = publication_add(
        title="X",
        kind="fou",
        publish_on="2026-04-15",
        owner="markedsavdelingen",
        by="a@b.no",
        return_state=True,
    )
    assert state.is_failed()
    assert state.message.startswith(
        "Publikasjonen ble ikke registrert: owner: ukjent rolle 'markedsavdelingen'"
    )
    with session_scope(make_engine(pub_env.database_url)) as session:
        assert session.exec(select(Publication)).all() == []


def test_the_submitter_is_the_actor_in_the_audit_log(prefect_server, pub_env):
    state = publication_add(
        title="Evaluering av Y",
        kind="evaluering",
        publish_on="2026-04-15",
        owner="kunnskap",
        by=" kari.nordmann@imdi.no ",
        return_state=True,
    )
    assert state.is_completed(), state.message
    with session_scope(make_engine(pub_env.database_url)) as session:
        [publication] = session.exec(select(Publication)).all()
        actors = {e.action: e.actor for e in session.exec(select(AuditEntry)).all()}
    assert publication.title == "Evaluering av Y"
    assert actors["publication.added"] == "kari.nordmann@imdi.no"


def test_a_form_without_a_proper_email_registers_nothing(prefect_server, pub_env):
    state = publication_add(
        title="X", kind="fou", publish_on="2026-04-15", owner="kunnskap", by="kari", return_state=True
    )
    assert state.is_failed()
    assert (
        state.message
        == "Publikasjonen ble ikke registrert: Din e-postadresse: «kari» er ikke en e-postadresse"
    )
    with session_scope(make_engine(pub_env.database_url)) as session:
        assert session.exec(select(Publication)).all() == []
