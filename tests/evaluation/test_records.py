"""Recording evaluations on SQLite and PostgreSQL: the plan follows, the occurrences close,
the audit log holds every step, and a published evaluation is in the publications register."""

from datetime import date, datetime

import pytest
from sqlmodel import select

from pliktvakt import audit, clock
from pliktvakt.catalogue import load_catalogue
from pliktvakt.db import make_engine, session_scope
from pliktvakt.evaluation import store
from pliktvakt.evaluation.config import load_plan_settings
from pliktvakt.evaluation.errors import EvaluationError
from pliktvakt.grants.schemes import load_schemes
from pliktvakt.publications.tables import Publication
from pliktvakt.tables import AuditEntry, Occurrence

NOW = datetime(2027, 2, 1, 9, tzinfo=clock.OSLO)


@pytest.fixture
def world(db_url, config_dir):
    catalogue = load_catalogue(config_dir)
    schemes = load_schemes(config_dir / "grant_schemes.yaml")
    settings = load_plan_settings(config_dir / "evaluation_plan.yaml")
    return make_engine(db_url), catalogue, schemes, settings


def test_start_and_complete_replan_and_close_the_occurrences(world):
    """Budget year 2027, capacity 3 (conftest): jobbsjansen, etnisk-mangfold-arbeidslivet and
    integreringsarbeid-frivillige-organisasjoner. Completing jobbsjansen in 2027 keeps its
    2027 slot (done) and moves its next evaluation to 2032 (2037 is past the 10 years, 2027-2036)."""
    engine, catalogue, schemes, settings = world
    with session_scope(engine) as session:
        result = store.current_plan(session, schemes, settings, 2027)
        assert store.sync_occurrences(session, catalogue, result, settings) == (6, 0)
        assert store.sync_occurrences(session, catalogue, result, settings) == (0, 0)  # level-triggered
    with session_scope(engine) as session:
        store.start(session, schemes, "jobbsjansen", date(2027, 2, 1), "kari", NOW)
        with pytest.raises(EvaluationError, match="pågår allerede"):
            store.start(session, schemes, "jobbsjansen", date(2027, 2, 2), "kari", NOW)
    with session_scope(engine) as session:
        row = store.complete(
            session,
            catalogue,
            schemes,
            "jobbsjansen",
            date(2027, 10, 1),
            "kari",
            NOW,
            "Rapport",
            date(2027, 12, 1),
        )
        assert row.publication_id is not None
        result = store.current_plan(session, schemes, settings, 2027)
        assert [(s.scheme_id, s.state) for s in result.in_year(2027)][0] == ("jobbsjansen", "done")
        assert next(s for s in result.schemes if s.id == "jobbsjansen").planned_years == (2027, 2032)
        assert store.sync_occurrences(session, catalogue, result, settings) == (0, 0)
        states = {(o.obligation_id, o.status) for o in session.exec(_jobbsjansen())}
        assert states == {("scheme-evaluation-start", "done"), ("scheme-evaluation-report", "done")}
        publication = session.get(Publication, row.publication_id)
        assert (publication.kind, publication.title, publication.owner_role) == (
            "evaluering",
            "Rapport",
            "kunnskap",
        )
        actions = set(session.exec(select(AuditEntry.action)))
        assert {"evaluation.started", "evaluation.completed", "publication.added"} <= actions
        assert audit.verify(session) == []


def _jobbsjansen():
    return select(Occurrence).where(Occurrence.ref == "evaluation:jobbsjansen:2027")


def test_publish_date_needs_a_title(world):
    engine, catalogue, schemes, _ = world
    with session_scope(engine) as session:
        store.start(session, schemes, "jobbsjansen", date(2027, 2, 1), "kari", NOW)
        with pytest.raises(EvaluationError, match="--report-title mangler"):
            store.complete(
                session,
                catalogue,
                schemes,
                "jobbsjansen",
                date(2027, 3, 1),
                "kari",
                NOW,
                None,
                date(2027, 6, 1),
            )
