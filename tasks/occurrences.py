"""Database tasks for occurrences."""

from datetime import date

from prefect import task
from prefect.cache_policies import NO_CACHE
from sqlmodel import select

from pliktvakt import occurrences
from pliktvakt.catalogue import Catalogue
from pliktvakt.db import session_scope
from pliktvakt.go_live import go_live_date
from pliktvakt.tables import Occurrence, OccurrenceStatus
from pliktvakt.texts_status import in_status_window, open_summary, status_row
from tasks.common import engine_for


@task(name="materialise-occurrences", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def materialise_occurrences(url: str, catalogue: Catalogue, today: date, horizon_months: int):
    with session_scope(engine_for(url)) as session:
        return occurrences.materialise(session, catalogue, today, horizon_months)


@task(name="read-status", cache_policy=NO_CACHE)
def read_status(
    url: str, catalogue: Catalogue, today: date, days: int, scheme_names: dict[str, str] | None = None
) -> list[dict]:
    """What `pliktvakt status` lists (``in_status_window``), soonest due first."""
    with session_scope(engine_for(url)) as session:
        query = select(Occurrence).where(Occurrence.status != OccurrenceStatus.WITHDRAWN)
        rows = session.exec(query.order_by(Occurrence.due, Occurrence.id))
        go_live = go_live_date(session)
        return [
            status_row(row, catalogue, today, go_live, scheme_names)
            for row in rows
            if in_status_window(row, today, days)
        ]


@task(name="read-summary", cache_policy=NO_CACHE)
def read_summary(url: str, catalogue: Catalogue, today: date) -> str:
    """The catalogue summary, with open occurrences due before go-live counted apart."""
    with session_scope(engine_for(url)) as session:
        go_live = go_live_date(session)
        dues = session.exec(
            select(Occurrence.obligation_id, Occurrence.due).where(Occurrence.status == OccurrenceStatus.OPEN)
        ).all()
    return open_summary(catalogue, list(dues), today, go_live)
