"""The materialise flow through a real Prefect server: it leaves its artifacts."""

import json

from flows.materialise import materialise
from tests.artifacts import latest_artifact


def test_materialise_flow_leaves_status_artifacts(prefect_server, env):
    state = materialise(as_of="2026-11-28", return_state=True)
    assert state.is_completed(), state.message
    result = state.result()
    # Overdue on 28 Nov 2026: analysis and key figures for Sep, Oct, Nov periods (due 15 Sep,
    # 15 Oct, 13 Nov), the governance meeting documents due 4 Nov, and the year's grant control
    # sample due Thu 1 Oct (vedlegg 1 pkt. 8, a placeholder date): 8.
    assert result["overdue"] == 8 and result["created"] > 30
    table = latest_artifact("obligation-status")
    rows = json.loads(table.data)
    assert table.type == "table"
    october = [r for r in rows if r["Periode"] == "2026-11-01" and r["Plikt"].startswith("Månedlig analyse")]
    assert october == [
        {
            "Id": october[0]["Id"],
            "Plikt": "Månedlig analyse av bosettingsarbeidet",
            "Hjemmel": "pkt. 2.2",
            "Periode": "2026-11-01",
            "Frist": "2026-11-13 (frist ikke bekreftet)",
            "Dager igjen": -15,
            "Status": "over fristen",
            "Ansvarlig": "ingrid.berg@imdi.example",
        }
    ]
    summary = latest_artifact("obligation-summary")
    assert (
        summary.type == "markdown"
        and "## Pkt. 6.1" in summary.data
        and "`publication-prenotice`" in summary.data
    )
    assert "## Vedlegg pkt. 9" in summary.data and "## Sperrer" in summary.data
    # The go-live list, the same as `pliktvakt doctor`: the shipped config blocks.
    readiness = latest_artifact("readiness")
    items = json.loads(readiness.data)
    assert readiness.description.startswith("12 punkt(er) hindrer drift")
    assert {"Hindrer drift", "Hva", "Slik retter du det"} == set(items[0])
    assert any("PLIKTVAKT_EMAIL_URL" in item["Slik retter du det"] for item in items)
    again = materialise(as_of="2026-11-28")
    assert again["created"] == 0 and again["withdrawn"] == 0
