"""Store of the publications duty's day: the ``prepublication-notice`` flow's work on a session.

``plan_day`` decides (``rules.plan_notice`` / ``decide_change`` / ``plan_undelivered``)
and acts through ``notify``; delivery is the flow's. ``record_notice_receipts`` records the
day the first notice reached every recipient (the 14 days count from it) and completes the
notice occurrence with the receipts as evidence.
The Kudos part (pkt. 4.3): ``kudos_candidates`` then ``apply_kudos`` per lookup. ``gate_lines``
reads the 14-day gate of every publication (``GateLine.blocked``), for the flow's count and artifact.

"Published" here means the planned date has come while the gate allowed it; pliktvakt
does not publish anything itself. A publication the gate blocks stays planned, so the
owner can still move it.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from operator import attrgetter

from sqlmodel import Session, select

from pliktvakt import audit, clock, notify, occurrences
from pliktvakt.catalogue import Catalogue
from pliktvakt.legal_calendar import local_date
from pliktvakt.notify import Key
from pliktvakt.publications import texts
from pliktvakt.publications.inputs import PublicationKind, parse_date
from pliktvakt.publications.kudos import KudosLookup
from pliktvakt.publications.rules import (
    Action,
    AlertOwner,
    AlertReason,
    CompleteKudos,
    GateResult,
    MarkLate,
    RemindKudos,
    SendMinistryUpdate,
    SendNotice,
    decide_change,
    decide_kudos,
    kudos_lookup_due,
    plan_notice,
    plan_undelivered,
)
from pliktvakt.publications.store import KUDOS, changes, get, notice_key, notice_waiting
from pliktvakt.publications.tables import Publication, PublicationStatus
from pliktvakt.settings import Settings
from pliktvakt.tables import Occurrence

ACTOR = "pliktvakt"


@dataclass
class DayReport:
    queued: list[str] = field(default_factory=list)  # outbox keys written today
    marked_late: list[int] = field(default_factory=list)  # publication ids
    published: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # bokmål; the run ends Failed

    def took(self, notified: notify.Notified) -> None:
        """Count what a notify call wrote to the outbox now."""
        if notified.queued:
            self.queued += notified.keys

    def merged(self, other: "DayReport") -> "DayReport":
        return DayReport(
            self.queued + other.queued,
            self.marked_late + other.marked_late,
            self.published + other.published,
            self.problems + other.problems,
        )


def plan_day(session: Session, catalogue: Catalogue, settings: Settings, today: date) -> DayReport:
    report = DayReport()
    for publication in session.exec(
        select(Publication).where(Publication.status == PublicationStatus.PLANNED).order_by(Publication.id)
    ).all():
        for actions in _decisions(session, settings, publication, today):
            _act(session, catalogue, settings, publication, actions, today, report)
        if publication.goes_out_on(today):
            audit.record(session, publication.publish(ACTOR))
            session.add(publication)
            report.published.append(publication.id)
    session.flush()
    return report


def _decisions(
    session: Session, settings: Settings, publication: Publication, today: date
) -> Iterator[list[Action]]:
    """The day's decisions on one publication, in turn: each is made only after the one
    before it is acted on, so it sees what that did (a notice queued, changes handled)."""
    yield _decide_changes(session, publication, today)
    yield plan_notice(publication.state(), today, settings.publication_notice_lead_days)
    yield plan_undelivered(publication.state(), today)


def _decide_changes(session: Session, publication: Publication, today: date) -> list[Action]:
    """All changes not yet acted on, taken together: one notice or update, not one per edit."""
    pending = changes(session, publication.id, after=publication.changes_handled)
    if not pending:
        return []
    before = publication.state()
    for row in reversed(pending):  # undo them, newest first, to get the state before
        old = parse_date(row.old_value) if row.field == "publish_on" else row.old_value
        before = replace(
            before,
            **{
                "owner" if row.field == "owner_role" else row.field: PublicationKind(old)
                if row.field == "kind"
                else old
            },
        )
    last = pending[-1].change_no
    publication.mark_changes_handled(last)
    session.add(publication)
    return decide_change(before, publication.state(), last, today)


def _act(
    session: Session,
    catalogue: Catalogue,
    settings: Settings,
    publication: Publication,
    actions: list[Action],
    today: date,
    report: DayReport,
) -> None:
    for action in actions:
        if isinstance(action, SendNotice):
            _send_notice(session, settings, publication, action, today, report)
        elif isinstance(action, SendMinistryUpdate):
            message = texts.date_update_to_ministry(
                publication.title,
                PublicationKind(publication.kind),
                action.old_date,
                action.new_date,
                publication.notice_delivered_on,
                publication.contact,
            )
            _to_ministry(session, settings, publication, action.key, message, report)
        elif isinstance(action, AlertOwner):
            _alert(session, catalogue, settings, publication, action, today, report)
        elif isinstance(action, MarkLate):
            occurrence = session.get(Occurrence, publication.notice_occurrence_id)
            if occurrence is not None and not occurrence.late:
                occurrences.mark_late(session, occurrence, action.reason, ACTOR)
                report.marked_late.append(publication.id)


def _send_notice(
    session: Session,
    settings: Settings,
    publication: Publication,
    action: SendNotice,
    today: date,
    report: DayReport,
) -> None:
    message = texts.notice_to_ministry(
        publication.title,
        PublicationKind(publication.kind),
        publication.publish_on,
        publication.summary,
        publication.contact,
        action.number,
    )
    if not _to_ministry(session, settings, publication, action.key, message, report):
        return
    event = publication.queue_notice(action.number, action.reason, today, settings.ministry_recipients, ACTOR)
    session.add(publication)
    audit.record(session, event)


def _to_ministry(
    session: Session,
    settings: Settings,
    publication: Publication,
    key: Key,
    message: notify.Message,
    report: DayReport,
) -> bool:
    try:
        notified = notify.notify_ministry(
            session, settings.ministry_recipients, message, key, publication.notice_occurrence_id
        )
    except notify.NoMinistryRecipients as exc:
        report.problems.append(str(exc))
        return False
    report.took(notified)
    return True


def _to_owner(
    session: Session,
    catalogue: Catalogue,
    publication: Publication,
    key: Key,
    message: notify.Message,
    today: date,
    occurrence_id: int | None,
    report: DayReport,
) -> notify.Notified:
    """Tell the publication's owner (the deputy while the officer is absent)."""
    notified = notify.notify_role(
        session, catalogue, publication.owner_role, message, key, today, occurrence_id=occurrence_id
    )
    report.took(notified)
    return notified


# An owner alert's text, and the notice date it speaks of.
_ALERT_TEXTS = {
    AlertReason.LATE_NOTICE: (texts.late_notice_alert, attrgetter("notice_queued_on")),
    AlertReason.DATE_TOO_EARLY: (texts.date_too_early_alert, attrgetter("notice_delivered_on")),
    AlertReason.NOTICE_UNDELIVERED: (texts.notice_undelivered_alert, attrgetter("notice_queued_on")),
}


def _alert(
    session: Session,
    catalogue: Catalogue,
    settings: Settings,
    publication: Publication,
    action: AlertOwner,
    today: date,
    report: DayReport,
) -> None:
    if action.reason in _ALERT_TEXTS:
        write, notice_on = _ALERT_TEXTS[action.reason]
        message = write(
            publication.title, publication.publish_on, notice_on(publication), action.earliest_date
        )
    else:  # the notice was missed: there is no notice date to speak of
        message = texts.notice_missed_alert(publication.title, publication.publish_on, action.earliest_date)
    notified = _to_owner(
        session, catalogue, publication, action.key, message, today, publication.notice_occurrence_id, report
    )
    if notified.queued:
        audit.append(
            session,
            ACTOR,
            "publication.owner_alerted",
            publication.subject,
            {"reason": str(action.reason), "earliest_date": action.earliest_date, "to": notified.to},
        )


def record_notice_receipts(session: Session, now: datetime) -> list[int]:
    """For each first notice now delivered to every recipient: the delivery day, from which
    the 14 days count, and the notice occurrence completed with the receipts."""
    completed = []
    query = select(Publication).where(
        Publication.notice_queued_on.is_not(None), Publication.notice_delivered_on.is_(None)
    )
    for publication in session.exec(query).all():
        sent = notify.delivered(session, prefix=notice_key(publication.id).prefix)
        if sent is None:
            continue
        last_accepted_on = max(local_date(clock.stored(m.sent_at)) for m in sent)
        event = publication.mark_notice_delivered(
            last_accepted_on, now.date(), [m.recipient for m in sent], ACTOR
        )
        session.add(publication)
        audit.record(session, event)
        if publication.notice_occurrence_id is not None and notify.complete_with_receipts(
            session, publication.notice_occurrence_id, sent, "Varsel levert til departementet", ACTOR, now
        ):
            completed.append(publication.id)
    return completed


def kudos_candidates(session: Session, catalogue: Catalogue, today: date) -> list[tuple[int, str]]:
    """Published evaluations whose Kudos occurrence is open: (id, title) to look up."""
    found = []
    query = select(Publication).where(
        Publication.status == PublicationStatus.PUBLISHED, Publication.kind == PublicationKind.EVALUERING
    )
    for publication in session.exec(query.order_by(Publication.id)).all():
        if not kudos_lookup_due(publication.state(), today):
            continue
        if publication.kudos_occurrence_id is None:
            occurrence, _ = occurrences.trigger(
                session, catalogue, KUDOS, publication.publish_on, publication.subject, ACTOR
            )
            publication.link_kudos_occurrence(occurrence.id)
            session.add(publication)
        occurrence = session.get(Occurrence, publication.kudos_occurrence_id)
        if occurrence.is_open:
            found.append((publication.id, publication.title))
    session.flush()
    return found


def apply_kudos(
    session: Session,
    catalogue: Catalogue,
    settings: Settings,
    publication_id: int,
    lookup: KudosLookup,
    today: date,
    now: datetime,
) -> DayReport:
    """Record a lookup; complete with the link, or remind the owner. A failed lookup decides
    nothing and is the run's problem."""
    publication = get(session, publication_id)
    event = publication.record_kudos_lookup(lookup, now, ACTOR)
    session.add(publication)
    if event is not None:
        audit.record(session, event)
        return DayReport(problems=[f"Publikasjon {publication_id}: {lookup.message}"])
    url = lookup.match.url if lookup.match else None
    report = DayReport()
    for action in decide_kudos(publication.state(), today, url, settings.kudos_reminder_days):
        if isinstance(action, CompleteKudos):
            publication.found_in_kudos(action.evidence_url)
            occurrences.complete(session, publication.kudos_occurrence_id, ACTOR, action.evidence_url, now)
        elif isinstance(action, RemindKudos):
            message = texts.kudos_reminder(
                publication.title,
                publication.publish_on,
                action.days_since_publication,
                settings.kudos_actor_name,
            )
            _to_owner(
                session,
                catalogue,
                publication,
                action.key,
                message,
                today,
                publication.kudos_occurrence_id,
                report,
            )
    session.flush()
    return report


@dataclass(frozen=True)
class GateLine:
    """One publication before the gate."""

    id: int
    title: str
    kind: PublicationKind
    publish_on: date
    status: PublicationStatus
    notice_queued_on: date | None
    notice_delivered_on: date | None
    kudos: str  # the link, else the last lookup's status
    gate: GateResult
    blocked: bool  # still planned, and the planned date is not allowed


def gate_lines(session: Session, today: date) -> list[GateLine]:
    """Every publication not cancelled, by planned date: may it go out on that date?"""
    query = select(Publication).where(Publication.status != PublicationStatus.CANCELLED)
    return [
        GateLine(
            p.id,
            p.title,
            PublicationKind(p.kind),
            p.publish_on,
            PublicationStatus(p.status),
            p.notice_queued_on,
            p.notice_delivered_on,
            p.kudos_url or p.kudos_last_status or "",
            p.gate(today, notice_waiting(session, p)),
            p.blocked_on(today),
        )
        for p in session.exec(query.order_by(Publication.publish_on, Publication.id)).all()
    ]
