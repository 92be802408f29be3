"""All of pliktvakt's settings, in one place.

Every setting is read from the environment with the prefix ``PLIKTVAKT_`` or from a
``.env`` file in the working directory. Secrets are ``SecretStr`` so that they are
never printed by accident.
"""

import sys
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PLIKTVAKT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = "sqlite:///data/pliktvakt.db"
    config_dir: Path = Path("config")
    # No timezone setting: deadlines under Norwegian law run in Norwegian time (clock.OSLO).
    # How far ahead recurring occurrences are materialised, in months (issue: >= 13).
    horizon_months: int = Field(default=13, ge=13)
    # The Prefect UI, where operations staff look at runs and artifacts.
    ui_url: str = "http://127.0.0.1:4200"
    # --- The duty desk (issue 27): the officers' web app --------------------------------
    # The address officers reach the desk at; every link in an alert starts with it.
    # `make run` sets it from the port the desk actually serves on.
    public_url: str = "http://127.0.0.1:8400"
    web_port: int = Field(default=8400, ge=1, le=65535)
    # Signs the desk's links and sessions. The desk refuses to serve beyond localhost
    # without it; on localhost an unset secret falls back to links.DEV_SECRET's derivation.
    web_secret: SecretStr | None = None
    # --- Grant letters (issue 29): who the recipient contacts, and where an appeal is sent.
    # A letter run by `grants letters` is refused while one of them is unset.
    grant_contact: str | None = None  # e.g. "Kari Nordmann, tlf. 22 00 00 00, kari@imdi.no"
    grant_appeal_address: str | None = None  # postal: "IMDi, Postboks 1172 Sentrum, 0107 Oslo"
    grant_appeal_email: str | None = None  # e.g. "post@imdi.no"
    # apprise URL of the SMTP server and sender: mailto:// or mailtos://. May hold a password.
    email_url: SecretStr | None = None
    # Delivery attempts within one run before a message waits for the next run.
    delivery_retries: int = Field(default=2, ge=0)
    delivery_backoff_seconds: float = Field(default=2.0, ge=0)
    # Officers who chose a daily digest get it on the first watch run from this hour.
    digest_hour: int = Field(default=8, ge=0, le=23)
    # The role told when a deployment did not run, failed or crashed.
    ops_role: str = "drift"
    # Power Automate workflow URL the Prefect server itself notifies on Failed, Crashed and
    # Late runs (deployments/automations.yaml). It carries a signature: a secret.
    ops_teams_url: SecretStr | None = None
    ministry_recipients: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # The day pliktvakt took over the watch (ÅÅÅÅ-MM-DD). Occurrences due before it are shown
    # as "før pliktvakt" and never alerted. Unset: the day of the first `pliktvakt init`.
    go_live: date | None = None
    # The most rows one import (grants, publications, settlement) may have; a larger file is
    # refused before any row is validated, so memory stays bounded (issue 18).
    import_row_limit: int = Field(default=200_000, ge=1)

    # --- Settlement analysis (issue 6, instruction 2.2) ---------------------------------
    # A .csv/.xlsx file or an http(s):// JSON endpoint; unset means the shipped synthetic
    # sample, config_dir/sample/bosetting-syntetisk.csv. A secret: a URL may carry a password
    # or a token; errors show it through redact.redact_url.
    settlement_source: SecretStr | None = None
    # Where quality-checked key figures (CSV and JSON) are published.
    publish_dir: Path = Path("data/publisert")
    # Where each run keeps its HTML report.
    settlement_report_dir: Path = Path("data/reports")
    # The HTTP source: seconds per request, and extra attempts after the first.
    settlement_timeout: float = Field(default=30.0, gt=0)
    settlement_retries: int = Field(default=3, ge=0)
    # --- Publications: the 14-day notice (instruks pkt. 6.1) and Kudos (pkt. 4.3) ---------
    # Days before the planned date the notice goes; never under the 14 of pkt. 6.1.
    publication_notice_lead_days: int = Field(default=21, ge=14)
    kudos_url: str = "https://kudos.dfo.no/api/v0"
    kudos_document_url: str = "https://kudos.dfo.no/dokument/{uuid}"  # "{uuid}" is replaced
    kudos_actor_name: str = "Integrerings- og mangfoldsdirektoratet"
    kudos_timeout_seconds: float = Field(default=10.0, gt=0)
    kudos_attempts: int = Field(default=3, ge=1, le=10)
    kudos_backoff_seconds: float = Field(default=1.0, ge=0)
    # Days after publication before the owner is reminded that the evaluation is not in Kudos.
    kudos_reminder_days: int = Field(default=30, ge=1)

    # --- The rolling evaluation plan (issue 12, vedlegg 1 pkt. 9) ------------------------
    # The plan's settings; unset means config_dir/evaluation_plan.yaml.
    evaluation_plan_file: Path | None = None
    # Where each run writes the plan as Markdown and XLSX.
    evaluation_plan_dir: Path = Path("data/evaluering")

    # --- The national grants register (issue 11, vedlegg 1 pkt. 1) ----------------------
    # The instruction names Tilskudd.dfo.no; the register is now run by Lotteri- og
    # stiftelsestilsynet at tilskudd.no. The same base serves the write API (api backend)
    # and the public allocation file the weekly reconciliation reads.
    tilskudd_api_url: str = "https://tilskudd.no"
    tilskudd_api_token: SecretStr | None = None
    # "api": pliktvakt registers by the API; "excel": it writes the register's upload file
    # and an officer uploads it and confirms (`pliktvakt grants-register confirm-upload`).
    tilskudd_backend: Literal["api", "excel"] = "excel"
    tilskudd_concurrency: int = Field(default=8, ge=1, le=64)
    tilskudd_timeout_seconds: float = Field(default=10.0, gt=0)
    tilskudd_attempts: int = Field(default=4, ge=1, le=10)
    tilskudd_backoff_seconds: float = Field(default=1.0, ge=0)
    # Where the Excel backend writes upload files.
    tilskudd_upload_dir: Path = Path("data/tilskudd")

    @field_validator("tilskudd_api_token")
    @classmethod
    def _header_safe(cls, value: SecretStr | None) -> SecretStr | None:
        # It goes in an HTTP header: printable ASCII only. The message never shows it.
        secret = value.get_secret_value() if value is not None else ""
        if secret and not (secret.isascii() and secret.isprintable()):
            raise ValueError("nøkkelen kan bare ha synlige ASCII-tegn (den sendes i en HTTP-header)")
        return value

    @field_validator("ui_url", "public_url", "kudos_url", "kudos_document_url", "tilskudd_api_url")
    @classmethod
    def _no_secret_in_a_shown_address(cls, value: str) -> str:
        # Issue 30: these addresses are shown (in alerts, the outbox, errors, Prefect's states)
        # and are no secrets, so they may not carry one: no user:password@, no query string (a
        # token). The message never shows the value.
        if looks_like_secret_bearing(value):
            raise ValueError(
                "adressen kan ikke ha brukernavn/passord (bruker:passord@) eller en spørrestreng "
                "(?…); den vises i varsler og feilmeldinger. Tokenet til tilskuddsregisteret hører "
                "hjemme i PLIKTVAKT_TILSKUDD_API_TOKEN"
            )
        return value

    @field_validator("ministry_recipients", mode="before")
    @classmethod
    def _split_recipients(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value


def looks_like_secret_bearing(address: str) -> bool:
    """User info before the host, or a query string: where an address keeps a password or token."""
    rest = address.split("://", 1)[1] if "://" in address else address
    host_part = rest.split("/", 1)[0]
    return "@" in host_part or "?" in address


class SettingsError(ValueError):
    """Settings that cannot be read, in bokmål, naming the variable and never its value (a
    value may be a secret, and pydantic's own message would echo it)."""


@lru_cache
def get_settings() -> Settings:
    settings = _read()
    # The CLI's notice of a long write (cli.main.main) comes at the first read, so a
    # command that never reads the settings does not pay for reading them (issue 31).
    # Looked up, not imported: a flow never loads the CLI for it. ``__main__`` is the CLI
    # when it runs as ``python -m cli.main`` (the desk under `make run`).
    for module in ("cli.main", "__main__"):
        for hook in tuple(getattr(sys.modules.get(module), "ON_SETTINGS_READ", ())):
            hook(settings)
    return settings


def _read() -> Settings:
    from pydantic import ValidationError
    from pydantic_settings import SettingsError as SourceError

    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError(_problems(exc)) from None
    except SourceError as exc:
        name = str(exc).split('"')[1] if str(exc).count('"') >= 2 else ""
        shown = f"PLIKTVAKT_{name.upper()}" if name else "en PLIKTVAKT_-innstilling"
        raise SettingsError(f"{shown}: verdien kan ikke leses") from None
    except UnicodeDecodeError as exc:
        raise SettingsError(
            f".env: filen er ikke UTF-8 (ugyldig byte 0x{exc.object[exc.start]:02X}); lagre den som UTF-8"
        ) from None
    except OSError as exc:
        raise SettingsError(f".env: filen kan ikke leses ({exc.strerror})") from None


def _problems(exc) -> str:
    from pliktvakt import validation

    lines = []
    for error in exc.errors(include_input=False, include_url=False):
        name = f"PLIKTVAKT_{str(error['loc'][0]).upper()}" if error["loc"] else "innstillingene"
        # ``msg`` of an unknown kind is pydantic's English, which never holds the value itself.
        lines.append(f"{name}: {validation.reason(error)}")
    return "ugyldige innstillinger: " + "; ".join(lines)
