"""Prefect automations that alert operations staff through pliktvakt's own outbox.

They catch what a flow cannot report itself: a run that Failed or Crashed, a run that is
Late because nothing picked it up, and a work pool that is not ready. Each runs the
`ops-alert` deployment with the event, which queues an alert to the operations role.
"""

from prefect.automations import Automation, EventTrigger, RunDeployment
from prefect.client.orchestration import get_client

TAG_RESOURCE = {"prefect.resource.role": "tag", "prefect.resource.id": "prefect.tag.pliktvakt"}
TEMPLATED = {
    "event": {"__prefect_kind": "jinja", "template": "{{ event.event }}"},
    "resource": {"__prefect_kind": "jinja", "template": "{{ event.resource.name }}"},
    "event_id": {"__prefect_kind": "jinja", "template": "{{ event.id }}"},
}


def _definitions(ops_deployment_id) -> list[Automation]:
    action = RunDeployment(source="selected", deployment_id=ops_deployment_id, parameters=TEMPLATED)
    return [
        Automation(
            name="pliktvakt: kjøring feilet eller krasjet",
            description="Varsler driftsrollen når en pliktvakt-kjøring feiler eller krasjer.",
            trigger=EventTrigger(expect={"prefect.flow-run.Failed", "prefect.flow-run.Crashed"},
                                 match={"prefect.resource.id": "prefect.flow-run.*"},
                                 match_related=TAG_RESOURCE, posture="Reactive", threshold=1),
            actions=[action],
        ),
        Automation(
            name="pliktvakt: kjøring forsinket",
            description="Varsler driftsrollen når en planlagt pliktvakt-kjøring ikke starter.",
            trigger=EventTrigger(expect={"prefect.flow-run.Late"}, match={"prefect.resource.id": "prefect.flow-run.*"},
                                 match_related=TAG_RESOURCE, posture="Reactive", threshold=1),
            actions=[action],
        ),
        Automation(
            name="pliktvakt: arbeidsgruppe ikke klar",
            description="Varsler driftsrollen når arbeidsgruppen pliktvakt ikke er klar.",
            trigger=EventTrigger(expect={"prefect.work-pool.not-ready"},
                                 match={"prefect.resource.id": "prefect.work-pool.*",
                                        "prefect.resource.name": "pliktvakt"},
                                 posture="Reactive", threshold=1),
            actions=[action],
        ),
    ]


def apply_automations(ops_deployment_name: str = "ops-alert/ops-alert") -> list[str]:
    """Create or update the automations by name. Returns their names."""
    with get_client(sync_client=True) as client:
        ops_deployment = client.read_deployment_by_name(ops_deployment_name)
    names = []
    for automation in _definitions(ops_deployment.id):
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
