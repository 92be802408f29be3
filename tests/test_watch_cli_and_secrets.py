"""`pliktvakt run deadline-watch` from the CLI alone, and no secret anywhere it could leak.

The first test runs the real entry point as a process of its own (one of the smoke tests of
it): what a process prints, its log handlers included, is where a secret would show."""

import asyncio
import json
import os
import subprocess
import sys
from datetime import date

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    FlowFilter,
    FlowFilterName,
    LogFilter,
    LogFilterFlowRunId,
)
from prefect.client.schemas.sorting import FlowRunSort
from prefect.settings import PREFECT_API_URL
from sqlalchemy import text

from pliktvakt import occurrences
from pliktvakt.catalogue import load_catalogue
from pliktvakt.db import make_engine, session_scope
from tests.servers import SmtpServer

PASSWORD = "S3cret-Passw0rd-xyz"
SIGNATURE = "SECRETsig0123456789abcdef"


def _cli(*args, env, expect=0):
    result = subprocess.run(
        [sys.executable, "-m", "cli.main", *args], capture_output=True, text=True, env=env, timeout=300
    )
    assert result.returncode == expect, result.stdout + result.stderr
    return result.stdout + result.stderr


async def _everything_prefect_kept() -> str:
    """Logs, artifacts, parameters and state messages of the latest deadline-watch run."""
    async with get_client() as client:
        runs = await client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=["deadline-watch"])),
            sort=FlowRunSort.START_TIME_DESC,
            limit=1,
        )
        ids = [run.id for run in runs]
        logs = await client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=ids)))
        artifacts = await client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=ids))
        )
    return "\n".join(
        [
            *(log.message for log in logs),
            *(json.dumps(a.data, default=str) for a in artifacts),
            *(json.dumps(r.parameters, default=str) + str(r.state.message) for r in runs),
        ]
    )


def test_cli_run_delivers_and_no_secret_leaks(prefect_server, env, teams_endpoint, tmp_path):
    smtp = SmtpServer(password=PASSWORD).start()
    teams_endpoint.status = 500
    try:
        run_env = {
            **os.environ,
            "PLIKTVAKT_EMAIL_URL": smtp.url,
            "PREFECT_API_URL": PREFECT_API_URL.value(),
            "PLIKTVAKT_TEAMS_STYRING": teams_endpoint.url(signature=SIGNATURE),
        }
        assert PASSWORD in run_env["PLIKTVAKT_EMAIL_URL"]  # the premise: a real secret is in play
        with session_scope(make_engine(env.database_url)) as session:
            occurrences.trigger(
                session, load_catalogue(env.config_dir), "oversight-matters-notice", date(2026, 3, 2), "rr-1"
            )
        # Teams answers 500, so the run ends Failed (exit 1) after mailing.
        output = _cli("run", "deadline-watch", "--as-of", "2026-03-09T09:00", env=run_env, expect=1)
        assert "Failed" in output
        assert [str(m["Subject"]).split(":")[0] for m in smtp.to("kari.nordmann@imdi.example")] == [
            "Frist i dag"
        ]
        output += _cli("outbox", "--json", "--all", env=run_env)
        output += _cli("status", "--json", "--as-of", "2026-03-09", env=run_env)
        output += _cli("audit", "verify", env=run_env)
    finally:
        smtp.stop()
    with make_engine(env.database_url).connect() as connection:
        stored = "\n".join(
            str(row)
            for table in ("audit_entry", "outbox_message", "occurrence", "obligation")
            for row in connection.execute(text(f"SELECT * FROM {table}"))
        )
    kept = asyncio.run(_everything_prefect_kept())
    for place, content in [("CLI", output), ("database", stored), ("Prefect logs/artifacts", kept)]:
        assert PASSWORD not in content, place
        assert SIGNATURE not in content, place
    # The places searched are the real ones: the run's own log lines and the mail in the database.
    assert "varseltrinn forfaller" in kept and "Frist i dag" in stored


def test_audit_verify_cli_catches_an_edited_row(env, pliktvakt_cli):
    with session_scope(make_engine(env.database_url)) as session:
        occurrences.trigger(
            session, load_catalogue(env.config_dir), "oversight-matters-notice", date(2026, 3, 2)
        )
    assert "hel" in pliktvakt_cli("audit", "verify").stdout
    with make_engine(env.database_url).begin() as connection:
        connection.execute(text("UPDATE audit_entry SET actor = 'noen andre' WHERE seq = 1"))
    output = pliktvakt_cli("audit", "verify", expect=1)
    assert "Rad 1" in output.stdout + output.stderr and "endret" in output.stdout + output.stderr
