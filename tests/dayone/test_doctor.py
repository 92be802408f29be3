"""`pliktvakt doctor`, the go-live check: on the shipped config it blocks, with a config and
settings that fill every item it passes."""

import json
from pathlib import Path

import yaml

from pliktvakt import readiness
from pliktvakt.settings import Settings

ROOT = Path(__file__).resolve().parents[2]

# Everything the go-live list asks for, set as an operator would set it.
FILLED = {
    "PLIKTVAKT_EMAIL_URL": "mailtos://pliktvakt:hemmelig@smtp.imdi.no:587?from=pliktvakt@imdi.no",
    "PLIKTVAKT_OPS_TEAMS_URL": "workflows://prod.westeurope.logic.azure.com:443/drift/signatur",
    "PLIKTVAKT_PUBLIC_URL": "https://pliktvakt.imdi.no",
    "PLIKTVAKT_MINISTRY_RECIPIENTS": "postmottak@aid.dep.no",
    "PLIKTVAKT_SETTLEMENT_SOURCE": "https://data.imdi.no/bosetting.json",
    "PLIKTVAKT_TILSKUDD_BACKEND": "api",
    "PLIKTVAKT_TILSKUDD_API_TOKEN": "token-fra-lotteritilsynet",
    "PLIKTVAKT_GO_LIVE": "2027-01-04",
    "PLIKTVAKT_WEB_SECRET": "9f" * 32,
    "PLIKTVAKT_TEAMS_ALLE": "workflows://prod.westeurope.logic.azure.com:443/saksbehandler/signatur",
}


def test_shipped_config_blocks_and_names_what_to_do(pliktvakt_cli, tmp_path):
    result = pliktvakt_cli(
        "doctor", expect=1, extra_env={"PLIKTVAKT_CONFIG_DIR": str(ROOT / "config"), "COLUMNS": "250"}
    )
    text = result.stdout
    # The 12 officers of config/officers.yaml, all @imdi.example; the first email is on line 7.
    assert "12 av 12 saksbehandlere er eksempelpersoner" in text
    assert "config/officers.yaml, linje 7, 10," in text
    assert "PLIKTVAKT_EMAIL_URL" in text and "PLIKTVAKT_PUBLIC_URL" in text
    assert "Den offentlige adressen er http://127.0.0.1:8400" in text
    # Placeholders counted per file: 43 deadlines (what `config check` counts), 72 scheme facts
    # (12 schemes: 9 with 8 facts each, none for the 3 without grant letters), 4 plan settings
    # and the deviation criteria in settlement.yaml.
    assert "config/obligations.yaml: 43 datoer eller frister er plassholdere" in text
    assert "config/grant_schemes.yaml: 72 fakta om ordningene er plassholdere" in text
    assert "config/evaluation_plan.yaml: 4 innstillinger" in text
    assert "config/settlement.yaml: 1 innstilling er plassholder" in text
    assert "12 ordninger mangler året for siste evaluering" in text
    assert "PLIKTVAKT_MINISTRY_RECIPIENTS" in text and "PLIKTVAKT_SETTLEMENT_SOURCE" in text
    assert "PLIKTVAKT_WEB_SECRET" in text
    assert text.rstrip().endswith("Rett dem og kjør `pliktvakt doctor` igjen.")


def test_json_lists_each_finding_with_whether_it_blocks(pliktvakt_cli):
    result = pliktvakt_cli(
        "doctor", "--json", expect=1, extra_env={"PLIKTVAKT_CONFIG_DIR": str(ROOT / "config")}
    )
    codes = {(f["code"], f["blocks"]) for f in json.loads(result.stdout)}
    assert {("example-officers", True), ("email-channel", True), ("public-url", True)} <= codes
    # Informational only: the Excel backend is a supported way to fill the register.
    assert ("register-backend", False) in codes and ("go-live", False) in codes


def filled_config(target: Path) -> Path:
    """The shipped config with every item confirmed, as IMDi would leave it."""
    target.mkdir()
    for name in (
        "obligations.yaml",
        "officers.yaml",
        "grant_schemes.yaml",
        "evaluation_plan.yaml",
        "settlement.yaml",
    ):
        text = (ROOT / "config" / name).read_text(encoding="utf-8")
        if name == "obligations.yaml":  # each placeholder keeps its note, as a confirmed date must
            text = text.replace("source: placeholder", "source: tildelingsbrev")
        if name == "officers.yaml":
            text = text.replace("@imdi.example", "@imdi.no")
        data = yaml.safe_load(text)
        if name == "officers.yaml":
            for officer in data["officers"]:
                officer["teams_url"] = "${PLIKTVAKT_TEAMS_ALLE}"
        if name == "grant_schemes.yaml":
            for scheme in data["schemes"]:
                scheme["last_evaluated"] = 2022
                for fact in (scheme.get("facts") or {}).values():
                    fact.update(source="regelverk", reference="Regelverket pkt. 1", text="Bekreftet tekst")
                    if "due" in fact:
                        fact["due"] = "03-01"
        if name == "evaluation_plan.yaml":
            for part in data.values():
                part["source"] = "tildelingsbrev"
        if name == "settlement.yaml":
            data["large_deviation"]["source"] = "imdi"
        if name != "obligations.yaml":
            text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        (target / name).write_text(text, encoding="utf-8")
    return target


def test_a_config_that_fills_every_item_passes(pliktvakt_cli, tmp_path):
    config = filled_config(tmp_path / "config")
    result = pliktvakt_cli("doctor", expect=0, extra_env={**FILLED, "PLIKTVAKT_CONFIG_DIR": str(config)})
    assert result.stdout.strip() == "Ingenting hindrer drift."
    assert "hemmelig" not in result.stdout + result.stderr  # the SMTP password is never shown


def test_each_filled_item_taken_away_blocks_again(tmp_path, monkeypatch):
    """One unset item at a time: each is found, and blocks, on its own."""
    config = filled_config(tmp_path / "config")
    monkeypatch.setenv("PLIKTVAKT_TEAMS_ALLE", FILLED["PLIKTVAKT_TEAMS_ALLE"])
    base = {
        key.removeprefix("PLIKTVAKT_").lower(): value
        for key, value in FILLED.items()
        if key != "PLIKTVAKT_TEAMS_ALLE"
    }
    base["config_dir"] = config
    assert readiness.check(Settings(_env_file=None, **base)) == []
    cases = {
        "email_url": (None, "email-channel"),
        "public_url": ("http://localhost:8400", "public-url"),
        "ministry_recipients": ([], "ministry-recipients"),
        "settlement_source": (None, "settlement-source"),
        "tilskudd_api_token": (None, "register-backend"),
        "web_secret": ("kort", "web-secret"),
    }
    for field, (value, code) in cases.items():
        found = readiness.check(Settings(_env_file=None, **{**base, field: value}))
        assert [(f.code, f.blocks) for f in found if f.blocks] == [(code, True)], field


def test_a_config_file_that_cannot_be_read_is_a_blocking_item(tmp_path):
    config = filled_config(tmp_path / "config")
    (config / "grant_schemes.yaml").write_text("schemes: [\n", encoding="utf-8")
    found = readiness.check(Settings(_env_file=None, config_dir=config))
    [broken] = [f for f in found if f.code == "config-file"]
    assert broken.blocks and broken.what.startswith(f"{config / 'grant_schemes.yaml'} kan ikke brukes: ")
    assert "linje" in broken.what  # the loader's own words name the line
