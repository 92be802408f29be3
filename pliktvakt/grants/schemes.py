"""Configuration: the grant schemes IMDi administers, loaded from ``config/grant_schemes.yaml``.

Besides how a scheme is administered, each scheme that has grant letters carries the facts a
letter must state (vedlegg 1 pkt. 3, ØR punkt 6.3.3): its regelverk, purpose, target group,
conditions, payment, reporting, goal-attainment criteria and control clause. Each fact has a
source: ``regelverk`` (the scheme's regelverk, with a reference to the point), ``instruction``,
or ``placeholder`` (not yet entered by IMDi). A letter that needs a placeholder fact is refused.
"""

import re
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import ClassVar, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from pliktvakt import validation
from pliktvakt.legal_calendar import DurationError, parse_duration
from pliktvakt.tabular import NotUtf8, utf8


def checked_duration(value: str | None) -> str | None:
    """``value`` if it is a duration the legal calendar reads (``14d``, ``3w``, ``1m``)."""
    if value is not None:
        try:
            parse_duration(value)
        except DurationError as exc:
            raise ValueError(str(exc)) from None
    return value


class DecisionKind(StrEnum):
    ENKELTVEDTAK = "enkeltvedtak"  # open to appeal (forvaltningsloven kap. VI)
    AKSEPT = "aksept"  # the recipient must accept the terms by an acceptance letter


class FactSource(StrEnum):
    REGELVERK = "regelverk"  # the scheme's regelverk, set by AID (instruks 6.4)
    INSTRUCTION = "instruction"
    PLACEHOLDER = "placeholder"  # not yet entered by IMDi: letters needing it are refused


class SourcedFact(BaseModel):
    """What every fact of a scheme has: where it comes from, and the point there. A placeholder
    (not yet entered by IMDi) may stand empty; any other needs its value and its reference."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: FactSource
    reference: str | None = None  # e.g. "Regelverket pkt. 4"; required unless placeholder
    # Each kind's own words: the error when its value is missing, and when the reference is
    # ("{source}" is replaced by where it comes from).
    missing_value: ClassVar[str] = "text mangler (bare en plassholder kan stå uten tekst)"
    missing_reference: ClassVar[str] = "reference mangler: oppgi hvor i {source} faktumet står"

    def has_value(self) -> bool:
        """Whether the fact is given: its text, for the kinds that state one (a period overrides)."""
        return bool((getattr(self, "text", None) or "").strip())

    @model_validator(mode="after")
    def _sourced(self) -> Self:
        if self.source is not FactSource.PLACEHOLDER:
            if not self.has_value():
                raise ValueError(self.missing_value)
            if not (self.reference or "").strip():
                raise ValueError(self.missing_reference.format(source=self.source.value))
        return self

    @property
    def placeholder(self) -> bool:
        return self.source is FactSource.PLACEHOLDER


class SchemeFact(SourcedFact):
    """One fact of a scheme as a letter states it, with where it comes from."""

    text: str | None = None


_MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")


class ReportingFact(SchemeFact):
    """Reporting: its content (``text``) and its deadline, ``due`` as MM-DD in the year after
    the grant year (e.g. 03-01: 1 March the next year)."""

    due: str | None = None

    @field_validator("due")
    @classmethod
    def _month_day(cls, value: str | None) -> str | None:
        if value is not None and not _MONTH_DAY.match(value):
            raise ValueError(f"«{value}» er ikke MM-DD (f.eks. 03-01)")
        return value

    @model_validator(mode="after")
    def _due_given(self) -> Self:
        if not self.placeholder and self.due is None:
            raise ValueError("due mangler: rapporteringsfristen (MM-DD året etter tilskuddsåret)")
        return self

    def due_for(self, grant_year: int) -> date | None:
        """The reporting deadline of a grant for ``grant_year``; None while a placeholder."""
        if self.placeholder or self.due is None:
            return None
        month, day = (int(part) for part in self.due.split("-"))
        return date(grant_year + 1, month, day)


# The facts a letter states, in the letter's order, with their names in bokmål.
FACT_NAMES: dict[str, str] = {
    "regelverk": "regelverket for ordningen",
    "purpose": "formålet med ordningen",
    "target_group": "målgruppen",
    "conditions": "vilkårene mottakeren aksepterer",
    "payment": "tidspunkt og krav for utbetaling",
    "reporting": "rapporteringen, frist og innhold",
    "goal_criteria": "kriteriene for måloppnåelse",
    "control": "kontrollbestemmelsen",
}
# A rejection states only what its reasons rest on (forvaltningsloven § 25).
REJECTION_FACTS = ("regelverk", "purpose", "target_group")


class SchemeFacts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    regelverk: SchemeFact  # text: the regelverk's title and date; reference: where it is published
    purpose: SchemeFact
    target_group: SchemeFact
    conditions: SchemeFact
    payment: SchemeFact  # when and on what requirements the grant is paid (vedlegg 1 pkt. 5)
    reporting: ReportingFact
    goal_criteria: SchemeFact  # criteria for goal attainment (vedlegg 1 pkt. 6)
    control: SchemeFact  # how the recipient's use of the funds is checked (vedlegg 1 pkt. 8)

    def placeholders(self, names: tuple[str, ...] | None = None) -> list[str]:
        """The fields among ``names`` (default: all) that are placeholders, as field names."""
        return [name for name in names or tuple(FACT_NAMES) if getattr(self, name).placeholder]


# What an announcement states besides the letter facts (vedlegg 1 pkt. 1), in bokmål.
ANNOUNCEMENT_FACT_NAMES: dict[str, str] = {
    "criteria": "tildelingskriteriene",
    "assessment": "vurderingskriteriene",
    "procedure": "søknadsprosedyren",
    "period": "søknadsperioden",
    "content": "kravene til innholdet i søknaden",
    "form_link": "lenken til søknadsskjemaet",
}


def _placeholder() -> SchemeFact:
    return SchemeFact(source=FactSource.PLACEHOLDER)


class AnnouncementFacts(BaseModel):
    """The facts an announcement states besides those of the letters (vedlegg 1 pkt. 1); each
    a placeholder until IMDi fills it in, and an announcement needing one is refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    criteria: SchemeFact = Field(default_factory=_placeholder)  # tildelingskriterier
    assessment: SchemeFact = Field(default_factory=_placeholder)  # vurderingskriterier
    procedure: SchemeFact = Field(default_factory=_placeholder)  # søknadsprosedyre
    period: SchemeFact = Field(default_factory=_placeholder)  # søknadsperiode
    content: SchemeFact = Field(default_factory=_placeholder)  # krav til innhold i søknaden
    form_link: SchemeFact = Field(default_factory=_placeholder)  # lenke til søknadsskjema


class LegalBasis(BaseModel):
    """Why decisions to private applicants under a scheme are not enkeltvedtak; the letter quotes it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1)
    reference: str = Field(min_length=1)


class PeriodFact(SourcedFact):
    """A period a letter states (e.g. the repayment deadline of a reclaim), with its source;
    a placeholder period refuses the letter that needs it."""

    period: str | None = None  # a duration from the letter date: 30d, 4w, 1m
    source: FactSource = FactSource.PLACEHOLDER
    missing_value: ClassVar[str] = "period mangler (bare en plassholder kan stå uten)"
    missing_reference: ClassVar[str] = "reference mangler: oppgi hvor i {source} fristen står"

    @field_validator("period")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        return checked_duration(value)

    def has_value(self) -> bool:
        return self.period is not None


class GroundUse(StrEnum):
    REJECTION = "avslag"
    REDUCTION = "reduksjon"
    BOTH = "begge"


class Ground(SourcedFact):
    """A ground in the scheme's regelverk for rejecting an application or reducing the amount
    (forvaltningsloven § 25: the reasons name the rules the decision rests on). A placeholder
    ground may be named in an import, but its letter is refused until IMDi fills it in."""

    text: str | None = None  # the rule, as the letter states it
    use: GroundUse = GroundUse.BOTH
    missing_reference: ClassVar[str] = "reference mangler: oppgi hvilket punkt i {source} grunnen står i"

    def fits(self, rejected: bool) -> bool:
        return self.use is GroundUse.BOTH or self.use is (
            GroundUse.REJECTION if rejected else GroundUse.REDUCTION
        )


class SchemeConfigError(ValueError):
    """The schemes file is wrong; the message names the file, the scheme and the field."""


class GrantScheme(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    name: str = Field(min_length=1)
    application_based: bool
    per_capita: bool
    named_in_budget: bool
    grant_letters: bool
    voluntary_orgs: bool
    # Municipalities decide awards under it by delegation, and register them through IMDi
    # (vedlegg 1 pkt. 1: «både IMDi og kommunenes tilskudd»).
    delegated_to_municipalities: bool = False
    # Vedlegg 1 pkt. 2: decisions to private applicants are enkeltvedtak (forvaltningsloven § 2).
    # aksept only with a stated legal basis (not_enkeltvedtak_basis), which the letter quotes.
    decision_kind: DecisionKind = DecisionKind.ENKELTVEDTAK
    not_enkeltvedtak_basis: LegalBasis | None = None
    acceptance_deadline: str | None = None
    # Calendar days the recipients list waits after the last appeal deadline, for appeals
    # posted in time but not yet arrived (forvaltningsloven § 30).
    postal_grace_days: int = Field(default=7, ge=0, le=60)
    facts: SchemeFacts | None = None  # required when the scheme has grant letters
    announcement: AnnouncementFacts = Field(default_factory=AnnouncementFacts)
    # Grounds for rejection and reduction, by id (the import's column «grunn»), each with its
    # point in the regelverk (forvaltningsloven § 25).
    grounds: dict[str, Ground] = Field(default_factory=dict)
    # The time the recipient has to comment on an advance notice of a stop or reclaim
    # (forvaltningsloven § 16), counted from the day the notice was sent.
    notice_response_period: str = "14d"
    # The repayment deadline a reclaim decision states, from the letter date.
    repayment_period: PeriodFact = Field(default_factory=PeriodFact)
    appeal_body: str = "Arbeids- og inkluderingsdepartementet"
    evaluation_interval_years: int = Field(ge=1, le=20)
    last_evaluated: int | None = Field(default=None, ge=1990, le=2100)
    clause: str = Field(min_length=1)
    note: str | None = None

    @field_validator("acceptance_deadline", "notice_response_period")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        return checked_duration(value)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.grant_letters and self.acceptance_deadline is None:
            # Needed for aksept schemes, and for public applicants under enkeltvedtak schemes.
            raise ValueError("acceptance_deadline mangler for en ordning som har tilskuddsbrev")
        if self.decision_kind is DecisionKind.AKSEPT and self.not_enkeltvedtak_basis is None:
            raise ValueError(
                "decision_kind: aksept krever not_enkeltvedtak_basis (hjemmelen for at vedtak til "
                "private søkere ikke er enkeltvedtak); uten den er vedtaket et enkeltvedtak "
                "(vedlegg 1 pkt. 2, forvaltningsloven § 2)"
            )
        if self.grant_letters and self.facts is None:
            raise ValueError("facts mangler for en ordning som har tilskuddsbrev (vedlegg 1 pkt. 3)")
        if self.per_capita and self.application_based:
            raise ValueError("en per capita-ordning kan ikke samtidig være søknadsbasert")
        for ground_id in self.grounds:
            if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", ground_id):
                raise ValueError(
                    f"grounds: «{ground_id}» er ikke en gyldig id (små bokstaver, tall og bindestrek)"
                )
        return self

    @property
    def private_decision_kind(self) -> DecisionKind:
        """What a decision to a private applicant is: enkeltvedtak unless the config states a
        legal basis for otherwise (vedlegg 1 pkt. 2)."""
        return self.decision_kind

    def placeholder_facts(self, names: tuple[str, ...] | None = None) -> list[str]:
        return self.facts.placeholders(names) if self.facts else []

    @property
    def needs_ministry_award_notice(self) -> bool:
        """Instruks 6.1: the ministry hears of awards before the letters, but only for
        schemes awarded on application; not per capita, not recipients named in Prop. 1 S."""
        return self.application_based and not self.per_capita and not self.named_in_budget


class SchemeSet(dict[str, GrantScheme]):
    """The schemes by id, in the file's order, with the file they were read from (its
    directory holds the organisation form table, pliktvakt.grants.parties)."""

    path: Path | None = None


class _SchemesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    schemes: list[dict]


# libyaml's parser where PyYAML has it, as the catalogue reads its files: the same constructor
# and data, and the schemes file is read by every grant flow and twice by a materialise run
# (issue 31: 50 ms a read with the pure-Python parser).
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _yaml(text: str) -> object:
    """The document's data. A file that does not parse is read again by the pure-Python
    parser, so its error names the line in the words it always has."""
    try:
        return yaml.load(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        return yaml.safe_load(text)


def load_schemes(path: Path) -> SchemeSet:
    """Read and validate the schemes file; the dict keeps the file's order."""
    path = Path(path)
    try:
        raw = _yaml(utf8(path.read_bytes()))
    except OSError as exc:
        raise SchemeConfigError(f"{path}: kan ikke lese filen ({exc.strerror})") from None
    except NotUtf8 as exc:
        raise SchemeConfigError(f"{path}, linje {exc.line}: {exc}") from None
    except yaml.YAMLError as exc:
        raise SchemeConfigError(validation.yaml_message(path, exc)) from None
    try:
        entries = _SchemesFile.model_validate(raw or {}).schemes
    except ValidationError:
        raise SchemeConfigError(f"{path}: filen må ha en liste 'schemes:' med ordninger") from None

    schemes = SchemeSet()
    schemes.path = path
    for index, entry in enumerate(entries, start=1):
        label = entry.get("id") if isinstance(entry, dict) and entry.get("id") else f"nr. {index}"
        try:
            scheme = GrantScheme.model_validate(entry)
        except ValidationError as exc:
            raise SchemeConfigError(f"{path}: ordning '{label}': {_describe(exc)}") from None
        if scheme.id in schemes:
            raise SchemeConfigError(f"{path}: ordning '{scheme.id}': felt 'id': finnes flere ganger")
        schemes[scheme.id] = scheme
    return schemes


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        field = ".".join(str(p) for p in error["loc"]) or "(ordningen)"
        parts.append(f"felt '{field}': {validation.reason(error)}")
    return "; ".join(parts)


def needing_notice(schemes: dict[str, GrantScheme], scheme_ids: set[str]) -> list[GrantScheme]:
    """The schemes among ``scheme_ids`` whose awards the ministry hears of before the letters
    (instruks 6.1), in the order of their ids."""
    return [schemes[s] for s in sorted(scheme_ids) if schemes[s].needs_ministry_award_notice]
