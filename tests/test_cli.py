"""The `pliktvakt` command, run as a user runs it: a real process on a real database."""

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cli(env, tmp_path):
    def run(*args: str, expect: int = 0) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, "-m", "pliktvakt.cli", *args], capture_output=True, text=True,
                                cwd=tmp_path, env={**os.environ}, timeout=120)
        assert result.returncode == expect, result.stdout + result.stderr
        assert "Traceback" not in result.stderr
        return result
    return run


def test_deadline_over_easter_2025(cli):
    # 31 Mar 2025 + 3 weeks = Mon 21 Apr 2025, Andre påskedag -> Tue 22 Apr (domstolloven § 149).
    result = cli("deadline", "--from", "2025-03-31", "--add", "3w")
    assert result.stdout.strip() == "2025-04-22"
    data = json.loads(cli("deadline", "--from", "2025-03-31", "--add", "3w", "--json").stdout)
    assert data["deadline"] == "2025-04-22" and "Andre påskedag" in data["rule"]


def test_bad_input_gets_a_clear_error_without_traceback(cli):
    assert "ÅÅÅÅ-MM-DD" in cli("deadline", "--from", "31.03.2025", "--add", "3w", expect=2).stderr
    assert "gyldig frist" in cli("deadline", "--from", "2025-03-31", "--add", "three", expect=2).stderr
    assert "Ukjent plikt" in cli("trigger", "nope", "--on", "2026-01-05", expect=2).stderr
    assert "Fant ingen forekomst" in cli("complete", "999", "--by", "a@imdi.example", "--evidence", "x", expect=2).stderr


def test_obligations_list_json_has_clauses(cli):
    items = json.loads(cli("obligations", "list", "--json").stdout)
    assert len(items) >= 20
    ids = {item["id"] for item in items}
    assert {"settlement-monthly-analysis", "publication-prenotice", "annual-report"} <= ids
    assert all(item["section"] and item["clause"] for item in items)


def test_init_trigger_complete_status(cli):
    assert "30 plikter" in cli("init", "--as-of", "2026-11-28").stdout
    created = json.loads(cli("trigger", "material-deviation-notice", "--on", "2026-11-27", "--ref", "sak-1", "--json").stdout)
    # Fri 27 Nov 2026 + 1 business day = Mon 30 Nov 2026.
    assert created["due"] == "2026-11-30" and created["created"]
    cli("complete", str(created["id"]), "--by", "kari.nordmann@imdi.example", "--evidence", "Brev 26/99",
        "--as-of", "2026-11-30")
    rows = json.loads(cli("status", "--json", "--as-of", "2026-11-30").stdout)
    done = next(row for row in rows if row["id"] == created["id"])
    assert (done["state"], done["completed_by"], done["late"]) == ("done", "kari.nordmann@imdi.example", False)
    # The October analysis, anchored 1 Nov 2026, was due Fri 13 Nov (10 business days): overdue on 30 Nov.
    october = next(r for r in rows if r["obligation"] == "settlement-monthly-analysis" and r["period"] == "2026-11-01")
    assert (october["due"], october["state"], october["owner"]) == ("2026-11-13", "overdue", "ingrid.berg@imdi.example")
    assert "Revisjonsloggen er hel" in cli("audit", "verify").stdout


def test_calendar_feed_parses_back(cli, tmp_path):
    cli("init", "--as-of", "2026-11-28")
    feed_path = tmp_path / "frister.ics"
    cli("calendar", "--owner", "ingrid.berg@imdi.example", "-o", str(feed_path), "--as-of", "2026-11-28")
    calendar = Calendar.from_ical(feed_path.read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert events and all("Månedlig analyse" in str(e["SUMMARY"]) for e in events)
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    december = next(e for e in events if str(e["UID"]).startswith("settlement-monthly-analysis--2026-12-01"))
    # Anchored 1 Dec 2026: 10 business days -> Tue 15 Dec. Reminders 3 and 1 business days before,
    # at 09:00: Thu 10 Dec and Mon 14 Dec.
    assert december.decoded("DTSTART") == date(2026, 12, 15)
    triggers = sorted(alarm.decoded("TRIGGER") for alarm in december.walk("VALARM"))
    assert triggers == [-(timedelta(days=5) - timedelta(hours=9)), -(timedelta(days=1) - timedelta(hours=9))]
    # The same feed twice has the same UIDs.
    again = Calendar.from_ical(cli("calendar", "--owner", "ingrid.berg@imdi.example", "--as-of", "2026-11-28").stdout)
    assert [str(e["UID"]) for e in again.walk("VEVENT")] == uids
