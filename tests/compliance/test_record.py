"""The compliance record of the hand-built year in conftest.py (figures counted by hand there),
read from SQLite and PostgreSQL; and the state rules on their own, without a database."""

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import text

from pliktvakt.clock import OSLO
from pliktvakt.compliance import rules, store
from pliktvakt.compliance.rules import StoredOccurrence, late_by, state_of
from pliktvakt.db import make_engine, session_scope

from .conftest import AS_OF, EXPECTED, MINISTRY, OFFICER, RECEIPT


def _record(url, catalogue, as_of=AS_OF, **narrow):
    with session_scope(make_engine(url)) as session:
        stored = store.read(session, catalogue, 2025, **narrow)
    return rules.build(stored, 2025, as_of, software_version="test")


def test_every_row_has_its_hand_counted_state(seeded, catalogue):
    url, ids = seeded
    built = _record(url, catalogue)
    by_id = {row.occurrence_id: row for row in built.rows}
    assert set(by_id) == {ids[name] for name in EXPECTED}  # 2024 and 2026 left out
    assert {name: (by_id[ids[name]].state, by_id[ids[name]].days) for name in EXPECTED} == EXPECTED
    assert [row.due for row in built.rows] == sorted(row.due for row in built.rows)
    withdrawn = by_id[ids["withdrawn"]]
    assert withdrawn.reason == "Riksrevisjonen trakk merknaden"
    assert withdrawn.state_text == "trukket tilbake: Riksrevisjonen trakk merknaden"
    assert by_id[ids["easter_late"]].state_text == "fullført for sent (1 virkedag)"
    assert by_id[ids["overdue"]].state_text == "over fristen (5 virkedager)"
    late = by_id[ids["reply_late"]]
    assert (late.completed_by, late.evidence) == (OFFICER, f"Sak 25/{ids['reply_late']}")
    assert late.completed_at == datetime(2025, 5, 20, 9, tzinfo=OSLO)
    # Done after as_of: not yet done on 10 June, so no completion is shown.
    assert by_id[ids["done_after"]].completed_by is None
    clause = by_id[ids["notice"]].obligation
    assert (clause.section, clause.reference) == ("6.1", "pkt. 6.1")
    assert clause.text == catalogue.obligations["grant-award-ministry-notice"].clause.text


def test_summary_per_section_and_share_on_time(seeded, catalogue):
    built = _record(seeded[0], catalogue)
    summary = {s.reference: (s.counts, s.share_on_time) for s in built.sections}
    assert list(summary) == ["pkt. 3.1", "pkt. 4.2", "pkt. 6.1"]
    assert summary["pkt. 3.1"][0] == {**dict.fromkeys(rules.STATES, 0), "on-time": 1, "overdue": 1}
    assert summary["pkt. 3.1"][1] == pytest.approx(1 / 2)
    assert summary["pkt. 4.2"][0] == {**dict.fromkeys(rules.STATES, 0), "late": 1, "withdrawn": 1, "open": 1}
    assert summary["pkt. 4.2"][1] == 0
    assert summary["pkt. 6.1"][0] == {
        **dict.fromkeys(rules.STATES, 0),
        "on-time": 1,
        "late": 1,
        "overdue": 1,
    }
    assert summary["pkt. 6.1"][1] == pytest.approx(1 / 3)
    assert built.share_on_time == pytest.approx(2 / 6)
    assert [row.state for row in built.still_open] == ["overdue", "overdue", "open"]
    assert built.chain_intact


def test_the_ministry_notice_receipt_is_next_to_its_occurrence(seeded, catalogue):
    url, ids = seeded
    rows = {row.occurrence_id: row for row in _record(url, catalogue).rows}
    [receipt] = rows[ids["notice"]].receipts
    assert (receipt.recipient, receipt.to_ministry, receipt.delivered, receipt.receipt) == (
        MINISTRY,
        True,
        True,
        RECEIPT,
    )
    assert receipt.text == f"departementet ({MINISTRY}), email: {RECEIPT}"
    assert all(not row.receipts for oid, row in rows.items() if oid != ids["notice"])
    actions = [line.action for line in rows[ids["notice"]].audit]
    assert actions == ["occurrence.triggered", "message.queued", "message.sent", "occurrence.completed"]
    assert [line.action for line in rows[ids["withdrawn"]].audit] == [
        "occurrence.triggered",
        "occurrence.withdrawn",
    ]


def test_a_tampered_audit_row_is_reported_and_the_record_still_made(seeded, catalogue):
    url, ids = seeded
    with session_scope(make_engine(url)) as session:
        seq = session.execute(
            text("SELECT seq FROM audit_entry WHERE action = 'occurrence.withdrawn'")
        ).scalar_one()
        # The reason rewritten, and not even as JSON: the record must still be made.
        session.execute(text("UPDATE audit_entry SET details = 'ingen grunn' WHERE seq = :s"), {"s": seq})
    built = _record(url, catalogue)
    assert not built.chain_intact
    assert built.chain_problems == [f"rad {seq}: innholdet er endret etter at raden ble skrevet"]
    assert len(built.rows) == len(EXPECTED)
    withdrawn = next(row for row in built.rows if row.occurrence_id == ids["withdrawn"])
    assert (withdrawn.state, withdrawn.reason) == ("withdrawn", None)


def test_narrowed_to_a_section_or_an_obligation(seeded, catalogue):
    url, ids = seeded
    assert {row.obligation.section for row in _record(url, catalogue, section="4.2").rows} == {"4.2"}
    only = _record(url, catalogue, obligation="publication-prenotice")
    assert [row.occurrence_id for row in only.rows] == [ids["overdue"]]
    with pytest.raises(rules.ReportError, match="punkt «9.9»"):
        _record(url, catalogue, section="9.9")
    with pytest.raises(rules.ReportError, match="ukjent plikt «finnes-ikke»"):
        _record(url, catalogue, obligation="finnes-ikke")


def test_as_of_the_end_of_the_year(seeded, catalogue):
    """As of Wed 31 Dec 2025, counted by hand:
    - done_after (due Fri 6 Jun, done Fri 20 Jun) is now done, late by 9 business days:
      Mon 9 Jun is Whit Monday; 10-13 Jun (4) and 16-20 Jun (5).
    - not_due (due Mon 1 Sep) is overdue by 85: Sep 2-30 has 21 business days, Oct 23,
      Nov 20, Dec 23 weekdays less Christmas Day and Boxing Day = 21.
    - overdue (due Mon 2 Jun) by 149: Jun 3-30 has 20 weekdays less Whit Monday = 19, Jul 23,
      Aug 21, Sep 22, Oct 23, Nov 20, Dec 21."""
    url, ids = seeded
    year_end = _record(url, catalogue, as_of=datetime(2025, 12, 31, 9, tzinfo=OSLO))
    rows = {row.occurrence_id: row for row in year_end.rows}
    assert (rows[ids["done_after"]].state, rows[ids["done_after"]].days) == ("late", 9)
    assert (rows[ids["not_due"]].state, rows[ids["not_due"]].days) == ("overdue", 85)
    assert (rows[ids["overdue"]].state, rows[ids["overdue"]].days) == ("overdue", 149)


def _occurrence(status="open", due=date(2025, 3, 14), done=None, late=False) -> StoredOccurrence:
    return StoredOccurrence(1, "x", "p", due, status, late, done, "a" if done else None, None)


NOW = datetime(2025, 6, 10, 10, tzinfo=timezone.utc)


def test_state_rules_without_a_database():
    today = NOW.date()
    friday = date(2025, 3, 14)
    # Done Saturday 15 Mar after a Friday deadline: late, by at least one business day.
    saturday = datetime(2025, 3, 15, 11, tzinfo=timezone.utc)
    assert state_of(_occurrence("done", friday, saturday), today, NOW, None) == ("late", 1)
    # 23:30 UTC on the due date is 00:30 the next day in Oslo: late.
    midnight = datetime(2025, 3, 14, 23, 30, tzinfo=timezone.utc)
    assert state_of(_occurrence("done", friday, midnight), today, NOW, None) == ("late", 1)
    # Marked late for another reason (a gate), though done by the date: late by 0 days.
    in_time = datetime(2025, 3, 14, 8, tzinfo=timezone.utc)
    assert state_of(_occurrence("done", friday, in_time, late=True), today, NOW, None) == ("late", 0)
    assert state_of(_occurrence("done", friday, in_time), today, NOW, None) == ("on-time", None)
    assert state_of(_occurrence("open", today), today, NOW, None) == ("open", None)  # due today: not late yet
    assert state_of(_occurrence("open", friday), today, NOW, date(2025, 4, 1)) == ("before-go-live", None)
    assert state_of(_occurrence("withdrawn", friday), today, NOW, None) == ("withdrawn", None)
    assert late_by(date(2025, 4, 16), date(2025, 4, 22)) == 1  # Easter


def test_share_on_time_definition():
    assert rules.share_on_time({"on-time": 3, "late": 1, "overdue": 0, "open": 9, "withdrawn": 4}) == 0.75
    assert rules.share_on_time({"open": 2, "withdrawn": 1}) is None


def test_year_out_of_range():
    store.check_year(2024, date(2026, 12, 2))
    store.check_year(2027, date(2026, 12, 2))
    for year in (2023, 2028):
        with pytest.raises(rules.ReportError, match=f"--year {year}"):
            store.check_year(year, date(2026, 12, 2))
