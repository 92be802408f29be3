"""Tasks of the publications duty (instruks pkt. 6.1 and 4.3): one unit of I/O each."""

from datetime import date, datetime

from pliktvakt.catalogue import Catalogue
from pliktvakt.db import session_scope
from pliktvakt.publications import day, register
from pliktvakt.publications.kudos import KudosLookup, lookup_evaluation
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


@io_task(name="kudos-lookup")
def kudos_lookup(settings: Settings, title: str) -> KudosLookup:
    """Never raises: retries (timeouts, 5xx) happen inside, and the outcome is a status."""
    return lookup_evaluation(settings.kudos_url, title, settings.kudos_actor_name,
                             timeout=settings.kudos_timeout_seconds, attempts=settings.kudos_attempts,
                             backoff=settings.kudos_backoff_seconds, document_url=settings.kudos_document_url)


@io_task(name="apply-kudos")
def apply_kudos(url: str, catalogue: Catalogue, settings: Settings, publication_id: int, lookup: KudosLookup,
                today: date, now: datetime) -> list[str]:
    with session_scope(engine_for(url)) as session:
        return day.apply_kudos(session, catalogue, settings, publication_id, lookup, today, now)


@io_task(name="read-gate")
def read_gate(url: str, today: date) -> list[dict]:
    with session_scope(engine_for(url)) as session:
        return day.gate_rows(session, today)
