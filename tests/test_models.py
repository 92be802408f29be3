"""The transitions on the models, in memory: no database, no session."""

from datetime import date, datetime, timezone

import pytest

from pliktvakt.tables import Event, Occurrence, OccurrenceError, OccurrenceStatus, OutboxMessage

DUE = date(2026, 3, 9)  # a Monday


def _occurrence(**fields) -> Occurrence:
    values = {
        "id": 7,
        "obligation_id": "annual-report",
        "period": "2026-03-01",
        "anchor": date(2026, 3, 1),
        "due": DUE,
        "role": "styring",
    }
    return Occurrence(**{**values, **fields})


def _message(**fields) -> OutboxMessage:
    values = {
        "id": 3,
        "key": "watch:occurrence-7:due-day:styringsleder:email",
        "duty": "watch",
        "channel": "email",
        "recipient": "kari@imdi.example",
        "subject": "Frist i dag",
        "body": "Tekst",
    }
    return OutboxMessage(**{**values, **fields})


@pytest.mark.parametrize(
    ("day", "state"), [(date(2026, 3, 6), "open"), (DUE, "due"), (date(2026, 3, 10), "overdue")]
)
def test_state_on_follows_the_due_date_while_open(day, state):
    assert _occurrence().state_on(day) == state


@pytest.mark.parametrize("status", [OccurrenceStatus.DONE, OccurrenceStatus.WITHDRAWN])
def test_state_on_is_the_stored_status_once_closed(status):
    assert _occurrence(status=status).state_on(date(2027, 1, 1)) == status


def test_complete_on_time_records_who_when_and_evidence():
    occurrence = _occurrence()
    at = datetime(2026, 3, 9, 22, 30, tzinfo=timezone.utc)  # 23:30 in Oslo: still the due day
    event = occurrence.complete("kari@imdi.example", " Sak 26/1 ", at)
    assert (occurrence.status, occurrence.completed_by, occurrence.evidence, occurrence.late) == (
        "done",
        "kari@imdi.example",
        "Sak 26/1",
        False,
    )
    assert event == Event(
        "kari@imdi.example",
        "occurrence.completed",
        "annual-report/2026-03-01",
        {"id": 7, "evidence": "Sak 26/1", "late": False, "as_of": at},
    )


def test_complete_after_the_due_day_in_oslo_is_late():
    occurrence = _occurrence()
    occurrence.complete("kari@imdi.example", "Sak 26/1", datetime(2026, 3, 9, 23, 30, tzinfo=timezone.utc))
    assert occurrence.late


def test_complete_twice_or_without_evidence_is_refused():
    occurrence = _occurrence()
    with pytest.raises(OccurrenceError, match="dokumentasjon"):
        occurrence.complete("kari@imdi.example", "  ", datetime(2026, 3, 9, tzinfo=timezone.utc))
    assert occurrence.status == OccurrenceStatus.OPEN
    occurrence.complete("kari@imdi.example", "Sak 26/1", datetime(2026, 3, 9, tzinfo=timezone.utc))
    with pytest.raises(OccurrenceError, match="ble fullført 2026-03-09 av kari@imdi.example"):
        occurrence.complete("ola@imdi.example", "igjen", datetime(2026, 3, 10, tzinfo=timezone.utc))


def test_complete_a_withdrawn_occurrence_is_refused():
    # Issue 30: a withdrawn occurrence is no longer due; completed, it would count as a duty met.
    occurrence = _occurrence()
    occurrence.withdraw("datoen er flyttet", "pliktvakt")
    with pytest.raises(OccurrenceError, match="Forekomst 7 er trukket tilbake og kan ikke fullføres"):
        occurrence.complete("kari@imdi.example", "Sak 26/1", datetime(2026, 3, 9, tzinfo=timezone.utc))
    assert (occurrence.status, occurrence.completed_by) == (OccurrenceStatus.WITHDRAWN, None)


def test_withdraw_then_reopen():
    occurrence = _occurrence()
    withdrawn = occurrence.withdraw("regelen er endret", "pliktvakt", {"id": 7, "replaced_by": 8})
    assert occurrence.status == OccurrenceStatus.WITHDRAWN
    assert withdrawn == Event(
        "pliktvakt",
        "occurrence.withdrawn",
        "annual-report/2026-03-01",
        {"id": 7, "replaced_by": 8, "reason": "regelen er endret"},
    )
    reopened = occurrence.reopen("datoen er flyttet tilbake", "kari@imdi.example")
    assert occurrence.is_open
    assert (reopened.action, reopened.details) == (
        "occurrence.reopened",
        {"id": 7, "reason": "datoen er flyttet tilbake"},
    )


def test_only_an_open_occurrence_is_withdrawn_and_only_a_withdrawn_one_reopened():
    done = _occurrence(status=OccurrenceStatus.DONE)
    with pytest.raises(OccurrenceError, match="er fullført og kan ikke trekkes tilbake"):
        done.withdraw("regelen er endret", "pliktvakt")
    with pytest.raises(OccurrenceError, match="er åpen og kan ikke åpnes igjen"):
        _occurrence().reopen("nei", "pliktvakt")
    assert done.status == OccurrenceStatus.DONE


def test_mark_late_once():
    occurrence = _occurrence()
    event = occurrence.mark_late("varslet for sent", "pliktvakt")
    assert (
        occurrence.late
        and event.action == "occurrence.marked_late"
        and event.details == {"reason": "varslet for sent"}
    )
    assert occurrence.mark_late("igjen", "pliktvakt") is None


def test_created_event_names_how_the_occurrence_came_about():
    event = _occurrence(period="event:2026-03-02:rr-1", ref="rr-1").created("kari@imdi.example")
    assert (event.action, event.details) == ("occurrence.triggered", {"id": 7, "due": DUE, "ref": "rr-1"})
    weekly = _occurrence(period="weekly:2026-W11").created("pliktvakt", "ukentlig rapportering")
    assert (weekly.action, weekly.details) == (
        "occurrence.created",
        {"id": 7, "due": DUE, "reason": "ukentlig rapportering"},
    )


def test_claim_counts_the_attempt_and_refuses_a_delivered_message():
    message, now = _message(), datetime(2026, 3, 9, 7, tzinfo=timezone.utc)
    message.claim(now)
    assert (message.status, message.claimed_at, message.attempts) == ("sending", now, 1)
    message.mark_delivered("Message-ID <a@b>; godtatt", now, "<a@b>")
    with pytest.raises(ValueError, match="is sent"):
        message.claim(now)


def test_mark_delivered_keeps_the_receipt():
    message, now = (
        _message(status="sending", last_error="tidligere feil"),
        datetime(2026, 3, 9, 7, tzinfo=timezone.utc),
    )
    event = message.mark_delivered("Message-ID <a@b>; godtatt av SMTP-tjeneren", now, "<a@b>")
    assert (message.status, message.sent_at, message.message_id, message.last_error) == (
        "sent",
        now,
        "<a@b>",
        None,
    )
    assert event == Event(
        "pliktvakt",
        "message.sent",
        message.key,
        {
            "channel": "email",
            "recipient": "kari@imdi.example",
            "receipt": "Message-ID <a@b>; godtatt av SMTP-tjeneren",
            "message_id": "<a@b>",
        },
    )


def test_mark_failed_puts_it_back_for_the_next_run():
    message = _message(status="sending", claimed_at=datetime(2026, 3, 9, 7, tzinfo=timezone.utc), attempts=1)
    event = message.mark_failed("SMTP svarte ikke")
    assert (message.status, message.claimed_at, message.last_error, message.attempts) == (
        "pending",
        None,
        "SMTP svarte ikke",
        1,
    )
    assert event.action == "message.failed" and event.details == {
        "channel": "email",
        "error": "SMTP svarte ikke",
    }
