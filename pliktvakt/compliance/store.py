"""Store of the compliance record: what the record of a year is built from, read in a few bulk
queries (instruks pkt. 4.1, 4.2); ``rules.build`` makes the record of it."""

from datetime import date, datetime, timezone

from sqlmodel import Session, select

from pliktvakt import audit
from pliktvakt.catalogue import Catalogue
from pliktvakt.clock import stored
from pliktvakt.compliance.rules import (
    FIRST_YEAR,
    ObligationInfo,
    ReportError,
    Stored,
    StoredMessage,
    StoredOccurrence,
)
from pliktvakt.go_live import go_live_date
from pliktvakt.occurrences import BATCH_TRIGGERED
from pliktvakt.tables import ObligationRecord, Occurrence, OutboxMessage
from pliktvakt.tabular import bulk
from pliktvakt.texts_status import section_order


def check_year(year: int, today: date) -> None:
    if not FIRST_YEAR <= year <= today.year + 1:
        raise ReportError(
            f"--year {year}: året må være fra {FIRST_YEAR} (instruksen gjelder fra 1. januar {FIRST_YEAR}) "
            f"til {today.year + 1}."
        )


def obligation_infos(session: Session, catalogue: Catalogue) -> dict[str, ObligationInfo]:
    """The catalogue's obligations, and those stored from an earlier catalogue (without heading)."""
    infos = {
        record.id: ObligationInfo(record.id, record.title, record.section, None, record.clause)
        for record in session.exec(select(ObligationRecord))
    }
    for o in catalogue.obligations.values():
        infos[o.id] = ObligationInfo(o.id, o.title, o.clause.section, o.clause.heading, o.clause.text)
    return infos


def chosen_obligations(
    infos: dict[str, ObligationInfo], section: str | None, obligation: str | None
) -> list[str] | None:
    """The obligation ids to report on (None: all), or ReportError naming what is unknown."""
    if obligation is not None and obligation not in infos:
        raise ReportError(f"--obligation: ukjent plikt «{obligation}». Se `pliktvakt obligations list`.")
    if section is not None:
        sections = {info.section for info in infos.values()}
        if section not in sections:
            known = ", ".join(sorted(sections, key=section_order))
            raise ReportError(f"--section: katalogen har ingen plikter i punkt «{section}». Kjente: {known}.")
    if section is None and obligation is None:
        return None
    return [
        info.id
        for info in infos.values()
        if (section is None or info.section == section) and (obligation is None or info.id == obligation)
    ]


@bulk()
def read(
    session: Session,
    catalogue: Catalogue,
    year: int,
    section: str | None = None,
    obligation: str | None = None,
) -> Stored:
    """What the record of ``year`` is built from, in a few bulk queries and one pass over the
    audit chain that verifies it, whatever the row count."""
    infos = obligation_infos(session, catalogue)
    ids = chosen_obligations(infos, section, obligation)
    in_year = [Occurrence.due >= date(year, 1, 1), Occurrence.due <= date(year, 12, 31)]
    if ids is not None:
        in_year.append(Occurrence.obligation_id.in_(ids))
    # Column reads run on the session's connection: the ORM's loading adds nothing to plain
    # columns but its time (issue 31).
    connection = session.connection()
    occurrences = [
        StoredOccurrence(r[0], r[1], r[2], r[3], r[4], bool(r[5]), _utc(r[6]), r[7], r[8])
        for r in connection.execute(
            select(
                Occurrence.id,
                Occurrence.obligation_id,
                Occurrence.period,
                Occurrence.due,
                Occurrence.status,
                Occurrence.late,
                Occurrence.completed_at,
                Occurrence.completed_by,
                Occurrence.evidence,
            ).where(*in_year)
        )
    ]
    messages = [
        StoredMessage(r[0], r[1], r[2], r[3], r[4] is None, r[5], r[6], _utc(r[7]))
        for r in connection.execute(
            select(
                OutboxMessage.occurrence_id,
                OutboxMessage.key,
                OutboxMessage.recipient,
                OutboxMessage.channel,
                OutboxMessage.officer_id,
                OutboxMessage.status,
                OutboxMessage.receipt,
                OutboxMessage.sent_at,
            )
            .join(Occurrence, Occurrence.id == OutboxMessage.occurrence_id)
            .where(*in_year)
            .order_by(OutboxMessage.id)
        )
    ]
    # The entries are read as the chain is verified, in one pass: those whose action names an
    # occurrence or a message; build() keeps the ones of this year.
    checked, entries = audit.verify_and_read(session, _names_an_occurrence)
    problems = [f"rad {p.seq}: {p.problem}" for p in checked]
    return Stored(occurrences, messages, entries, infos, problems, go_live_date(session))


def _names_an_occurrence(action: str) -> bool:
    return action.startswith(("occurrence.", "message.")) or action == BATCH_TRIGGERED


def _utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else stored(moment).astimezone(timezone.utc)
