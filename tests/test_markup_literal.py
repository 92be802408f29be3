"""Issue 18: user text is printed as text, never as rich markup (the one escape point,
cli.common). Rich markup stored in every free-text field, then every listing
command run: each exits 0 and shows what was stored, as written."""

import shutil
from pathlib import Path

import pytest

from tests.grants.conftest import ORGNR_A, ORGNR_B
from tests.grants.conftest import PARTY_HEADER as HEADER

ROOT = Path(__file__).resolve().parent.parent
CLOSING, BOLD, LINK = "[/x]", "[bold]fet", "[link=https://evil.example]klikk[/link]"
ENKELTVEDTAK = "integreringsarbeid-frivillige-organisasjoner"


def _config(tmp_path: Path) -> Path:
    """The repository's config with markup in an obligation's title and clause heading, an
    officer's name and a scheme's name."""
    target = tmp_path / "config"
    shutil.copytree(ROOT / "config", target)
    replace = {
        "obligations.yaml": [
            (
                "title: AID informert straks om vesentlige avvik, med forslag til korrigerende tiltak",
                f"title: '{CLOSING} {LINK}'",
            ),
            ("heading: Rapportering", f"heading: '{BOLD}'"),
        ],
        "officers.yaml": [("name: Kari Nordmann (eksempel)", f"name: '{CLOSING} Kari'")],
        "grant_schemes.yaml": [
            (
                "name: Tilskudd til integreringsarbeid i regi av frivillige organisasjoner",
                f"name: '{CLOSING}'",
            )
        ],
    }
    for name, pairs in replace.items():
        path = target / name
        text = path.read_text(encoding="utf-8")
        for old, new in pairs:
            assert old in text, old
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
    return target


@pytest.fixture
def cli(env, pliktvakt_cli, tmp_path):
    extra = {"COLUMNS": "400", "PLIKTVAKT_CONFIG_DIR": str(_config(tmp_path))}

    def run(*args: str, expect: int = 0):
        return pliktvakt_cli(*args, expect=expect, extra_env=extra)

    return run


def test_markup_in_every_free_text_field_is_listed_as_written(cli, tmp_path):
    cli("init", "--as-of", "2026-01-05")
    (tmp_path / "p.csv").write_text(
        f"tittel;type;publiseres;eier;sammendrag\n{CLOSING};rapport;2026-06-01;kunnskap;{BOLD}\n",
        encoding="utf-8",
    )
    cli("publication", "import", "p.csv")
    cli(
        "publication",
        "add",
        "--title",
        f"{BOLD} {LINK}",
        "--kind",
        "fou",
        "--publish-on",
        "2026-07-01",
        "--owner",
        "kunnskap",
    )
    (tmp_path / "g.csv").write_text(
        f"{HEADER}\n"
        f"{ENKELTVEDTAK};2025;{CLOSING};{ORGNR_A};2000;1000;;{BOLD};ramme;FLI\n"
        f"{ENKELTVEDTAK};2025;{LINK};{ORGNR_B};2000;0;{CLOSING};;malgruppe;FLI\n",
        encoding="utf-8",
    )
    cli("grants", "import", "g.csv", "--round", CLOSING)
    cli("absence", "add", "styringsleder", "--from", "2026-01-05", "--to", "2026-01-09", "--reason", LINK)
    made = cli("trigger", "material-deviation-notice", "--on", "2026-01-05", "--ref", CLOSING)
    occurrence = made.stdout.split()[2]
    cli("complete", occurrence, "--by", "a@imdi.example", "--evidence", BOLD, "--as-of", "2026-01-05")

    listings = {
        ("obligations", "list"): [CLOSING, LINK],
        ("config", "check"): [],
        ("status", "--as-of", "2026-01-05"): [CLOSING, LINK],
        ("publication", "list", "--as-of", "2026-01-05"): [CLOSING, f"{BOLD} {LINK}"],
        ("publication", "check", "1", "--as-of", "2026-01-05"): [CLOSING],
        ("grants", "list", "--as-of", "2026-01-05"): [CLOSING],
        ("grants", "payments", CLOSING, "--as-of", "2026-01-05"): [CLOSING],
        ("absence", "list"): [LINK],
        ("outbox", "--all"): [],
        ("evaluation", "plan", "--as-of", "2026-01-05"): [],  # shows scheme ids, not names
    }
    for command, shown in listings.items():
        result = cli(*command, expect=1 if command[:2] == ("publication", "check") else 0)
        for text in shown:
            assert text in result.stdout, (command, text)
