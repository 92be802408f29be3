import pytest
import yaml

from pliktvakt.grants.schemes import FACT_NAMES, DecisionKind, SchemeConfigError, load_schemes
from pliktvakt.validation import yaml_message


def test_private_decisions_are_enkeltvedtak_in_every_shipped_scheme(shipped_schemes):
    # Vedlegg 1 pkt. 2: decisions to private legal persons are enkeltvedtak (fvl. § 2). Fotnote 2
    # lists the schemes with such applicants; it does not take the appeal right from the others,
    # and no shipped scheme states a legal basis for otherwise.
    assert {s.private_decision_kind for s in shipped_schemes.values()} == {DecisionKind.ENKELTVEDTAK}
    assert all(s.not_enkeltvedtak_basis is None for s in shipped_schemes.values())


def test_every_letter_scheme_ships_its_facts_as_placeholders(shipped_schemes):
    letter_schemes = [s for s in shipped_schemes.values() if s.grant_letters]
    assert len(letter_schemes) == 9
    for scheme in letter_schemes:
        assert scheme.placeholder_facts() == list(FACT_NAMES), scheme.id
        assert scheme.facts.reporting.due_for(2025) is None
        assert all(getattr(scheme.facts, n).text.startswith("PLASSHOLDER: ") for n in FACT_NAMES)


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
    decision_kind: enkeltvedtak
    acceptance_deadline: 3w
    evaluation_interval_years: 5
    last_evaluated: 2021
    facts:
      regelverk: {text: "Regelverk for testordningen", source: regelverk, reference: "https://imdi.example/r"}
      purpose: {text: "Formål", source: regelverk, reference: "pkt. 1"}
      target_group: {source: placeholder}
      conditions: {text: "Vilkår", source: regelverk, reference: "pkt. 5"}
      payment: {text: "Utbetales i mars", source: regelverk, reference: "pkt. 6"}
      reporting: {text: "Rapport", due: "03-01", source: regelverk, reference: "pkt. 7"}
      goal_criteria: {text: "Kriterier", source: instruction, reference: "vedlegg 1 pkt. 6"}
      control: {text: "Kontroll", source: regelverk, reference: "pkt. 8"}
    clause: "6.1"
"""


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("decision_kind: enkeltvedtak", "decision_kind: vedtak"),
            "ordning 'test-ordning': felt 'decision_kind'",
        ),
        (("decision_kind: enkeltvedtak", "decision_kind: aksept"), "aksept krever not_enkeltvedtak_basis"),
        (('reference: "pkt. 5"', "reference: null"), "felt 'facts.conditions': reference mangler"),
        (('due: "03-01"', 'due: "1. mars"'), "felt 'facts.reporting.due': «1. mars» er ikke MM-DD"),
        (('due: "03-01", ', ""), "felt 'facts.reporting': due mangler"),
        (("      purpose:", "      formal:"), "felt 'facts.formal'"),
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
        loaded = load_schemes(path)["test-ordning"]
        assert loaded.last_evaluated is None and loaded.placeholder_facts() == ["target_group"]
        assert loaded.facts.reporting.due_for(2025).isoformat() == "2026-03-01"
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


def test_a_schemes_file_that_does_not_parse_is_named_as_the_pure_python_parser_names_it(tmp_path):
    """The schemes file is read by libyaml (issue 31); a broken one is read again by PyYAML's
    own parser, so the message is the one it always was: the file, the line and the reason."""
    path = tmp_path / "grant_schemes.yaml"
    text = "schemes:\n" + GOOD + "  - id: [uten slutt\n"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(yaml.YAMLError) as parsed:
        yaml.safe_load(text)
    with pytest.raises(SchemeConfigError) as info:
        load_schemes(path)
    assert str(info.value) == yaml_message(path, parsed.value)
    assert ", linje " in str(info.value)


def test_the_shipped_schemes_read_the_same_with_either_parser(shipped_schemes):
    text = shipped_schemes.path.read_text(encoding="utf-8")
    assert yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) == yaml.safe_load(text)
