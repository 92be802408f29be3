"""Tables of the grant area: award rounds, their decisions, letters and appeals.

Amounts are kroner as Numeric(14, 2). Dates are Europe/Oslo calendar dates; times UTC.
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from pliktvakt.models import utcnow


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
