"""Validated input: the award decisions of a grant round, imported from CSV or XLSX.

The file has one decision per row, with these headers (case and spaces do not matter):

    ordning;år;søker;orgnr;søkt_beløp;tildelt_beløp;avslagsgrunn;beregning[;grunn][;søkertype][;organisasjonsform]

- ``ordning``: the scheme id from ``config/grant_schemes.yaml``; the scheme must be
  application-based.
- ``orgnr``: 9 digits, checked with python-stdnum (spaces allowed).
- ``søkt_beløp``/``tildelt_beløp``: kroner, ``150000``, ``150 000`` or ``150000,50``;
  ``tildelt_beløp`` 0 means the application is rejected. ``200.000``, ``2e5`` and every other
  form that could be read two ways are refused (``parse_amount``).
- ``avslagsgrunn``: required when rejected; ``beregning``: how the amount was computed,
  required when awarded (vedlegg 1 pkt. 3).
- ``grunn``: the id of the scheme's ground for a rejection or a reduced amount
  (``grounds`` in config/grant_schemes.yaml, each with its point of the regelverk); required
  for both, so the letter cites the rule (forvaltningsloven § 25). The column may be left out
  of a file with only full awards.
- ``søkertype`` (``privat`` or ``offentlig``) and/or ``organisasjonsform`` (Enhetsregisteret's
  code: KOMM, FYLK, KF, IKS, AS, STI, FLI, ...): who is a public body, by the table in
  config/organisation_forms.yaml (pliktvakt.grants.parties). A file needs at least one of the
  two columns, and each line a value in one of them. Decisions to public bodies are not
  enkeltvedtak (forvaltningsloven § 2, vedlegg 1 pkt. 2); ``søkertype privat`` with a public
  form is a public body applying in the same capacity as a private applicant.

The file is read by the one reader, ``pliktvakt.tabular`` (CSV or XLSX, encoding and
separator). A file with any error is rejected whole: ``AwardImportError`` lists every error
with file, line and field.
"""

import re
from collections.abc import Iterator
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from stdnum import exceptions as stdnum_errors
from stdnum.no import orgnr as stdnum_orgnr

from pliktvakt import bounds, validation
from pliktvakt.grants import parties
from pliktvakt.grants.schemes import DecisionKind, GrantScheme
from pliktvakt.tabular import MAX_SHOWN, FileRejected, Rejection, Table, read_table, table_of


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
    "grunn": "ground",
    "søkertype": "applicant_kind",
    "organisasjonsform": "organisation_form",
}
OPTIONAL_HEADERS = {"grunn", "søkertype", "organisasjonsform"}
PARTY_HEADERS = ("søkertype", "organisasjonsform")  # a file needs at least one (vedlegg 1 pkt. 2)
FIELD_HEADERS = {model_field: header for header, model_field in HEADERS.items()}


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _required_text(value: Any) -> str:
    text = _text(value)
    if not text:
        raise ValueError("mangler verdi")
    return text


def _optional_text(value: Any) -> str | None:
    return _text(value) or None


RequiredText = Annotated[str, BeforeValidator(_required_text)]
OptionalText = Annotated[str | None, BeforeValidator(_optional_text)]


class AwardDecision(BaseModel):
    """One decision on one application, as validated from the import file."""

    model_config = ConfigDict(frozen=True)

    line: int
    scheme_id: str
    year: int
    applicant: RequiredText
    orgnr: str
    amount_applied: Decimal
    amount_awarded: Decimal
    rejection_reason: OptionalText = None
    computation: OptionalText = None
    ground: OptionalText = None
    applicant_kind: ApplicantKind = ApplicantKind.PRIVATE
    organisation_form: OptionalText = None

    @property
    def rejected(self) -> bool:
        return self.amount_awarded == 0

    @property
    def reduced(self) -> bool:
        return not self.rejected and self.amount_awarded < self.amount_applied

    @model_validator(mode="before")
    @classmethod
    def _party(cls, data: Any, info: ValidationInfo) -> Any:
        """søkertype from the organisation form where the line does not state it (vedlegg 1 pkt. 2)."""
        if not isinstance(data, dict) or "applicant_kind" in data and "organisation_form" not in data:
            return data  # a row of a file with only søkertype: checked by its own validator
        form = _text(data.get("organisation_form")).upper() or None
        stated = _text(data.get("applicant_kind")).lower() or None
        if stated is not None and stated not in {k.value for k in ApplicantKind}:
            return data  # refused by the field's validator, with its message
        table = (info.context or {}).get("forms") or parties.load_forms()
        try:
            public = parties.applicant_public(table, form, stated)
        except ValueError as exc:
            _row_error("organisasjonsform" if form else "søkertype", str(exc))
        kind = ApplicantKind.PUBLIC if public else ApplicantKind.PRIVATE
        return {**data, "organisation_form": form, "applicant_kind": kind.value}

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

    @field_validator("applicant_kind", mode="before")
    @classmethod
    def _kind(cls, value: Any) -> str:
        text = _text(value).lower()
        if not text:
            raise ValueError("mangler verdi: privat eller offentlig (eller oppgi organisasjonsform)")
        if text not in {k.value for k in ApplicantKind}:
            raise ValueError(f"«{text}» er ikke en søkertype; bruk «privat» eller «offentlig»")
        return text

    @model_validator(mode="after")
    def _complete(self, info: ValidationInfo) -> Self:
        # vedlegg 1 pkt. 3: a rejection needs its reason, an award how it was computed.
        if self.rejected and not self.rejection_reason:
            _row_error("avslagsgrunn", "avslag (tildelt beløp 0) må ha en begrunnelse")
        if not self.rejected and not self.computation:
            _row_error("beregning", "innvilget tilskudd må si hvordan beløpet er regnet ut")
        if self.amount_awarded > self.amount_applied:
            _row_error("tildelt_beløp", "tildelt beløp er større enn søkt beløp")
        scheme = ((info.context or {}).get("schemes") or {}).get(self.scheme_id)
        if scheme is not None:
            self._check_ground(scheme)
        return self

    def _check_ground(self, scheme: GrantScheme) -> None:
        """Forvaltningsloven § 25: a rejection or a reduced amount names the rule it rests on,
        a ground of the scheme's regelverk, besides its own words."""
        what = "avslag" if self.rejected else "redusert beløp"
        if not (self.rejected or self.reduced):
            if self.ground:
                _row_error("grunn", "grunn oppgis bare ved avslag eller redusert beløp")
            return
        listed = ", ".join(g for g, v in scheme.grounds.items() if v.fits(self.rejected)) or "ingen"
        if not self.ground:
            _row_error(
                "grunn",
                f"{what} må oppgi grunnen i regelverket (kolonne grunn); ordningens grunner: {listed}",
            )
        ground = scheme.grounds.get(self.ground)
        if ground is None or not ground.fits(self.rejected):
            _row_error(
                "grunn",
                f"«{self.ground}» er ikke en grunn for {what} i ordningen; bruk en av: {listed}",
            )


def decision_kind_for(scheme: GrantScheme, decision: AwardDecision) -> DecisionKind:
    """Vedlegg 1 pkt. 2: a decision to a private applicant is an enkeltvedtak unless the scheme
    states a legal basis for otherwise; decisions to public bodies are not (forvaltningsloven § 2)."""
    if decision.applicant_kind is ApplicantKind.PUBLIC:
        return DecisionKind.AKSEPT
    return scheme.private_decision_kind


# The one rejection type, under the name the grants register and CLI catch.
AwardImportError = FileRejected


# Kroner as a Norwegian writes them: digits, optionally in groups of three parted by a space
# (or a no-break or narrow no-break space), and at most two decimals after a comma.
_AMOUNT = re.compile(r"(?:\d{1,3}(?: \d{3})+|\d+)(?:,\d{1,2})?")


def parse_amount(text: str) -> Decimal:
    """Kroner as written in Norway: ``150000``, ``150 000``, ``150000,50``, ``150 000 kr``;
    at most 10^12 kroner. Exact or refused (issue 30): a point is refused, since
    ``200.000`` is two hundred thousand to a Norwegian and two hundred to a computer; so are
    an exponent (``2e5``), a sign and a group that is not three digits."""
    cleaned = text.strip()
    if cleaned.lower().endswith("kr"):
        cleaned = cleaned[:-2].strip()
    cleaned = cleaned.replace("\u00a0", " ").replace("\u202f", " ")
    if "." in cleaned:
        raise ValueError(
            f"«{text}» er tvetydig: punktum kan være tusenskille eller desimaltegn; skriv kroner "
            "uten skilletegn eller med mellomrom (200000 eller 200 000), og øre etter komma "
            "(200000,50)"
        )
    if not _AMOUNT.fullmatch(cleaned):
        if cleaned.startswith("-"):
            raise ValueError(f"«{text}» er ikke et gyldig beløp (må være 0 eller mer)")
        raise ValueError(f"«{text}» er ikke et beløp i kroner; skriv f.eks. 200000, 200 000 eller 200000,50")
    amount = Decimal(cleaned.replace(" ", "").replace(",", "."))
    bounds.amount(amount, text)
    return amount.quantize(Decimal("0.01"))


def read_award_file(path: Path, schemes: dict[str, GrantScheme]) -> list[AwardDecision]:
    """Validate a whole import file; all or nothing."""
    return validate_table(read_award_table(path), schemes)


def read_award_table(path: Path) -> Table:
    # Only the free texts may span lines (a cell with Alt+Enter in Excel).
    return read_table(path, Path(path).name, multiline=("avslagsgrunn", "beregning"))


def validate_rows(
    file: str, rows: list[tuple[int, list[str]]], schemes: dict[str, GrantScheme]
) -> list[AwardDecision]:
    """Validate ``(line, cells)`` rows whose first row is the header: decisions typed into
    the CLI or a Prefect form are checked like a file."""
    return validate_table(table_of(file, rows), schemes)


def validate_table(table: Table, schemes: dict[str, GrantScheme]) -> list[AwardDecision]:
    return list(iter_decisions(table, schemes))


def iter_decisions(table: Table, schemes: dict[str, GrantScheme]) -> Iterator[AwardDecision]:
    """The table's decisions, one at a time, so an import need not hold them all. After the
    first bad row none is yielded, but every row is still checked; at the end
    ``AwardImportError`` names every problem. All or nothing is the caller's transaction."""
    errors = table.column_problems([h for h in HEADERS if h not in OPTIONAL_HEADERS], HEADERS)
    if not any(h in table.header for h in PARTY_HEADERS):
        errors.append(
            Rejection(
                table.file,
                table.header_line,
                "organisasjonsform",
                "kolonnen mangler: filen må ha søkertype eller organisasjonsform (Enhetsregisterets kode, "
                "f.eks. KOMM eller AS), så det er klart hvem som er offentlig og hvem som kan klage "
                "(vedlegg 1 pkt. 2)",
            )
        )
    if errors:
        raise AwardImportError(table.file, errors)
    context = {"schemes": schemes, "forms": parties.forms_beside(getattr(schemes, "path", None))}
    count = total = 0  # total: the problems found; ``errors`` keeps the first MAX_SHOWN
    seen: dict[tuple[str, str], int] = {}  # (scheme, orgnr) -> the line of its first decision
    failed: dict[tuple[str, ...], int] = {}  # a bad row's cells -> its number of problems
    for line, cells in table.rows:
        if total >= MAX_SHOWN:  # enough to show: count the rest without keeping them (issue 30)
            total += _row_fails(table, line, cells, context, seen, failed)
            continue
        raw = table.record(cells)
        data = {HEADERS[h]: v for h, v in raw.items()}
        try:
            decision = AwardDecision.model_validate({"line": line, **data}, context=context)
        except ValidationError as exc:
            found = [
                Rejection(
                    table.file, line, header, table.explain(line, header, message, raw.get(header, "")), raw
                )
                for header, message in _row_errors(exc)
            ]
            total += len(found)
            errors.extend(found)
            continue
        # One decision per applicant and scheme in a round: a second would risk a double award
        # and a double payment, so the file is refused and both lines are named.
        first = seen.setdefault((decision.scheme_id, decision.orgnr), line)
        if first != line:
            total += 1
            errors.append(
                Rejection(
                    table.file,
                    line,
                    "orgnr",
                    f"samme ordning og organisasjonsnummer som linje {first}: to vedtak på samme søker "
                    f"i samme runde (linje {first} og {line})",
                    raw,
                )
            )
            continue
        count += 1
        if not errors:
            yield decision
    if not errors and not count:
        errors.append(Rejection(table.file, 0, None, "filen har ingen vedtak"))
        total = 1
    if errors:
        raise AwardImportError(table.file, errors, total=total)


def _row_fails(table: Table, line: int, cells: list[str], context: dict, seen: dict, failed: dict) -> int:
    """The number of problems of a row past the first MAX_SHOWN, found as cheaply as the
    validation allows and kept nowhere. A bad row is validated once: the same cells on another
    line have the same problems (``failed``, at most _REMEMBERED rows), as in a hostile file
    of one bad row repeated 120,000 times (issue 30)."""
    key = tuple(cells)
    if key in failed:
        return failed[key]
    data = {HEADERS[h]: v for h, v in table.record(cells).items()}
    try:
        decision = AwardDecision.model_validate({"line": line, **data}, context=context)
    except ValidationError as exc:
        problems = len(_row_errors(exc))
        if len(failed) < _REMEMBERED:
            failed[key] = problems
        return problems
    return 0 if seen.setdefault((decision.scheme_id, decision.orgnr), line) == line else 1


_REMEMBERED = 10_000


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
            found.append((header, f"ugyldig verdi: {validation.reason(error)}"))
    return found


def _row_error(header: str, message: str) -> None:
    raise PydanticCustomError("grant_row", "{message}", {"field": header, "message": message})
