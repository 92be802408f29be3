"""Rules: which awards the grants register gets, and what the reconciliation finds.

Vedlegg 1 pkt. 1: which awards are registered, the payloads the register is sent, the
reconciliation's differences, and the keys of what officers are told. Pure decisions: no
session, no I/O, no clock reads."""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Row

from pliktvakt import bokmal
from pliktvakt.grants.schemes import GrantScheme
from pliktvakt.grants.tables import GrantDecision
from pliktvakt.notify import Key
from pliktvakt.register import contract
from pliktvakt.register.contract import AwardPayload, SchemePayload
from pliktvakt.settlement.inputs import Municipality

OBLIGATION = "tilskudd-registration"
DUTY = OBLIGATION
RECONCILIATION = "tilskudd-reconciliation"  # the duty name of its alerts


def award_ref(decision_id: int) -> str:
    return f"grant-decision/{decision_id}"


def registrable(scheme: GrantScheme, decision: GrantDecision | Row) -> bool:
    """An award (not a rejection) under a scheme aimed at voluntary organisations."""
    return scheme.voluntary_orgs and decision.amount_awarded > 0 and decision.lapsed_at is None


@dataclass
class Plan:
    queued: int = 0  # new submissions (new or changed schemes and awards)
    unchanged: int = 0
    waiting: list[str] = field(default_factory=list)  # rounds held until the ministry has heard
    problems: list[str] = field(default_factory=list)


def scheme_payload(scheme: GrantScheme) -> SchemePayload:
    return SchemePayload(
        ekstern_id=scheme.id,
        navn=scheme.name,
        forvalter=contract.IMDI,
        ansvarlig_departement=contract.MINISTRY,
        regelverk=scheme.clause,
        formaal=_confirmed(scheme, "purpose"),
        malgruppe=_confirmed(scheme, "target_group"),
    )


def _confirmed(scheme: GrantScheme, fact: str) -> str | None:
    """A scheme fact's text, or None while it is a placeholder (or the scheme has no facts)."""
    value = getattr(scheme.facts, fact) if scheme.facts else None
    return None if value is None or value.placeholder else value.text


def award_payload(
    decision: GrantDecision, scheme: GrantScheme, municipality: Municipality | None
) -> AwardPayload:
    return AwardPayload(
        ekstern_id=award_ref(decision.id),
        ordning_ekstern_id=scheme.id,
        ordning=scheme.name,
        forvalter=f"{municipality.name} kommune" if municipality else contract.IMDI,
        forvalter_kommunenr=municipality.code if municipality else None,
        ansvarlig_departement=contract.MINISTRY,
        mottaker_orgnr=decision.orgnr,
        mottaker=decision.applicant,
        tildelt_belop=decision.amount_awarded,
        sokt_belop=decision.amount_applied,
        aar=decision.year,
        fylke=municipality.county_name if municipality else None,
    )


# --- the Excel backend's upload file ---------------------------------------------------------


def upload_file_name(now: datetime, content: bytes) -> str:
    """The upload file's name: when it was written, and the start of its checksum."""
    return f"tilskuddsregisteret-{now:%Y%m%d-%H%M}-{hashlib.sha256(content).hexdigest()[:8]}.xlsx"


def upload_key(sha256: str) -> Key:
    """The key of the message that tells the officer an upload file is ready."""
    return Key(DUTY, f"upload-{sha256[:16]}", "ready")


# --- the weekly reconciliation ------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    orgnr: str
    scheme: str
    registered: Decimal
    published: Decimal | None  # None: not in the public file at all
    refs: tuple[str, ...]

    @property
    def kind(self) -> str:
        return "mangler" if self.published is None else "endret"

    def row(self) -> dict[str, str]:
        """The table artifact's row, in bokmål."""
        return {
            "Avvik": "Mangler i registeret" if self.published is None else "Annet beløp i registeret",
            "Organisasjonsnummer": self.orgnr,
            "Tilskuddsordning": self.scheme,
            "Registrert av pliktvakt": bokmal.kroner(self.registered),
            "Publisert": "—" if self.published is None else bokmal.kroner(self.published),
            "Vedtak": ", ".join(self.refs),
        }


def allocation_key(orgnr: str, scheme: str) -> tuple[str, str]:
    """What the reconciliation compares an award by: orgnr without spaces, and the scheme's name
    with its spaces collapsed, casefolded."""
    return "".join(orgnr.split()), " ".join(scheme.split()).casefold()


def scheme_names(schemes: dict[str, GrantScheme]) -> dict[str, str]:
    """Each scheme's name by the name as the reconciliation compares it (``allocation_key``)."""
    return {" ".join(s.name.split()).casefold(): s.name for s in schemes.values()}


def differences_key(year: int, differences: list[Difference]) -> Key:
    """The key of the alert of ``year``'s differences: one alert for each set of differences."""
    digest = hashlib.sha256(json.dumps([d.row() for d in differences]).encode()).hexdigest()[:16]
    return Key(RECONCILIATION, f"{year}-{digest}", "differences")


def compare(
    registered: dict[tuple[str, str], tuple[Decimal, tuple[str, ...]]],
    published: dict[tuple[str, str], Decimal],
    scheme_names: dict[str, str],
) -> list[Difference]:
    """Each registered (orgnr, scheme) that is missing from the public file or has another sum."""
    differences = []
    for key, (total, refs) in sorted(registered.items()):
        shown = published.get(key)
        if shown is None or shown != total:
            name = scheme_names.get(key[1], key[1])
            differences.append(Difference(key[0], name, total, shown, refs))
    return differences
