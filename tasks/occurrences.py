"""Database tasks for occurrences."""

from collections import Counter
from datetime import date

from prefect import task
from prefect.cache_policies import NO_CACHE
from sqlmodel import select

from pliktvakt import occurrences
from pliktvakt.catalogue import Catalogue
from pliktvakt.db import session_scope
from pliktvakt.models import Occurrence
from pliktvakt.rendering import status_row
from tasks.common import engine_for


@task(name="materialise-occurrences", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def materialise_occurrences(url: str, catalogue: Catalogue, today: date, horizon_months: int):
    with session_scope(engine_for(url)) as session:
        return occurrences.materialise(session, catalogue, today, horizon_months)


@task(name="read-status", cache_policy=NO_CACHE)
def read_status(url: str, catalogue: Catalogue, today: date, until: date) -> list[dict]:
    """Open occurrences due up to ``until`` (overdue included), soonest first."""
    with session_scope(engine_for(url)) as session:
        query = select(Occurrence).where(Occurrence.status == "open", Occurrence.due <= until)
        rows = session.exec(query.order_by(Occurrence.due, Occurrence.id))
        return [status_row(row, catalogue, today) for row in rows]


@task(name="count-open", cache_policy=NO_CACHE)
def count_open_by_obligation(url: str) -> dict[str, int]:
    with session_scope(engine_for(url)) as session:
        rows = session.exec(select(Occurrence.obligation_id).where(Occurrence.status == "open"))
        return dict(Counter(rows))
