"""Settings of the publications duty, until the lead folds them into ``Settings``.

Each field maps to ``PLIKTVAKT_<NAME upper-cased>`` (e.g. ``PLIKTVAKT_KUDOS_URL``).
"""

from pydantic import BaseModel, Field

from pliktvakt.publications.decisions import DEFAULT_KUDOS_REMINDER_DAYS
from pliktvakt.publications.gate import DEFAULT_LEAD_DAYS, NOTICE_DAYS
from pliktvakt.publications.kudos import DEFAULT_BASE_URL, DEFAULT_DOCUMENT_URL


class PublicationConfig(BaseModel):
    # Days before publish_on the notice is sent; never under the 14 of pkt. 6.1.
    publication_notice_lead_days: int = Field(default=DEFAULT_LEAD_DAYS, ge=NOTICE_DAYS)
    kudos_url: str = DEFAULT_BASE_URL
    kudos_document_url: str = DEFAULT_DOCUMENT_URL  # "{uuid}" is replaced
    kudos_actor_name: str = "Integrerings- og mangfoldsdirektoratet"
    kudos_timeout_seconds: float = Field(default=10.0, gt=0)
    kudos_attempts: int = Field(default=3, ge=1, le=10)
    kudos_reminder_days: int = Field(default=DEFAULT_KUDOS_REMINDER_DAYS, ge=1)
