"""Configuration of the evaluation plan: its settings, from ``config/evaluation_plan.yaml``
(or PLIKTVAKT_EVALUATION_PLAN_FILE).

Each setting carries its source, as every date and figure not taken from the instruction
does (DESIGN: placeholders). A bad file is refused with the file, the line and the field.
"""

import calendar
from datetime import date
from pathlib import Path

import yaml
from pydantic import Field, ValidationError, field_validator

from pliktvakt import validation
from pliktvakt.catalogue import Sourced, Strict
from pliktvakt.evaluation.errors import EvaluationError
from pliktvakt.tabular import NotUtf8, utf8


class MonthDay(Sourced):
    value: str

    @field_validator("value")
    @classmethod
    def _month_day(cls, value: str) -> str:
        try:
            date.fromisoformat(f"2024-{value}")  # 2024: a leap year, so 02-29 is allowed
        except ValueError:
            raise ValueError(f"«{value}» må være en dag på formen MM-DD") from None
        return value

    def in_year(self, year: int) -> date:
        month, day = (int(part) for part in self.value.split("-"))
        return date(year, month, min(day, calendar.monthrange(year, month)[1]))  # 02-29 in a common year


class Capacity(Sourced):
    value: int = Field(ge=1, le=1000)


class Horizon(Sourced):
    value: int = Field(ge=1, le=30)


class PlanSettings(Strict):
    capacity_per_year: Capacity
    horizon_years: Horizon
    start_by: MonthDay
    report_by: MonthDay


def load_plan_settings(path: Path) -> PlanSettings:
    """Read and validate the plan file; EvaluationError names file, line and field."""
    path = Path(path)
    try:
        text = utf8(path.read_bytes())
    except OSError as exc:
        raise EvaluationError(f"{path}: kan ikke lese filen ({exc.strerror})") from None
    except NotUtf8 as exc:
        raise EvaluationError(f"{path}, linje {exc.line}: {exc}") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise EvaluationError(validation.yaml_message(path, exc)) from None
    if not isinstance(raw, dict):
        raise EvaluationError(f"{path}: filen må være en samling innstillinger (capacity_per_year, ...)")
    try:
        return PlanSettings.model_validate(raw)
    except ValidationError as exc:
        raise EvaluationError(_describe(path, text, exc)) from None


def _describe(path: Path, text: str, exc: ValidationError) -> str:
    lines = _key_lines(text)
    parts = []
    for error in exc.errors():
        loc = [str(p) for p in error["loc"]]
        field = ".".join(loc)
        line = lines.get(loc[0]) if loc else None
        where = f", linje {line}" if line else ""
        reason = validation.reason(error)
        if error["type"] == "greater_than_equal":
            reason += f" (er {error['input']!r})"
        parts.append(f"{path}{where}: felt '{field}': {reason}")
    return "; ".join(parts)


def _key_lines(text: str) -> dict[str, int]:
    """The line of each top-level key, for the error message."""
    node = yaml.compose(text)
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {key.value: key.start_mark.line + 1 for key, _ in node.value}


def plan_file(config_dir: Path, configured: Path | None) -> Path:
    """PLIKTVAKT_EVALUATION_PLAN_FILE, or the one beside the other config files."""
    return configured or Path(config_dir) / "evaluation_plan.yaml"
