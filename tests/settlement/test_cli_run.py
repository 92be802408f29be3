"""`pliktvakt run settlement-analysis --as-of T` from the command line alone (in this
process, tests/cli_runner.py), the real SMTP server on 127.0.0.1, and the Prefect server of
the test session."""

import subprocess

from prefect.settings import PREFECT_API_URL

from tests.cli_runner import invoke
from tests.settlement.conftest import RECIPIENTS
from tests.settlement.flowdata import ON_TRACK_FEB, scenario


def _cli(tmp_path, *args: str) -> subprocess.CompletedProcess:
    return invoke(list(args), tmp_path, {"PREFECT_API_URL": PREFECT_API_URL.value()})


def test_cli_run_sends_the_report_once(prefect_server, world, smtp, tmp_path):
    world.write(scenario(ON_TRACK_FEB))
    first = _cli(tmp_path, "run", "settlement-analysis", "--as-of", "2025-03-03")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Flyten settlement-analysis fullført" in first.stdout
    assert sorted(m["X-Envelope-To"] for m in smtp.messages) == sorted(RECIPIENTS)
    attachment = next(smtp.messages[0].iter_attachments())
    assert attachment.get_filename() == "bosetting-analyse-2025-02-2025-03-03.html"
    second = _cli(tmp_path, "run", "settlement-analysis", "--as-of", "2025-03-03T15:00")
    assert second.returncode == 0, second.stdout + second.stderr
    assert len(smtp.messages) == 2  # one email per recipient, however often it runs
    status = _cli(tmp_path, "status", "--as-of", "2025-03-03", "--json")
    assert '"period": "2025-03-01"' in status.stdout and "godtatt av SMTP-tjeneren 127.0.0.1" in status.stdout


def test_cli_run_on_a_malformed_file_names_the_line_without_traceback(prefect_server, world, tmp_path):
    world.write(scenario(ON_TRACK_FEB).replace("2025;2;0301;Oslo;bosatt;10;0", "2025;2;0301;Oslo;bosatt"))
    result = _cli(tmp_path, "run", "settlement-analysis", "--as-of", "2025-03-03")
    assert result.returncode == 1
    said = " ".join(result.stderr.split())  # rich wraps long lines
    # Line 1 is the header, 2-13 Oslo's 2024, 14-16 Oslo's January 2025: line 17 is February's
    # settled row, cut after the category, so antall is the first field missing.
    assert "endte Failed" in said
    assert "bosetting.csv, linje 17, felt «antall»: linjen har 5 felt, overskriften 7" in said
    assert "Traceback" not in result.stderr
