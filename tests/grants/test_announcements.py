"""The announcement of a scheme (vedlegg 1 pkt. 1, issue 29): rendered from the scheme facts,
with the Storting reservation when announced before the budget year, refused while a fact is
a placeholder, and the announcement duty completed with the file as evidence."""

import functools
from datetime import date

import pytest
from sqlmodel import select

from pliktvakt.db import make_engine, session_scope
from pliktvakt.grants import render_announcements, store
from pliktvakt.tables import Occurrence

FRIVILLIG = "integreringsarbeid-frivillige-organisasjoner"


@pytest.fixture
def cli(env, pliktvakt_cli):
    return functools.partial(pliktvakt_cli, timeout=120)


def test_announced_in_november_for_next_year_carries_the_reservation(env, cli, tmp_path):
    """Announced Mon 10 Nov 2025 for 2026: the Storting passes the 2026 budget in December, so
    the reservation is stated, with every item for a scheme open to application; the duty
    grant-scheme-announcement is triggered on 10 Nov and completed with the file."""
    target = tmp_path / "kunngjoring.html"
    done = cli(
        "grants", "announcement", FRIVILLIG, "--year", "2026", "-o", str(target), "--as-of", "2025-11-10"
    )
    html = " ".join(target.read_text(encoding="utf-8").split())
    assert "forbehold om Stortingets endelige budsjettvedtak for 2026" in html
    for label in (
        "Tildelingskriterier",
        "Vurderingskriterier",
        "Slik søker dere",
        "Søknadsperiode",
        "Rapportering",
    ):
        assert label in html, label
    assert f"Testtekst for formålet med ordningen ({FRIVILLIG})" in html
    assert "Plikten grant-scheme-announcement er fullført" in " ".join(done.stdout.split())
    with session_scope(make_engine(env.database_url)) as session:
        [duty] = session.exec(
            select(Occurrence).where(Occurrence.obligation_id == render_announcements.OBLIGATION)
        ).all()
    assert (duty.status, duty.ref) == ("done", f"{FRIVILLIG}:2026") and str(target) in duty.evidence


def test_announced_in_the_budget_year_has_no_reservation(schemes):
    """Announced Fri 2 Jan 2026 for 2026: the budget is passed, no reservation."""
    made = render_announcements.render(schemes[FRIVILLIG], 2026, date(2026, 1, 2))
    assert not made.reservation and render_announcements.STORTING_RESERVATION not in made.html


def test_placeholders_refuse_the_announcement(shipped_schemes):
    with pytest.raises(store.GrantsError) as refused:
        render_announcements.render(shipped_schemes[FRIVILLIG], 2026, date(2025, 11, 10))
    assert "felt «announcement.criteria» for ordningen" in str(refused.value)
    assert "felt «facts.purpose»" in str(refused.value)
