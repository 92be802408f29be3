"""Tasks of the publications duty (instruks pkt. 6.1 and 4.3): one database transaction each.
The Kudos lookup, an HTTP call, is ``tasks.kudos``."""

from datetime import date, datetime

from pliktvakt.catalogue import Catalogue
from pliktvakt.db import session_scope
from pliktvakt.publications import store, store_day
from pliktvakt.publications.inputs import PublicationInput
from pliktvakt.publications.kudos import KudosLookup
from pliktvakt.settings import Settings
from tasks.common import engine_for, io_task


@io_task(name="add-publication")
def add_publication(url: str, catalogue: Catalogue, data: PublicationInput, source: str, actor: str) -> dict:
    with session_scope(engine_for(url)) as session:
        publication = store.add(session, catalogue, data, source, actor)
        return {"id": publication.id, "notice_occurrence_id": publication.notice_occurrence_id}


@io_task(name="plan-publications", retries=2, retry_delay_seconds=5)
def plan_publications(url: str, catalogue: Catalogue, settings: Settings, today: date) -> store_day.DayReport:
    with session_scope(engine_for(url)) as session:
        return store_day.plan_day(session, catalogue, settings, today)


@io_task(name="record-notice-receipts")
def record_notice_receipts(url: str, now: datetime) -> list[int]:
    with session_scope(engine_for(url)) as session:
        return store_day.record_notice_receipts(session, now)


@io_task(name="kudos-candidates")
def kudos_candidates(url: str, catalogue: Catalogue, today: date) -> list[tuple[int, str]]:
    with session_scope(engine_for(url)) as session:
        return store_day.kudos_candidates(session, catalogue, today)


@io_task(name="apply-kudos")
def apply_kudos(
    url: str,
    catalogue: Catalogue,
    settings: Settings,
    publication_id: int,
    lookup: KudosLookup,
    today: date,
    now: datetime,
) -> store_day.DayReport:
    with session_scope(engine_for(url)) as session:
        return store_day.apply_kudos(session, catalogue, settings, publication_id, lookup, today, now)


@io_task(name="read-gate")
def read_gate(url: str, today: date) -> list[store_day.GateLine]:
    with session_scope(engine_for(url)) as session:
        return store_day.gate_lines(session, today)
