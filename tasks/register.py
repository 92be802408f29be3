"""The grants register client (vedlegg 1 pkt. 1): async httpx on the shared retry policy
(``tasks.http``: 429 and 5xx retried with backoff, honouring Retry-After; timeouts and
connection errors too), at most ``tilskudd_concurrency`` requests at a time.

What is sent, and what an answer means, is ``pliktvakt.register`` (its rules, store and
texts); the task does the I/O only. The contract is
``pliktvakt.register.contract``. Submissions are read and recorded in batches, so memory
does not grow with the number of awards, and a run that stops midway has recorded every
answer it got.
"""

import asyncio
from dataclasses import dataclass, field
from datetime import date, datetime

import httpx
from sqlmodel import select

from pliktvakt import notify
from pliktvakt.catalogue import Catalogue
from pliktvakt.db import session_scope
from pliktvakt.grants.schemes import GrantScheme
from pliktvakt.grants.tables import GrantDecision
from pliktvakt.register import contract, inputs, render, rules, store, texts
from pliktvakt.register.contract import Answer
from pliktvakt.settings import Settings
from pliktvakt.settlement.inputs import municipalities_by_code
from pliktvakt.tables import Occurrence
from tasks import http
from tasks.common import engine_for, io_task
from tasks.files import write_files

BATCH = 500  # submissions read, sent and recorded at a time


@dataclass(frozen=True)
class Request:
    submission_id: int
    kind: str
    key: str
    body: str


@dataclass
class SendReport:
    registered: int = 0
    refused: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # no answer yet: sent again next run

    def problems(self, shown: int = 5) -> list[str]:
        """The run's failure reasons: a few examples and the count, not thousands of lines."""
        return texts.send_problems(self.refused, self.failed, shown)


def make_client(settings: Settings) -> httpx.AsyncClient:
    token = settings.tilskudd_api_token.get_secret_value()
    return http.async_client(
        settings.tilskudd_attempts,
        settings.tilskudd_backoff_seconds,
        settings.tilskudd_timeout_seconds,
        base_url=settings.tilskudd_api_url.rstrip("/") + "/",
        headers={"Authorization": f"Bearer {token}", "User-Agent": "pliktvakt (IMDi)"},
    )


async def send_one(
    client: httpx.AsyncClient, limit: asyncio.Semaphore, request: Request, attempts: int
) -> Answer:
    """One POST under the request's idempotency key; what it came to, never an exception."""
    async with limit:
        try:
            response = await client.post(
                contract.path_for(request.kind),
                content=request.body.encode(),
                headers={"Idempotency-Key": request.key, "Content-Type": "application/json"},
            )
        except httpx.TransportError as exc:
            return Answer(request.submission_id, error=f"{http.failure(exc)} etter {attempts} forsøk")
    return contract.read_answer(request.submission_id, response.status_code, response.content, attempts)


async def send_all(
    client: httpx.AsyncClient, requests: list[Request], concurrency: int, attempts: int
) -> list[Answer]:
    limit = asyncio.Semaphore(concurrency)
    return await asyncio.gather(*(send_one(client, limit, r, attempts) for r in requests))


async def _send_pending(settings: Settings, now: datetime) -> SendReport:
    engine, report, after = engine_for(settings.database_url), SendReport(), 0
    async with make_client(settings) as client:
        while True:
            with session_scope(engine) as session:
                batch = [
                    Request(s.id, s.kind, s.idempotency_key, s.payload)
                    for s in store.pending_batch(session, after, BATCH)
                ]
            if not batch:
                return report
            after = batch[-1].submission_id
            answers = await send_all(client, batch, settings.tilskudd_concurrency, settings.tilskudd_attempts)
            with session_scope(engine) as session:
                store.record_answers(session, answers, now, backend="api")
            _tally(report, batch, answers)


def _tally(report: SendReport, batch: list[Request], answers: list[Answer]) -> None:
    keys = {r.submission_id: r.key for r in batch}
    for answer in answers:
        if answer.receipt:
            report.registered += 1
        elif answer.refused:
            report.refused.append(f"{keys[answer.submission_id]}: {answer.refused}")
        else:
            report.failed.append(f"{keys[answer.submission_id]}: {answer.error}")


@io_task(name="send-to-grants-register")
def send_pending(settings: Settings, now: datetime) -> SendReport:
    """Send every pending submission by the API; record each answer as it comes."""
    with session_scope(engine_for(settings.database_url)) as session:
        if store.pending_count(session) == 0:
            return SendReport()
    if settings.tilskudd_api_token is None:
        return SendReport(failed=[texts.NO_TOKEN])
    return asyncio.run(_send_pending(settings, now))


# --- planning, the Excel backend, receipts ------------------------------------------------


@io_task(name="plan-registrations")
def plan_registrations(settings: Settings, schemes: dict[str, GrantScheme]) -> rules.Plan:
    """Queue every new or changed scheme and award, in one transaction."""
    municipalities = municipalities_by_code(settings.config_dir)
    with session_scope(engine_for(settings.database_url)) as session:
        return store.plan(session, schemes, municipalities, settings.tilskudd_backend)


@io_task(name="write-register-upload")
def write_upload(settings: Settings, catalogue: Catalogue, now: datetime) -> str | None:
    """Write the upload file of what waits, record it and tell the officer; its checksum.
    The file is written in the transaction that records it: recorded only if written."""
    with session_scope(engine_for(settings.database_url)) as session:
        submissions = store.waiting(session)
        if not submissions:
            return None
        content = render.workbook(submissions)
        name = rules.upload_file_name(now, content)
        write_files({settings.tilskudd_upload_dir / name: content})
        upload = store.record_upload(session, submissions, name, content)
        obligation = catalogue.obligations[rules.OBLIGATION]
        unconfirmed = obligation.unconfirmed is not None
        message = texts.upload_ready(
            upload, settings.tilskudd_upload_dir, store.earliest_due(session, unconfirmed)
        )
        key = rules.upload_key(upload.sha256)
        notify.notify_role(session, catalogue, obligation.role, message, key, now.date())
        return upload.sha256


@io_task(name="open-registration")
def open_registration(
    url: str, catalogue: Catalogue, schemes: dict[str, GrantScheme], decision_id: int, on: date, actor: str
) -> bool:
    """The registration occurrence of a decision typed in (the run form), if it is an award
    to a voluntary organisation."""
    with session_scope(engine_for(url)) as session:
        decision = session.get(GrantDecision, decision_id)
        return store.open_occurrence(session, catalogue, schemes, decision, on, actor)


@io_task(name="complete-registrations")
def complete_registrations(url: str, now: datetime) -> int:
    with session_scope(engine_for(url)) as session:
        store.withdraw_lapsed(session)
        return store.complete_registered(session, now)


@io_task(name="read-unregistered")
def read_unregistered(url: str) -> list[dict[str, str]]:
    """The unresolved submissions, each with the occurrence of its registration duty if any."""
    with session_scope(engine_for(url)) as session:
        submissions = list(store.unresolved(session))
        refs = [s.ref for s in submissions]
        duties = dict(
            session.exec(select(Occurrence.ref, Occurrence.id).where(Occurrence.ref.in_(refs))).all()
        )
        return [texts.submission_row(s, duties.get(s.ref)) for s in submissions]


# --- the weekly reconciliation --------------------------------------------------------------


@dataclass(frozen=True)
class Checked:
    year: int
    differences: list[rules.Difference] = field(default_factory=list)
    problem: str | None = None


@io_task(name="registered-years")
def registered_years(url: str) -> list[int]:
    with session_scope(engine_for(url)) as session:
        return store.registered_years(session)


def download_allocations(settings: Settings, year: int) -> tuple[bytes, str]:
    """The public allocation file of ``year`` and its address; RegisterUnavailable if not got."""
    base = settings.tilskudd_api_url.rstrip("/") + "/"
    url = f"{base}{contract.ALLOCATIONS_PATH}?year={year}"
    attempts = settings.tilskudd_attempts
    with http.client(
        attempts, settings.tilskudd_backoff_seconds, settings.tilskudd_timeout_seconds
    ) as client:
        try:
            response = client.get(url)
        except httpx.TransportError as exc:
            raise RegisterUnavailable(f"{url}: {http.failure(exc)} etter {attempts} forsøk") from None
    if response.status_code != 200:
        raise RegisterUnavailable(f"{url}: HTTP {response.status_code} etter {attempts} forsøk")
    return response.content, url


class RegisterUnavailable(Exception):
    """The public file could not be fetched; the message names the address."""


@io_task(name="reconcile-year")
def reconcile_year(settings: Settings, schemes: dict[str, GrantScheme], year: int) -> Checked:
    try:
        data, url = download_allocations(settings, year)
        published = inputs.read_allocations(data, url)
    except (RegisterUnavailable, inputs.AllocationFileError) as exc:
        return Checked(year, problem=f"Avstemming {year} ikke gjort: {exc}")
    with session_scope(engine_for(settings.database_url)) as session:
        registered = store.registered_awards(session, year)
    return Checked(year, rules.compare(registered, published, rules.scheme_names(schemes)))


@io_task(name="alert-register-differences")
def alert_differences(
    settings: Settings, catalogue: Catalogue, checked: list[Checked], now: datetime
) -> None:
    """Tell the grants officer of each year's differences, once for each set of differences."""
    role = catalogue.obligations[rules.OBLIGATION].role
    base = settings.tilskudd_api_url
    with session_scope(engine_for(settings.database_url)) as session:
        for item in checked:
            message = texts.differences_message(item.year, item.differences, base)
            key = rules.differences_key(item.year, item.differences)
            notify.notify_role(session, catalogue, role, message, key, now.date())
