from dataclasses import replace
from datetime import date

from pliktvakt.publications.inputs import PublicationKind
from pliktvakt.publications.rules import (
    AlertOwner,
    AlertReason,
    CompleteKudos,
    MarkLate,
    NoticeReason,
    PublicationState,
    RemindKudos,
    SendMinistryUpdate,
    SendNotice,
    decide_change,
    decide_kudos,
    plan_notice,
    plan_undelivered,
)

# Planned Fri 20 Jun 2025; notice due 21 days before = Fri 30 May 2025 (a business day).
PLANNED = PublicationState(
    id=7,
    title="Evaluering av introduksjonsprogrammet",
    kind=PublicationKind.EVALUERING,
    publish_on=date(2025, 6, 20),
    owner="avdelingsdirektør analyse",
    summary="Resultater fra 2022–2024.",
)
NOTIFIED = replace(
    PLANNED, notice_queued_on=date(2025, 5, 30), notice_delivered_on=date(2025, 5, 30), notices_queued=1
)


def test_no_notice_before_the_lead_date():
    assert plan_notice(PLANNED, as_of=date(2025, 5, 29)) == []


def test_notice_on_the_lead_date_once():
    actions = plan_notice(PLANNED, as_of=date(2025, 5, 30))
    assert actions == [SendNotice(7, 1, NoticeReason.FIRST)]
    assert (
        actions[0].key.to("aid@dep.example", "email")
        == "publication:publication-7:notice-1:aid@dep.example:email"
    )
    # Once recorded as sent, the next days do nothing.
    assert plan_notice(NOTIFIED, as_of=date(2025, 5, 31)) == []


def test_catching_up_after_downtime_is_not_late_while_14_days_remain():
    # Fri 6 Jun + 14 = Fri 20 Jun, the planned date itself.
    assert plan_notice(PLANNED, as_of=date(2025, 6, 6)) == [SendNotice(7, 1, NoticeReason.FIRST)]


def test_late_notice_is_sent_all_the_same_with_alert_and_mark_late():
    # Tue 10 Jun + 14 = Tue 24 Jun, four days after the planned Fri 20 Jun.
    actions = plan_notice(PLANNED, as_of=date(2025, 6, 10))
    assert actions[0] == SendNotice(7, 1, NoticeReason.FIRST)
    alert, late = actions[1], actions[2]
    assert alert == AlertOwner(
        7, "avdelingsdirektør analyse", AlertReason.LATE_NOTICE, date(2025, 6, 24), "1"
    )
    assert alert.key.prefix == "publication:publication-7:alert-late_notice-1:"
    assert isinstance(late, MarkLate) and late.earliest_date == date(2025, 6, 24)
    assert len(actions) == 3


def test_configured_lead_time():
    # 30 days before Fri 20 Jun 2025 = Wed 21 May.
    assert plan_notice(PLANNED, as_of=date(2025, 5, 20), lead_days=30) == []
    assert plan_notice(PLANNED, as_of=date(2025, 5, 21), lead_days=30) == [
        SendNotice(7, 1, NoticeReason.FIRST)
    ]


def test_planned_date_passed_without_notice():
    # as_of Mon 23 Jun 2025, three days after the planned date; + 14 = Mon 7 Jul.
    actions = plan_notice(PLANNED, as_of=date(2025, 6, 23))
    assert actions[0] == AlertOwner(7, PLANNED.owner, AlertReason.NOTICE_MISSED, date(2025, 7, 7), "0")
    assert isinstance(actions[1], MarkLate)
    assert not any(isinstance(a, SendNotice) for a in actions)


def test_date_moved_later_is_an_update_without_new_notice():
    after = replace(NOTIFIED, publish_on=date(2025, 8, 15))
    actions = decide_change(NOTIFIED, after, change_no=3, as_of=date(2025, 6, 2))
    assert actions == [SendMinistryUpdate(7, 3, date(2025, 6, 20), date(2025, 8, 15))]
    assert actions[0].key.prefix == "publication:publication-7:update-3:"


def test_date_moved_earlier_than_notice_plus_14_alerts():
    # Notice Fri 30 May + 14 = Fri 13 Jun. Moving to Thu 12 Jun is one day too early.
    after = replace(NOTIFIED, publish_on=date(2025, 6, 12))
    actions = decide_change(NOTIFIED, after, change_no=4, as_of=date(2025, 6, 2))
    assert actions == [
        SendMinistryUpdate(7, 4, date(2025, 6, 20), date(2025, 6, 12)),
        AlertOwner(7, PLANNED.owner, AlertReason.DATE_TOO_EARLY, date(2025, 6, 13), "4"),
    ]


def test_date_moved_earlier_but_still_14_days_after_notice():
    # Fri 13 Jun is exactly notice + 14: allowed, so an update only.
    after = replace(NOTIFIED, publish_on=date(2025, 6, 13))
    assert decide_change(NOTIFIED, after, change_no=5, as_of=date(2025, 6, 2)) == [
        SendMinistryUpdate(7, 5, date(2025, 6, 20), date(2025, 6, 13))
    ]


def test_changed_summary_sends_a_new_notice():
    after = replace(NOTIFIED, summary="Resultater fra 2022–2025.")
    assert decide_change(NOTIFIED, after, change_no=6, as_of=date(2025, 6, 2)) == [
        SendNotice(7, 2, NoticeReason.CONTENT_CHANGED)
    ]


def test_changed_content_and_date_sends_one_new_notice_not_an_update():
    after = replace(NOTIFIED, title="Evaluering av introduksjonsprogrammet 2025", publish_on=date(2025, 9, 1))
    assert decide_change(NOTIFIED, after, change_no=7, as_of=date(2025, 6, 2)) == [
        SendNotice(7, 2, NoticeReason.CONTENT_CHANGED)
    ]


def test_changed_kind_is_a_content_change_but_owner_and_blank_summary_are_not():
    assert decide_change(NOTIFIED, replace(NOTIFIED, kind=PublicationKind.RAPPORT), 8, date(2025, 6, 2)) == [
        SendNotice(7, 2, NoticeReason.CONTENT_CHANGED)
    ]
    assert decide_change(NOTIFIED, replace(NOTIFIED, owner="seksjonssjef"), 9, date(2025, 6, 2)) == []
    no_summary = replace(NOTIFIED, summary=None)
    assert decide_change(no_summary, replace(no_summary, summary="  "), 10, date(2025, 6, 2)) == []


def test_changes_before_the_notice_need_no_action():
    assert (
        decide_change(
            PLANNED, replace(PLANNED, publish_on=date(2025, 6, 1), summary="Ny"), 1, date(2025, 6, 2)
        )
        == []
    )


def test_kudos_only_for_published_evaluations():
    report = replace(PLANNED, kind=PublicationKind.RAPPORT)
    assert decide_kudos(report, date(2025, 9, 1), None) == []
    assert decide_kudos(PLANNED, date(2025, 6, 19), None) == []  # not yet published


def test_kudos_found_completes_with_link():
    url = "https://kudos.dfo.no/dokument/d"
    assert decide_kudos(PLANNED, date(2025, 6, 25), url) == [CompleteKudos(7, url)]


def test_kudos_reminder_after_n_days_then_every_n_days():
    # Published Fri 20 Jun 2025. 29 days later (Sat 19 Jul): nothing yet.
    assert decide_kudos(PLANNED, date(2025, 7, 19), None) == []
    # 30 days (June has 30): Sun 20 Jul -> first reminder.
    assert decide_kudos(PLANNED, date(2025, 7, 20), None) == [RemindKudos(7, PLANNED.owner, 30, 1)]
    # 59 days (Mon 18 Aug) is still round 1, so the same outbox key: no second message.
    assert (
        decide_kudos(PLANNED, date(2025, 8, 18), None)[0].key.prefix
        == "publication:publication-7:kudos-reminder-1:"
    )
    # 60 days: Tue 19 Aug -> round 2.
    assert decide_kudos(PLANNED, date(2025, 8, 19), None) == [RemindKudos(7, PLANNED.owner, 60, 2)]
    # Configured to 14 days: Fri 4 Jul.
    assert decide_kudos(PLANNED, date(2025, 7, 4), None, reminder_after_days=14) == [
        RemindKudos(7, PLANNED.owner, 14, 1)
    ]


# Queued Fri 30 May 2025 and not delivered. Business days after it: Mon 2 Jun (1), Tue 3 Jun (2).
QUEUED = replace(PLANNED, notice_queued_on=date(2025, 5, 30), notices_queued=1)


def test_undelivered_notice_is_alerted_after_more_than_one_business_day():
    assert plan_undelivered(QUEUED, date(2025, 5, 31)) == []  # Saturday: 0 business days
    assert plan_undelivered(QUEUED, date(2025, 6, 2)) == []  # Monday: 1 business day
    # Tuesday 3 Jun: 2 business days. Delivered today at best, so earliest 3 + 14 = Tue 17 Jun.
    assert plan_undelivered(QUEUED, date(2025, 6, 3)) == [
        AlertOwner(7, PLANNED.owner, AlertReason.NOTICE_UNDELIVERED, date(2025, 6, 17), "1")
    ]
    assert plan_undelivered(NOTIFIED, date(2025, 6, 10)) == []  # delivered: nothing to say


def test_date_moved_while_notice_undelivered_counts_from_today():
    # Not delivered by Mon 2 Jun: at best delivered today, so earliest Mon 16 Jun; 13 Jun is too early.
    after = replace(QUEUED, publish_on=date(2025, 6, 13))
    assert decide_change(QUEUED, after, change_no=6, as_of=date(2025, 6, 2))[-1] == AlertOwner(
        7, PLANNED.owner, AlertReason.DATE_TOO_EARLY, date(2025, 6, 16), "6"
    )
