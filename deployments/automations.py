"""Apply the Prefect automations in deployments/automations.yaml: create or update by name.

    uv run python -m deployments.automations

Names in the file become ids here: `deployment: ops-alert/ops-alert` and
`block: pliktvakt-drift`. The Teams block `pliktvakt-drift` is saved from
PLIKTVAKT_OPS_TEAMS_URL when that is set; without it the automations still run
`ops-alert`, and the command says that no server-side notification is attached.
"""

from pathlib import Path

import yaml
from prefect.automations import Automation
from prefect.blocks.notifications import MicrosoftTeamsWebhook
from prefect.client.orchestration import get_client

from pliktvakt.settings import get_settings

FILE = Path(__file__).with_name("automations.yaml")
BLOCK = "pliktvakt-drift"


def load_definitions(path: Path = FILE) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["automations"]


def notification_block() -> str | None:
    """Save the Teams block from the settings; its id, or None when no URL is set."""
    url = get_settings().ops_teams_url
    if url is None:
        return None
    return str(MicrosoftTeamsWebhook(url=url.get_secret_value()).save(BLOCK, overwrite=True))


def _resolve(action: dict, deployment_ids: dict, block_id: str | None) -> dict | None:
    action = dict(action)
    if "deployment" in action:
        action.update(source="selected", deployment_id=deployment_ids[action.pop("deployment")])
    if action.pop("block", None) is not None:
        if block_id is None:
            return None
        action["block_document_id"] = block_id
    return action


def apply_automations(path: Path = FILE) -> list[str]:
    """Create or update the automations by name. Returns their names."""
    definitions = load_definitions(path)
    wanted = {a["deployment"] for d in definitions for a in d["actions"] if "deployment" in a}
    with get_client(sync_client=True) as client:
        deployment_ids = {name: client.read_deployment_by_name(name).id for name in wanted}
    block_id = notification_block()
    names = []
    for definition in definitions:
        actions = [a for a in (_resolve(a, deployment_ids, block_id) for a in definition["actions"]) if a]
        automation = Automation.model_validate({**definition, "actions": actions})
        try:
            existing = Automation.read(name=automation.name)
        except ValueError:
            existing = None
        if existing is None:
            automation.create()
        else:
            automation.id = existing.id
            automation.update()
        names.append(automation.name)
    return names


def main() -> None:
    names = apply_automations()
    print(f"{len(names)} automasjoner er oppdatert: {', '.join(names)}.")
    if get_settings().ops_teams_url is None:
        print(
            "PLIKTVAKT_OPS_TEAMS_URL er ikke satt: automasjonene kjører ops-alert, men serveren sender ikke "
            "eget Teams-varsel når ingen arbeider kjører."
        )


if __name__ == "__main__":
    main()
