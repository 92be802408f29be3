import pytest

from pliktvakt.grants.schemes import DecisionKind, SchemeConfigError, load_schemes


def test_footnote_2_schemes_are_the_only_enkeltvedtak(schemes):
    # Vedlegg 1 pkt. 2 fotnote 2 names exactly these two.
    enkeltvedtak = {s.id for s in schemes.values() if s.decision_kind is DecisionKind.ENKELTVEDTAK}
    assert enkeltvedtak == {
        "integreringsarbeid-frivillige-organisasjoner",
        "kompetansekartlegging-mottaksbeboere",
    }


def test_schemes_the_instruction_names_are_present(schemes):
    for scheme_id in (
        "kvalifisering-beboere-integreringsmottak",
        "nasjonale-ressursmiljo-integreringsfeltet",
        "etnisk-mangfold-arbeidslivet",
        "norskopplaeringen",
        "integreringstilskudd",
    ):
        assert scheme_id in schemes


def test_per_capita_needs_no_award_notice_and_no_letters(schemes):
    per_capita = schemes["integreringstilskudd"]
    assert (
        per_capita.per_capita and not per_capita.needs_ministry_award_notice and not per_capita.grant_letters
    )
    assert schemes["etnisk-mangfold-arbeidslivet"].needs_ministry_award_notice


def test_named_in_budget_needs_no_award_notice(schemes):
    named = schemes["etnisk-mangfold-arbeidslivet"].model_copy(update={"named_in_budget": True})
    assert not named.needs_ministry_award_notice


def test_only_the_voluntary_scheme_uses_the_grants_register(schemes):
    assert [s.id for s in schemes.values() if s.voluntary_orgs] == [
        "integreringsarbeid-frivillige-organisasjoner"
    ]


GOOD = """\
  - id: test-ordning
    name: Test
    application_based: true
    per_capita: false
    named_in_budget: false
    grant_letters: true
    voluntary_orgs: false
    decision_kind: aksept
    acceptance_deadline: 3w
    evaluation_interval_years: 5
    last_evaluated: 2021
    clause: "6.1"
"""


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("decision_kind: aksept", "decision_kind: vedtak"), "ordning 'test-ordning': felt 'decision_kind'"),
        (
            ("acceptance_deadline: 3w", "acceptance_deadline: tre uker"),
            "felt 'acceptance_deadline': 'tre uker'",
        ),
        (("    last_evaluated: 2021\n", ""), None),  # optional: not known yet
        (('    clause: "6.1"\n', ""), "ordning 'test-ordning': felt 'clause': mangler"),
        (("id: test-ordning", "id: Test_Ordning"), "ordning 'Test_Ordning': felt 'id'"),
        (("acceptance_deadline: 3w", "acceptance_deadline: null"), "acceptance_deadline mangler"),
    ],
)
def test_bad_scheme_names_file_scheme_and_field(tmp_path, change, expected):
    path = tmp_path / "grant_schemes.yaml"
    path.write_text("schemes:\n" + GOOD.replace(*change), encoding="utf-8")
    if expected is None:
        assert load_schemes(path)["test-ordning"].last_evaluated is None
        return
    with pytest.raises(SchemeConfigError) as info:
        load_schemes(path)
    assert str(path) in str(info.value)
    assert expected in str(info.value)


def test_duplicate_id_rejected(tmp_path):
    path = tmp_path / "grant_schemes.yaml"
    path.write_text("schemes:\n" + GOOD + GOOD, encoding="utf-8")
    with pytest.raises(SchemeConfigError, match="ordning 'test-ordning': felt 'id': finnes flere ganger"):
        load_schemes(path)
