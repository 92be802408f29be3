"""Every flow pliktvakt runs on a schedule, by name: for `pliktvakt run` and for `make run`'s
start-up runs. prefect.yaml is the one list of deployments; this module reads it.

A flow's module is imported when the flow is first asked for, not here: `pliktvakt run
materialise` then loads materialise's code only, not every duty's (Excel, charts, the
register's client), which took a manual run longer than the run itself (issue 31).
"""

import importlib
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path

import yaml

PREFECT_YAML = Path(__file__).resolve().parent.parent / "prefect.yaml"


@lru_cache(maxsize=1)
def deployment_specs() -> tuple[dict, ...]:
    """The deployments of prefect.yaml, in its order."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return tuple(yaml.load(PREFECT_YAML.read_text(encoding="utf-8"), Loader=loader)["deployments"])


def import_entrypoint(entrypoint: str):
    """The flow of a prefect.yaml entrypoint, ``flows/materialise.py:materialise``."""
    path, name = entrypoint.split(":")
    return getattr(importlib.import_module(path.removesuffix(".py").replace("/", ".")), name)


def _scheduled() -> dict[str, str]:
    # In prefect.yaml's order, which is the start-up order: the watch last.
    return {spec["name"]: spec["entrypoint"] for spec in deployment_specs() if spec.get("schedules")}


class _Flows(Mapping):
    """Names to flows, each flow's module imported on first use."""

    def __getitem__(self, name: str):
        return import_entrypoint(_scheduled()[name])

    def __iter__(self) -> Iterator[str]:
        return iter(_scheduled())

    def __len__(self) -> int:
        return len(_scheduled())


FLOWS: Mapping = _Flows()
