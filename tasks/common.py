"""Shared task plumbing: settings, the catalogue and the database engine."""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE
from sqlalchemy.engine import Engine

from pliktvakt.catalogue import Catalogue, load_catalogue
from pliktvakt.db import make_engine
from pliktvakt.settings import Settings

# Inputs such as engines are not hashable, and every task here does I/O that must run.
io_task = task(cache_policy=NO_CACHE)


@dataclass(frozen=True)
class Refused:
    """An officer's input the domain refused, with the bokmål reason. A task returns it rather
    than raise: Prefect logs a raised error with its traceback, and an officer's typing mistake
    is not a bug. The flow ends the run with ``flows.run_end.refused``."""

    reason: str


@dataclass(frozen=True)
class Loaded:
    """What a task read, or why it could not: ``error`` is the bokmål reason, naming the file,
    line and field where there is one. The flow ends Failed with it, without a traceback."""

    value: Any = None
    error: str | None = None


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    return make_engine(url)


@io_task(name="load-catalogue")
def load_catalogue_task(settings: Settings) -> Catalogue:
    return load_catalogue(settings.config_dir)


@io_task(name="check-readiness")
def readiness_task(settings: Settings) -> list:
    """The go-live list (pliktvakt.readiness): it reads the settings and every config file."""
    from pliktvakt import readiness

    return readiness.check(settings)


@io_task(name="scheme-names")
def scheme_names_task(settings: Settings) -> dict[str, str]:
    """Scheme id -> name, to name the scheme an occurrence is about; {} when the schemes file
    cannot be read (the grant flows report that; a status table must not fail on it).

    Here, not in tasks.grants, so materialise does not load the grant duties' code for it
    (issue 31: `pliktvakt run materialise`)."""
    from pliktvakt.grants.schemes import SchemeConfigError, load_schemes

    try:  # what rounds.load_grant_schemes reads, without the rounds' code
        schemes = load_schemes(settings.config_dir / "grant_schemes.yaml")
        return {id: scheme.name for id, scheme in schemes.items()}
    except SchemeConfigError:
        return {}
