"""The automations file applied to a real Prefect server: ops-alert and the server's own
Teams notification on every automation, with the workflow signature kept out of sight."""

from prefect.automations import Automation
from prefect.blocks.notifications import MicrosoftTeamsWebhook

from deployments import automations
from deployments.serve import build_deployments
from pliktvakt.settings import get_settings

SIGNATURE = "sig-hemmelig-123"
WORKFLOW = (
    "https://prod-01.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke"
    f"?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={SIGNATURE}"
)


def test_every_automation_runs_ops_alert_and_notifies_from_the_server(
    prefect_server, env, monkeypatch, capsys
):
    for deployment in build_deployments():
        if deployment.name == "ops-alert":
            deployment.apply()
    monkeypatch.setenv("PLIKTVAKT_OPS_TEAMS_URL", WORKFLOW)
    get_settings.cache_clear()
    automations.main()
    automations.main()  # a second time updates, not duplicates
    block = MicrosoftTeamsWebhook.load(automations.BLOCK)
    assert block.url.get_secret_value() == WORKFLOW
    names = [d["name"] for d in automations.load_definitions()]
    for name in names:
        applied = Automation.read(name=name)
        kinds = sorted(action.type for action in applied.actions)
        assert kinds == ["run-deployment", "send-notification"], (name, kinds)
        notify = next(a for a in applied.actions if a.type == "send-notification")
        assert str(notify.block_document_id) == str(block._block_document_id)
    output = capsys.readouterr().out
    assert "3 automasjoner er oppdatert" in output and SIGNATURE not in output


def test_without_a_teams_url_the_automations_still_run_ops_alert(prefect_server, env, monkeypatch, capsys):
    for deployment in build_deployments():
        if deployment.name == "ops-alert":
            deployment.apply()
    monkeypatch.delenv("PLIKTVAKT_OPS_TEAMS_URL", raising=False)
    get_settings.cache_clear()
    automations.main()
    assert "PLIKTVAKT_OPS_TEAMS_URL er ikke satt" in capsys.readouterr().out
    applied = Automation.read(name="pliktvakt: kjøring feilet eller krasjet")
    assert [action.type for action in applied.actions] == ["run-deployment"]
