"""Configuration: who is a party with an appeal right, by organisasjonsform.

The party status of an applicant from its organisasjonsform in Enhetsregisteret, by the table
in ``config/organisation_forms.yaml``.

Vedlegg 1 pkt. 2: a decision on a grant to a private legal person is an enkeltvedtak
(forvaltningsloven § 2) and may be appealed; one to the public, e.g. a municipality, is not,
and is paid only after acceptance (pkt. 5). The table says, with its legal basis, which forms
are public, which private (an AS or a foundation is private whoever owns it), and which cannot
be told from the form (``avklar``: the line must give ``søkertype``).
"""

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pliktvakt import validation

FILE_NAME = "organisation_forms.yaml"
SHIPPED = Path(__file__).resolve().parents[2] / "config" / FILE_NAME


class PartyStatus(StrEnum):
    PUBLIC = "offentlig"
    PRIVATE = "privat"
    UNCLEAR = "avklar"


class OrganisationForm(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1)
    status: PartyStatus
    basis: str = Field(min_length=1)


class FormTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str = Field(min_length=1)
    forms: dict[str, OrganisationForm]


class FormTableError(ValueError):
    """The table is wrong or missing; the message names the file."""


@lru_cache(maxsize=4)
def load_forms(path: Path = SHIPPED) -> FormTable:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise FormTableError(f"{path}: kan ikke lese filen ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise FormTableError(validation.yaml_message(path, exc)) from None
    try:
        table = FormTable.model_validate(raw or {})
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise FormTableError(f"{path}: felt '{field}': {validation.reason(first)}") from None
    return table


def forms_beside(schemes_file: Path | None) -> FormTable:
    """The table in the config directory of the schemes file, or the shipped one."""
    if schemes_file is not None and (Path(schemes_file).parent / FILE_NAME).is_file():
        return load_forms(Path(schemes_file).parent / FILE_NAME)
    return load_forms()


def applicant_public(table: FormTable, form: str | None, stated: str | None) -> bool:
    """Whether the applicant is a public body, from its form and the stated søkertype
    (``privat`` | ``offentlig`` | None). Raises ValueError with a bokmål reason when the two
    cannot be reconciled or neither says."""
    known = table.forms.get(form) if form else None
    if form and known is None:
        raise ValueError(
            f"ukjent organisasjonsform «{form}»; bruk en kode fra Enhetsregisteret som står i "
            f"config/{FILE_NAME} (f.eks. KOMM, FYLK, KF, IKS, AS, STI, FLI)"
        )
    if stated is not None:
        if known is not None and known.status is PartyStatus.PRIVATE and stated == PartyStatus.PUBLIC:
            raise ValueError(
                f"organisasjonsform {form} ({known.name}) er et privat rettssubjekt uansett hvem som eier "
                "det, og vedtaket er et enkeltvedtak med klagerett; søkertype kan ikke være «offentlig»"
            )
        # A public body applying in the same capacity as a private applicant: søkertype privat.
        return stated == PartyStatus.PUBLIC
    if known is None:
        raise ValueError("mangler både søkertype og organisasjonsform; oppgi minst én av dem")
    if known.status is PartyStatus.UNCLEAR:
        raise ValueError(
            f"organisasjonsform {form} ({known.name}) sier ikke om søkeren er offentlig eller privat; "
            "oppgi søkertype (privat eller offentlig)"
        )
    return known.status is PartyStatus.PUBLIC
