"""Inputs of publications: a publication IMDi plans to make public, as staff enter it (pkt. 6.1, 4.3)."""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from pliktvakt import bounds

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
