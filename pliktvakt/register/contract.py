"""Contract: the request contract with the grants register's write API, in one place.

The register (tilskudd.no, run by Lotteri- og stiftelsestilsynet; the instruction still calls
it Tilskudd.dfo.no) takes data by API from the largest grant administrators. Its interface
is not public, so this module is the contract pliktvakt keeps; a stand-in server in the tests
(tests/register_server.py) answers by it.

Requests (JSON, UTF-8)::

    POST {base}/api/v1/tilskuddsordninger     a scheme aimed at voluntary organisations
    POST {base}/api/v1/tilskudd               one award to one organisation
    Authorization: Bearer <PLIKTVAKT_TILSKUDD_API_TOKEN>
    Idempotency-Key: <key>                    see ``idempotency_key``

Answers:

- ``201`` (new) or ``200`` (already registered under this key, or an update of the same
  ``ekstern_id``), with ``{"id": "<the register's id>"}``: the receipt.
- ``429`` and ``5xx``: try again later, after ``Retry-After`` where it is given.
- Any other ``4xx``: refused, with ``{"feil": "<reason>"}``. Not retried: a person must look.

A request repeated with the same key gets the first answer again and changes nothing, so a
retry after a lost answer never registers the same thing twice. A scheme or award that
changes gets a new key (the key holds a digest of the body) and the same ``ekstern_id``,
so the register updates its entry.

The public side: ``GET {base}/api/download/allocation-to-volunteers?year=ÅÅÅÅ`` gives the
year's allocations to voluntary organisations as an xlsx file (see ``inputs``).
"""

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

SCHEMES_PATH = "api/v1/tilskuddsordninger"
AWARDS_PATH = "api/v1/tilskudd"
ALLOCATIONS_PATH = "api/download/allocation-to-volunteers"

IMDI = "Integrerings- og mangfoldsdirektoratet"
# The instruction is AID's; the schemes are on its budget chapters.
MINISTRY = "Arbeids- og inkluderingsdepartementet"


class SchemePayload(BaseModel):
    model_config = ConfigDict(frozen=True)

    ekstern_id: str  # the scheme id in config/grant_schemes.yaml
    navn: str
    forvalter: str
    ansvarlig_departement: str
    rettet_mot_frivillige: bool = True
    regelverk: str  # where the instruction names the scheme and its rules
    # The announcement facts of config/grant_schemes.yaml, only once IMDi has entered them: a
    # placeholder is never published. Filling one in changes the body, so the scheme is updated.
    formaal: str | None = None
    malgruppe: str | None = None


class AwardPayload(BaseModel):
    model_config = ConfigDict(frozen=True)

    ekstern_id: str  # grant-decision/<id> in pliktvakt
    ordning_ekstern_id: str
    ordning: str
    forvalter: str  # IMDi, or the municipality that decided under a delegated scheme
    forvalter_kommunenr: str | None = None
    ansvarlig_departement: str
    mottaker_orgnr: str
    mottaker: str
    tildelt_belop: Decimal
    sokt_belop: Decimal
    aar: int
    fylke: str | None = None  # the municipality's county; None for IMDi's national awards


def body(payload: BaseModel) -> str:
    """The request body: the same payload gives the same bytes, so the same digest."""
    return json.dumps(payload.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)


def idempotency_key(kind: str, ref: str, body_json: str) -> str:
    """One key per scheme or award and version: ``pliktvakt-tilskudd-grant-decision-17-<digest>``."""
    digest = hashlib.sha256(body_json.encode()).hexdigest()[:16]
    return f"pliktvakt-{kind}-{ref.replace('/', '-')}-{digest}"


def path_for(kind: str) -> str:
    return SCHEMES_PATH if kind == "ordning" else AWARDS_PATH


@dataclass(frozen=True)
class Answer:
    """What one request came to: a receipt, a refusal, or nothing yet (try again later)."""

    submission_id: int
    receipt: str | None = None
    refused: str | None = None
    error: str | None = None


def receipt_text(register_id: str, status: int) -> str:
    return f"tilskuddsregisteret id {register_id} (HTTP {status})"


def read_answer(submission_id: int, status: int, content: bytes, attempts: int) -> Answer:
    """What the register's answer means: a receipt only with the register's id."""
    if status in (200, 201):
        register_id = _json(content).get("id")
        if isinstance(register_id, (str, int)) and str(register_id).strip():
            return Answer(submission_id, receipt=receipt_text(str(register_id), status))
        return Answer(submission_id, error=f"HTTP {status} uten id i svaret: ikke en kvittering")
    if status == 429 or status >= 500:
        return Answer(submission_id, error=f"HTTP {status} etter {attempts} forsøk")
    reason = _json(content).get("feil") or content[:200].decode("utf-8", "replace")
    return Answer(submission_id, refused=f"HTTP {status}: {reason}")


def _json(content: bytes) -> dict:
    try:
        value = json.loads(content)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
