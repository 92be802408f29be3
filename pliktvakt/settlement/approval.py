"""A person approves the settlement analysis before the report goes to the ministry and the key
figures are published (instruction 2.2: the key figures are to be "kvalitetssikret"; DESIGN:
approvals are gates held by a person, taken in the Prefect UI).

The gate is an occurrence of ``settlement-analysis-approval`` per report period and set of
figures (``period:digest``), so the watch reminds and escalates while it waits. The same
figures approved once stay approved; changed figures need a new approval. A rejection is
audited and the occurrence stays open: the duty is still to be done, and a later run asks again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from pliktvakt import audit, bokmal, clock, notify, occurrences
from pliktvakt.catalogue import UNCONFIRMED, Catalogue
from pliktvakt.models import OccurrenceStatus
from pliktvakt.notify import Key, Message
from pliktvakt.settlement import duty, messages
from pliktvakt.settlement.analysis import AnalysisResult
from pliktvakt.settlement.cadence import KEY_FIGURES_OBLIGATION, monthly_period
from pliktvakt.settlement.cadence import OBLIGATION as REPORT_OBLIGATION
from pliktvakt.settlement.keyfigures import KeyFigures, key_figures_json

OBLIGATION = "settlement-analysis-approval"
APPROVED, REJECTED = "godkjent", "avvist"
DUTY = "settlement"
DRAFT = "Utkast: venter på godkjenning før det sendes til departementet eller publiseres."
NO_ANSWER = (
    "Analysen er ikke godkjent: ingen svarte innen {wait}. Ingenting er sendt eller publisert; "
    "neste kjøring spør igjen, og vakten purrer etter fristen."
)
REJECTED_NOTE = "Ingenting er sendt eller publisert; en senere kjøring lager en ny analyse og spør igjen."


@dataclass(frozen=True)
class Decision:
    decision: str  # APPROVED or REJECTED
    by: str
    comment: str
    at: datetime  # UTC

    @property
    def approved(self) -> bool:
        return self.decision == APPROVED

    def line(self) -> str:
        """For the report and the log: who, when and the comment."""
        said = f": «{self.comment}»" if self.comment else ""
        verb = "Godkjent" if self.approved else "Avvist"
        return (
            f"{verb} av {self.by} {bokmal.datetime_short(clock.stored(self.at).astimezone(clock.OSLO))}{said}"
        )


@dataclass(frozen=True)
class Gate:
    occurrence_id: int
    period: str  # report period:digest
    due: date
    approved: str | None = None  # the same figures, approved before: who, when, the comment


def figures_digest(result: AnalysisResult, published: KeyFigures) -> str:
    """What a person approves: the published key figures and the deviations found."""
    content = key_figures_json(published) + "\n".join(d.finding for d in result.deviations).encode()
    return hashlib.sha256(content).hexdigest()[:12]


def report_period(day: date, weekly_period: str | None) -> str:
    return weekly_period or monthly_period(day)


def needed(
    session: Session, catalogue: Catalogue, day: date, weekly_period: str | None, horizon_months: int
) -> bool:
    """Something would leave: a report is due, or the month's key figures are unpublished."""
    duty.ensure_monthly(session, catalogue, day, horizon_months)
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
        request_message(result, due, request),
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


def request_message(result: AnalysisResult, due: str, request: Request) -> Message:
    """To the statistics officer: what waits, where to decide, and by when. The link to the
    decision on the desk follows the text (notify adds it, in the recipient's name)."""
    subject = f"Bosetting: analysen for {result.as_of.label()} venter på godkjenning"
    deviations = [f"- {d.area}: {d.finding}" for d in result.deviations] or ["- Ingen store avvik."]
    body = "\n".join(
        [
            f"Analysen av bosettingsarbeidet for {result.as_of.label()} og nøkkeltallene "
            "venter på godkjenning før rapporten sendes til departementet og tallene publiseres "
            "(instruksen pkt. 2.2: nøkkeltallene skal være kvalitetssikret).",
            "",
            *(f"- {line}" for line in messages.summary_lines(result)),
            "",
            "Store avvik etter IMDis kriterier:",
            *deviations,
            "",
            f"Utkastet til rapporten: {request.report}",
            "Godkjenn eller avvis analysen på pliktens side i pliktvakt.",
            f"Frist: {due}.",
            f"Referanse for driftsansvarlig: kjøring {request.run_id}.",
        ]
    )
    return Message(subject, body)


def form_description(result: AnalysisResult, report_link: str) -> str:
    """The markdown above the run form in the Prefect UI: the figures, the deviations, the link."""
    national = result.national
    rows = [
        "| Nivå | Vedtatt | Bosatt hittil | Av vedtatt |",
        "|---|---:|---:|---:|",
        *(
            f"| {a.name} | {bokmal.number(a.agreed)} | {bokmal.number(a.settled_ytd)} | "
            f"{bokmal.percent(a.settled_share_of_agreed)} |"
            for a in [national, *result.counties]
        ),
    ]
    deviations = [f"- {d.area}: {d.finding} (kriterium: {d.criterion})" for d in result.deviations]
    return "\n".join(
        [
            f"## Godkjenn analysen av bosettingsarbeidet, {result.as_of.label()}",
            "",
            "Rapporten sendes til departementet og nøkkeltallene publiseres først når du har godkjent "
            "(instruksen pkt. 2.2). Velg «godkjent» eller «avvist», og skriv e-postadressen din.",
            "",
            f"[Rapporten]({report_link})",
            "",
            f"Framskrevet ved årets slutt: {bokmal.number(result.projection.year_end)} "
            f"({bokmal.percent(result.need_ratio)} av behovet på {bokmal.number(result.need)}).",
            "",
            *rows,
            "",
            "**Store avvik etter IMDis kriterier"
            + (
                " (plassholder, ikke bekreftet av IMDi)"
                if result.deviation_rules.source == "placeholder"
                else ""
            )
            + ":**",
            *(deviations or ["- Ingen."]),
        ]
    )
