"""Kind: inputs. Settlement data: the rows read, the municipality list and the config.

Settlement (bosetting) of refugees in municipalities, instruction 2.2: IMDi makes a
monthly analysis of status, trends and developments, reports more often on large
deviations, and publishes quality-assured key figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Literal, NamedTuple

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator

from pliktvakt import bokmal, validation
from pliktvakt.tabular import WHOLE_FILE, FileRejected, NotUtf8, Rejection, read_csv, utf8


class Category(StrEnum):
    """The three settlement figures. anmodet and vedtatt are the year's figures as known at
    the month's end; bosatt is the number settled in the month."""

    REQUESTED = "anmodet"
    AGREED = "vedtatt"
    SETTLED = "bosatt"


class YearMonth(NamedTuple):
    year: int
    month: int

    def previous(self) -> YearMonth:
        return YearMonth(self.year - 1, 12) if self.month == 1 else YearMonth(self.year, self.month - 1)

    def label(self) -> str:
        return bokmal.month_year(self.year, self.month)

    @classmethod
    def last_complete_before(cls, year: int, month: int) -> YearMonth:
        """The last whole month before the given month: the month an analysis run covers."""
        return cls(year, month).previous()


@dataclass(frozen=True, slots=True)
class Municipality:
    code: str  # kommunenummer, four digits
    name: str
    county_code: str
    county_name: str


class SettlementRow(NamedTuple):
    """One validated row. ``count``/``em`` are None where the source suppressed them (":").
    A NamedTuple because a load makes a great many of them (see bench/)."""

    year: int
    month: int
    municipality: str
    category: Category
    count: int | None
    em: int | None  # herav enslige mindreårige


@dataclass(frozen=True, slots=True)
class QuarantinedRow:
    line: int
    raw: dict[str, object]
    reasons: tuple[str, ...]


@dataclass
class LoadResult:
    source: str
    rows: list[SettlementRow]
    quarantined: list[QuarantinedRow] = field(default_factory=list)

    def quarantine_reasons(self) -> dict[str, int]:
        """How many rows were quarantined for each kind of reason (a row may have several).
        The offending values are left out, so that the kinds stay few."""
        counts: dict[str, int] = {}
        for row in self.quarantined:
            for reason in row.reasons:
                key = re.sub(r"\s*«[^»]*»", "", reason.split(" (")[0])
                counts[key] = counts.get(key, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: -item[1]))


class SettlementFileError(FileRejected):
    """A file (or payload) that cannot be read at all. Nothing from it is loaded."""

    def __init__(self, file: str, line: int | None, field: str | None, problem: str):
        super().__init__(file, [Rejection(file, line or WHOLE_FILE, field, problem)])
        self.problem = problem


class ConfigError(Exception):
    """Settlement config or municipality list that cannot be used; message in bokmål."""


class LargeDeviationRule(BaseModel):
    """National: the projected year end below ``below`` x need (or above ``above`` x need)."""

    below: float = Field(gt=0, le=1)
    above: float | None = Field(default=None, gt=1)


class CountyDeviationRule(BaseModel):
    """A county's settled-of-agreed share more than ``points_below`` (a fraction: 0.15 is 15
    points) below the national share, for a county with at least ``min_agreed`` agreed."""

    points_below: float = Field(gt=0, le=1)
    min_agreed: int = Field(default=10, ge=1)


class DeviationRules(BaseModel):
    """IMDi's own criteria for «store avvik»: the instruction (2.2) says to report more often
    on large deviations, not what one is. ``source`` stays ``placeholder`` until IMDi has
    confirmed the values, and every report says so."""

    national: LargeDeviationRule
    county: CountyDeviationRule | None = None
    source: Literal["placeholder", "imdi"] = "placeholder"

    @model_validator(mode="before")
    @classmethod
    def _national_only(cls, data: object) -> object:
        # The earlier form, {below, above}, is the national rule alone.
        if isinstance(data, dict) and "below" in data:
            return {"national": data}
        return data


class ApprovalConfig(BaseModel):
    """How long a run waits in the Prefect UI for a person's decision before it ends Failed
    (the next run asks again), and how often it looks."""

    wait_hours: float = Field(default=8, gt=0, le=24 * 14)
    poll_seconds: int = Field(default=10, ge=1, le=3600)

    @property
    def wait_seconds(self) -> int:
        return round(self.wait_hours * 3600)


class FarBehindRule(BaseModel):
    ratio: float = Field(gt=0, le=1)
    min_shortfall: int = Field(ge=0)


class ProjectionConfig(BaseModel):
    history_years: int = Field(default=3, ge=1)


class SettlementConfig(BaseModel):
    need: dict[int, int]
    large_deviation: DeviationRules
    far_behind: FarBehindRule
    projection: ProjectionConfig = ProjectionConfig()
    suppression_threshold: int = Field(default=5, ge=1)
    # Section 2.2 "kvalitetssikret": a person approves before anything leaves.
    require_approval: bool = True
    approval: ApprovalConfig = ApprovalConfig()

    @model_validator(mode="after")
    def _positive_need(self) -> SettlementConfig:
        for year, need in self.need.items():
            if need <= 0:
                raise ValueError(f"behovet for {year} må være større enn null")
        return self

    def need_for(self, year: int) -> int:
        try:
            return self.need[year]
        except KeyError:
            raise ConfigError(
                f"Bosettingsbehovet for {year} mangler i konfigurasjonen (need: {year}: ...)."
            ) from None


def load_settlement_config(path: Path) -> SettlementConfig:
    try:
        data = yaml.safe_load(utf8(path.read_bytes()))
        return SettlementConfig.model_validate(data)
    except yaml.YAMLError as exc:
        raise ConfigError(validation.yaml_message(path, exc)) from None
    except OSError as exc:
        raise ConfigError(f"{path}: kan ikke lese konfigurasjonen ({exc.strerror or exc})") from None
    except NotUtf8 as exc:
        raise ConfigError(f"{path}, linje {exc.line}: {exc}") from None
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {validation.reason(err)}" for err in exc.errors()
        )
        raise ConfigError(f"{path}: ugyldig konfigurasjon: {problems}") from None


MUNICIPALITY_COLUMNS = ["kommunenr", "kommune", "fylkesnr", "fylke"]
MAX_MUNICIPALITIES = 10_000  # a bound for the reader; Norway has 357


def municipalities_by_code(config_dir: Path) -> dict[str, Municipality]:
    """``config_dir``'s municipality list by kommunenummer."""
    return {m.code: m for m in load_municipalities(Path(config_dir) / "municipalities.csv")}


def load_municipalities(path: Path) -> list[Municipality]:
    """Read the municipality list (semicolon CSV; lines starting with '#' are comments), by the
    one reader, ``pliktvakt.tabular``. A configuration file: UTF-8 and nothing else."""
    try:
        data = path.read_bytes()
        utf8(data)
        table = read_csv(data, str(path), MAX_MUNICIPALITIES, ())
    except NotUtf8 as exc:
        raise SettlementFileError(str(path), exc.line, None, str(exc)) from None
    except FileRejected as exc:
        raise SettlementFileError(exc.file, exc.line, exc.field, exc.reason) from None
    if table.header != MUNICIPALITY_COLUMNS:
        raise SettlementFileError(
            str(path), table.header_line, None, f"forventet kolonnene {';'.join(MUNICIPALITY_COLUMNS)}"
        )
    misfits = {problem.line: problem for problem in reversed(table.shape_problems)}
    result: list[Municipality] = []
    seen: set[str] = set()
    for line_no, values in table.rows:
        if values[0].startswith("#"):  # a comment after the header
            continue
        if line_no in misfits:
            problem = misfits[line_no]
            raise SettlementFileError(str(path), line_no, problem.field, problem.reason)
        code, name, county_code, county_name = (v.strip() for v in values)
        if not (len(code) == 4 and code.isdigit()):
            raise SettlementFileError(str(path), line_no, "kommunenr", f"«{code}» er ikke fire siffer")
        if code in seen:
            raise SettlementFileError(str(path), line_no, "kommunenr", f"{code} står flere ganger")
        seen.add(code)
        result.append(Municipality(code, name, county_code, county_name))
    return result
