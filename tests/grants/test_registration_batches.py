"""The registration occurrences of an import's awards to voluntary organisations are made in
batches (issue 31): one INSERT and one audit entry per batch, the entry listing each new
occurrence's id and award reference, the chain intact; on SQLite and PostgreSQL."""

import json
from datetime import date, datetime, timezone

import pytest
from sqlmodel import select

from desk import views
from pliktvakt import audit, occurrences
from pliktvakt.catalogue import load_catalogue
from pliktvakt.compliance import rules as compliance_rules
from pliktvakt.compliance import store as compliance_store
from pliktvakt.db import make_engine, session_scope
from pliktvakt.grants import store_intake
from pliktvakt.grants.store import find_round
from pliktvakt.grants.tables import GrantDecision
from pliktvakt.register import rules, store
from pliktvakt.tables import AuditEntry, Occurrence

from .conftest import ROOT
from .register_support import FRIVILLIG, ORGNRS

HEADER = "ordning;år;søker;orgnr;søkt_beløp;tildelt_beløp;avslagsgrunn;beregning;grunn;organisasjonsform"
ON = date(2025, 4, 22)  # a Tuesday, after Easter Monday 21 April
# 5 business days from Tue 22 Apr 2025 (config/obligations.yaml): 23, 24, 25, 28, 29 Apr.
DUE = date(2025, 4, 29)

# Lines 2 to 8 of the file (line 1 is the header): awards to voluntary organisations on
# lines 2, 3, 5 and 7, a reduced one on line 8 (registered too), a rejection on line 4 and an
# award under a scheme without registration on line 6.
LINES = [
    f"{FRIVILLIG};2025;Lag 0;{ORGNRS[0]};200 000;200 000;;Sats;;FLI",
    f"{FRIVILLIG};2025;Lag 1;{ORGNRS[1]};200 000;200 000;;Sats;;FLI",
    f"{FRIVILLIG};2025;Lag 2;{ORGNRS[2]};200 000;0;Utenfor målgruppen;;malgruppe;FLI",
    f"{FRIVILLIG};2025;Lag 3;{ORGNRS[3]};200 000;200 000;;Sats;;FLI",
    f"jobbsjansen;2025;Kommune;{ORGNRS[4]};200 000;200 000;;Sats;;KOMM",
    f"{FRIVILLIG};2025;Lag 5;{ORGNRS[5]};200 000;200 000;;Sats;;FLI",
    f"{FRIVILLIG};2025;Lag 6;971526920;200 000;150 000;;75 %;ramme;FLI",
]
REGISTERED_LINES = [2, 3, 5, 7, 8]  # the file's line numbers of the awards to register


def _import(url, schemes, path, batch_size, monkeypatch) -> tuple[int, dict[int, int]]:
    """Import as `grants import` does; (new occurrences, decision id by file line)."""
    monkeypatch.setattr(occurrences, "TRIGGER_BATCH", batch_size)
    catalogue = load_catalogue(ROOT / "config")
    with session_scope(make_engine(url)) as session:
        grant_round = store_intake.import_round(session, schemes, path, "2025-1", {}, "test")
        created = store.open_occurrences(session, catalogue, schemes, grant_round, ON, "test")
        lines = {d.source_line: d.id for d in session.exec(select(GrantDecision))}
    return created, lines


def test_one_audit_entry_per_batch_lists_its_awards(db_url, schemes, write_csv, monkeypatch):
    path = write_csv(HEADER, *LINES)
    created, ids = _import(db_url, schemes, path, 2, monkeypatch)
    refs = [f"grant-decision/{ids[line]}" for line in REGISTERED_LINES]
    assert created == 5
    with session_scope(make_engine(db_url)) as session:
        made = session.exec(
            select(Occurrence).where(Occurrence.obligation_id == rules.OBLIGATION).order_by(Occurrence.id)
        ).all()
        # The same occurrences `occurrences.trigger` made one at a time.
        assert [(o.period, o.anchor, o.ref, o.due, o.role, o.status, o.late) for o in made] == [
            (f"event:2025-04-22:{ref}", ON, ref, DUE, "tilskudd", "open", False) for ref in refs
        ]
        entries = session.exec(
            select(AuditEntry).where(AuditEntry.action == "occurrences.triggered").order_by(AuditEntry.seq)
        ).all()
        # Batches of 2: the five awards in three entries, in the order of the file.
        listed = [[item["ref"] for item in json.loads(e.details)["triggered"]] for e in entries]
        assert listed == [refs[0:2], refs[2:4], refs[4:5]]
        ids_listed = [item["id"] for e in entries for item in json.loads(e.details)["triggered"]]
        assert ids_listed == [o.id for o in made]
        assert {(e.subject, json.loads(e.details)["due"]) for e in entries} == {
            (rules.OBLIGATION, DUE.isoformat())
        }
        assert session.exec(select(AuditEntry).where(AuditEntry.action == "occurrence.triggered")).all() == []
        assert audit.verify(session) == []


def test_opening_again_makes_nothing_and_audits_nothing(db_url, schemes, write_csv, monkeypatch):
    _import(db_url, schemes, write_csv(HEADER, *LINES), 2, monkeypatch)
    catalogue = load_catalogue(ROOT / "config")
    with session_scope(make_engine(db_url)) as session:
        before = len(session.exec(select(AuditEntry)).all())
        grant_round = find_round(session, "2025-1")
        assert store.open_occurrences(session, catalogue, schemes, grant_round, ON, "test") == 0
        assert len(session.exec(select(AuditEntry)).all()) == before
        assert (
            len(session.exec(select(Occurrence).where(Occurrence.obligation_id == rules.OBLIGATION)).all())
            == 5
        )
        assert audit.verify(session) == []


def test_a_failure_after_the_batches_leaves_nothing(db_url, schemes, write_csv, monkeypatch):
    path = write_csv(HEADER, *LINES)
    catalogue = load_catalogue(ROOT / "config")
    monkeypatch.setattr(occurrences, "TRIGGER_BATCH", 2)
    engine = make_engine(db_url)
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        grant_round = store_intake.import_round(session, schemes, path, "2025-1", {}, "test")
        store.open_occurrences(session, catalogue, schemes, grant_round, ON, "test")
        raise RuntimeError("stopped after the occurrences were written")
    with session_scope(engine) as session:
        assert (
            session.exec(select(Occurrence).where(Occurrence.obligation_id == rules.OBLIGATION)).all() == []
        )
        assert (
            session.exec(select(AuditEntry).where(AuditEntry.action.startswith("occurrences."))).all() == []
        )
        assert audit.verify(session) == []


def test_the_record_and_the_duty_page_show_each_registration_its_batch(
    db_url, schemes, write_csv, monkeypatch
):
    """The batch entry's subject is the obligation, not the occurrence: the compliance record
    and the desk's duty page must still show each registration the entry that opened it, and
    no other batch's entry."""
    _import(db_url, schemes, write_csv(HEADER, *LINES), 2, monkeypatch)
    catalogue = load_catalogue(ROOT / "config")
    with session_scope(make_engine(db_url)) as session:
        batches = session.exec(
            select(AuditEntry).where(AuditEntry.action == "occurrences.triggered").order_by(AuditEntry.seq)
        ).all()
        batch_of = {item["id"]: e.seq for e in batches for item in json.loads(e.details)["triggered"]}
        stored = compliance_store.read(session, catalogue, 2025, obligation=rules.OBLIGATION)
        rows = compliance_rules.build(stored, 2025, datetime(2025, 4, 23, 12, tzinfo=timezone.utc)).rows
        made = session.exec(select(Occurrence).where(Occurrence.obligation_id == rules.OBLIGATION)).all()
        pages = [views.duty_page(session, catalogue, o, ON, None) for o in made]
    assert len(rows) == len(pages) == len(batch_of) == 5
    # Batches of 2 over five registrations: entries 1, 1, 2, 2, 3 in the order of the file.
    assert sorted(batch_of.values()) == [batches[0].seq] * 2 + [batches[1].seq] * 2 + [batches[2].seq]
    for row in rows:
        assert [(a.seq, a.action) for a in row.audit] == [
            (batch_of[row.occurrence_id], "occurrences.triggered")
        ]
    for page in pages:  # only its own batch's entry, not the other two
        assert [h["what"] for h in page["history"]] == ["Utløst"]


def test_a_decision_typed_in_opens_its_registration(db_url, schemes):
    """grant-decision-add opens the registration of an award typed in, as an import does; once
    (vedlegg 1 pkt. 1). An award under a scheme without registration opens none."""
    from tasks.register import open_registration

    catalogue = load_catalogue(ROOT / "config")
    values = {
        "ordning": FRIVILLIG,
        "år": "2025",
        "søker": "Lag 0",
        "orgnr": ORGNRS[0],
        "søkt_beløp": "200 000",
        "tildelt_beløp": "200 000",
        "beregning": "Sats",
        "organisasjonsform": "FLI",
    }
    other = values | {
        "ordning": "jobbsjansen",
        "søker": "Kommune",
        "orgnr": ORGNRS[4],
        "organisasjonsform": "KOMM",
    }
    with session_scope(make_engine(db_url)) as session:
        award = store_intake.add_decision(session, schemes, "2025-1", values, "test").id
        unregistered = store_intake.add_decision(session, schemes, "2025-1", other, "test").id
    assert open_registration.fn(db_url, catalogue, schemes, award, ON, "test") is True
    assert open_registration.fn(db_url, catalogue, schemes, award, ON, "test") is False
    assert open_registration.fn(db_url, catalogue, schemes, unregistered, ON, "test") is False
    with session_scope(make_engine(db_url)) as session:
        made = session.exec(select(Occurrence).where(Occurrence.obligation_id == rules.OBLIGATION)).all()
        assert [(o.ref, o.due) for o in made] == [(f"grant-decision/{award}", DUE)]
