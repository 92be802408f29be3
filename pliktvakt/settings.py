"""All of pliktvakt's settings, in one place.

Every setting is read from the environment with the prefix ``PLIKTVAKT_`` or from a
``.env`` file in the working directory. Secrets are ``SecretStr`` so that they are
never printed by accident.
"""

from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from typing import Annotated

from pydantic import field_validator


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PLIKTVAKT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = "sqlite:///data/pliktvakt.db"
    config_dir: Path = Path("config")
    timezone: str = "Europe/Oslo"
    # How far ahead recurring occurrences are materialised, in months (issue: >= 13).
    horizon_months: int = Field(default=13, ge=13)
    # Where officers are sent to act: the Prefect UI.
    ui_url: str = "http://127.0.0.1:4200"
    # apprise URL of the SMTP server and sender: mailto:// or mailtos://. May hold a password.
    email_url: SecretStr | None = None
    # Delivery attempts within one run before a message waits for the next run.
    delivery_retries: int = Field(default=2, ge=0)
    delivery_backoff_seconds: float = Field(default=2.0, ge=0)
    ministry_recipients: Annotated[list[str], NoDecode] = Field(default_factory=list)

    @field_validator("ministry_recipients", mode="before")
    @classmethod
    def _split_recipients(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@lru_cache
def get_settings() -> Settings:
    return Settings()
