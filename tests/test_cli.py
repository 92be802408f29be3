"""The `pliktvakt` command, run as a user runs it: a real process on a real database."""

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cli(env, pliktvakt_cli):
    return pliktvakt_cli


def test_deadline_over_easter_2025(cli):
    # 31 Mar 2025 + 3 weeks = Mon 21 Apr 2025, Andre påskedag -> Tue 22 Apr (domstolloven § 149).
    result = cli("deadline", "--from", "2025-03-31", "--add", "3w")
    assert result.stdout.strip() == "2025-04-22"
    data = json.loads(cli("deadline", "--from", "2025-03-31", "--add", "3w", "--json").stdout)
    assert data["deadline"] == "2025-04-22" and "Andre påskedag" in data["rule"]


def test_negative_duration_rolls_backwards(cli):
    # "At least 14 days before" 1 May 2025: Thu 17 Apr is Skjærtorsdag -> back to Wed 16 Apr,
    # not forward to 22 Apr.
    result = cli("deadline", "--from", "2025-05-01", "--add=-14d")
    assert result.stdout.strip() == "2025-04-16"
    assert "14 dager før 2025-05-01" in result.stderr and "bakover" in result.stderr


def test_config_check_lists_each_placeholder_and_strict_fails(cli):
    from pliktvakt.catalogue import load_catalogue

    placeholders = load_catalogue(ROOT / "config").placeholders
    assert len(placeholders) > 20
    relaxed = cli("config", "check")
    strict = cli("config", "check", "--strict", expect=1)
    for placeholder in placeholders:
        assert (
            f"obligations.yaml, linje {placeholder.line}: {placeholder.obligation}: {placeholder.field}:"
            in strict.stdout
        )
    assert f"{len(placeholders)} datoer eller frister er plassholdere" in " ".join(relaxed.stdout.split())
    data = json.loads(cli("config", "check", "--json").stdout)
    assert len(data["placeholders"]) == len(placeholders) and data["unknown_flows"] == []


def test_bad_input_gets_a_clear_error_without_traceback(cli):
    assert "ÅÅÅÅ-MM-DD" in cli("deadline", "--from", "31.03.2025", "--add", "3w", expect=2).stderr
    assert "gyldig frist" in cli("deadline", "--from", "2025-03-31", "--add", "three", expect=2).stderr
    assert "Ukjent plikt" in cli("trigger", "nope", "--on", "2026-01-05", expect=2).stderr
    assert (
        "ÅÅÅÅ-MM-DDTTT:MM" in cli("trigger", "material-deviation-notice", "--on", "1. april", expect=2).stderr
    )
    assert (
        "sjekklistepunkt"
        in cli("trigger", "digital-attack-information-sharing", "--on", "2026-01-05", expect=2).stderr
    )
    assert "en sperre" in cli("trigger", "storting-contact-clearance", "--on", "2026-01-05", expect=2).stderr
    assert (
        "Fant ingen forekomst"
        in cli("complete", "999", "--by", "a@imdi.example", "--evidence", "x", expect=2).stderr
    )


def test_obligations_list_json_has_clauses(cli):
    items = json.loads(cli("obligations", "list", "--json").stdout)
    assert len(items) >= 20
    ids = {item["id"] for item in items}
    assert {"settlement-monthly-analysis", "publication-prenotice", "annual-report"} <= ids
    assert all(item["section"] and item["clause"] for item in items)
    by_id = {item["id"]: item for item in items}
    assert by_id["grant-recipients-ministry-info"]["reference"] == "vedlegg pkt. 2"
    assert (
        by_id["storting-contact-clearance"]["kind"] == "gate"
        and by_id["storting-contact-clearance"]["deadline"] is None
    )
    assert (
        by_id["half-year-report"]["deadline_confirmed"] is False
        and by_id["publication-prenotice"]["deadline_confirmed"]
    )
    shown = cli("obligations", "list").stdout
    assert "Plikter" in shown and "Sperrer" in shown and shown.index("Sperrer") > shown.index("Plikter")


def test_init_trigger_complete_status(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")  # the status table on one line per row, as on a wide terminal
    started = " ".join(cli("init", "--as-of", "2026-11-28").stdout.split())
    assert "59 plikter" in started and "i bruk fra 28.11.2026 (første init)" in started
    assert "datoer eller frister er plassholdere" in started
    # «Straks»: known Fri 27 Nov 2026 (no time given: the safe answer) -> the same day.
    created = json.loads(
        cli("trigger", "material-deviation-notice", "--on", "2026-11-27", "--ref", "sak-1", "--json").stdout
    )
    assert created["due"] == "2026-11-27" and created["created"]
    # Known Fri 27 Nov 2026 at 16:00, after 15:00 -> the next business day, Mon 30 Nov 2026.
    late = json.loads(
        cli(
            "trigger", "material-deviation-notice", "--on", "2026-11-27T16:00", "--ref", "sak-2", "--json"
        ).stdout
    )
    assert late["due"] == "2026-11-30"
    cli(
        "complete",
        str(created["id"]),
        "--by",
        "kari.nordmann@imdi.example",
        "--evidence",
        "Brev 26/99",
        "--as-of",
        "2026-11-27T14:00",
    )
    rows = json.loads(cli("status", "--json", "--as-of", "2026-11-30").stdout)
    done = next(row for row in rows if row["id"] == created["id"])
    assert (done["state"], done["completed_by"], done["late"]) == (
        "done",
        "kari.nordmann@imdi.example",
        False,
    )
    # The October analysis, anchored 1 Nov 2026, was due Fri 13 Nov (10 business days): before pliktvakt
    # went live on 28 Nov, so kept and shown as such, not as overdue.
    october = next(
        r for r in rows if r["obligation"] == "settlement-monthly-analysis" and r["period"] == "2026-11-01"
    )
    assert (october["due"], october["state"], october["state_no"], october["owner"]) == (
        "2026-11-13",
        "before-go-live",
        "før pliktvakt",
        "ingrid.berg@imdi.example",
    )
    # Its 10 business days are pliktvakt's own suggestion: marked wherever a person sees the date.
    assert october["due_shown"] == "2026-11-13 (frist ikke bekreftet)" and not october["deadline_confirmed"]
    # The deviation known after 15:00 on 27 Nov falls due today, after go-live: it is watched as usual.
    assert next(r for r in rows if r["id"] == late["id"])["state"] == "due"
    table = cli("status", "--as-of", "2026-11-30").stdout
    assert "før pliktvakt" in table and "ikke bekreftet" in table
    assert "Revisjonsloggen er hel" in cli("audit", "verify").stdout


def test_calendar_feed_parses_back(cli, tmp_path):
    cli("init", "--as-of", "2026-11-28")
    feed_path = tmp_path / "frister.ics"
    cli("calendar", "--owner", "ingrid.berg@imdi.example", "-o", str(feed_path), "--as-of", "2026-11-28")
    calendar = Calendar.from_ical(feed_path.read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert events and all("Månedlig analyse" in str(e["SUMMARY"]) for e in events)
    # The 10 business days are a placeholder: every event says so.
    assert all(str(e["SUMMARY"]).startswith("Frist (frist ikke bekreftet): ") for e in events)
    assert all("Frist ikke bekreftet: " in str(e["DESCRIPTION"]) for e in events)
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    december = next(e for e in events if str(e["UID"]).startswith("settlement-monthly-analysis--2026-12-01"))
    # Anchored 1 Dec 2026: 10 business days -> Tue 15 Dec. Reminders 3 and 1 business days before,
    # at 09:00: Thu 10 Dec and Mon 14 Dec.
    assert december.decoded("DTSTART") == date(2026, 12, 15)
    # The period as said, and the duty's page on the desk (unsigned: the feed is a shared file).
    description = str(december["DESCRIPTION"])
    assert "Periode: desember 2026" in description and "pliktvakt complete" not in description
    page = re.search(r"Åpne plikten i pliktvakt: (http://127\.0\.0\.1:8400/plikt/\d+)$", description).group(1)
    assert str(december["URL"]) == page
    triggers = sorted(alarm.decoded("TRIGGER") for alarm in december.walk("VALARM"))
    assert triggers == [-(timedelta(days=5) - timedelta(hours=9)), -(timedelta(days=1) - timedelta(hours=9))]
    # The same feed twice has the same UIDs.
    again = Calendar.from_ical(
        cli("calendar", "--owner", "ingrid.berg@imdi.example", "--as-of", "2026-11-28").stdout
    )
    assert [str(e["UID"]) for e in again.walk("VEVENT")] == uids


def test_absence_is_marked_and_checked(cli):
    cli("init", "--as-of", "2026-11-28")
    assert (
        "Ukjent saksbehandler"
        in cli("absence", "add", "nobody", "--from", "2026-03-09", "--to", "2026-03-13", expect=2).stderr
    )
    assert (
        "er før"
        in cli(
            "absence", "add", "styringsleder", "--from", "2026-03-13", "--to", "2026-03-09", expect=2
        ).stderr
    )
    assert (
        "okonomileder"
        in cli(
            "absence",
            "add",
            "styringsleder",
            "--from",
            "2026-03-09",
            "--to",
            "2026-03-13",
            "--reason",
            "ferie",
        ).stdout
    )
    rows = json.loads(cli("absence", "list", "--json").stdout)
    assert [(r["officer"], r["from"], r["to"]) for r in rows] == [
        ("styringsleder", "2026-03-09", "2026-03-13")
    ]
