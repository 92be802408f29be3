"""Store of the publications register: add, change and import on a session (instruks pkt. 6.1).

Adding a publication triggers its ``publication-prenotice`` occurrence on the planned
date (ref ``publication:{id}``). Moving the date while that occurrence is open withdraws
it and triggers one on the new date (the occurrence is keyed by its date); lateness is
carried over. Once the notice is given the occurrence is done and stays as it is: what
follows a change (an update or a new notice to the ministry, an alert) is decided by the
daily flow from the change history (``store_day.plan_day``).
"""

import json
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from pliktvakt import audit, occurrences
from pliktvakt.catalogue import Catalogue
from pliktvakt.notify import Key
from pliktvakt.publications.inputs import PublicationError, PublicationInput, unknown_owner, validate
from pliktvakt.publications.inputs_csv import PublicationImportError, read_publications
from pliktvakt.publications.rules import NoticeReason, SendNotice
from pliktvakt.publications.tables import (
    Publication,
    PublicationChange,
    PublicationImportRejection,
    PublicationStatus,
    as_text,
)
from pliktvakt.tables import Occurrence, OccurrenceStatus, OutboxMessage, OutboxStatus
from pliktvakt.tabular import Rejection

PRENOTICE = "publication-prenotice"
KUDOS = "evaluation-kudos-registration"
CONTENT_FIELDS = ("title", "kind", "summary")


def contact_for(catalogue: Catalogue, role: str) -> str:
    officer = catalogue.officer_for_role(role)
    return f"{officer.name} <{officer.email}>"


def _check_owner(catalogue: Catalogue, role: str) -> None:
    if role not in catalogue.roles:
        raise PublicationError(f"--owner: {unknown_owner(role, set(catalogue.roles))}")


def add(
    session: Session,
    catalogue: Catalogue,
    data: PublicationInput,
    source: str = "cli",
    actor: str = "pliktvakt",
) -> Publication:
    """Register a publication and trigger its notice occurrence."""
    _check_owner(catalogue, data.owner)
    publication = Publication(
        title=data.title,
        kind=data.kind.value,
        publish_on=data.publish_on,
        owner_role=data.owner,
        summary=data.summary,
        contact=contact_for(catalogue, data.owner),
        source=source,
    )
    session.add(publication)
    session.flush()
    occurrence, _ = occurrences.trigger(
        session, catalogue, PRENOTICE, data.publish_on, publication.subject, actor
    )
    publication.link_notice_occurrence(occurrence.id)
    session.add(publication)
    audit.append(
        session,
        actor,
        "publication.added",
        publication.subject,
        {
            "title": data.title,
            "kind": data.kind.value,
            "publish_on": data.publish_on,
            "owner": data.owner,
            "source": source,
            "occurrence": occurrence.id,
        },
    )
    session.flush()
    return publication


def get(session: Session, publication_id: int) -> Publication:
    publication = session.get(Publication, publication_id)
    if publication is None:
        raise PublicationError(
            f"Fant ingen publikasjon med id {publication_id}. Se `pliktvakt publication list`."
        )
    return publication


def all_publications(session: Session, status: str | None = None) -> list[Publication]:
    query = select(Publication).order_by(Publication.publish_on, Publication.id)
    if status:
        query = query.where(Publication.status == status)
    return list(session.exec(query))


def changes(session: Session, publication_id: int, after: int = 0) -> list[PublicationChange]:
    query = select(PublicationChange).where(
        PublicationChange.publication_id == publication_id, PublicationChange.change_no > after
    )
    return list(session.exec(query.order_by(PublicationChange.change_no, PublicationChange.id)))


def _next_change_no(session: Session, publication_id: int) -> int:
    query = select(func.max(PublicationChange.change_no)).where(
        PublicationChange.publication_id == publication_id
    )
    return (session.exec(query).one() or 0) + 1


def change(
    session: Session,
    catalogue: Catalogue,
    publication_id: int,
    actor: str,
    *,
    publish_on: date | str | None = None,
    title: str | None = None,
    summary: str | None = None,
    kind: str | None = None,
) -> int | None:
    """Change date or content; every changed field is kept in ``publication_change``.

    Returns the change number, or None when nothing differs. ``summary=""`` clears it.
    """
    publication = get(session, publication_id)
    if publication.status != PublicationStatus.PLANNED:
        raise PublicationError(
            f"Publikasjon {publication_id} er {PublicationStatus(publication.status).label} "
            "og kan ikke endres."
        )
    new = validate(
        title=publication.title if title is None else title,
        kind=publication.kind if kind is None else kind,
        publish_on=publication.publish_on if publish_on is None else publish_on,
        owner=publication.owner_role,
        summary=publication.summary if summary is None else summary,
    )
    wanted = {
        "publish_on": new.publish_on,
        "title": new.title,
        "kind": new.kind.value,
        "summary": new.summary,
    }
    diffs = {f: (getattr(publication, f), v) for f, v in wanted.items() if getattr(publication, f) != v}
    if not diffs:
        return None
    change_no = _next_change_no(session, publication_id)
    for field, (old, value) in diffs.items():
        session.add(
            PublicationChange(
                publication_id=publication_id,
                change_no=change_no,
                changed_by=actor,
                field=field,
                old_value=as_text(old),
                new_value=as_text(value),
                content_changed=field in CONTENT_FIELDS,
            )
        )
    event = publication.edit(change_no, {field: value for field, (_, value) in diffs.items()}, actor)
    session.add(publication)
    audit.record(session, event)
    if "publish_on" in diffs:
        _move_prenotice(session, catalogue, publication, actor)
    session.flush()
    return change_no


def _move_prenotice(session: Session, catalogue: Catalogue, publication: Publication, actor: str) -> None:
    """The open notice occurrence follows the date: withdraw it, trigger one on the new date."""
    old = (
        session.get(Occurrence, publication.notice_occurrence_id)
        if publication.notice_occurrence_id
        else None
    )
    if old is not None and not old.is_open:
        return  # the notice is given; the flow tells the ministry of the new date
    new, _ = occurrences.trigger(
        session, catalogue, PRENOTICE, publication.publish_on, publication.subject, actor
    )
    if new.status == OccurrenceStatus.WITHDRAWN:  # moved back to a date it had before
        audit.record(
            session, new.reopen(f"publiseringsdatoen er flyttet tilbake til {publication.publish_on}", actor)
        )
        session.add(new)
    if old is not None and old.id != new.id:
        occurrences.withdraw(
            session,
            old,
            f"publiseringsdatoen er flyttet til {publication.publish_on}",
            actor,
            {"id": old.id, "replaced_by": new.id},
        )
        if old.late:
            occurrences.mark_late(session, new, f"overført fra forekomst {old.id}, som var for sen", actor)
    publication.link_notice_occurrence(new.id)
    session.add(publication)


def import_csv(
    session: Session, catalogue: Catalogue, path: str | Path, actor: str = "pliktvakt"
) -> list[Publication]:
    """All or nothing: raises ``PublicationImportError`` before writing anything if a row is bad,
    or if a publication with the same title and date is already registered (the same file
    imported twice would register every publication, and notify the ministry, twice)."""
    lines = read_publications(path, set(catalogue.roles))
    _refuse_registered(session, str(path), lines)
    source = f"csv:{Path(path).name}"[:300]
    return [add(session, catalogue, item, source, actor) for _, item in lines]


def _refuse_registered(session: Session, file: str, lines: list[tuple[int, PublicationInput]]) -> None:
    days = {item.publish_on for _, item in lines}
    registered: dict[tuple[str, date], int] = {}
    for day_chunk in _chunks(sorted(days), 500):
        for publication in session.exec(select(Publication).where(Publication.publish_on.in_(day_chunk))):
            registered.setdefault((publication.title.casefold(), publication.publish_on), publication.id)
    problems = [
        Rejection(
            file,
            line,
            "tittel",
            f"samme tittel og dato som publikasjon {registered[key]}, som allerede er registrert",
        )
        for line, item in lines
        if (key := (item.title.casefold(), item.publish_on)) in registered
    ]
    if problems:
        raise PublicationImportError(file, problems)


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def record_rejections(session: Session, error: PublicationImportError) -> str:
    """Keep the rejected rows of a rejected file with their reasons; returns the import id."""
    import_id = uuid.uuid4().hex[:16]
    for row in error.rejected:
        session.add(
            PublicationImportRejection(
                import_id=import_id,
                file=error.file,
                line=row.line,
                field=row.field,
                reason=row.reason,
                raw=json.dumps(row.raw, ensure_ascii=False) if row.raw else None,
            )
        )
    audit.append(
        session,
        "pliktvakt",
        "publication.import_rejected",
        error.file,
        {"import_id": import_id, "rejected": error.total, "stored": len(error.rejected)},
    )
    return import_id


def notice_key(publication_id: int) -> Key:
    return SendNotice(publication_id, 1, NoticeReason.FIRST).key


def notice_copies(session: Session, publication_id: int) -> list[OutboxMessage]:
    """The outbox rows of the first notice, one per ministry recipient."""
    return list(
        session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.key.startswith(notice_key(publication_id).prefix))
            .order_by(OutboxMessage.id)
        )
    )


def notice_waiting(session: Session, publication: Publication) -> tuple[str, ...]:
    """Each copy of the first notice not delivered yet: recipient, state and last error."""
    if publication.notice_queued_on is None or publication.notice_delivered_on is not None:
        return ()
    return tuple(
        f"{m.recipient} ({m.status}{f': {m.last_error}' if m.last_error else ''})"
        for m in notice_copies(session, publication.id)
        if m.status != OutboxStatus.SENT
    )


def as_dict(publication: Publication, today: date, waiting: tuple[str, ...] = ()) -> dict:
    result = publication.gate(today, waiting)
    return {
        "id": publication.id,
        "title": publication.title,
        "kind": publication.kind,
        "publish_on": publication.publish_on.isoformat(),
        "owner": publication.owner_role,
        "summary": publication.summary,
        "contact": publication.contact,
        "status": publication.status,
        "notice_queued_on": as_text(publication.notice_queued_on),
        "notice_delivered_on": as_text(publication.notice_delivered_on),
        "notices_queued": publication.notices_queued,
        "notice_waiting": list(waiting),
        "notice_occurrence_id": publication.notice_occurrence_id,
        "kudos_url": publication.kudos_url,
        "kudos_last_status": publication.kudos_last_status,
        "source": publication.source,
        "may_publish_on_planned_date": result.may_publish_on_planned_date,
        "planned_date_reachable": result.planned_date_reachable,
        "earliest_date": result.earliest_date.isoformat(),
        "gate": result.reason,
    }
