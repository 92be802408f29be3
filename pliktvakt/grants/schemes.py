"""The grant schemes IMDi administers, loaded from ``config/grant_schemes.yaml``."""

from enum import StrEnum
from pathlib import Path
from typing import Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from pliktvakt import validation
from pliktvakt.legal_calendar import DurationError, parse_duration
from pliktvakt.tabular import NotUtf8, utf8


class DecisionKind(StrEnum):
    ENKELTVEDTAK = "enkeltvedtak"  # open to appeal (forvaltningsloven kap. VI)
    AKSEPT = "aksept"  # the recipient must accept the terms by an acceptance letter


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
    decision_kind: DecisionKind
    acceptance_deadline: str | None = None
    appeal_body: str = "Arbeids- og inkluderingsdepartementet"
    evaluation_interval_years: int = Field(ge=1, le=20)
    last_evaluated: int | None = Field(default=None, ge=1990, le=2100)
    clause: str = Field(min_length=1)
    note: str | None = None

    @field_validator("acceptance_deadline")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                parse_duration(value)
            except DurationError as exc:
                raise ValueError(str(exc)) from None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.grant_letters and self.acceptance_deadline is None:
            # Needed for aksept schemes, and for public applicants under enkeltvedtak schemes.
            raise ValueError("acceptance_deadline mangler for en ordning som har tilskuddsbrev")
        if self.per_capita and self.application_based:
            raise ValueError("en per capita-ordning kan ikke samtidig være søknadsbasert")
        return self

    @property
    def needs_ministry_award_notice(self) -> bool:
        """Instruks 6.1: the ministry hears of awards before the letters, but only for
        schemes awarded on application; not per capita, not recipients named in Prop. 1 S."""
        return self.application_based and not self.per_capita and not self.named_in_budget


class _SchemesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    schemes: list[dict]


def load_schemes(path: Path) -> dict[str, GrantScheme]:
    """Read and validate the schemes file; the dict keeps the file's order."""
    path = Path(path)
    try:
        raw = yaml.safe_load(utf8(path.read_bytes()))
    except OSError as exc:
        raise SchemeConfigError(f"{path}: kan ikke lese filen ({exc.strerror})") from None
    except NotUtf8 as exc:
        raise SchemeConfigError(f"{path}, linje {exc.line}: {exc}") from None
    except yaml.YAMLError as exc:
        raise SchemeConfigError(f"{path}: ugyldig YAML: {exc}") from None
    try:
        entries = _SchemesFile.model_validate(raw or {}).schemes
    except ValidationError:
        raise SchemeConfigError(f"{path}: filen må ha en liste 'schemes:' med ordninger") from None

    schemes: dict[str, GrantScheme] = {}
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
