"""The catalogue: the real config loads, and every kind of mistake names file, entry, field."""

import os
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from pliktvakt.catalogue import CatalogueError, load_catalogue

CONFIG = Path(__file__).resolve().parent.parent / "config"
PUBLIC_IDS = {
    "settlement-monthly-analysis", "publication-prenotice", "grant-award-ministry-notice",
    "grant-recipients-ministry-info", "tilskudd-registration", "evaluation-plan-ministry-notice",
    "half-year-report", "annual-report",
}


def test_real_catalogue_has_every_public_id_with_its_clause():
    catalogue = load_catalogue(CONFIG)
    assert len(catalogue.obligations) >= 20
    assert PUBLIC_IDS <= set(catalogue.obligations)
    for obligation in catalogue.obligations.values():
        assert obligation.clause.section and len(obligation.clause.text) > 20
        assert obligation.role in catalogue.roles


def test_every_quoted_clause_is_in_the_instruction():
    """The clause text must be the instruction's own words (whitespace aside)."""
    source = CONFIG.parent.parent / "shared" / "instruks-imdi-2024.md"
    if not source.exists() and os.environ.get("CI") != "true":
        pytest.skip(f"instruksen ligger ikke i {source}")
    text = source.read_text()
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # markdown links read as their text
    instruction = " ".join(text.split())
    for obligation in load_catalogue(CONFIG).obligations.values():
        for sentence in obligation.clause.text.split(". "):
            assert sentence.rstrip(".") in instruction, (obligation.id, sentence)


def test_recurring_due_dates_follow_the_rules():
    catalogue = load_catalogue(CONFIG)
    half_year = catalogue.obligations["half-year-report"]
    # Anchored 30 Jun 2026; due 20 Aug 2026 (Thu) per the tildelingsbrev date in the catalogue.
    assert half_year.recurrence.anchors(date(2026, 1, 1), date(2026, 12, 31)) == [date(2026, 6, 30)]
    assert half_year.deadline.due(date(2026, 6, 30)) == date(2026, 8, 20)
    prenotice = catalogue.obligations["publication-prenotice"]
    # Publication Sun 31 May 2026: 14 days before is Sun 17 May -> back to Fri 15 May.
    assert prenotice.deadline.due(date(2026, 5, 31)) == date(2026, 5, 15)


def _broken(tmp_path: Path, old: str, new: str, file: str = "obligations.yaml") -> Path:
    target = tmp_path / "config"
    shutil.copytree(CONFIG, target)
    text = (target / file).read_text()
    assert old in text, "the test's own premise"
    (target / file).write_text(text.replace(old, new, 1))
    return target


@pytest.mark.parametrize("old, new, entry, field, words", [
    ("role: bosetting\n    flow: settlement-analysis", "role: finnes-ikke\n    flow: settlement-analysis",
     "settlement-monthly-analysis", "role", "ukjent rolle"),
    ('rrule: "FREQ=MONTHLY;BYMONTHDAY=1"', 'rrule: "FREQ=SOMETIMES"',
     "settlement-monthly-analysis", "recurrence.rrule", "ugyldig RRULE"),
    ("deadline: {offset: 10d, days: business}", "deadline: {offset: 2 weeks}",
     "settlement-monthly-analysis", "deadline.offset", "ikke en gyldig frist"),
    ("    kind: recurring\n    # The analysis", "    kind: sometimes\n    # The analysis",
     "settlement-monthly-analysis", "kind", "recurring"),
    ("- id: settlement-key-figures-published", "- id: settlement-monthly-analysis",
     "settlement-monthly-analysis", "id", "brukt før"),
    ('recurrence: {dates: ["06-30"]}', 'recurrence: {dates: ["06-31"]}',
     "half-year-report", "recurrence.dates", "ugyldig dato"),
])
def test_catalogue_errors_name_file_entry_and_field(tmp_path, old, new, entry, field, words):
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(_broken(tmp_path, old, new))
    error = caught.value
    assert error.file.endswith("obligations.yaml") and error.entry == entry and error.field == field
    assert words in str(error) and "linje" in str(error)


def test_missing_clause_is_named(tmp_path):
    old = '''    clause:
      section: "2.2"
      heading: Bosetting av flyktninger
      text: IMDi skal utarbeide en månedlig'''
    target = _broken(tmp_path, old, "    text_missing: IMDi skal utarbeide en månedlig")
    with pytest.raises(CatalogueError, match="settlement-monthly-analysis: feltet 'clause'"):
        load_catalogue(target)


def test_officer_errors_are_named(tmp_path):
    target = _broken(tmp_path, "manager: direktor\n  - id: okonomileder", "manager: ukjent\n  - id: okonomileder",
                     file="officers.yaml")
    with pytest.raises(CatalogueError, match=r"officers.yaml.*styringsleder: feltet 'manager': ukjent saksbehandler"):
        load_catalogue(target)


def test_broken_yaml_gives_line(tmp_path):
    target = _broken(tmp_path, "obligations:\n", "obligations:\n  - id: [unclosed\n")
    with pytest.raises(CatalogueError, match="ugyldig YAML") as caught:
        load_catalogue(target)
    assert caught.value.line is not None


def test_teams_url_from_environment_is_secret(monkeypatch):
    monkeypatch.setenv("PLIKTVAKT_TEAMS_STYRING", "workflows://example.logic.azure.com/abc/SIGNATURE123456789")
    catalogue = load_catalogue(CONFIG)
    officer = catalogue.officers["styringsleder"]
    assert officer.teams_url.get_secret_value().endswith("SIGNATURE123456789")
    assert "SIGNATURE" not in repr(officer) and "SIGNATURE" not in officer.model_dump_json()
    monkeypatch.delenv("PLIKTVAKT_TEAMS_STYRING")
    assert load_catalogue(CONFIG).officers["styringsleder"].teams_url is None
