"""Tasks of the publications duty (instruks pkt. 6.1 and 4.3): one database transaction each.
The Kudos lookup, an HTTP call, is ``tasks.kudos``."""

from datetime import date, datetime

from pliktvakt.catalogue import Catalogue
from pliktvakt.db import session_scope
from pliktvakt.publications import day, overview, register
from pliktvakt.publications.kudos import KudosLookup
from pliktvakt.publications.models import PublicationInput
from pliktvakt.settings import Settings
from tasks.common import engine_for, io_task


@io_task(name="add-publication")
def add_publication(url: str, catalogue: Catalogue, data: PublicationInput, source: str, actor: str) -> dict:
    with session_scope(engine_for(url)) as session:
        publication = register.add(session, catalogue, data, source, actor)
        return {"id": publication.id, "notice_occurrence_id": publication.notice_occurrence_id}


@io_task(name="plan-publications", retries=2, retry_delay_seconds=5)
def plan_publications(url: str, catalogue: Catalogue, settings: Settings, today: date) -> day.DayReport:
    with session_scope(engine_for(url)) as session:
        return day.plan_day(session, catalogue, settings, today)


@io_task(name="record-notice-receipts")
def record_notice_receipts(url: str, now: datetime) -> list[int]:
    with session_scope(engine_for(url)) as session:
        return day.record_notice_receipts(session, now)


@io_task(name="kudos-candidates")
def kudos_candidates(url: str, catalogue: Catalogue, today: date) -> list[tuple[int, str]]:
    with session_scope(engine_for(url)) as session:
        return day.kudos_candidates(session, catalogue, today)


@io_task(name="apply-kudos")
def apply_kudos(
    url: str,
    catalogue: Catalogue,
    settings: Settings,
    publication_id: int,
    lookup: KudosLookup,
    today: date,
    now: datetime,
) -> day.DayReport:
    with session_scope(engine_for(url)) as session:
        return day.apply_kudos(session, catalogue, settings, publication_id, lookup, today, now)


@io_task(name="read-gate")
def read_gate(url: str, today: date) -> list[overview.GateLine]:
    with session_scope(engine_for(url)) as session:
        return overview.gate_lines(session, today)
