"""No phantom automation (brief; issue 11): the catalogue names a flow only if it exists, is
deployed in prefect.yaml and runs on a schedule. Otherwise `obligations list` would tell users a
duty is automated when nothing runs it."""

from pathlib import Path

import yaml

from flows.registry import FLOWS

ROOT = Path(__file__).resolve().parents[2]


def _flows_named(node) -> set[str]:
    """Every value of a ``flow:`` key anywhere in the catalogue (the duty's own and ``checked_by``)."""
    if isinstance(node, dict):
        named = {node["flow"]} if isinstance(node.get("flow"), str) else set()
        return named.union(*(_flows_named(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_flows_named(item) for item in node))
    return set()


def _deployments() -> dict[str, dict]:
    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    return {deployment["name"]: deployment for deployment in spec["deployments"]}


def test_every_flow_the_catalogue_names_is_deployed_scheduled_and_registered():
    catalogue = yaml.safe_load((ROOT / "config" / "obligations.yaml").read_text(encoding="utf-8"))
    named = _flows_named(catalogue)
    deployments = _deployments()
    assert named, "the catalogue names no flow at all: the walk over obligations.yaml is broken"
    assert named - deployments.keys() == set(), "named in the catalogue but not deployed"
    unscheduled = {name for name in named if not deployments[name].get("schedules")}
    assert unscheduled == set(), "deployed but never run on a schedule"
    assert named - FLOWS.keys() == set(), "deployed but not in flows/registry.py FLOWS"


def test_the_walk_finds_a_flow_named_only_under_checked_by():
    # The check above is only as good as the walk: a nested flow name must be found too.
    node = {"obligations": [{"id": "x", "gate": {"checked_by": {"flow": "nowhere"}}}]}
    assert _flows_named(node) == {"nowhere"}
