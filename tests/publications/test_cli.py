"""`pliktvakt publication ...` and `pliktvakt run prepublication-notice`, as real processes."""

import functools
import json

import pytest

from .conftest import MINISTRY, OWNER_EMAIL


def add(title: str, kind: str, publish_on: str, owner: str, *more: str) -> tuple[str, ...]:
    """The arguments of `pliktvakt publication add`."""
    fields = {"--title": title, "--kind": kind, "--publish-on": publish_on, "--owner": owner}
    return ("publication", "add", *(part for pair in fields.items() for part in pair), *more)


@pytest.fixture
def cli(pub_env, pliktvakt_cli):
    return functools.partial(pliktvakt_cli, timeout=300)


def test_add_list_and_the_gate(cli):
    options = ("--summary", "Funn", "--as-of", "2026-03-20", "--json")
    added = json.loads(cli(*add("FoU om bosetting", "fou", "2026-04-15", "kunnskap", *options)).stdout)
    assert (
        added["notice_queued_on"] is None
        and added["notice_delivered_on"] is None
        and added["status"] == "planned"
    )
    # No notice yet. Delivered on 20 March it would allow 20 + 14 = 3 April, so 15 April is reachable.
    check = cli("publication", "check", str(added["id"]), "--as-of", "2026-03-20", "--json", expect=1)
    gate = json.loads(check.stdout)
    assert (gate["may_publish_on_planned_date"], gate["planned_date_reachable"], gate["earliest_date"]) == (
        False,
        True,
        "2026-04-03",
    )
    # On 10 April, without a notice, 10 + 14 = 24 April: the planned date cannot be kept.
    late = cli("publication", "check", str(added["id"]), "--as-of", "2026-04-10", expect=1).stdout
    assert "Nei" in late and "2026-04-24" in late
    listed = json.loads(cli("publication", "list", "--json").stdout)
    assert [(p["id"], p["title"], p["kind"], p["owner"]) for p in listed] == [
        (added["id"], "FoU om bosetting", "fou", "kunnskap")
    ]


def test_bad_input_names_the_option_without_traceback(cli):
    err = cli(*add("T", "fou", "31.02.2026", "kunnskap"), expect=2).stderr
    assert "--publish-on" in err and "gyldig dato" in err
    err = cli(*add("T", "fou", "2026-05-01", "kommunikasjonen"), expect=2).stderr
    assert "ukjent rolle 'kommunikasjonen'" in err
    assert "Fant ingen publikasjon med id 7" in cli("publication", "check", "7", expect=2).stderr
    assert (
        "Fant ingen publikasjon med id 7"
        in cli("publication", "move", "7", "--publish-on", "2026-05-01", expect=2).stderr
    )


def test_csv_import_is_all_or_nothing_and_keeps_rejected_rows(cli, tmp_path):
    bad = tmp_path / "liste.csv"
    bad.write_text(
        "tittel;type;publiseres;eier\nA;fou;2026-05-01;kunnskap\nB;bok;2026-05-02;kunnskap\n",
        encoding="utf-8",
    )
    # Wide enough that the temporary path, of any length, stays on one line.
    result = cli("publication", "import", str(bad), "--json", expect=2, extra_env={"COLUMNS": "400"})
    report = json.loads(result.stdout)
    assert report["imported"] == 0
    assert [(r["line"], r["field"]) for r in report["rejected"]] == [(3, "type")]
    said = " ".join(result.stderr.split())  # rich wraps long lines
    assert "liste.csv, linje 3, felt «type»" in said and "publication_import_rejection" in said
    assert json.loads(cli("publication", "list", "--json").stdout) == []
    good = tmp_path / "ok.csv"
    good.write_text("tittel;type;publiseres;eier\nA;fou;2026-05-01;kunnskap\n", encoding="utf-8")
    assert json.loads(cli("publication", "import", str(good), "--json").stdout)["imported"] == 1


def test_run_prepublication_notice_from_the_cli_alone(prefect_server, cli, smtp):
    from prefect.settings import PREFECT_API_URL

    api = {"PREFECT_API_URL": PREFECT_API_URL.value()}  # the test server, instead of a temporary one
    added = json.loads(cli(*add("Rapport om språk", "rapport", "2026-04-15", "kunnskap", "--json")).stdout)
    # Tue 7 April: late (7 + 14 = 21 April), so the notice goes with an alert to the owner.
    run = cli("run", "prepublication-notice", "--as-of", "2026-04-07", extra_env=api)
    assert "Flyten prepublication-notice fullført" in run.stdout
    assert [len(smtp.to(r)) for r in MINISTRY] == [1, 1]
    assert smtp.subjects(OWNER_EMAIL) == [
        "For sent varsel: «Rapport om språk» kan tidligst publiseres 21.04.2026"
    ]
    check = json.loads(cli("publication", "check", str(added["id"]), "--json", expect=1).stdout)
    assert (check["notice_delivered_on"], check["earliest_date"]) == ("2026-04-07", "2026-04-21")
    cli("run", "prepublication-notice", "--as-of", "2026-04-07", extra_env=api)
    assert len(smtp.messages) == 3  # nothing twice
