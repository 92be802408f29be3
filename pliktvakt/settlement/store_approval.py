"""Kind: store. The approval gate of the settlement analysis in the database.

A person approves the analysis before the report goes to the ministry and the key figures are
published (instruction 2.2: the key figures are to be "kvalitetssikret"; DESIGN: approvals are
gates held by a person, taken in the Prefect UI).

The gate is an occurrence of ``settlement-analysis-approval`` per report period and set of
figures (``period:digest``, ``rules.approval_period``), so the watch reminds and escalates while
it waits. The same figures approved once stay approved; changed figures need a new approval. A
rejection is audited and the occurrence stays open: the duty is still to be done, and a later
run asks again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from pliktvakt import audit, bokmal, notify, occurrences
from pliktvakt.catalogue import UNCONFIRMED, Catalogue
from pliktvakt.notify import Key
from pliktvakt.settlement import store, texts
from pliktvakt.settlement.analysis import AnalysisResult
from pliktvakt.settlement.rules import DUTY
from pliktvakt.settlement.rules_approval import Decision
from pliktvakt.settlement.rules_cadence import KEY_FIGURES_OBLIGATION, monthly_period
from pliktvakt.settlement.rules_cadence import OBLIGATION as REPORT_OBLIGATION
from pliktvakt.tables import OccurrenceStatus

OBLIGATION = "settlement-analysis-approval"


@dataclass(frozen=True)
class Gate:
    occurrence_id: int
    period: str  # report period:digest
    due: date
    approved: str | None = None  # the same figures, approved before: who, when, the comment


def needed(
    session: Session, catalogue: Catalogue, day: date, weekly_period: str | None, horizon_months: int
) -> bool:
    """Something would leave: a report is due, or the month's key figures are unpublished."""
    store.ensure_monthly(session, catalogue, day, horizon_months)
    wanted = [(REPORT_OBLIGATION, monthly_period(day)), (KEY_FIGURES_OBLIGATION, monthly_period(day))]
    if weekly_period:
        wanted.append((REPORT_OBLIGATION, weekly_period))
    found = [occurrences.find(session, obligation, period) for obligation, period in wanted]
    return any(o is not None and o.status == OccurrenceStatus.OPEN for o in found)


@dataclass(frozen=True)
class Request:
    """Where the decision is taken, for the message to the statistics officer."""

    run_id: str
    run_link: str
    report: str  # the draft report


def open_gate(
    session: Session, catalogue: Catalogue, day: date, period: str, actor: str = "pliktvakt"
) -> Gate:
    """The approval occurrence for ``period``, made if new; approved if these figures were."""
    found = occurrences.find(session, OBLIGATION, period)
    if found is None:
        occurrences.sync_obligations(session, catalogue, actor)
        found = occurrences.create(
            session,
            catalogue.obligations[OBLIGATION],
            period,
            day,
            actor,
            reason="analysen venter på godkjenning",
        ) or occurrences.find(session, OBLIGATION, period)
    approved = found.evidence if found.status == OccurrenceStatus.DONE else None
    return Gate(found.id, period, found.due, approved=approved)


def ask(
    session: Session, catalogue: Catalogue, day: date, gate: Gate, result: AnalysisResult, request: Request
) -> None:
    """Tell the statistics officer that ``gate`` waits, once per waiting run."""
    obligation = catalogue.obligations[OBLIGATION]
    due = bokmal.date_short(gate.due) + (f" ({UNCONFIRMED})" if obligation.unconfirmed else "")
    # One request per waiting run: it names the run to answer, and an earlier run may be over.
    reference = f"approval-{gate.period}-{request.run_id[:8]}".replace(":", "-")
    notify.notify_role(
        session,
        catalogue,
        obligation.role,
        texts.request_message(result, due, request),
        Key(DUTY, reference, "request"),
        day,
        occurrence_id=gate.occurrence_id,
    )


def record(session: Session, gate: Gate, decision: Decision, run_id: str) -> None:
    """The decision in the audit log; an approval completes the gate's occurrence."""
    action = "settlement.analysis_approved" if decision.approved else "settlement.analysis_rejected"
    details = {"by": decision.by, "at": decision.at, "comment": decision.comment, "flow_run": run_id}
    audit.append(session, decision.by, action, f"{OBLIGATION}/{gate.period}", details)
    if decision.approved:
        evidence = f"{decision.line()} (Prefect-kjøring {run_id})"
        occurrences.complete(session, gate.occurrence_id, decision.by, evidence, decision.at)
