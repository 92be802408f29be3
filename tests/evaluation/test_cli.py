"""`pliktvakt evaluation` as a user runs it: bad input gets exit 2 and a clear bokmål message
naming what is wrong (the scheme, the dates, the file, its line and the field)."""

import json

import pytest

from .conftest import write_plan_file


@pytest.fixture
def cli(eval_env, pliktvakt_cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")  # a temporary path of any length stays on one line
    return pliktvakt_cli


def said(result) -> str:
    """stderr as one line: rich wraps long messages at the terminal's width."""
    return " ".join(result.stderr.split())


def test_unknown_scheme(cli):
    result = cli("evaluation", "start", "ingen-slik-ordning", expect=2)
    assert "ukjent ordning «ingen-slik-ordning»" in said(result)
    assert "config/grant_schemes.yaml" in said(result)


def test_completion_before_start(cli):
    cli("evaluation", "start", "jobbsjansen", "--on", "2027-03-01")
    result = cli("evaluation", "complete", "jobbsjansen", "--on", "2027-02-28", expect=2)
    assert "fullført 28.02.2027 er før evalueringen ble startet 01.03.2027" in said(result)
    # Nothing recorded: it can still be completed properly.
    cli("evaluation", "complete", "jobbsjansen", "--on", "2027-11-01")


def test_completion_without_a_start(cli):
    result = cli("evaluation", "complete", "jobbsjansen", expect=2)
    assert "ingen evaluering pågår" in said(result)


def test_capacity_zero(cli, tmp_path):
    path = write_plan_file(tmp_path / "plan.yaml", capacity=0)
    result = cli("evaluation", "plan", expect=2, extra_env={"PLIKTVAKT_EVALUATION_PLAN_FILE": str(path)})
    assert f"{path}, linje 1: felt 'capacity_per_year.value': må være minst 1 (er 0)" in said(result)


def test_plan_file_that_does_not_parse(cli, tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text("capacity_per_year:\n  value: 3\n  source: [placeholder\n", encoding="utf-8")
    result = cli("evaluation", "plan", expect=2, extra_env={"PLIKTVAKT_EVALUATION_PLAN_FILE": str(path)})
    # The line where the list opens, not the end of the file (issue 30).
    assert f"{path}, linje 3: ugyldig YAML: en liste i [ ] er ikke lukket" in said(result)


def test_unknown_key_in_plan_file(cli, tmp_path):
    path = write_plan_file(tmp_path / "plan.yaml")
    path.write_text(path.read_text() + "capasity: 4\n")
    result = cli("evaluation", "plan", expect=2, extra_env={"PLIKTVAKT_EVALUATION_PLAN_FILE": str(path)})
    assert "linje 5: felt 'capasity': ukjent felt" in said(result)


def test_start_complete_publish_and_the_plan_follows(cli):
    """Jobbsjansen (last 2018, every 5 years) is 4 years overdue in 2027 and first in the plan.
    Started and completed in 2027, it is done that year and next due 2032."""
    before = json.loads(cli("evaluation", "plan", "--as-of", "2027-01-04", "--json").stdout)
    first = before[0]
    assert (first["Id"], first["Status"], first["Forfalt"]) == ("jobbsjansen", "planlagt", "4 år")
    assert first["Oppstart innen"] == "30.04.2027 (ikke bekreftet)"
    cli("evaluation", "start", "jobbsjansen", "--on", "2027-02-01", "--by", "kari@imdi.example")
    done = cli(
        "evaluation",
        "complete",
        "jobbsjansen",
        "--on",
        "2027-11-20",
        "--report-title",
        "Evaluering av Jobbsjansen",
        "--publish-on",
        "2028-01-20",
    )
    assert "Registrert som publikasjon 1" in done.stdout
    after = json.loads(cli("evaluation", "plan", "--as-of", "2027-12-01", "--json").stdout)
    jobbsjansen = [(row["År"], row["Status"]) for row in after if row["Id"] == "jobbsjansen"]
    assert jobbsjansen == [(2027, "gjennomført"), (2032, "planlagt")]
    publications = json.loads(cli("publication", "list", "--json").stdout)
    assert [(p["title"], p["kind"], p["publish_on"]) for p in publications] == [
        ("Evaluering av Jobbsjansen", "evaluering", "2028-01-20")
    ]
