"""Inputs of publications: a publication IMDi plans to make public, as staff enter it (pkt. 6.1, 4.3)."""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from pliktvakt import bounds, validation
from pliktvakt.catalogue import Catalogue

KIND_LABELS = {
    "fou": "FoU-rapport",
    "evaluering": "evaluering",
    "rapport": "rapport",
    "annet": "annen publikasjon",
}


class PublicationKind(StrEnum):
    FOU = "fou"
    EVALUERING = "evaluering"
    RAPPORT = "rapport"
    ANNET = "annet"

    @property
    def label(self) -> str:
        """The kind in running bokmål text, e.g. "FoU-rapport"."""
        return KIND_LABELS[self.value]


def parse_date(value: object) -> object:
    """Accept ISO dates (2025-03-14) and Norwegian ones (14.03.2025)."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"'{text}' er ikke en gyldig dato: bruk ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ")


def _kind(value: object) -> object:
    if isinstance(value, str):
        text = value.strip().lower()
        if text not in KIND_LABELS:
            raise ValueError(
                f"'{value.strip()}' er ikke en gyldig type: bruk fou, evaluering, rapport eller annet"
            )
        return text
    return value


def _blank_is_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


class PublicationInput(BaseModel):
    """One publication as staff enter it: by CLI, run form or CSV row."""

    model_config = ConfigDict(str_strip_whitespace=True, frozen=True)

    title: str = Field(min_length=1, max_length=500)
    kind: Annotated[PublicationKind, BeforeValidator(_kind)]
    publish_on: Annotated[date, BeforeValidator(parse_date), AfterValidator(bounds.day)]
    owner: str = Field(min_length=1, max_length=200)  # a role, e.g. "avdelingsdirektør analyse"
    summary: Annotated[str | None, BeforeValidator(_blank_is_none)] = Field(default=None, max_length=4000)


_FIELD_NO = {
    "title": "--title",
    "kind": "--kind",
    "publish_on": "--publish-on",
    "owner": "--owner",
    "summary": "--summary",
}


class PublicationError(ValueError):
    """A request about publications that cannot be carried out; the message is in bokmål."""


def validate(**values) -> PublicationInput:
    """``PublicationInput`` from option values; the error names the option."""
    try:
        return PublicationInput(**values)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = _FIELD_NO.get(str(error["loc"][0]), str(error["loc"][0])) if error["loc"] else "(verdien)"
            reason = validation.reason(error)
            problems.append(f"{name}: {reason}")
        raise PublicationError("; ".join(problems)) from None


def validate_form(catalogue: Catalogue, **values) -> PublicationInput:
    """``validate``, and the owner a known role: the Prefect run form's fields, checked before
    anything is written."""
    data = validate(**values)
    if data.owner not in catalogue.roles:
        raise PublicationError(f"owner: {unknown_owner(data.owner, set(catalogue.roles))}")
    return data


def unknown_owner(owner: str, owners: set[str]) -> str:
    return f"ukjent rolle '{owner}'; kjente roller: {', '.join(sorted(owners))}"
