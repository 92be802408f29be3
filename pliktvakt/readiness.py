"""The go-live check: what stands between this installation and production use.

``check`` reads the settings and the config files and returns one ``Finding`` per thing
left to do, each saying what is wrong, what to do (the setting, or the file and line) and
whether it blocks production use. `pliktvakt doctor` prints the list and exits 1 while
anything blocks; the materialise flow shows it as the ``readiness`` artifact.

Pure reading: nothing here writes, sends or asks a server.
"""

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from ipaddress import ip_address
from pathlib import Path
from urllib.parse import urlsplit

from pliktvakt.catalogue import Catalogue, load_catalogue
from pliktvakt.settings import Settings
from pliktvakt.texts_status import markdown_text

# RFC 2606 / RFC 6761: names that never reach anyone. The shipped officers use @imdi.example.
EXAMPLE_SUFFIXES = (".example", ".test", ".invalid", ".localhost")
EXAMPLE_DOMAINS = {"example.com", "example.net", "example.org"}
# A web secret shorter than this is guessable (32 hex characters = 128 bits).
MIN_SECRET_LENGTH = 32
PLACEHOLDER_LINE = re.compile(r"^[^#]*\bsource:\s*placeholder\b")


@dataclass(frozen=True)
class Finding:
    code: str  # stable: example-officers, email-channel, public-url, ...
    blocks: bool  # whether it blocks production use
    what: str  # bokmål: what is wrong
    fix: str  # bokmål: what to do, naming the setting or the file and line

    def as_row(self) -> dict:
        return asdict(self)


def check(settings: Settings) -> list[Finding]:
    """Everything left to do before go-live, the blocking items first."""
    config_dir = Path(settings.config_dir)
    findings: list[Finding] = []
    catalogue = _read(findings, config_dir / "officers.yaml", lambda: load_catalogue(config_dir))
    if catalogue is not None:
        findings += _officers(catalogue, config_dir / "officers.yaml", settings)
    findings += _channels(settings)
    findings += _public_url(settings.public_url)
    findings += _ministry(settings.ministry_recipients)
    findings += _settlement_source(settings, config_dir)
    findings += _register(settings)
    if catalogue is not None:
        findings += _catalogue_placeholders(catalogue, config_dir / "obligations.yaml")
    findings += _schemes(findings, config_dir / "grant_schemes.yaml")
    findings += _plan_placeholders(findings, settings, config_dir)
    findings += _settlement_placeholders(findings, config_dir / "settlement.yaml")
    findings += _go_live(settings)
    findings += _web_secret(settings)
    return sorted(findings, key=lambda f: not f.blocks)  # stable: the order above within each


def blocking(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.blocks]


def summary_line(findings: list[Finding]) -> str:
    blocks = len(blocking(findings))
    notes = len(findings) - blocks
    if not blocks:
        return f"Ingenting hindrer drift ({notes} merknad(er))." if notes else "Ingenting hindrer drift."
    return (
        f"{blocks} punkt(er) hindrer drift, {notes} merknad(er). Rett dem og kjør `pliktvakt doctor` igjen."
    )


def markdown(findings: list[Finding]) -> str:
    """The ``readiness`` artifact: one wrapping line per item under «Hindrer drift» and
    «Merknader», so a long fix is never cut off at the edge of a table (issue 28: 1,366 px)."""
    if not findings:
        return "Ingenting står igjen før drift.\n"
    lines = []
    blocks = blocking(findings)
    for title, group in (("Hindrer drift", blocks), ("Merknader", [f for f in findings if f not in blocks])):
        if group:
            lines += [f"## {title} ({len(group)})", ""]
            lines += [f"- **{markdown_text(f.what)}** – {markdown_text(f.fix)}" for f in group]
            lines.append("")
    return "\n".join(lines)


# --- the checks, one per item of the go-live list --------------------------------------


def _read(findings: list[Finding], path: Path, load: Callable):
    """``load()``, or None after adding a blocking finding that the file cannot be used."""
    try:
        return load()
    except Exception as exc:  # each loader's own error names the file, line and field in bokmål
        findings.append(Finding("config-file", True, f"{path} kan ikke brukes: {exc}", f"Rett {path}."))
        return None


def _officers(catalogue: Catalogue, path: Path, settings: Settings) -> list[Finding]:
    text = _lines(path)
    findings = []
    examples = [o for o in catalogue.officers.values() if _example_address(o.email)]
    if examples:
        findings.append(
            Finding(
                "example-officers",
                True,
                f"{len(examples)} av {len(catalogue.officers)} saksbehandlere er eksempelpersoner "
                f"({_names([o.id for o in examples])}); varsler til dem når ingen.",
                f"Bytt dem ut med IMDis egne saksbehandlere i {path}, "
                f"{_at_lines(text, [f'email: {o.email}' for o in examples])}.",
            )
        )
    if settings.email_url is None:
        silent = [o for o in catalogue.officers.values() if o.teams_url is None]
        if silent:
            findings.append(
                Finding(
                    "officers-without-channel",
                    True,
                    f"{len(silent)} saksbehandlere har ingen kanal som virker "
                    f"({_names([o.id for o in silent])}): "
                    "e-post er ikke satt opp, og de har ingen Teams-adresse.",
                    f"Sett PLIKTVAKT_EMAIL_URL, eller teams_url for dem i {path}, "
                    f"{_at_lines(text, [f'- id: {o.id}' for o in silent])}.",
                )
            )
    no_teams = [o for o in catalogue.officers.values() if o.teams_url is None]
    if no_teams:
        findings.append(
            Finding(
                "teams-channel",
                False,
                f"{len(no_teams)} saksbehandlere har ingen Teams-kanal ({_names([o.id for o in no_teams])}); "
                "de varsles bare på e-post.",
                f"Gi dem teams_url: ${{PLIKTVAKT_TEAMS_…}} i {path}, "
                f"{_at_lines(text, [f'- id: {o.id}' for o in no_teams])}, og sett variabelen.",
            )
        )
    return findings


def _channels(settings: Settings) -> list[Finding]:
    findings = []
    if settings.email_url is None or not settings.email_url.get_secret_value().strip():
        findings.append(
            Finding(
                "email-channel",
                True,
                "Ingen e-post er satt opp: varsler, meldinger til departementet og rapporter blir "
                "liggende i utboksen.",
                "Sett PLIKTVAKT_EMAIL_URL=mailtos://bruker:passord@smtp.vert:587?from=pliktvakt@imdi.no.",
            )
        )
    if settings.ops_teams_url is None:
        findings.append(
            Finding(
                "ops-teams-channel",
                False,
                "Prefect-serveren har ingen Teams-kanal til drift: når ingen arbeider kjører, "
                "får drift ikke vite at kjøringer feiler eller er forsinket.",
                "Sett PLIKTVAKT_OPS_TEAMS_URL (Power Automate-arbeidsflyt) og kjør "
                "`python -m deployments.automations`.",
            )
        )
    return findings


def _public_url(url: str) -> list[Finding]:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or _local_host(parts.hostname):
        shown = url.strip() or "(tom)"
        return [
            Finding(
                "public-url",
                True,
                f"Den offentlige adressen er {shown}: lenkene i varslene virker bare på denne maskinen.",
                "Sett PLIKTVAKT_PUBLIC_URL til adressen saksbehandlerne når pliktvakts skrivebord på, "
                "f.eks. https://pliktvakt.imdi.no.",
            )
        ]
    if parts.scheme != "https":
        return [
            Finding(
                "public-url",
                False,
                f"Den offentlige adressen {url.strip()} bruker http: "
                "lenkene bærer signerte nøkler i klartekst.",
                "Sett PLIKTVAKT_PUBLIC_URL til en https://-adresse.",
            )
        ]
    return []


def _ministry(recipients: list[str]) -> list[Finding]:
    if not recipients:
        return [
            Finding(
                "ministry-recipients",
                True,
                "Ingen mottakere i departementet er satt: varsler og rapporter til AID går ikke, "
                "og pliktene som krever dem blir stående åpne.",
                "Sett PLIKTVAKT_MINISTRY_RECIPIENTS til adressene i AID, skilt med komma.",
            )
        ]
    examples = [r for r in recipients if _example_address(r)]
    if examples:
        return [
            Finding(
                "ministry-recipients",
                True,
                f"Mottakerne i departementet er eksempeladresser ({_names(examples)}).",
                "Sett PLIKTVAKT_MINISTRY_RECIPIENTS til de virkelige adressene i AID.",
            )
        ]
    return []


def _settlement_source(settings: Settings, config_dir: Path) -> list[Finding]:
    if settings.settlement_source is not None and settings.settlement_source.get_secret_value().strip():
        return []
    return [
        Finding(
            "settlement-source",
            True,
            "Bosettingsanalysen bruker de syntetiske eksempeldataene "
            f"({config_dir / 'sample' / 'bosetting-syntetisk.csv'}), ikke IMDis tall.",
            "Sett PLIKTVAKT_SETTLEMENT_SOURCE til IMDis uttrekk (.csv/.xlsx eller https://-adresse), "
            f"og behovstallene under need: i {config_dir / 'settlement.yaml'}.",
        )
    ]


def _register(settings: Settings) -> list[Finding]:
    if settings.tilskudd_backend == "excel":
        return [
            Finding(
                "register-backend",
                False,
                "Tilskuddsregisteret fylles med opplastingsfiler: en saksbehandler laster dem opp på "
                "tilskudd.no og bekrefter (`pliktvakt grants-register confirm-upload`).",
                "Sett PLIKTVAKT_TILSKUDD_BACKEND=api og PLIKTVAKT_TILSKUDD_API_TOKEN når IMDi har "
                "tilgang til registerets API; ellers er dette slik det skal være.",
            )
        ]
    token = settings.tilskudd_api_token
    if token is None or not token.get_secret_value().strip():
        return [
            Finding(
                "register-backend",
                True,
                "Tilskuddsregisteret skal fylles gjennom API-et, men ingen nøkkel er satt.",
                "Sett PLIKTVAKT_TILSKUDD_API_TOKEN, eller PLIKTVAKT_TILSKUDD_BACKEND=excel.",
            )
        ]
    return []


def _catalogue_placeholders(catalogue: Catalogue, path: Path) -> list[Finding]:
    if not catalogue.placeholders:
        return []
    first = min(p.line for p in catalogue.placeholders)
    return [
        Finding(
            "placeholders",
            True,
            f"{path}: {len(catalogue.placeholders)} datoer eller frister er plassholdere (ikke bekreftet).",
            f"Bekreft eller rett hver av dem i {path} (første på linje {first}; "
            "`pliktvakt config check` lister alle med linje).",
        )
    ]


def _schemes(findings: list[Finding], path: Path) -> list[Finding]:
    from pliktvakt.grants.schemes import load_schemes

    schemes = _read(findings, path, lambda: load_schemes(path))
    if schemes is None:
        return []
    text, found = _lines(path), []
    facts = sum(len(s.placeholder_facts()) for s in schemes.values())
    if facts:
        found.append(
            Finding(
                "placeholders",
                True,
                f"{path}: {facts} fakta om ordningene er plassholdere; "
                "tilskuddsbrev som trenger dem blir avvist.",
                f"Fyll inn fakta fra regelverket i {path} (første på linje {_first_placeholder(text)}).",
            )
        )
    unknown = [s.id for s in schemes.values() if s.last_evaluated is None]
    if unknown:
        found.append(
            Finding(
                "last-evaluated",
                True,
                f"{len(unknown)} ordninger mangler året for siste evaluering ({_names(unknown)}); "
                "evalueringsplanen regner dem som forfalt.",
                f"Sett last_evaluated i {path}, "
                f"{_at_lines(text, [f'- id: {scheme}' for scheme in unknown], 'last_evaluated:')}.",
            )
        )
    return found


def _plan_placeholders(findings: list[Finding], settings: Settings, config_dir: Path) -> list[Finding]:
    from pliktvakt.evaluation.config import load_plan_settings, plan_file

    path = plan_file(config_dir, settings.evaluation_plan_file)
    plan = _read(findings, path, lambda: load_plan_settings(path))
    if plan is None:
        return []
    named = [name for name, part in plan if part.source == "placeholder"]
    if not named:
        return []
    return [
        Finding(
            "placeholders",
            True,
            f"{path}: {len(named)} innstillinger for evalueringsplanen er plassholdere ({_names(named)}).",
            f"Bekreft eller rett dem i {path} (første på linje {_first_placeholder(_lines(path))}).",
        )
    ]


def _settlement_placeholders(findings: list[Finding], path: Path) -> list[Finding]:
    from pliktvakt.settlement.inputs import load_settlement_config

    config = _read(findings, path, lambda: load_settlement_config(path))
    if config is None or config.large_deviation.source != "placeholder":
        return []
    return [
        Finding(
            "placeholders",
            True,
            f"{path}: 1 innstilling er plassholder (kriteriene for «store avvik», instruksen pkt. 2.2).",
            f"Bekreft kriteriene og sett source: imdi i {path} (linje {_first_placeholder(_lines(path))}).",
        )
    ]


def _go_live(settings: Settings) -> list[Finding]:
    if settings.go_live is not None:
        return []
    return [
        Finding(
            "go-live",
            False,
            "Startdagen er ikke satt: dagen for første `pliktvakt init` mot databasen blir startdagen, "
            "og frister før den varsles aldri.",
            "Sett PLIKTVAKT_GO_LIVE=ÅÅÅÅ-MM-DD, dagen pliktvakt tar over.",
        )
    ]


def _web_secret(settings: Settings) -> list[Finding]:
    secret = settings.web_secret.get_secret_value() if settings.web_secret is not None else ""
    if len(secret) >= MIN_SECRET_LENGTH:
        return []
    what = "er ikke satt" if not secret else f"er kortere enn {MIN_SECRET_LENGTH} tegn"
    return [
        Finding(
            "web-secret",
            True,
            f"Nøkkelen som signerer lenkene til skrivebordet {what}; skrivebordet svarer bare på localhost.",
            "Sett PLIKTVAKT_WEB_SECRET til en tilfeldig verdi, f.eks. fra "
            '`python -c "import secrets; print(secrets.token_hex(32))"`.',
        )
    ]


# --- helpers --------------------------------------------------------------------------


def _example_address(address: str) -> bool:
    domain = address.rsplit("@", 1)[-1].strip().lower().rstrip(".")
    return domain.endswith(EXAMPLE_SUFFIXES) or domain in EXAMPLE_DOMAINS


def _local_host(host: str) -> bool:
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return True
    try:
        address = ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def _first_placeholder(lines: list[str]) -> int | str:
    return next((n for n, line in enumerate(lines, 1) if PLACEHOLDER_LINE.search(line)), "?")


def _at_lines(lines: list[str], starts: list[str], then: str | None = None) -> str:
    """ "linje 4, 9 og 14": where each of ``starts`` is (stripped), or the first line after it
    that holds ``then``."""
    found = []
    for start in starts:
        at = next((n for n, line in enumerate(lines, 1) if line.strip() == start.strip()), None)
        if at is not None and then is not None:
            at = next((n for n, line in enumerate(lines[at:], at + 1) if then in line), at)
        if at is not None:
            found.append(at)
    if not found:
        return "se filen"
    shown = [str(n) for n in sorted(found)]
    return "linje " + (shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " og " + shown[-1])


def _names(items: list[str], most: int = 4) -> str:
    shown = ", ".join(items[:most])
    return shown + (f" og {len(items) - most} til" if len(items) > most else "")
