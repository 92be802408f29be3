"""Store: the grants register's submissions and uploads, read and written in the session.

What the register must hold now, and what pliktvakt still owes it (vedlegg 1 pkt. 1).

«IMDi har ansvar for å registrere og oppdatere informasjon om tilskuddsordninger og
enkelttilskudd rettet mot frivillige organisasjoner … Dette gjelder både IMDi og kommunenes
tilskudd … Tildelinger av tilskudd skal registreres fortløpende.»

- Each award to a voluntary organisation opens a ``tilskudd-registration`` occurrence when
  it is imported; it is due by the catalogue's deadline (5 business days, a placeholder).
- An award of IMDi's own is sent once the ministry has been informed of the round's awards
  (instruks 6.1): the register is public, and the ministry hears first. A municipality's
  award is the municipality's decision and is sent at once.
- Only awards to an organisation with a valid orgnr are sent; the rest are named as problems.
- The occurrence is completed only with the register's receipt.
- The Excel backend (``render.workbook``): a submission in an upload file stays unregistered
  until an officer records the upload; the receipt is then the file's SHA-256 and the officer.
"""

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from functools import partial

from sqlmodel import Session, func, select
from stdnum.no import orgnr as stdnum_orgnr

from pliktvakt import audit, bokmal, clock, occurrences
from pliktvakt.catalogue import Catalogue
from pliktvakt.grants.schemes import GrantScheme
from pliktvakt.grants.store import GrantsError, all_rounds, decisions_of, letters_gate
from pliktvakt.grants.tables import GrantDecision, GrantRound
from pliktvakt.register import contract
from pliktvakt.register.contract import Answer
from pliktvakt.register.rules import (
    OBLIGATION,
    Plan,
    allocation_key,
    award_payload,
    award_ref,
    registrable,
    scheme_payload,
)
from pliktvakt.register.tables import Kind, RegisterSubmission, RegisterUpload, SubmissionStatus
from pliktvakt.settlement.inputs import Municipality
from pliktvakt.tables import Occurrence, OccurrenceStatus


def open_occurrences(
    session: Session,
    catalogue: Catalogue,
    schemes: dict[str, GrantScheme],
    grant_round: GrantRound,
    on: date,
    actor: str,
) -> int:
    """Open the registration occurrence of each of the round's awards to voluntary
    organisations, decided ``on``; returns how many were new. In batches, each one INSERT and
    one audit entry listing the awards (``occurrences.trigger_many``): a round can hold 100,000."""
    query = (
        select(
            GrantDecision.id, GrantDecision.scheme_id, GrantDecision.amount_awarded, GrantDecision.lapsed_at
        )
        .where(GrantDecision.round_id == grant_round.id)
        .order_by(GrantDecision.id)
    )
    refs = (
        award_ref(row.id) for row in session.exec(query).all() if registrable(schemes[row.scheme_id], row)
    )
    return occurrences.trigger_many(session, catalogue, OBLIGATION, on, refs, actor)


def open_occurrence(
    session: Session,
    catalogue: Catalogue,
    schemes: dict[str, GrantScheme],
    decision: GrantDecision,
    on: date,
    actor: str,
) -> bool:
    """Open the decision's registration occurrence if it is an award to a voluntary organisation
    (a decision typed in: the run form grant-decision-add); whether it was new."""
    if not registrable(schemes[decision.scheme_id], decision):
        return False
    _, created = occurrences.trigger(session, catalogue, OBLIGATION, on, award_ref(decision.id), actor)
    return created


def mark_municipal(
    session: Session,
    schemes: dict[str, GrantScheme],
    municipalities: dict[str, Municipality],
    grant_round: GrantRound,
    code: str,
    actor: str,
) -> None:
    """Mark the round as a municipality's decisions under schemes IMDi has delegated."""
    code = code.strip()
    if code not in municipalities:
        raise GrantsError(f"--forvalter «{code}»: ukjent kommunenummer; se config/municipalities.csv")
    for decision in decisions_of(session, grant_round):
        if not schemes[decision.scheme_id].delegated_to_municipalities:
            raise GrantsError(
                f"--forvalter {code}: linje {decision.source_line}, felt «ordning»: ordningen "
                f"«{decision.scheme_id}» er ikke delegert til kommunene (delegated_to_municipalities "
                "i config/grant_schemes.yaml); ingenting er lest inn"
            )
    event = grant_round.mark_municipal(code, actor)
    session.add(grant_round)
    audit.record(session, event)


# --- what to send ---------------------------------------------------------------------


def plan(
    session: Session,
    schemes: dict[str, GrantScheme],
    municipalities: dict[str, Municipality],
    backend: str,
) -> Plan:
    """Queue a submission for every scheme and award the register lacks or holds in an older
    version. Works in the caller's transaction; sends nothing."""
    result, current = Plan(), current_submissions(session)
    queue = partial(_queue, session, result, current, backend)
    for scheme in schemes.values():
        if scheme.voluntary_orgs:
            queue(Kind.SCHEME, scheme.id, scheme_payload(scheme))
    for grant_round in all_rounds(session):
        if _held_back(session, schemes, grant_round, result):
            continue
        municipality = municipalities.get(grant_round.administrator) if grant_round.administrator else None
        for decision in decisions_of(session, grant_round):
            scheme = schemes[decision.scheme_id]
            if not registrable(scheme, decision):
                continue
            if not stdnum_orgnr.is_valid(decision.orgnr):
                result.problems.append(
                    f"Vedtak {decision.id} ({decision.applicant}): organisasjonsnummer «{decision.orgnr}» "
                    "er ikke gyldig og sendes ikke til tilskuddsregisteret"
                )
                continue
            queue(Kind.AWARD, award_ref(decision.id), award_payload(decision, scheme, municipality))
    return result


def _held_back(
    session: Session, schemes: dict[str, GrantScheme], grant_round: GrantRound, result: Plan
) -> bool:
    """IMDi's own round waits until its letters may go: the ministry hears first (instruks 6.1)."""
    if grant_round.administrator is not None:
        return False
    if letters_gate(session, schemes, grant_round) is None:
        return False
    result.waiting.append(grant_round.name)
    return True


def current_submissions(session: Session) -> dict[tuple[str, str], RegisterSubmission]:
    """The newest version of each scheme and award sent or to be sent, by (kind, ref)."""
    query = (
        select(RegisterSubmission)
        .where(RegisterSubmission.status != SubmissionStatus.SUPERSEDED)
        .order_by(RegisterSubmission.id)
    )
    return {(s.kind, s.ref): s for s in session.exec(query)}


def _queue(
    session: Session,
    result: Plan,
    current: dict[tuple[str, str], RegisterSubmission],
    backend: str,
    kind: Kind,
    ref: str,
    payload,
) -> None:
    body = contract.body(payload)
    key = contract.idempotency_key(kind.value, ref, body)
    newest = current.get((kind.value, ref))
    if newest is not None and newest.idempotency_key == key:
        result.unchanged += 1
        return
    if newest is not None and newest.status in (SubmissionStatus.PENDING, SubmissionStatus.REFUSED):
        newest.supersede()  # never registered as it was; the new version goes
        session.add(newest)
    session.add(RegisterSubmission(kind=kind, ref=ref, idempotency_key=key, payload=body, backend=backend))
    result.queued += 1


# --- receipts ---------------------------------------------------------------------------


def pending_batch(session: Session, after_id: int, size: int) -> list[RegisterSubmission]:
    """The next ``size`` submissions waiting to be sent, in id order after ``after_id``."""
    query = (
        select(RegisterSubmission)
        .where(RegisterSubmission.status == SubmissionStatus.PENDING, RegisterSubmission.id > after_id)
        .order_by(RegisterSubmission.id)
        .limit(size)
    )
    return list(session.exec(query))


def pending_count(session: Session) -> int:
    query = select(func.count()).select_from(RegisterSubmission)
    return session.exec(query.where(RegisterSubmission.status == SubmissionStatus.PENDING)).one()


def record_answers(session: Session, answers: list[Answer], now: datetime, backend: str) -> None:
    """Record a batch of answers; the receipts go in the audit log as one entry per batch."""
    by_id = {a.submission_id: a for a in answers}
    query = select(RegisterSubmission).where(RegisterSubmission.id.in_(list(by_id)))
    receipts = []
    for submission in session.exec(query):
        answer = by_id[submission.id]
        submission.attempted(backend)
        if answer.receipt:
            receipts.append(submission.mark_registered(answer.receipt, now))
        elif answer.refused:
            submission.mark_refused(answer.refused)
        else:
            submission.mark_failed(answer.error)
        session.add(submission)
    if receipts:
        audit.append(session, "pliktvakt", "register.registered", "register", {"registered": receipts})


def complete_registered(session: Session, now: datetime) -> int:
    """Complete each open registration occurrence whose award holds a receipt of the register."""
    receipts = dict(
        session.exec(
            select(RegisterSubmission.ref, RegisterSubmission.receipt)
            .where(RegisterSubmission.kind == Kind.AWARD)
            .where(RegisterSubmission.status == SubmissionStatus.REGISTERED)
            .order_by(RegisterSubmission.id)
        ).all()
    )
    query = select(Occurrence).where(
        Occurrence.obligation_id == OBLIGATION, Occurrence.status == OccurrenceStatus.OPEN
    )
    done = 0
    for occurrence in session.exec(query).all():
        if occurrence.ref in receipts:
            evidence = f"Registrert i tilskuddsregisteret: {receipts[occurrence.ref]}"
            occurrences.complete(session, occurrence.id, "pliktvakt", evidence, now)
            done += 1
    return done


def earliest_due(session: Session, unconfirmed: bool) -> tuple[date, bool] | None:
    """The first deadline among the open registration occurrences, and whether it rests on
    a placeholder (the catalogue's 5 business days are one)."""
    query = select(func.min(Occurrence.due)).where(
        Occurrence.obligation_id == OBLIGATION, Occurrence.status == OccurrenceStatus.OPEN
    )
    day = session.exec(query).one()
    return None if day is None else (day, unconfirmed)


def registered(session: Session, kind: Kind) -> Iterator[RegisterSubmission]:
    """Registered submissions of ``kind``, oldest first (so a later version overrides)."""
    query = select(RegisterSubmission).where(
        RegisterSubmission.kind == kind, RegisterSubmission.status == SubmissionStatus.REGISTERED
    )
    yield from session.exec(query.order_by(RegisterSubmission.id))


def withdraw_lapsed(session: Session) -> int:
    """Withdraw the open registration of an award that lapsed before it was registered (no
    acceptance by the deadline, vedlegg 1 pkt. 5): there is no award left to register."""
    query = select(Occurrence).where(
        Occurrence.obligation_id == OBLIGATION, Occurrence.status == OccurrenceStatus.OPEN
    )
    open_by_decision = {int(o.ref.removeprefix("grant-decision/")): o for o in session.exec(query)}
    lapsed = select(GrantDecision).where(
        GrantDecision.id.in_(list(open_by_decision)), GrantDecision.lapsed_at.is_not(None)
    )
    withdrawn = 0
    for decision in session.exec(lapsed).all():
        reason = (
            f"Tilskuddet falt bort {bokmal.date_short(decision.lapsed_at)} (ikke akseptert i tide) før "
            "registrering"
        )
        occurrences.withdraw(session, open_by_decision[decision.id], reason, "pliktvakt")
        withdrawn += 1
    return withdrawn


def unresolved(session: Session) -> Iterator[RegisterSubmission]:
    """Submissions without a receipt: pending, in an upload file, or refused."""
    query = select(RegisterSubmission).where(
        RegisterSubmission.status.in_(
            [SubmissionStatus.PENDING, SubmissionStatus.IN_UPLOAD, SubmissionStatus.REFUSED]
        )
    )
    yield from session.exec(query)


def registered_years(session: Session) -> list[int]:
    """The years of the awards the register holds from pliktvakt."""
    return sorted({json.loads(s.payload)["aar"] for s in registered(session, Kind.AWARD)})


def registered_awards(session: Session, year: int) -> dict[tuple[str, str], tuple[Decimal, tuple[str, ...]]]:
    """What pliktvakt registered for ``year``, newest registered version of each award:
    sums and decision refs by (orgnr, scheme name)."""
    newest = {}
    for submission in registered(session, Kind.AWARD):
        newest[submission.ref] = json.loads(submission.payload)
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    refs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for ref, payload in newest.items():
        if payload["aar"] == year:
            key = allocation_key(payload["mottaker_orgnr"], payload["ordning"])
            sums[key] += Decimal(str(payload["tildelt_belop"]))
            refs[key].append(ref)
    return {key: (total, tuple(refs[key])) for key, total in sums.items()}


# --- the Excel backend ---------------------------------------------------------------------


class UploadError(ValueError):
    """A confirmation that cannot be recorded; the message is bokmål."""


def waiting(session: Session) -> list[RegisterSubmission]:
    query = select(RegisterSubmission).where(RegisterSubmission.status == SubmissionStatus.PENDING)
    return list(session.exec(query.order_by(RegisterSubmission.id)))


def record_upload(
    session: Session, submissions: list[RegisterSubmission], file: str, content: bytes
) -> RegisterUpload:
    """Put ``submissions`` in the upload file ``file`` (written by the caller's task)."""
    sha = hashlib.sha256(content).hexdigest()
    upload = RegisterUpload(sha256=sha, file=file, rows=len(submissions))
    session.add(upload)
    for submission in submissions:
        submission.put_in_upload(sha)
        session.add(submission)
    audit.append(session, "pliktvakt", "register.upload.written", f"register-upload/{sha}", {"file": file})
    return upload


def find_upload(session: Session, sha: str) -> RegisterUpload:
    """The upload whose checksum is ``sha`` or starts with it (at least 12 hex digits)."""
    sha = sha.strip().lower()
    if len(sha) < 12 or any(c not in "0123456789abcdef" for c in sha):
        raise UploadError(f"«{sha}» er ikke en sjekksum: oppgi minst 12 heksadesimale tegn av SHA-256.")
    found = list(session.exec(select(RegisterUpload).where(RegisterUpload.sha256.startswith(sha))))
    if not found:
        raise UploadError(f"Ingen opplastingsfil har sjekksum {sha}. Se `pliktvakt grants-register status`.")
    if len(found) > 1:
        raise UploadError(f"Flere opplastingsfiler begynner med {sha}; oppgi hele sjekksummen.")
    return found[0]


def confirm(session: Session, sha: str, by: str, now: datetime) -> tuple[RegisterUpload, int]:
    """The officer ``by`` uploaded the file: its submissions get the file's checksum and the
    officer as their receipt, and their occurrences are completed. Returns (upload, completed)."""
    upload = find_upload(session, sha)
    if upload.confirmed_at is not None:
        when = bokmal.datetime_short(clock.resolve(clock.stored(upload.confirmed_at)))
        raise UploadError(f"Opplastingen av {upload.file} ble bekreftet {when} av {upload.confirmed_by}.")
    event = upload.confirm(by, now)
    session.add(upload)
    receipt = f"opplastingsfil {upload.file} (SHA-256 {upload.sha256}), lastet opp og bekreftet av {by}"
    query = select(RegisterSubmission).where(RegisterSubmission.upload_sha256 == upload.sha256)
    for submission in session.exec(query.where(RegisterSubmission.status == SubmissionStatus.IN_UPLOAD)):
        submission.confirm_uploaded(receipt, now)
        session.add(submission)
    audit.record(session, event)
    session.flush()
    return upload, complete_registered(session, now)
