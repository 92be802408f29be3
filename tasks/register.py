"""The grants register client (vedlegg 1 pkt. 1): async httpx on the shared retry policy
(``tasks.http``: 429 and 5xx retried with backoff, honouring Retry-After; timeouts and
connection errors too), at most ``tilskudd_concurrency`` requests at a time.

What is sent, and what an answer means, is ``pliktvakt.register``; the contract is
``pliktvakt.register.contract``. Submissions are read and recorded in batches, so memory
does not grow with the number of awards, and a run that stops midway has recorded every
answer it got.
"""

import asyncio
from dataclasses import dataclass, field
from datetime import datetime

import httpx

from pliktvakt.db import session_scope
from pliktvakt.register import contract, plan
from pliktvakt.register.contract import Answer
from pliktvakt.settings import Settings
from tasks import http
from tasks.common import engine_for, io_task

BATCH = 500  # submissions read, sent and recorded at a time
NO_TOKEN = (
    "PLIKTVAKT_TILSKUDD_API_TOKEN er ikke satt: ingenting er sendt til tilskuddsregisteret. "
    "Sett nøkkelen, eller bruk Excel-opplasting (PLIKTVAKT_TILSKUDD_BACKEND=excel)."
)


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
        except httpx.TimeoutException:
            return Answer(request.submission_id, error=f"tidsavbrudd etter {attempts} forsøk")
        except httpx.TransportError as exc:
            return Answer(
                request.submission_id, error=f"nettverksfeil ({type(exc).__name__}) etter {attempts} forsøk"
            )
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
                    for s in plan.pending_batch(session, after, BATCH)
                ]
            if not batch:
                return report
            after = batch[-1].submission_id
            answers = await send_all(client, batch, settings.tilskudd_concurrency, settings.tilskudd_attempts)
            with session_scope(engine) as session:
                plan.record_answers(session, answers, now, backend="api")
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
        if plan.pending_count(session) == 0:
            return SendReport()
    if settings.tilskudd_api_token is None:
        return SendReport(failed=[NO_TOKEN])
    return asyncio.run(_send_pending(settings, now))
