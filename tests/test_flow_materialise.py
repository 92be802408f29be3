"""The materialise flow through a real Prefect server: it leaves its artifacts."""

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
    status = latest_artifact("obligation-status")
    assert status.type == "markdown"
    # The November analysis, due Friday 13 Nov (a placeholder date), 15 days over on 28 Nov;
    # its line names the month and links to the duty desk's page of the occurrence.
    [november] = [
        line for line in status.data.splitlines() if "Månedlig analyse" in line and "november" in line
    ]
    number = november.split("]")[0].removeprefix("- [#")
    assert november == (
        f"- [#{number}](http://127.0.0.1:8400/plikt/{number}) **Månedlig analyse av bosettingsarbeidet** "
        "– november 2026 · frist 13.11.2026 (frist ikke bekreftet), 15 dager over · over fristen · "
        "ingrid.berg@imdi.example"
    )
    assert f"## Over fristen ({result['overdue']})" in status.data
    assert status.data.count("\n- [#") == result["open_listed"]
    summary = latest_artifact("obligation-summary")
    assert (
        summary.type == "markdown"
        and "## Pkt. 6.1" in summary.data
        and "`publication-prenotice`" in summary.data
    )
    # One line per duty, not a table of six columns that ran past the right edge. The line
    # counts the open ones: none for this event duty, as nothing is published.
    assert (
        "- **Departementet orientert minst 14 dager før publisering av FoU-rapport eller evaluering** "
        "(`publication-prenotice`) · hendelse · fra instruksen · Kommunikasjon og publisering · "
        "utføres av prepublication-notice · 0 åpne"
    ) in summary.data.splitlines()
    assert "## Vedlegg pkt. 9" in summary.data and "## Sperrer" in summary.data
    # The go-live list, the same as `pliktvakt doctor`: the shipped config blocks.
    readiness = latest_artifact("readiness")
    lines = readiness.data.splitlines()
    assert readiness.description.startswith("12 punkt(er) hindrer drift")
    assert lines[0] == "## Hindrer drift (12)" and "## Merknader (4)" in lines
    blocking = lines[2 : lines.index("## Merknader (4)")]
    assert len([line for line in blocking if line.startswith("- **")]) == 12
    assert any("PLIKTVAKT\\_EMAIL\\_URL" in line for line in blocking)  # escaped, shown as text
    again = materialise(as_of="2026-11-28")
    assert again["created"] == 0 and again["withdrawn"] == 0
