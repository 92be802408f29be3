"""The publication's transitions, in memory: each makes its one change and returns the audit
event the caller records (as Occurrence.complete does), or None where nothing is audited."""

from datetime import date, datetime, timezone

from pliktvakt.publications.kudos import KudosLookup
from pliktvakt.publications.rules import NoticeReason
from pliktvakt.publications.tables import Publication, PublicationStatus

MINISTRY = ["postmottak@aid.example", "saksbehandler@aid.example"]


def planned(**values) -> Publication:
    return Publication(
        id=7,
        title="Evaluering av X",
        kind="evaluering",
        publish_on=date(2026, 4, 20),
        owner_role="kunnskap",
        contact="Sara <sara@imdi.example>",
        **values,
    )


def test_publish_marks_it_published_and_names_the_date():
    publication = planned()
    event = publication.publish("pliktvakt")
    assert publication.status == PublicationStatus.PUBLISHED
    assert (event.actor, event.subject) == ("pliktvakt", "publication:7")
    assert event.action == "publication.published"
    assert event.details == {"publish_on": date(2026, 4, 20)}


def test_the_first_notice_keeps_its_day_and_a_later_one_only_counts():
    publication = planned()
    first = publication.queue_notice(1, NoticeReason.FIRST, date(2026, 3, 20), MINISTRY, "pliktvakt")
    assert (publication.notice_queued_on, publication.notices_queued) == (date(2026, 3, 20), 1)
    assert first.action == "publication.notice_queued"
    assert first.details == {
        "number": 1,
        "reason": "first",
        "on": date(2026, 3, 20),
        "publish_on": date(2026, 4, 20),
        "recipients": MINISTRY,
    }
    publication.queue_notice(2, NoticeReason.CONTENT_CHANGED, date(2026, 3, 25), MINISTRY, "pliktvakt")
    assert (publication.notice_queued_on, publication.notices_queued) == (date(2026, 3, 20), 2)


def test_delivery_counts_from_the_last_copy_never_before_the_notice_was_queued():
    publication = planned(notice_queued_on=date(2026, 3, 20))
    event = publication.mark_notice_delivered(date(2026, 3, 19), date(2026, 3, 23), MINISTRY, "pliktvakt")
    assert publication.notice_delivered_on == date(2026, 3, 20)
    assert event.action == "publication.notice_delivered"
    assert event.details == {"on": date(2026, 3, 20), "recipients": MINISTRY}


def test_a_kudos_lookup_is_recorded_and_only_a_failed_one_is_an_event():
    publication, at = planned(), datetime(2026, 5, 1, 8, tzinfo=timezone.utc)
    not_found = KudosLookup("not_found", None, "ikke funnet")
    unavailable = KudosLookup("unavailable", None, "nede")
    assert publication.record_kudos_lookup(not_found, at, "pliktvakt") is None
    assert (publication.kudos_checked_at, publication.kudos_last_status) == (at, "not_found")
    event = publication.record_kudos_lookup(unavailable, at, "pliktvakt")
    assert event.action == "publication.kudos_lookup_failed"
    assert event.details == {"status": "unavailable", "message": "nede"}
    publication.found_in_kudos("https://kudos.example/7")
    assert publication.kudos_url == "https://kudos.example/7"


def test_an_edit_changes_the_fields_and_names_old_and_new_as_text():
    publication = planned()
    event = publication.edit(3, {"publish_on": date(2026, 5, 4), "title": "Ny tittel"}, "kari")
    assert (publication.publish_on, publication.title) == (date(2026, 5, 4), "Ny tittel")
    assert (event.actor, event.action) == ("kari", "publication.changed")
    assert event.details == {
        "change_no": 3,
        "changes": {"publish_on": ["2026-04-20", "2026-05-04"], "title": ["Evaluering av X", "Ny tittel"]},
    }


def test_links_and_handled_changes_are_set_by_their_transitions():
    publication = planned()
    publication.link_notice_occurrence(11)
    publication.link_kudos_occurrence(12)
    publication.mark_changes_handled(4)
    assert (publication.notice_occurrence_id, publication.kudos_occurrence_id) == (11, 12)
    assert publication.changes_handled == 4
