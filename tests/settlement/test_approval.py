"""Approval before anything leaves (instruction 2.2: "kvalitetssikret"), through a real Prefect
server, a real SMTP server and the real `pliktvakt settlement approve|reject` command.

The flow runs in a thread, as a worker would run it; the test reads the run id from the mail
the statistics officer gets, waits until the run is Paused, and answers from the command line.
"""

import json
import re
import threading
import time
from urllib.parse import parse_qs, urlsplit
from uuid import UUID

import pytest
from prefect import get_client
from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
from prefect.settings import PREFECT_API_URL

from flows.deadline_watch import deadline_watch
from flows.settlement_analysis import settlement_analysis
from pliktvakt.links import read_duty_token, secret_key
from pliktvakt.settings import get_settings
from pliktvakt.tables import AuditEntry, Occurrence, utcnow
from tests.settlement.conftest import RECIPIENTS, SETTLEMENT_YAML, db_rows
from tests.settlement.flowdata import ON_TRACK_FEB, scenario

STATISTIKK_OFFICER = "nils.johansen@imdi.example"  # role statistikk -> analytiker (officers.yaml)
APPROVER = "kari.nordmann@imdi.example"
MANAGER = "ingrid.berg@imdi.example"  # analytiker's manager: bosettingsleder


@pytest.fixture
def approving(world):
    """The hand-made world with approval required; the run looks for an answer every second."""
    config = world.source.parent / "config" / "settlement.yaml"
    config.write_text(
        SETTLEMENT_YAML.replace("require_approval: false", "require_approval: true")
        + "approval: {wait_hours: 0.05, poll_seconds: 1}\n",
        encoding="utf-8",
    )
    world.write(scenario(ON_TRACK_FEB))
    return world


class Run(threading.Thread):
    def __init__(self, as_of: str):
        super().__init__(daemon=True)
        self.as_of, self.state = as_of, None

    def run(self) -> None:
        self.state = settlement_analysis(as_of=self.as_of, return_state=True)


def _waiting_run(smtp) -> UUID:
    """The run id from the request mail, once the run is Paused."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        mails = smtp.to(STATISTIKK_OFFICER)
        if mails:
            body = mails[-1].get_body(("plain",)).get_content()
            run_id = UUID(re.search(r"kjøring ([0-9a-f-]{36})", body).group(1))
            with get_client(sync_client=True) as client:
                state = client.read_flow_run(run_id).state
            if state.is_paused():
                return run_id
        time.sleep(0.5)
    raise AssertionError("no run paused for approval within 90 s")


def _log(run_id: UUID) -> str:
    """The run's log as the Prefect API has it; logs are shipped in the background."""
    only_run = LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id]))
    deadline = time.monotonic() + 30
    while True:
        with get_client(sync_client=True) as client:
            text = "\n".join(log.message for log in client.read_logs(log_filter=only_run))
        if "ingen svarte" in text or time.monotonic() > deadline:
            return text
        time.sleep(1)


def _answer(pliktvakt_cli, *args: str, expect: int = 0):
    return pliktvakt_cli(
        "settlement", *args, expect=expect, extra_env={"PREFECT_API_URL": PREFECT_API_URL.value()}
    )


def test_run_waits_for_approval_then_mails_and_publishes(prefect_server, approving, smtp, pliktvakt_cli):
    run = Run("2025-03-03")
    run.start()
    run_id = _waiting_run(smtp)
    # Waiting: the statistics officer is told, with the link; nothing has left.
    [request] = smtp.to(STATISTIKK_OFFICER)
    assert request["Subject"] == "Bosetting: analysen for februar 2025 venter på godkjenning"
    body = request.get_body(("plain",)).get_content()
    # Monday 3 March 2025 plus two business days: Wednesday 5 March.
    assert "Frist: 05.03.2025 (frist ikke bekreftet)." in body
    assert [m for r in RECIPIENTS for m in smtp.to(r)] == [] and not approving.publish_dir.exists()
    [gate] = db_rows(Occurrence, obligation_id="settlement-analysis-approval")
    assert (gate.status, gate.due.isoformat(), gate.role) == ("open", "2025-03-05", "statistikk")
    assert gate.period.startswith("2025-03-01:")
    # The officer decides on the desk, through a link to the gate in their own name: no
    # Prefect address and no command in the mail.
    link = re.search(r"Åpne plikten i pliktvakt: (\S+)", body).group(1)
    grant = read_duty_token(secret_key(get_settings()), parse_qs(urlsplit(link).query)["t"][0], utcnow())
    assert (grant.email, grant.occurrence_id) == (STATISTIKK_OFFICER, gate.id)
    assert ":4200" not in body and "settlement approve" not in body and gate.period not in body

    # The form above the Resume button: the figures by county, the deviations, the draft.
    # Oslo has settled 20 of its 100 agreed; the other counties 0 (flowdata.py).
    with get_client(sync_client=True) as client:
        form = json.loads(client.read_flow_run_input(run_id, "paused-settlement-approval-description"))
    assert "| Hele landet | 200 | 20 | 10,0\u00a0% |" in form and "| Oslo | 100 | 20 | 20,0\u00a0% |" in form
    assert "[Rapporten](http://127.0.0.1:4200/artifacts/artifact/" in form and "- Ingen." in form

    _answer(pliktvakt_cli, "approve", str(run_id), "--by", APPROVER, "--comment", "Sjekket mot fylkene")
    run.join(60)
    assert run.state.is_completed(), run.state.message
    assert run.state.result()["completed"] == ["2025-03-01"]

    # The ministry got the report, which says who approved it, when, and the comment.
    mail = smtp.to(RECIPIENTS[0])[0]
    [attachment] = list(mail.iter_attachments())
    report = attachment.get_payload(decode=True).decode("utf-8")
    assert re.search(
        rf"<strong>Godkjent av {APPROVER} \d\d\.\d\d\.\d{{4}} kl\. \d\d:\d\d: «Sjekket mot fylkene»</strong>",
        report,
    )
    assert "Utkast" not in report
    [entry] = db_rows(AuditEntry, action="settlement.analysis_approved")
    assert (entry.actor, entry.subject) == (APPROVER, f"settlement-analysis-approval/{gate.period}")
    assert '"comment":"Sjekket mot fylkene"' in entry.details and str(run_id) in entry.details
    [gate] = db_rows(Occurrence, obligation_id="settlement-analysis-approval")
    assert gate.status == "done" and gate.completed_by == APPROVER
    # Key figures and trends are published after the approval.
    assert sorted(p.name for p in approving.publish_dir.iterdir()) == [
        "nokkeltall-bosetting-2025-02.csv",
        "nokkeltall-bosetting-2025-02.json",
        "trender-bosetting-2025-02.html",
        "trender-bosetting-2025-02.json",
    ]
    # The trends: Oslo settled 10 + 10 of the 200 agreed; 20 / 0.10 = 200 projected, 100 % of
    # the need of 200, so no deviation (flowdata.py).
    trends = json.loads(
        (approving.publish_dir / "trender-bosetting-2025-02.json").read_text(encoding="utf-8")
    )
    assert (trends["status"]["bosatt_hittil"], trends["status"]["vedtatt"]) == (20, 200)
    assert trends["bosatt_per_måned"] == {"2025-01": 10, "2025-02": 10}
    assert (trends["framskriving"]["ved_årets_slutt"], trends["store_avvik"]) == (200.0, [])
    page = (approving.publish_dir / "trender-bosetting-2025-02.html").read_text(encoding="utf-8")
    assert "trender og utviklingstrekk" in page and page.count("data:image/png;base64,") == 2
    # The next day nothing is due, so nobody is asked again.
    again = settlement_analysis(as_of="2025-03-04", return_state=True)
    assert again.is_completed() and len(smtp.to(STATISTIKK_OFFICER)) == 1


def test_rejection_fails_the_run_and_publishes_nothing(prefect_server, approving, smtp, pliktvakt_cli):
    run = Run("2025-03-03")
    run.start()
    run_id = _waiting_run(smtp)
    _answer(pliktvakt_cli, "reject", str(run_id), "--by", APPROVER, "--comment", "Vestland mangler tall")
    run.join(60)
    assert run.state.is_failed()
    assert f"Avvist av {APPROVER}" in run.state.message and "«Vestland mangler tall»" in run.state.message
    assert [m for r in RECIPIENTS for m in smtp.to(r)] == [] and not approving.publish_dir.exists()
    [entry] = db_rows(AuditEntry, action="settlement.analysis_rejected")
    assert entry.actor == APPROVER and '"comment":"Vestland mangler tall"' in entry.details
    # The duty is still to be done: the gate stays open, and the report and key figures too.
    [gate] = db_rows(Occurrence, obligation_id="settlement-analysis-approval")
    assert gate.status == "open"
    # The run no longer waits, so a second answer is refused, with the reason.
    late = _answer(pliktvakt_cli, "approve", str(run_id), "--by", APPROVER, expect=2)
    assert "venter ikke på godkjenning" in late.stderr


def test_nobody_answers_the_run_fails_and_the_watch_escalates(prefect_server, approving, smtp):
    config = approving.source.parent / "config" / "settlement.yaml"
    config.write_text(config.read_text().replace("wait_hours: 0.05", "wait_hours: 0.001"), encoding="utf-8")
    state = settlement_analysis(as_of="2025-03-03", return_state=True)  # 0.001 h = 3.6 s, rounded to 4 s
    # Prefect itself fails a run whose pause ran out (its own message on the state); the
    # bokmål reason is in the run's log.
    assert state.is_failed()
    assert "Analysen er ikke godkjent: ingen svarte innen 4 sekunder" in _log(state.state_details.flow_run_id)
    # The gate is due Wednesday 5 March; two business days over (Thursday 6, Friday 7), the
    # watch tells the statistics officer's manager, the settlement lead.
    watched = deadline_watch(as_of="2025-03-07T09:00:00", check_prefect=False, return_state=True)
    assert watched.is_completed(), watched.message
    # (Earlier months' occurrences, materialised from the go-live date, are overdue too.)
    title = "Analysen og nøkkeltallene om bosetting godkjent av en person før de sendes og publiseres"
    assert f"Eskalert: {title} er 2 dager over fristen (frist ikke bekreftet)" in smtp.subjects(MANAGER)
    assert f"Over fristen: {title} (2 dager) (frist ikke bekreftet)" in smtp.subjects(STATISTIKK_OFFICER)
    assert [m for r in RECIPIENTS for m in smtp.to(r)] == [] and not approving.publish_dir.exists()


def test_approve_refuses_what_is_not_a_waiting_run(prefect_server, pliktvakt_cli):
    bad = _answer(pliktvakt_cli, "approve", "not-a-run", "--by", APPROVER, expect=2)
    assert "er ikke en kjørings-id" in bad.stderr
    bad = _answer(pliktvakt_cli, "approve", str(UUID(int=7)), "--by", "kari", expect=2)
    assert "«kari» er ikke en e-postadresse" in bad.stderr
    missing = _answer(pliktvakt_cli, "approve", str(UUID(int=7)), "--by", APPROVER, expect=2)
    assert f"Fant ingen kjøring {UUID(int=7)}" in missing.stderr
