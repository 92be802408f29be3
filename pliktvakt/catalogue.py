"""The obligation catalogue (config/obligations.yaml) and officers (config/officers.yaml).

Loading validates everything and names the file, the entry and the field of any error.
"""

import os
import re
from copy import deepcopy
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from dateutil.rrule import rrulestr
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from pliktvakt import validation
from pliktvakt.legal_calendar import (
    DurationError,
    add_business_days,
    add_calendar,
    next_business_day,
    parse_duration,
    previous_business_day,
    straks,
)
from pliktvakt.tabular import NotUtf8, utf8

KEBAB = r"^[a-z0-9]+(-[a-z0-9]+)*$"
# A section of the instruction ("2.2", "6.1") or of its annex on grants ("vedlegg 9").
SECTION = r"^(\d+(\.\d+)*|vedlegg \d+)$"
# Where a date, offset or deadline comes from (DESIGN principle 6). okonomiregelverket: a
# point of ØR (Bestemmelser om økonomistyring i staten) that the instruction takes in.
Source = Literal["instruction", "tildelingsbrev", "okonomiregelverket", "placeholder"]
# Where a date comes from, as a person reads it (the duty desk's deadline rule): one name for
# every Source, so a new source cannot reach a page without one (tests/test_catalogue.py).
SOURCE_NAMES: dict[str, str] = {
    "instruction": "instruksen",
    "tildelingsbrev": "tildelingsbrevet",
    "okonomiregelverket": "økonomiregelverket",
    "placeholder": "plassholder",
}
# What a person reads next to a deadline that is not taken from the instruction or the letter.
UNCONFIRMED = "frist ikke bekreftet"
MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")
# Anchors of an RRULE are counted from here unless the rule gives its own DTSTART.
RRULE_EPOCH = datetime(2024, 1, 1)


class CatalogueError(ValueError):
    """A configuration error that names the file, the entry and the field."""

    def __init__(self, file: Path | str, entry: str, field: str, message: str, line: int | None = None):
        self.file, self.entry, self.field, self.line = str(file), entry, field, line
        where = f"{file}" + (f", linje {line}" if line else "")
        super().__init__(f"{where}: {entry}: feltet '{field}': {message}")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def section_reference(section: str) -> str:
    """The section as a person reads it: "pkt. 2.2", or "vedlegg pkt. 9" in the annex."""
    if section.startswith("vedlegg "):
        return f"vedlegg pkt. {section.removeprefix('vedlegg ')}"
    return f"pkt. {section}"


class Clause(Strict):
    section: str = Field(pattern=SECTION)
    heading: str | None = None
    text: str = Field(min_length=10, description="The sentence of the instruction that imposes the duty")

    @property
    def reference(self) -> str:
        return section_reference(self.section)


class Sourced(Strict):
    """A date, offset or deadline, with where it comes from and, unless the instruction, a note."""

    source: Source
    note: str | None = None

    @property
    def confirmed(self) -> bool:
        return self.source != "placeholder"

    @model_validator(mode="after")
    def _note_unless_instruction(self):
        if self.source != "instruction" and not (self.note or "").strip():
            raise ValueError(f"kilden '{self.source}' må ha en 'note' som sier hvor verdien kommer fra")
        return self


class Recurrence(Sourced):
    rrule: str | None = None
    dates: list[str] | None = None  # "MM-DD" every year, or "YYYY-MM-DD" once

    @field_validator("rrule")
    @classmethod
    def _valid_rrule(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                rrulestr(value, dtstart=RRULE_EPOCH)
            except (ValueError, TypeError) as exc:
                raise ValueError(f"ugyldig RRULE '{value}': {exc}") from None
        return value

    @field_validator("dates")
    @classmethod
    def _valid_dates(cls, values: list[str] | None) -> list[str] | None:
        for value in values or []:
            _parse_fixed_date(value, 2024)
        return values

    @model_validator(mode="after")
    def _one_of(self) -> "Recurrence":
        if (self.rrule is None) == (self.dates is None):
            raise ValueError("angi enten 'rrule' eller 'dates'")
        return self

    def anchors(self, start: date, end: date) -> list[date]:
        """Period anchors from ``start`` to ``end``, both inclusive, as Oslo dates."""
        if self.rrule:
            rule = rrulestr(self.rrule, dtstart=RRULE_EPOCH)
            found = rule.between(datetime.combine(start, time()), datetime.combine(end, time()), inc=True)
            return [moment.date() for moment in found]
        days = set()
        for value in self.dates or []:
            for year in range(start.year, end.year + 1):
                day = _parse_fixed_date(value, year)
                if start <= day <= end:
                    days.add(day)
        return sorted(days)


def _parse_fixed_date(value: str, year: int) -> date:
    match = MONTH_DAY.match(value)
    try:
        if match:
            return date(year, int(match.group(1)), int(match.group(2)))
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"ugyldig dato '{value}': bruk MM-DD eller ÅÅÅÅ-MM-DD") from None


class Trigger(Strict):
    event: str = Field(pattern=KEBAB)
    description: str


class DeadlineRule(Sourced):
    """How the due date follows from the anchor (period date or event date)."""

    offset: str = "0d"
    by: str | None = None  # "MM-DD": the first such day after the anchor (e.g. from the tildelingsbrev)
    days: Literal["calendar", "business"] = "calendar"
    # backward: IMDi's own deliveries, to the ministry above all, are met on the last business
    # day before a weekend or holiday (the safe way); forward: a statutory deadline held by
    # a counterpart (domstolloven § 149); none: the day itself.
    roll: Literal["forward", "backward", "none"] = "backward"
    # «Straks» (pkt. 3.1): the same business day, or the next when recorded after 15:00.
    straks: bool = False

    @field_validator("offset")
    @classmethod
    def _valid_offset(cls, value: str) -> str:
        try:
            parse_duration(value)
        except DurationError as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("by")
    @classmethod
    def _valid_by(cls, value: str | None) -> str | None:
        if value is not None and not MONTH_DAY.match(value):
            raise ValueError(f"'{value}' må være på formen MM-DD")
        if value is not None:
            _parse_fixed_date(value, 2024)
        return value

    @model_validator(mode="after")
    def _business_days_in_days(self) -> "DeadlineRule":
        if self.days == "business" and parse_duration(self.offset).unit != "d":
            raise ValueError("virkedager må angis i dager, f.eks. 10d")
        if self.straks and (self.by or parse_duration(self.offset).amount):
            raise ValueError("'straks' kan ikke kombineres med 'by' eller 'offset'")
        return self

    def due(self, anchor: date, recorded_at: time | None = None) -> date:
        """The due date from ``anchor``; ``recorded_at`` (Oslo time) matters only for «straks»."""
        if self.straks:
            return straks(anchor, recorded_at)
        day = anchor
        if self.by:
            day = _parse_fixed_date(self.by, anchor.year)
            if day <= anchor:
                day = _parse_fixed_date(self.by, anchor.year + 1)
        offset = parse_duration(self.offset)
        if self.days == "business":
            return add_business_days(day, offset.amount)
        day = add_calendar(day, offset)
        if self.roll == "forward":
            return next_business_day(day)  # domstolloven § 149
        if self.roll == "backward":
            return previous_business_day(day)  # "minst N dager i forkant" never moves forwards
        return day


class ReminderPlan(Strict):
    before: list[int] = Field(default=[5, 1], description="Reminders this many business days before due")
    due_day: bool = True
    overdue_every: int = Field(default=2, ge=1, description="Business days between repeated overdue alerts")
    escalate_after: int = Field(
        default=5, ge=1, description="Business days overdue before the manager is told"
    )

    @field_validator("before")
    @classmethod
    def _positive(cls, values: list[int]) -> list[int]:
        if any(value < 1 for value in values):
            raise ValueError("påminnelser må komme minst 1 virkedag før fristen")
        return sorted(set(values), reverse=True)


class GateCheck(Strict):
    """Where software checks a gate: a flow in prefect.yaml and/or a `pliktvakt` command."""

    flow: str | None = None
    command: str | None = None


class Gate(Strict):
    """A condition that blocks an action until it holds (DESIGN principle 6)."""

    blocks: str = Field(min_length=3, description="The action that is blocked, in bokmål")
    until: str = Field(min_length=3, description="The condition that lifts the block, in bokmål")
    checked_by: GateCheck | None = None  # None: a person checks it; no software does


class Obligation(Strict):
    id: str = Field(pattern=KEBAB)
    title: str = Field(min_length=3)
    clause: Clause
    # recurring: falls due by a calendar; event: started by an event; standing: holds at all
    # times (a checklist item, no date); gate: blocks an action until a condition holds.
    kind: Literal["recurring", "event", "standing", "gate"]
    recurrence: Recurrence | None = None
    trigger: Trigger | None = None
    # None where the instruction gives no deadline: a checklist duty, not an invented date.
    deadline: DeadlineRule | None = None
    reminders: ReminderPlan = ReminderPlan()
    gate: Gate | None = None
    role: str
    flow: str | None = Field(default=None, description="The flow that performs the duty, if software does it")

    @model_validator(mode="after")
    def _kind_matches(self) -> "Obligation":
        if self.kind == "recurring" and self.recurrence is None:
            raise ValueError("en gjentakende plikt må ha 'recurrence'")
        if self.kind == "event" and self.trigger is None:
            raise ValueError("en hendelsesstyrt plikt må ha 'trigger'")
        if self.kind == "gate" and self.gate is None:
            raise ValueError("en sperre (gate) må ha 'gate'")
        if self.kind != "gate" and self.gate is not None:
            raise ValueError("bare en sperre (kind: gate) kan ha 'gate'")
        if self.kind in ("standing", "gate") and (self.recurrence or self.trigger or self.deadline):
            raise ValueError(
                f"en plikt av typen '{self.kind}' har verken 'recurrence', 'trigger' eller 'deadline'"
            )
        return self

    @property
    def dated(self) -> bool:
        """Whether it becomes occurrences with a deadline (recurring or event with a deadline)."""
        return self.kind in ("recurring", "event") and self.deadline is not None

    @property
    def unconfirmed(self) -> str | None:
        """Why the deadline is not confirmed, if it rests on a placeholder; else None."""
        notes = [
            part.note
            for part in (self.recurrence, self.deadline)
            if part is not None and part.source == "placeholder"
        ]
        return "; ".join(notes) if notes else None


@dataclass(frozen=True)
class Placeholder:
    """A date, offset or deadline in the catalogue that is not taken from the instruction."""

    file: str
    line: int
    obligation: str
    field: str
    note: str

    def __str__(self) -> str:
        return f"{self.file}, linje {self.line}: {self.obligation}: {self.field}: {self.note}"


_ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _unset_env_to_none(value: object) -> object:
    """A Teams URL field: each ``${VAR}`` in its value replaced by the variable (the only
    place a variable is expanded). An unset ${VAR} stays as written; that means no Teams
    channel, not a broken URL."""
    if isinstance(value, str):
        value = _ENV_REFERENCE.sub(lambda m: os.environ.get(m.group(1), m.group(0)), value)
    return None if isinstance(value, str) and ("${" in value or not value.strip()) else value


class Officer(Strict):
    id: str = Field(pattern=KEBAB)
    name: str
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    # The Power Automate workflows:// URL holds a signature, so it is a secret; write it
    # as ${ENV_VAR} in the file to keep it out of the repository.
    teams_url: SecretStr | None = None
    deputy: str | None = None
    manager: str | None = None
    digest: bool = False

    _teams = field_validator("teams_url", mode="before")(_unset_env_to_none)


class Role(Strict):
    id: str = Field(pattern=KEBAB)
    title: str
    officer: str
    teams_url: SecretStr | None = None

    _teams = field_validator("teams_url", mode="before")(_unset_env_to_none)


class Catalogue(Strict):
    obligations: dict[str, Obligation]
    roles: dict[str, Role]
    officers: dict[str, Officer]
    placeholders: list[Placeholder] = []

    def officer_for_role(self, role_id: str) -> Officer:
        return self.officers[self.roles[role_id].officer]

    def unknown_flows(self, deployments: set[str]) -> list[str]:
        """No phantom automation: every flow the catalogue names must be a deployment."""
        named = [(o.id, "flow", o.flow) for o in self.obligations.values() if o.flow]
        named += [
            (o.id, "gate.checked_by.flow", o.gate.checked_by.flow)
            for o in self.obligations.values()
            if o.gate and o.gate.checked_by and o.gate.checked_by.flow
        ]
        return [
            f"{entry}: feltet '{field}': flyten '{flow}' finnes ikke i prefect.yaml"
            for entry, field, flow in named
            if flow not in deployments
        ]


def load_catalogue(config_dir: Path | str) -> Catalogue:
    config_dir = Path(config_dir)
    roles, officers = _load_people(config_dir / "officers.yaml")
    obligations, placeholders = _load_obligations(config_dir / "obligations.yaml", roles)
    return Catalogue(obligations=obligations, roles=roles, officers=officers, placeholders=placeholders)


def load_roles(config_dir: Path | str) -> dict[str, Role]:
    """The roles of ``officers.yaml``, validated as ``load_catalogue`` does (for the run forms' lists)."""
    return _load_people(Path(config_dir) / "officers.yaml")[0]


def _read_entries(path: Path, key: str) -> list[tuple[dict, int, dict[str, int]]]:
    """The list under ``key``: each entry, its line number (1-based) and the line of each of its keys."""
    try:
        text = utf8(path.read_bytes())
    except FileNotFoundError:
        raise CatalogueError(path, "(fil)", key, "filen finnes ikke") from None
    except IsADirectoryError:
        raise CatalogueError(path, "(fil)", key, "er en mappe, ikke en fil") from None
    except OSError as exc:
        raise CatalogueError(path, "(fil)", key, f"filen kan ikke leses ({exc.strerror})") from None
    except NotUtf8 as exc:
        raise CatalogueError(path, "(fil)", key, str(exc), exc.line) from None
    # No ${VAR} is expanded here: only inside the values of the Teams URL fields, after
    # parsing (``_expand_env``). Expanded over the whole text, a YAML error could show a
    # secret, and a title with ${PLIKTVAKT_EMAIL_URL} would store the SMTP password.
    try:
        node, data = _parse_once(text)
        data = deepcopy(data)  # the cached one stays as parsed, whatever a model keeps of it
    except yaml.YAMLError as exc:
        line, reason = validation.yaml_problem(exc)
        raise CatalogueError(path, "(fil)", key, reason, line) from None
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise CatalogueError(path, "(fil)", key, f"filen må ha en liste under '{key}'")
    named = [(name, value) for name, value in node.value if name.value == key]
    if len(named) > 1:  # safe_load keeps the last, the nodes the first: refuse rather than guess
        raise CatalogueError(
            path, "(fil)", key, f"nøkkelen '{key}' står flere ganger i filen", named[1][0].start_mark.line + 1
        )
    entry_nodes = named[0][1].value
    return [
        (entry, item.start_mark.line + 1, _key_lines(item))
        for entry, item in zip(data[key], entry_nodes, strict=True)
    ]


# libyaml's parser where PyYAML has it: every flow run reads the catalogue, and the pure-Python
# parser took 4 of the 9 s of a deadline-watch run. Same constructor, same data, same lines.
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=8)
def _parse_once(text: str) -> tuple[yaml.Node, object]:
    """``_parse``, once per text: a flow run and its go-live check (readiness) read the same
    files, and officers.yaml is read for its officers and again for its roles. Keyed by the
    text itself, so a file changed in the same instant (same size and time) is never mistaken
    for the one before."""
    return _parse(text)


def _parse(text: str) -> tuple[yaml.Node, object]:
    """The document as nodes (for line numbers) and as data. A file that does not parse is read
    again by the pure-Python parser, so the error names the line in the words it always has."""
    try:
        return yaml.compose(text, Loader=FAST_LOADER), yaml.load(text, Loader=FAST_LOADER)
    except yaml.YAMLError:
        return yaml.compose(text), yaml.safe_load(text)


def _key_lines(node: yaml.Node) -> dict[str, int]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {
        name.value: name.start_mark.line + 1 for name, _ in node.value if isinstance(name, yaml.ScalarNode)
    }


def _validate(model: type[BaseModel], path: Path, raw: object, line: int) -> BaseModel:
    entry = str(raw.get("id", "(uten id)")) if isinstance(raw, dict) else "(ugyldig oppføring)"
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"]) or "(oppføringen)"
        raise CatalogueError(path, entry, field, validation.reason(error), line) from None


def _unique(path: Path, items: list[tuple[BaseModel, int]]) -> dict:
    seen: dict = {}
    for item, line in items:
        if item.id in seen:
            raise CatalogueError(path, item.id, "id", "id-en er brukt før", line)
        seen[item.id] = item
    return seen


def _load_people(path: Path) -> tuple[dict[str, Role], dict[str, Officer]]:
    entries = [
        (_validate(Officer, path, raw, line), line) for raw, line, _ in _read_entries(path, "officers")
    ]
    officers = _unique(path, entries)
    lines = {officer.id: line for officer, line in entries}
    role_entries = [(_validate(Role, path, raw, line), line) for raw, line, _ in _read_entries(path, "roles")]
    for officer in officers.values():
        for field in ("deputy", "manager"):
            ref = getattr(officer, field)
            if ref is not None and ref not in officers:
                raise CatalogueError(path, officer.id, field, f"ukjent saksbehandler '{ref}'")
    _refuse_manager_cycles(path, officers, lines)
    for role, line in role_entries:
        if role.officer not in officers:
            raise CatalogueError(path, role.id, "officer", f"ukjent saksbehandler '{role.officer}'", line)
    return _unique(path, role_entries), officers


def _refuse_manager_cycles(path: Path, officers: dict[str, Officer], lines: dict[str, int]) -> None:
    """An escalation goes up the managers; a cycle would send it round for ever, so the file is
    refused with the chain shown."""
    for start in officers:
        chain, current = [start], officers[start].manager
        while current is not None and current not in chain:
            chain.append(current)
            current = officers[current].manager
        if current is not None and current == start:
            shown = " → ".join([*chain, start])
            raise CatalogueError(path, start, "manager", f"lederne går i ring: {shown}", lines[start])


def _load_obligations(path: Path, roles: dict[str, Role]) -> tuple[dict[str, Obligation], list[Placeholder]]:
    read = _read_entries(path, "obligations")
    entries = [(_validate(Obligation, path, raw, line), line) for raw, line, _ in read]
    for obligation, line in entries:
        if obligation.role not in roles:
            raise CatalogueError(path, obligation.id, "role", f"ukjent rolle '{obligation.role}'", line)
    placeholders = [
        Placeholder(str(path), keys.get(field, line), obligation.id, field, part.note)
        for (obligation, line), (_, _, keys) in zip(entries, read, strict=True)
        for field, part in (("recurrence", obligation.recurrence), ("deadline", obligation.deadline))
        if part is not None and part.source == "placeholder"
    ]
    return _unique(path, entries), placeholders
