"""The gate on the model (Publication.gate / blocked_on / goes_out_on) and the gate table, in
memory: no database. Notice delivered Mon 3 Mar 2025 allows publication from Mon 17 Mar."""

from datetime import date

from pliktvakt.publications.inputs import PublicationKind
from pliktvakt.publications.render import NONE_ROW, gate_table
from pliktvakt.publications.store_day import GateLine
from pliktvakt.publications.tables import Publication, PublicationStatus


def publication(publish_on=date(2025, 3, 17), delivered_on=date(2025, 3, 3), status="planned") -> Publication:
    return Publication(
        id=4,
        title="Evaluering av X",
        kind="evaluering",
        publish_on=publish_on,
        owner_role="kunnskap",
        contact="Sara <sara@imdi.example>",
        status=status,
        notice_queued_on=date(2025, 3, 3),
        notice_delivered_on=delivered_on,
        notices_queued=1,
    )


def test_gate_counts_14_days_from_delivery():
    assert publication().gate(date(2025, 3, 10)).may_publish_on_planned_date
    closed = publication(publish_on=date(2025, 3, 16)).gate(date(2025, 3, 10))
    assert not closed.may_publish_on_planned_date and closed.earliest_date == date(2025, 3, 17)


def test_undelivered_notice_blocks_and_names_what_waits():
    waiting = publication(delivered_on=None)
    result = waiting.gate(date(2025, 3, 4), ("aid@dep.example (pending)",))
    assert not result.may_publish_on_planned_date and "aid@dep.example (pending)" in result.reason
    assert waiting.blocked_on(date(2025, 3, 4))
    assert not waiting.goes_out_on(date(2025, 3, 17))


def test_blocked_only_while_planned():
    too_early = publication(publish_on=date(2025, 3, 16))
    assert too_early.blocked_on(date(2025, 3, 10))
    assert not publication(publish_on=date(2025, 3, 16), status="published").blocked_on(date(2025, 3, 10))
    assert not publication().blocked_on(date(2025, 3, 10))


def test_goes_out_when_the_date_has_come_and_the_gate_is_open():
    assert not publication().goes_out_on(date(2025, 3, 16))  # not yet its day
    assert publication().goes_out_on(date(2025, 3, 17))
    assert not publication(status="published").goes_out_on(date(2025, 3, 18))  # once
    assert not publication(publish_on=date(2025, 3, 16)).goes_out_on(date(2025, 3, 20))  # the gate held it


def test_state_carries_what_the_decisions_need():
    state = publication().state()
    assert (state.id, state.kind, state.owner, state.notice_delivered_on, state.notices_queued) == (
        4,
        PublicationKind.EVALUERING,
        "kunnskap",
        date(2025, 3, 3),
        1,
    )


def test_status_labels_in_bokmal():
    assert [s.label for s in PublicationStatus] == ["planlagt", "publisert", "avlyst"]


def test_gate_table_shows_the_decision_in_bokmal():
    item = publication(publish_on=date(2025, 3, 16))
    line = GateLine(
        4,
        item.title,
        PublicationKind.EVALUERING,
        item.publish_on,
        PublicationStatus.PLANNED,
        item.notice_queued_on,
        item.notice_delivered_on,
        "",
        item.gate(date(2025, 3, 10)),
        True,
    )
    [row] = gate_table([line])
    assert (row["Tillatt på planlagt dato"], row["Tidligste dato"], row["Status"], row["Type"]) == (
        "nei",
        "2025-03-17",
        "planlagt",
        "evaluering",
    )
    assert row["Varsel levert"] == "2025-03-03" and "mindre enn 14 dager" in row["Begrunnelse"]
    assert gate_table([]) == [NONE_ROW]
