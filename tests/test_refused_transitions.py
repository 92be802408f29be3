"""Issue 30: a transition the state forbids exits 2 with the reason, and changes nothing."""

from datetime import date

from sqlmodel import select

from pliktvakt import occurrences
from pliktvakt.catalogue import load_catalogue
from pliktvakt.db import make_engine, session_scope
from pliktvakt.tables import AuditEntry, Occurrence, OccurrenceStatus


def test_complete_on_a_withdrawn_occurrence_exits_2(env, pliktvakt_cli):
    pliktvakt_cli("init", "--as-of", "2025-06-02")
    engine = make_engine(env.database_url)
    with session_scope(engine) as session:
        catalogue = load_catalogue(env.config_dir)
        occurrence, _ = occurrences.trigger(
            session, catalogue, "grant-stop-reclaim-notice", date(2025, 6, 2), "grant-sanction:1", "t"
        )
        occurrence.withdraw("forslaget er trukket", "t")
        session.add(occurrence)
        session.flush()
        occurrence_id = occurrence.id
    with session_scope(engine) as session:
        entries = len(session.exec(select(AuditEntry)).all())
    result = pliktvakt_cli(
        "complete",
        str(occurrence_id),
        "--by",
        "kari",
        "--evidence",
        "Sak 25/1",
        "--as-of",
        "2025-06-03",
        expect=2,
    )
    assert f"Forekomst {occurrence_id} er trukket tilbake og kan ikke fullføres" in " ".join(
        result.stderr.split()
    )
    with session_scope(engine) as session:
        stored = session.get(Occurrence, occurrence_id)
        assert (stored.status, stored.completed_by) == (OccurrenceStatus.WITHDRAWN, None)
        assert len(session.exec(select(AuditEntry)).all()) == entries
    pliktvakt_cli("audit", "verify")
