"""Award decisions of a grant round, imported from CSV or XLSX.

The file has one decision per row, with these headers (case and spaces do not matter):

    ordning;år;søker;orgnr;søkt_beløp;tildelt_beløp;avslagsgrunn;beregning[;søkertype]

- ``ordning``: the scheme id from ``config/grant_schemes.yaml``; the scheme must be
  application-based.
- ``orgnr``: 9 digits, checked with python-stdnum (spaces allowed).
- ``søkt_beløp``/``tildelt_beløp``: kroner, ``150000``, ``150 000`` or ``150000,50``;
  ``tildelt_beløp`` 0 means the application is rejected.
- ``avslagsgrunn``: required when rejected; ``beregning``: how the amount was computed,
  required when awarded (vedlegg 1 pkt. 3).
- ``søkertype`` (optional): ``privat`` (default) or ``offentlig``. Decisions to public
  bodies are not enkeltvedtak (forvaltningsloven § 2, vedlegg 1 pkt. 2).

CSV files are semicolon-separated (Excel's Norwegian default), UTF-8 or Windows-1252.
XLSX files are read from the first sheet, headers in row 1. A file with any error is
rejected whole: ``AwardImportError`` lists every error with file, line and field.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any, Self

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError
from stdnum import exceptions as stdnum_errors
from stdnum.no import orgnr as stdnum_orgnr

from pliktvakt.grants.schemes import DecisionKind, GrantScheme


class ApplicantKind(StrEnum):
    PRIVATE = "privat"
    PUBLIC = "offentlig"


# header -> model field; the headers are what users see in error messages.
HEADERS: dict[str, str] = {
    "ordning": "scheme_id",
    "år": "year",
    "søker": "applicant",
    "orgnr": "orgnr",
    "søkt_beløp": "amount_applied",
    "tildelt_beløp": "amount_awarded",
    "avslagsgrunn": "rejection_reason",
    "beregning": "computation",
    "søkertype": "applicant_kind",
}
OPTIONAL_HEADERS = {"søkertype"}
FIELD_HEADERS = {model_field: header for header, model_field in HEADERS.items()}


class AwardDecision(BaseModel):
    """One decision on one application, as validated from the import file."""

    model_config = ConfigDict(frozen=True)

    line: int
    scheme_id: str
    year: int
    applicant: str
    orgnr: str
    amount_applied: Decimal
    amount_awarded: Decimal
    rejection_reason: str | None = None
    computation: str | None = None
    applicant_kind: ApplicantKind = ApplicantKind.PRIVATE

    @property
    def rejected(self) -> bool:
        return self.amount_awarded == 0

    @field_validator("scheme_id", mode="before")
    @classmethod
    def _scheme(cls, value: Any, info: ValidationInfo) -> str:
        value = _required_text(value)
        schemes: dict[str, GrantScheme] = (info.context or {}).get("schemes", {})
        scheme = schemes.get(value)
        if scheme is None:
            raise ValueError(f"ukjent ordning «{value}»; bruk en id fra config/grant_schemes.yaml")
        if not scheme.application_based:
            raise ValueError(f"ordningen «{value}» er ikke søknadsbasert og har ingen søknadsvedtak")
        return value

    @field_validator("year", mode="before")
    @classmethod
    def _year(cls, value: Any) -> int:
        text = _required_text(value)
        if not text.isdigit() or not 2000 <= int(text) <= 2100:
            raise ValueError(f"«{text}» er ikke et gyldig år (f.eks. 2025)")
        return int(text)

    @field_validator("applicant", mode="before")
    @classmethod
    def _applicant(cls, value: Any) -> str:
        return _required_text(value)

    @field_validator("orgnr", mode="before")
    @classmethod
    def _orgnr(cls, value: Any) -> str:
        text = _required_text(value)
        try:
            return stdnum_orgnr.validate(text)
        except stdnum_errors.InvalidLength:
            raise ValueError(f"ugyldig organisasjonsnummer «{text}»: må ha 9 siffer") from None
        except stdnum_errors.InvalidFormat:
            raise ValueError(f"ugyldig organisasjonsnummer «{text}»: kan bare inneholde siffer") from None
        except stdnum_errors.InvalidChecksum:
            raise ValueError(f"ugyldig organisasjonsnummer «{text}»: kontrollsifferet stemmer ikke") from None

    @field_validator("amount_applied", "amount_awarded", mode="before")
    @classmethod
    def _amount(cls, value: Any) -> Decimal:
        return parse_amount(_required_text(value))

    @field_validator("rejection_reason", "computation", mode="before")
    @classmethod
    def _optional_text(cls, value: Any) -> str | None:
        text = _text(value)
        return text or None

    @field_validator("applicant_kind", mode="before")
    @classmethod
    def _kind(cls, value: Any) -> str:
        text = _text(value).lower() or ApplicantKind.PRIVATE.value
        if text not in {k.value for k in ApplicantKind}:
            raise ValueError(f"«{text}» er ikke en søkertype; bruk «privat» eller «offentlig»")
        return text

    @model_validator(mode="after")
    def _complete(self) -> Self:
        # vedlegg 1 pkt. 3: a rejection needs its reason, an award how it was computed.
        if self.rejected and not self.rejection_reason:
            _row_error("avslagsgrunn", "avslag (tildelt beløp 0) må ha en begrunnelse")
        if not self.rejected and not self.computation:
            _row_error("beregning", "innvilget tilskudd må si hvordan beløpet er regnet ut")
        if self.amount_awarded > self.amount_applied:
            _row_error("tildelt_beløp", "tildelt beløp er større enn søkt beløp")
        return self


def decision_kind_for(scheme: GrantScheme, decision: AwardDecision) -> DecisionKind:
    """Vedlegg 1 pkt. 2: enkeltvedtak only for the schemes in fotnote 2, and only towards
    private applicants; decisions to public bodies are not (forvaltningsloven § 2)."""
    if scheme.decision_kind is DecisionKind.ENKELTVEDTAK and decision.applicant_kind is ApplicantKind.PRIVATE:
        return DecisionKind.ENKELTVEDTAK
    return DecisionKind.AKSEPT


@dataclass(frozen=True)
class RowError:
    file: str
    line: int  # 1 = the header line/row; 0 = the file as a whole
    field: str | None  # the column header, or None
    message: str  # bokmål
    raw: dict[str, str] = field(default_factory=dict)  # the rejected row, kept with its reason

    def __str__(self) -> str:
        where = self.file if self.line == 0 else f"{self.file} linje {self.line}"
        if self.field:
            where += f", felt «{self.field}»"
        return f"{where}: {self.message}"


class AwardImportError(ValueError):
    """The whole file is rejected; ``errors`` holds every problem found."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("Filen ble avvist, ingen vedtak er lest inn:\n" + "\n".join(f"- {e}" for e in errors))


def parse_amount(text: str) -> Decimal:
    """Kroner as written in Norway: ``150000``, ``150 000``, ``150000,50``, ``150 000 kr``."""
    cleaned = text.lower().removesuffix("kr").strip()
    for space in (" ", "\u00a0", "\u202f"):
        cleaned = cleaned.replace(space, "")
    if "," in cleaned:
        if "." in cleaned:
            raise ValueError(f"«{text}» er tvetydig: bruk komma som desimaltegn og ikke punktum")
        cleaned = cleaned.replace(",", ".")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"«{text}» er ikke et beløp i kroner") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"«{text}» er ikke et gyldig beløp (må være 0 eller mer)")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"«{text}» har mer enn to desimaler")
    return amount.quantize(Decimal("0.01"))


def read_award_file(path: Path, schemes: dict[str, GrantScheme]) -> list[AwardDecision]:
    """Validate a whole import file; all or nothing."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(path)
    elif suffix in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path)
    else:
        raise AwardImportError([RowError(path.name, 0, None, "filen må være .csv eller .xlsx")])
    return validate_rows(path.name, rows, schemes)


def validate_rows(
    file: str, rows: list[tuple[int, list[str]]], schemes: dict[str, GrantScheme]
) -> list[AwardDecision]:
    """Validate ``(line, cells)`` rows whose first row is the header. Used by both readers,
    and usable for decisions typed into the CLI or a Prefect form."""
    if not rows:
        raise AwardImportError([RowError(file, 0, None, "filen er tom")])
    header_line, header_cells = rows[0]
    headers, errors = _headers(file, header_line, header_cells)
    if errors:
        raise AwardImportError(errors)

    decisions: list[AwardDecision] = []
    for line, cells in rows[1:]:
        if not any(c.strip() for c in cells):
            continue
        raw = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(headers)}
        if len(cells) > len(headers) and any(c.strip() for c in cells[len(headers) :]):
            errors.append(RowError(file, line, None, f"linjen har {len(cells)} felt, overskriften {len(headers)}", raw))
            continue
        data = {HEADERS[h]: v for h, v in raw.items()}
        try:
            decisions.append(AwardDecision.model_validate({"line": line, **data}, context={"schemes": schemes}))
        except ValidationError as exc:
            errors.extend(RowError(file, line, header, message, raw) for header, message in _row_errors(exc))
    if not errors and not decisions:
        errors.append(RowError(file, 0, None, "filen har ingen vedtak"))
    if errors:
        raise AwardImportError(errors)
    return decisions


def _headers(file: str, line: int, cells: list[str]) -> tuple[list[str], list[RowError]]:
    headers = [c.strip().lower().replace(" ", "_") for c in cells]
    while headers and not headers[-1]:
        headers.pop()
    errors = []
    if len(headers) == 1 and "," in headers[0]:
        errors.append(RowError(file, line, None, "filen må være semikolonseparert (;)"))
        return headers, errors
    for header in headers:
        if header not in HEADERS:
            errors.append(RowError(file, line, header or "(tom)", f"ukjent kolonne; gyldige er {', '.join(HEADERS)}"))
    if len(set(headers)) != len(headers):
        errors.append(RowError(file, line, None, "en kolonne står flere ganger i overskriften"))
    for header in HEADERS:
        if header not in headers and header not in OPTIONAL_HEADERS:
            errors.append(RowError(file, line, header, "kolonnen mangler i overskriften"))
    return headers, errors


def _row_errors(exc: ValidationError) -> list[tuple[str | None, str]]:
    found = []
    for error in exc.errors():
        if error["type"] == "grant_row":
            found.append((error["ctx"]["field"], error["ctx"]["message"]))
            continue
        header = FIELD_HEADERS.get(str(error["loc"][0])) if error["loc"] else None
        if error["type"] == "value_error":
            found.append((header, str(error["ctx"]["error"])))
        else:
            found.append((header, f"ugyldig verdi ({error['msg']})"))
    return found


def _row_error(header: str, message: str) -> None:
    raise PydanticCustomError("grant_row", "{message}", {"field": header, "message": message})


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _required_text(value: Any) -> str:
    text = _text(value)
    if not text:
        raise ValueError("mangler verdi")
    return text


def _csv_rows(path: Path) -> list[tuple[int, list[str]]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")  # Excel on Norwegian Windows saves "CSV (semikolondelt)" so
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    rows, line = [], 1
    try:
        for cells in reader:
            rows.append((line, cells))  # the line the record starts on
            line = reader.line_num + 1
    except csv.Error as exc:
        raise AwardImportError([RowError(path.name, reader.line_num, None, f"ugyldig CSV: {exc}")]) from None
    return rows


def _xlsx_rows(path: Path) -> list[tuple[int, list[str]]]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError):
        raise AwardImportError([RowError(path.name, 0, None, "kan ikke lese filen som Excel (.xlsx)")]) from None
    try:
        sheet = workbook.worksheets[0]
        return [(n, [_cell_text(v) for v in row]) for n, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()
