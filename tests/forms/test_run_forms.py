"""The run forms in the Prefect UI: bokmål titles and help on every field, lists where the
config holds the choices, dates as dates, and the submitter's email required and audited."""

import json

import pytest
from prefect.utilities.callables import parameter_schema

from flows.evaluation_record import evaluation_record
from flows.forms import role_ids, scheme_ids
from flows.grant_decision_add import grant_decision_add
from flows.publication_register import publication_add
from flows.registry import FLOWS

FORMS = {"grant-decision-add": grant_decision_add, "publication-add": publication_add}
FORMS["evaluation-record"] = evaluation_record
ENGLISH_NAMES = {"scheme", "round_name", "year", "applicant", "orgnr", "by", "recorded_by", "as_of", "title"}


def _properties(flow) -> dict:
    return parameter_schema(flow).model_dump()["properties"]


@pytest.mark.parametrize("name", [*FORMS, *FLOWS])
def test_every_field_has_a_bokmal_title_and_help(name):
    flow = FORMS.get(name) or FLOWS[name]
    for parameter, schema in _properties(flow).items():
        assert schema["title"] != parameter and schema["title"].lower() not in ENGLISH_NAMES, (
            name,
            parameter,
        )
        assert len(schema.get("description", "")) > 10, (name, parameter)


def test_the_grant_decision_form_has_fourteen_fields_each_with_help():
    properties = _properties(grant_decision_add)
    assert {name: p["title"] for name, p in properties.items()} == {
        "round_name": "Runde",
        "scheme": "Tilskuddsordning",
        "year": "Tilskuddsår",
        "applicant": "Søker",
        "orgnr": "Organisasjonsnummer",
        "amount_applied": "Søkt beløp (kr)",
        "amount_awarded": "Tildelt beløp (kr)",
        "rejection_reason": "Avslagsgrunn",
        "computation": "Beregning av beløpet",
        "applicant_kind": "Søkertype",
        "organisation_form": "Organisasjonsform",
        "ground": "Grunn i regelverket",
        "recorded_by": "Din e-postadresse",
        "as_of": "Kjør som om det var (dato og tid)",
    }
    assert properties["applicant_kind"]["enum"] == ["", "privat", "offentlig"]  # "": from the form
    assert all(p.get("description") for p in properties.values())
    assert properties["amount_awarded"]["description"].startswith(
        "Beløpet som er tildelt i kroner; 0 betyr avslag"
    )


def test_choices_come_from_the_config_as_lists(env):
    """The shipped config: 12 schemes, of which 9 are awarded on application (the three per-capita
    schemes, integreringstilskudd and the two for norskopplæring, are not); 11 roles."""
    grant, publication, evaluation = (_properties(f) for f in FORMS.values())
    assert grant["scheme"]["enum"] == scheme_ids(applied_for=True) and len(grant["scheme"]["enum"]) == 9
    assert "integreringstilskudd" not in grant["scheme"]["enum"]
    assert evaluation["scheme"]["enum"] == scheme_ids() and len(scheme_ids()) == 12
    assert publication["owner"]["enum"] == role_ids() and publication["owner"]["enum"][:2] == [
        "ledelse",
        "styring",
    ]
    assert publication["kind"]["enum"] == ["fou", "evaluering", "rapport", "annet"]


def test_a_config_that_cannot_be_read_leaves_free_text(monkeypatch, tmp_path):
    from pliktvakt.settings import get_settings

    monkeypatch.setenv("PLIKTVAKT_CONFIG_DIR", str(tmp_path))  # empty: no grant_schemes.yaml
    get_settings.cache_clear()
    try:
        assert scheme_ids() is None and role_ids() is None
    finally:
        get_settings.cache_clear()


def test_dates_are_dates_and_the_submitter_is_required():
    for name, flow in FORMS.items():
        schema = parameter_schema(flow).model_dump()
        submitter = "recorded_by" if name == "grant-decision-add" else "by"
        assert submitter in schema["required"], name
        assert "default" not in schema["properties"][submitter]
        assert schema["properties"][submitter]["title"] == "Din e-postadresse"
    assert _properties(publication_add)["publish_on"]["format"] == "date"
    on = _properties(evaluation_record)["on"]["anyOf"][0]
    assert on == {"format": "date", "type": "string"}


def test_the_schema_is_plain_json():
    """What the UI gets: the same schema through JSON (no Python objects left in it)."""
    for flow in FORMS.values():
        schema = parameter_schema(flow).model_dump()
        assert json.loads(json.dumps(schema)) == schema


def test_the_prefect_server_offers_the_lists_and_refuses_what_is_not_on_them(prefect_server, env):
    """The deployment as `make run` makes it: the server holds the form's schema and, as the
    UI's form does, refuses a run whose scheme is not on the list or whose email is missing."""
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.exceptions import PrefectHTTPStatusError

    deployment_id = grant_decision_add.to_deployment(name="form-check").apply()
    good = {
        "round_name": "2027-1",
        "scheme": "jobbsjansen",
        "year": 2027,
        "applicant": "Eksempel",
        "orgnr": "974760673",
        "amount_applied": "100 000",
        "amount_awarded": "0",
        "rejection_reason": "Utenfor målgruppen",
        "recorded_by": "per.olsen@imdi.example",
    }

    async def check():
        async with get_client() as client:
            deployment = await client.read_deployment(deployment_id)
            schema = deployment.parameter_openapi_schema["properties"]
            assert (
                schema["scheme"]["title"] == "Tilskuddsordning" and "jobbsjansen" in schema["scheme"]["enum"]
            )
            run = await client.create_flow_run_from_deployment(deployment_id, parameters=good)
            assert run.parameters["scheme"] == "jobbsjansen"
            for bad in (
                {**good, "scheme": "finnes-ikke"},
                {k: v for k, v in good.items() if k != "recorded_by"},
            ):
                with pytest.raises(PrefectHTTPStatusError) as refused:
                    await client.create_flow_run_from_deployment(deployment_id, parameters=bad)
                assert refused.value.response.status_code == 409

    asyncio.run(check())
