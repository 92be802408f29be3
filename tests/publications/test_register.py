"""The register in the database (SQLite and PostgreSQL): add, move, edit, import."""

import json
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from pliktvakt.catalogue import load_catalogue
from pliktvakt.db import make_engine, session_scope
from pliktvakt.publications import inputs, store
from pliktvakt.publications.inputs_csv import PublicationImportError
from pliktvakt.publications.tables import Publication, PublicationChange, PublicationImportRejection
from pliktvakt.tables import AuditEntry, Occurrence

CONFIG = Path(__file__).resolve().parents[2] / "config"


@pytest.fixture
def catalogue():
    return load_catalogue(CONFIG)


def _add(session, catalogue, publish_on="2026-04-15", **extra):
    data = inputs.validate(
        title=extra.get("title", "Evaluering av X"),
        kind=extra.get("kind", "evaluering"),
        publish_on=publish_on,
        owner="kunnskap",
        summary=extra.get("summary", "Om X"),
    )
    return store.add(session, catalogue, data, "test", "tester")


def test_add_triggers_the_prenotice_occurrence(db_url, catalogue):
    with session_scope(make_engine(db_url)) as session:
        publication = _add(session, catalogue)
        occurrence = session.get(Occurrence, publication.notice_occurrence_id)
    assert publication.contact == "Sara Lie (eksempel) <sara.lie@imdi.example>"
    assert occurrence.obligation_id == "publication-prenotice"
    assert occurrence.ref == f"publication:{publication.id}"
    # Deadline -14d rolled backward: 15 Apr 2026 - 14 = Wed 1 Apr, a business day.
    assert occurrence.due == date(2026, 4, 1) and occurrence.status == "open"


def test_move_before_notice_withdraws_the_occurrence_and_triggers_a_new_one(db_url, catalogue):
    engine = make_engine(db_url)
    with session_scope(engine) as session:
        publication = _add(session, catalogue)
        old_id = publication.notice_occurrence_id
    with session_scope(engine) as session:
        change_no = store.change(
            session, catalogue, publication.id, "kari@imdi.example", publish_on="2026-05-20"
        )
    with session_scope(engine) as session:
        old = session.get(Occurrence, old_id)
        moved = session.get(Publication, publication.id)
        new = session.get(Occurrence, moved.notice_occurrence_id)
        history = session.exec(select(PublicationChange)).all()
        actions = [e.action for e in session.exec(select(AuditEntry).order_by(AuditEntry.seq))]
    assert change_no == 1
    assert old.status == "withdrawn" and new.status == "open" and new.id != old_id
    # 20 May 2026 (Wed) - 14 = Wed 6 May, a business day.
    assert new.due == date(2026, 5, 6)
    assert [(h.field, h.old_value, h.new_value, h.changed_by, h.content_changed) for h in history] == [
        ("publish_on", "2026-04-15", "2026-05-20", "kari@imdi.example", False)
    ]
    assert actions[-3:] == ["publication.changed", "occurrence.triggered", "occurrence.withdrawn"]


def test_move_back_reopens_the_first_occurrence(db_url, catalogue):
    engine = make_engine(db_url)
    with session_scope(engine) as session:
        publication = _add(session, catalogue)
        first = publication.notice_occurrence_id
        store.change(session, catalogue, publication.id, "x", publish_on="2026-05-20")
        store.change(session, catalogue, publication.id, "x", publish_on="2026-04-15")
        assert publication.notice_occurrence_id == first
        assert session.get(Occurrence, first).status == "open"
        open_ones = session.exec(
            select(Occurrence).where(
                Occurrence.obligation_id == "publication-prenotice", Occurrence.status == "open"
            )
        ).all()
        assert len(open_ones) == 1


def test_edit_records_content_changes_and_nothing_when_unchanged(db_url, catalogue):
    with session_scope(make_engine(db_url)) as session:
        publication = _add(session, catalogue)
        assert store.change(session, catalogue, publication.id, "x", title="Evaluering av X") is None
        assert store.change(session, catalogue, publication.id, "x", summary="Nytt", kind="rapport") == 1
        rows = session.exec(select(PublicationChange).order_by(PublicationChange.field)).all()
        assert [(r.field, r.old_value, r.new_value, r.content_changed) for r in rows] == [
            ("kind", "evaluering", "rapport", True),
            ("summary", "Om X", "Nytt", True),
        ]
        with pytest.raises(inputs.PublicationError, match="--title"):
            store.change(session, catalogue, publication.id, "x", title="  ")


def test_unknown_owner_is_refused(db_url, catalogue):
    with session_scope(make_engine(db_url)) as session:
        data = inputs.validate(title="T", kind="fou", publish_on="2026-04-15", owner="ukjent")
        with pytest.raises(inputs.PublicationError, match="ukjent rolle 'ukjent'"):
            store.add(session, catalogue, data)


def test_a_bad_csv_writes_nothing_and_keeps_the_rejected_rows(db_url, catalogue, tmp_path):
    path = tmp_path / "publiseringer.csv"
    path.write_text(
        "tittel;type;publiseres;eier;sammendrag\n"
        "God rapport;rapport;2026-05-01;kunnskap;Fin\n"
        "Dårlig dato;fou;31.02.2026;kunnskap;\n"
        "Ukjent eier;fou;2026-05-01;markedsavdelingen;\n",
        encoding="utf-8",
    )
    engine = make_engine(db_url)
    with pytest.raises(PublicationImportError) as caught:
        with session_scope(engine) as session:
            store.import_csv(session, catalogue, path)
    error = caught.value
    assert (error.line, error.field) == (3, "publiseres")
    assert [(r.line, r.field) for r in error.rejected] == [(3, "publiseres"), (4, "eier")]
    with session_scope(engine) as session:
        import_id = store.record_rejections(session, error)
    with session_scope(engine) as session:
        assert session.exec(select(Publication)).all() == []  # the good row was not written either
        assert (
            session.exec(select(Occurrence).where(Occurrence.obligation_id == "publication-prenotice")).all()
            == []
        )
        kept = session.exec(
            select(PublicationImportRejection).order_by(PublicationImportRejection.line)
        ).all()
    assert [(k.import_id, k.line, k.field) for k in kept] == [
        (import_id, 3, "publiseres"),
        (import_id, 4, "eier"),
    ]
    assert json.loads(kept[1].raw)["eier"] == "markedsavdelingen"


def test_a_good_csv_is_imported_in_one_go(db_url, catalogue, tmp_path):
    path = tmp_path / "publiseringer.csv"
    path.write_text(
        "tittel,type,publiseres,eier\nA,fou,2026-05-01,kunnskap\nB,evaluering,02.06.2026,kunnskap\n",
        encoding="utf-8",
    )
    with session_scope(make_engine(db_url)) as session:
        added = store.import_csv(session, catalogue, path)
        assert [(p.title, p.publish_on, p.source) for p in added] == [
            ("A", date(2026, 5, 1), "csv:publiseringer.csv"),
            ("B", date(2026, 6, 2), "csv:publiseringer.csv"),
        ]
        assert all(p.notice_occurrence_id for p in added)
