"""Tables of the grant area: award rounds, their decisions, letters and appeals, with their
transitions. Each transition makes its change and returns the audit Event the caller records.

Amounts are kroner as Numeric(14, 2). Dates are Europe/Oslo calendar dates; times UTC.
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from pliktvakt.tables import Event, Occurrence, utcnow


def _kroner() -> Column:
    return Column(Numeric(14, 2), nullable=False)


class GrantRound(SQLModel, table=True):
    """One round of award decisions, imported from one file (or typed in one by one)."""

    __tablename__ = "grant_round"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=100)
    imported_file: str | None = None
    file_sha256: str | None = Field(default=None, max_length=64)
    # The municipality (kommunenr) whose decisions these are, under a scheme IMDi has delegated
    # (vedlegg 1 pkt. 1-2); None means IMDi's own. Only the grants register uses them.
    administrator: str | None = Field(default=None, max_length=4)
    # IMDi's own case number (saksnummer) in its archive, stated as «Vår referanse» in the letters.
    case_number: str | None = Field(default=None, max_length=50)
    decided_on: date | None = None  # the round's decisions are final; triggers the 6.1 notice
    # Set only from delivery receipts: every ministry recipient has the notice (the gate).
    ministry_notice_sent_at: datetime | None = None
    recipients_info_sent_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)

    def notice_recorded(self, receipts_held: bool) -> bool:
        """The award notice is recorded as delivered, and the outbox still holds its delivery
        receipts (``receipts_held``): a timestamp alone is not proof."""
        return self.ministry_notice_sent_at is not None and receipts_held

    def letters_allowed(self, notice_needed: bool, receipts_held: bool) -> bool:
        """Instruks 6.1: grant letters go out only once the round is decided and, where one of
        its schemes needs it, the ministry has been informed of the awards, with receipts."""
        if self.decided_on is None:
            return False
        return not notice_needed or self.notice_recorded(receipts_held)

    @property
    def subject(self) -> str:
        return f"grant-round/{self.name}"

    def decide(self, on: date, actor: str) -> Event:
        """The round's decisions are final ``on``: the 6.1 notice may be triggered."""
        self.decided_on = on
        return Event(actor, "grant.round.decided", self.subject, {"on": on})

    def set_case_number(self, case_number: str, actor: str) -> Event:
        """IMDi's case number of the round in its archive: the letters' «Vår referanse»."""
        self.case_number = case_number
        return Event(actor, "grant.round.case_number", self.subject, {"case_number": case_number})

    def mark_municipal(self, code: str, actor: str) -> Event:
        """The round is the municipality ``code``'s decisions under schemes IMDi has delegated."""
        self.administrator = code
        return Event(actor, "grant.round.municipal", self.subject, {"kommunenr": code})

    def record_deliveries(self, steps: list[str], now: datetime, actor: str) -> Event:
        """Delivery receipts are held for ``steps`` (``ministry-notice``, ``recipients-info``):
        each is recorded as sent ``now``."""
        if "ministry-notice" in steps:
            self.ministry_notice_sent_at = now
        if "recipients-info" in steps:
            self.recipients_info_sent_at = now
        return Event(actor, "grant.round.recorded", self.subject, {"steps": steps})


class GrantBudget(SQLModel, table=True):
    """The funds a round has for one scheme; less awarded than this is underspending."""

    __tablename__ = "grant_budget"
    __table_args__ = (UniqueConstraint("round_id", "scheme_id", name="uq_grant_budget_scheme"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="grant_round.id", index=True)
    scheme_id: str = Field(max_length=100)
    amount: Decimal = Field(sa_column=_kroner())


class GrantDecision(SQLModel, table=True):
    __tablename__ = "grant_decision"
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="grant_round.id", index=True)
    source_line: int  # line in the import file; 0 when recorded by hand
    scheme_id: str = Field(max_length=100)
    year: int
    applicant: str
    orgnr: str = Field(max_length=9)
    applicant_kind: str = Field(max_length=20)  # privat | offentlig
    # Enhetsregisteret's organisasjonsform (KOMM, AS, STI, ...), where the import gave it.
    organisation_form: str | None = Field(default=None, max_length=10)
    amount_applied: Decimal = Field(sa_column=_kroner())
    amount_awarded: Decimal = Field(sa_column=_kroner())
    rejection_reason: str | None = None
    # The scheme's ground for a rejection or reduction (config/grant_schemes.yaml, grounds).
    ground: str | None = Field(default=None, max_length=100)
    computation: str | None = None
    decision_kind: str = Field(max_length=20)  # enkeltvedtak | aksept
    lapsed_at: date | None = None  # aksept: no acceptance by the deadline (vedlegg 1 pkt. 5)

    def lapse(self, on: date, actor: str) -> Event:
        """No acceptance by the deadline: the grant has lapsed ``on`` (vedlegg 1 pkt. 5)."""
        self.lapsed_at = on
        return Event(
            actor,
            "grant.lapsed",
            f"grant-decision/{self.id}",
            {"applicant": self.applicant, "orgnr": self.orgnr, "on": on},
        )


class GrantLetter(SQLModel, table=True):
    __tablename__ = "grant_letter"
    id: int | None = Field(default=None, primary_key=True)
    decision_id: int = Field(foreign_key="grant_decision.id", unique=True)
    reference: str = Field(max_length=100)
    letter_date: date
    received_on: date | None = None  # when it reached the recipient; starts the appeal period
    appeal_due: date | None = None
    acceptance_due: date | None = None
    accepted_on: date | None = None
    data: str  # the letter's data as JSON, as rendered

    def rendered(self, data: str, acceptance_due: date | None, appeal_due: date | None) -> None:
        """The letter as (re)rendered, with the deadlines it states; the round's
        ``grant.letters.rendered`` audits the batch."""
        self.data, self.acceptance_due, self.appeal_due = data, acceptance_due, appeal_due

    def mark_received(self, on: date, actor: str, appeal_due: date | None = None) -> Event:
        """The letter reached the recipient ``on``; an enkeltvedtak's appeal period runs from it
        (``appeal_due``; None keeps the letter's own)."""
        self.received_on = on
        if appeal_due is not None:
            self.appeal_due = appeal_due
        return Event(
            actor,
            "grant.letter.received",
            f"grant-decision/{self.decision_id}",
            {"on": on, "appeal_due": self.appeal_due},
        )

    def accept(self, on: date, actor: str) -> Event:
        """The acceptance letter came ``on``; in time or not, it is recorded."""
        self.accepted_on = on
        return Event(
            actor,
            "grant.accepted",
            f"grant-decision/{self.decision_id}",
            {"on": on, "due": self.acceptance_due, "in_time": on <= (self.acceptance_due or on)},
        )


class GrantAppeal(SQLModel, table=True):
    """An appeal by the party, an appeal by another with a legal interest (fvl. § 28 første
    ledd, e.g. a rejected competitor), or a public body's request for reconsideration of a
    decision that is not an enkeltvedtak (``kind``: klage | tredjepart | omgjoring)."""

    __tablename__ = "grant_appeal"
    id: int | None = Field(default=None, primary_key=True)
    decision_id: int = Field(foreign_key="grant_decision.id", index=True)
    kind: str = Field(default="klage", max_length=20, sa_column_kwargs={"server_default": "klage"})
    appellant: str | None = None  # who, when not the party the letter went to
    # A third party got no letter: its period runs from when it learned of the decision (fvl. § 29).
    learned_on: date | None = None
    submitted_on: date  # the day the appeal arrived at IMDi
    # The day it was handed to the post or sent; in time is judged by it (forvaltningsloven
    # § 30). None only for appeals recorded before it was asked (migration 0010).
    posted_on: date | None = None
    in_time: bool
    not_upheld_on: date | None = None  # IMDi did not uphold it: forwarded to AID (fvl. § 33)
    closed_on: date | None = None
    outcome: str | None = None

    def not_upheld(self, on: date, forwarding: Occurrence, actor: str) -> Event:
        """IMDi did not uphold it ``on``: it is forwarded to AID by the occurrence ``forwarding``."""
        self.not_upheld_on = on
        return Event(
            actor,
            "grant.appeal.not_upheld",
            f"grant-decision/{self.decision_id}",
            {"appeal": self.id, "on": on, "forwarding_occurrence": forwarding.id, "due": forwarding.due},
        )

    def close(self, on: date, outcome: str, actor: str) -> Event:
        """Its outcome is recorded ``on``."""
        self.closed_on, self.outcome = on, outcome
        return Event(
            actor,
            "grant.appeal.closed",
            f"grant-decision/{self.decision_id}",
            {"appeal": self.id, "on": on, "outcome": outcome},
        )


class GrantSanction(SQLModel, table=True):
    """A proposed stop of payment or reclaim of a grant (vedlegg 1 pkt. 5). It is carried out
    only after the advance notice to the recipient is recorded (forvaltningsloven § 16)."""

    __tablename__ = "grant_sanction"
    id: int | None = Field(default=None, primary_key=True)
    decision_id: int = Field(foreign_key="grant_decision.id", index=True)
    kind: str = Field(max_length=20)  # stop | reclaim
    reason: str
    proposed_on: date
    notice_occurrence_id: int | None = Field(default=None, foreign_key="occurrence.id")
    # The notice gives the recipient until ``response_due`` to comment (fvl. § 16); the stop or
    # reclaim waits for that day to pass, or for the answer (``response_on``, ``response_text``).
    response_due: date | None = None
    response_on: date | None = None
    response_text: str | None = None
    carried_out_on: date | None = None
    amount: Decimal | None = Field(default=None, sa_column=Column(Numeric(14, 2), nullable=True))
    repayment_due: date | None = None  # reclaim: the deadline the decision letter states
    letter: str | None = None  # the decision letter's data as JSON, as rendered
    created_at: datetime = Field(default_factory=utcnow)

    def proposed(self, notice: Occurrence, actor: str) -> Event:
        """Proposed, with the occurrence ``notice`` of the advance notice to send first."""
        self.notice_occurrence_id = notice.id
        return Event(
            actor,
            f"grant.{self.kind}.proposed",
            f"grant-decision/{self.decision_id}",
            {"sanction": self.id, "reason": self.reason, "notice_occurrence": notice.id},
        )

    def revise_amount(self, amount: Decimal) -> None:
        """The amount to stop or reclaim, stated again before it is carried out."""
        self.amount = amount

    def open_response_period(self, due: date) -> None:
        """The notice is sent: the recipient may answer until ``due`` (fvl. § 16)."""
        self.response_due = due

    def record_response(self, on: date, text: str, actor: str) -> Event:
        """The recipient's answer to the advance notice."""
        self.response_on, self.response_text = on, text
        return Event(
            actor,
            "grant.sanction.response",
            f"grant-decision/{self.decision_id}",
            {"sanction": self.id, "on": on, "text": text},
        )

    def carry_out(
        self, on: date, repayment_due: date | None, letter: str, notice: Occurrence, actor: str
    ) -> Event:
        """Stopped or reclaimed ``on`` by the decision ``letter`` (its data as JSON)."""
        self.carried_out_on, self.repayment_due, self.letter = on, repayment_due, letter
        return Event(
            actor,
            f"grant.{self.kind}.carried_out",
            f"grant-decision/{self.decision_id}",
            {
                "sanction": self.id,
                "on": on,
                "notice_occurrence": notice.id,
                "notice": notice.evidence,
                "response_due": self.response_due,
                "response_on": self.response_on,
                "amount": str(self.amount) if self.amount is not None else None,
                "repayment_due": self.repayment_due,
            },
        )


class GrantControlSample(SQLModel, table=True):
    """One recipient picked for control of the use of the funds (vedlegg 1 pkt. 8)."""

    __tablename__ = "grant_control_sample"
    __table_args__ = (UniqueConstraint("round_id", "decision_id", name="uq_grant_control_sample_decision"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="grant_round.id", index=True)
    decision_id: int = Field(foreign_key="grant_decision.id")
    drawn_on: date
    share: float
    seed: int
    weight: float  # the draw's weight: amount, raised by earlier findings for the recipient
    finding: str | None = None  # what the control found; raises the recipient's weight later
    created_at: datetime = Field(default_factory=utcnow)

    def record_finding(self, finding: str, actor: str) -> Event:
        """What the control of this recipient found."""
        self.finding = finding
        return Event(
            actor,
            "grant.control.finding",
            f"grant-decision/{self.decision_id}",
            {"sample": self.id, "finding": finding},
        )


class GrantImportRejection(SQLModel, table=True):
    """A rejected import file's problems, kept with the rejected row (the file is not imported)."""

    __tablename__ = "grant_import_rejection"
    id: int | None = Field(default=None, primary_key=True)
    round_name: str = Field(max_length=100)
    file: str
    file_sha256: str = Field(max_length=64, index=True)
    line: int
    field: str | None = None
    message: str
    raw: str  # the row as JSON
    created_at: datetime = Field(default_factory=utcnow)
