"""Issue 30, output hygiene: stored text with terminal control sequences (an OSC 52 clipboard
write, ESC[2J, a one-byte CSI) does nothing to the terminal in ``--json`` output or in a
report written to a terminal, and JSON still carries the text whole for programs."""

import json
import os
import pty
import re
import select
import subprocess
import sys

HOSTILE = "Rapport\x1b]52;c;aGVtbWVsaWc=\x07\x1b[2J\x9b31m\x85slutt\x7f"
CONTROLS = "\x1b\x07\x9b\x85\x7f"


def test_json_escapes_c1_and_del_so_the_text_is_whole_and_inert(wide_cli, tmp_path):
    (tmp_path / "p.csv").write_text(f'tittel;type;publiseres;eier\n"{HOSTILE}";rapport;2026-06-01;kunnskap\n')
    wide_cli("publication", "import", "p.csv")
    listing = wide_cli("publication", "list", "--json", "--as-of", "2026-01-05").stdout
    assert not any(ch in listing for ch in CONTROLS)
    # C0 as json escapes them; DEL and C1 (json leaves them raw with ensure_ascii=False) too.
    assert r"Rapport\u001b]52;c;aGVtbWVsaWc=\u0007\u001b[2J\u009b31m\u0085slutt\u007f" in listing
    assert [p["title"] for p in json.loads(listing)] == [HOSTILE]


def _on_a_terminal(args: list[str], cwd, env: dict) -> tuple[int, bytes]:
    """Run the real command with its standard output on a pseudo-terminal; what it wrote."""
    main, side = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", *args], stdout=side, stderr=subprocess.PIPE, cwd=cwd, env=env
    )
    os.close(side)
    written = b""
    while True:
        ready, _, _ = select.select([main], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the other side closed: the command is done
            break
        if not chunk:
            break
        written += chunk
    os.close(main)
    return process.wait(timeout=120), written


def test_a_report_written_to_a_terminal_loses_control_characters_and_keeps_the_text(wide_cli, env, tmp_path):
    created = wide_cli("trigger", "financial-management-change-notice", "--on", "2026-03-02", "--json").stdout
    occurrence = json.loads(created)["id"]
    wide_cli(
        "complete", str(occurrence), "--by", "a@imdi.example", "--evidence", HOSTILE, "--as-of", "2026-03-03"
    )
    run_env = {
        **os.environ,
        "PLIKTVAKT_DATABASE_URL": env.database_url,
        "PLIKTVAKT_CONFIG_DIR": str(env.config_dir),
    }
    args = ["report", "compliance", "--year", "2026", "--format", "md", "--as-of", "2026-06-01"]
    code, written = _on_a_terminal(args, tmp_path, run_env)
    assert code == 0
    text = written.decode("utf-8")
    assert "Rapport]52;c;aGVtbWVsaWc=[2J31mslutt" in text
    assert not re.search("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f]", text)  # a pty turns \n into \r\n
    # Not a terminal: the md is written as stored, byte for byte.
    piped = wide_cli(*args).stdout
    assert HOSTILE in piped
