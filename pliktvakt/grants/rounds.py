"""An award round: how its decisions come in (file or form), how it is found, decided, and the
gate of instruks 6.1 before its grant letters.

Each function works in the caller's transaction and audits what it changes. The other
modules of a round's life: ``cases`` (one decision), ``round_letters``, ``responses``
(receipt, appeals, acceptance, lapse), ``status`` and ``notices`` (the ministry).
"""

import hashlib
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlmodel import Session, select

from pliktvakt import audit, notify, occurrences
from pliktvakt.catalogue import Catalogue
from pliktvakt.grants.awards import (
    HEADERS,
    AwardDecision,
    AwardImportError,
    decision_kind_for,
    parse_amount,
    read_award_file,
    validate_rows,
)

# SchemeConfigError is imported here for pliktvakt.cli, which shows it as a user error.
from pliktvakt.grants.schemes import GrantScheme, SchemeConfigError, load_schemes, needing_notice  # noqa: F401
from pliktvakt.grants.tables import GrantBudget, GrantDecision, GrantImportRejection, GrantRound
from pliktvakt.models import Occurrence
from pliktvakt.notify import Key

NOTICE_OBLIGATION = "grant-award-ministry-notice"
RECIPIENTS_OBLIGATION = "grant-recipients-ministry-info"
UNDERSPENDING_OBLIGATION = "underspending-ministry-consultation"
ROLE = "tilskudd"
DUTY = "grants"


class GrantsError(ValueError):
    """A request about grants that cannot be carried out; the message is in bokmål."""


def load_grant_schemes(config_dir: Path) -> dict[str, GrantScheme]:
    return load_schemes(Path(config_dir) / "grant_schemes.yaml")


def round_ref(grant_round: GrantRound) -> str:
    """The reference of the round's occurrences, so each is triggered once per round."""
    return f"grant-round:{grant_round.id}"


def notice_key(grant_round: GrantRound) -> Key:
    return Key(DUTY, f"round-{grant_round.id}", "ministry-notice")


def recipients_key(grant_round: GrantRound) -> Key:
    return Key(DUTY, f"round-{grant_round.id}", "recipients-info")


# --- import ---------------------------------------------------------------------------

def parse_budgets(items: list[str], schemes: dict[str, GrantScheme]) -> dict[str, Decimal]:
    """``["ordning=1 000 000", ...]`` -> amounts by scheme id."""
    budgets: dict[str, Decimal] = {}
    for item in items:
        scheme_id, sep, amount = item.partition("=")
        scheme_id = scheme_id.strip()
        if not sep:
            raise GrantsError(f"--budget «{item}»: skriv ORDNING=BELØP, f.eks. jobbsjansen=2000000")
        if scheme_id not in schemes:
            raise GrantsError(f"--budget «{item}»: ukjent ordning «{scheme_id}»; se config/grant_schemes.yaml")
        try:
            budgets[scheme_id] = parse_amount(amount.strip())
        except ValueError as exc:
            raise GrantsError(f"--budget «{item}»: {exc}") from None
    return budgets


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def import_round(session: Session, schemes: dict[str, GrantScheme], path: Path, name: str,
                 budgets: dict[str, Decimal], actor: str) -> GrantRound:
    """Create the round with every decision of the file, or nothing (AwardImportError)."""
    path = Path(path)
    _require_new_round(session, name)
    decisions = read_award_file(path, schemes)
    grant_round = GrantRound(name=name, imported_file=path.name, file_sha256=file_sha256(path))
    session.add(grant_round)
    session.flush()
    for scheme_id, amount in budgets.items():
        session.add(GrantBudget(round_id=grant_round.id, scheme_id=scheme_id, amount=amount))
    for decision in decisions:
        session.add(_decision_row(grant_round, decision, schemes))
    session.flush()
    audit.append(session, actor, "grant.round.imported", f"grant-round/{name}",
                 {"file": path.name, "sha256": grant_round.file_sha256, "decisions": len(decisions),
                  "budgets": {k: str(v) for k, v in budgets.items()}})
    return grant_round


def _require_new_round(session: Session, name: str) -> None:
    if not name.strip():
        raise GrantsError("Runden må ha et navn (--round).")
    if find_round(session, name) is not None:
        raise GrantsError(f"Runden «{name}» finnes allerede; bruk et nytt navn for en ny fil.")


def _decision_row(grant_round: GrantRound, decision: AwardDecision, schemes: dict[str, GrantScheme]) -> GrantDecision:
    return GrantDecision(
        round_id=grant_round.id, source_line=decision.line, scheme_id=decision.scheme_id, year=decision.year,
        applicant=decision.applicant, orgnr=decision.orgnr, applicant_kind=decision.applicant_kind.value,
        amount_applied=decision.amount_applied, amount_awarded=decision.amount_awarded,
        rejection_reason=decision.rejection_reason, computation=decision.computation,
        decision_kind=decision_kind_for(schemes[decision.scheme_id], decision).value,
    )


def record_rejection(session: Session, name: str, path: Path, error: AwardImportError, actor: str) -> int:
    """Keep a rejected file's problems with the rows they concern. Nothing of the file is imported."""
    path = Path(path)
    digest = file_sha256(path) if path.is_file() else ""
    for problem in error.errors:
        session.add(GrantImportRejection(round_name=name, file=path.name, file_sha256=digest, line=problem.line,
                                         field=problem.field, message=problem.message,
                                         raw=json.dumps(problem.raw, ensure_ascii=False)))
    audit.append(session, actor, "grant.import.rejected", f"grant-round/{name}",
                 {"file": path.name, "sha256": digest, "errors": [str(e) for e in error.errors]})
    return len(error.errors)


def add_decision(session: Session, schemes: dict[str, GrantScheme], name: str, values: dict[str, str],
                 actor: str) -> GrantDecision:
    """Record one decision typed in (CLI or Prefect form), validated like an import row.

    ``values`` is keyed by the file's headers (ordning, år, søker, ...). The round is
    created if new; a decided round takes no more decisions, since the ministry has been
    told of its awards (instruks 6.1)."""
    headers = list(HEADERS)
    cells = ["" if values.get(h) is None else str(values[h]) for h in headers]
    decision = validate_rows("skjema", [(1, headers), (2, cells)], schemes)[0]
    grant_round = _round_open_for_decisions(session, name)
    row = _decision_row(grant_round, decision.model_copy(update={"line": 0}), schemes)
    session.add(row)
    session.flush()
    audit.append(session, actor, "grant.decision.added", f"grant-decision/{row.id}",
                 {"round": name, "scheme": row.scheme_id, "orgnr": row.orgnr, "awarded": str(row.amount_awarded)})
    return row


def _round_open_for_decisions(session: Session, name: str) -> GrantRound:
    """The round, created if new; a decided round takes no more decisions."""
    grant_round = find_round(session, name)
    if grant_round is None:
        grant_round = GrantRound(name=name)
        session.add(grant_round)
        session.flush()
    elif grant_round.decided_on is not None:
        raise GrantsError(f"Runden «{name}» er vedtatt {grant_round.decided_on:%d.%m.%Y} og tar ikke imot flere vedtak.")
    return grant_round


# --- look-ups ---------------------------------------------------------------------------

def find_round(session: Session, name: str) -> GrantRound | None:
    return session.exec(select(GrantRound).where(GrantRound.name == name)).first()


def get_round(session: Session, name: str) -> GrantRound:
    found = find_round(session, name)
    if found is None:
        raise GrantsError(f"Fant ingen runde «{name}». Se `pliktvakt grants list`.")
    return found


def all_rounds(session: Session) -> list[GrantRound]:
    return list(session.exec(select(GrantRound).order_by(GrantRound.id)))


def decisions_of(session: Session, grant_round: GrantRound) -> list[GrantDecision]:
    query = select(GrantDecision).where(GrantDecision.round_id == grant_round.id).order_by(GrantDecision.id)
    return list(session.exec(query))


def budgets_of(session: Session, grant_round: GrantRound) -> dict[str, Decimal]:
    rows = session.exec(select(GrantBudget).where(GrantBudget.round_id == grant_round.id))
    return {row.scheme_id: Decimal(row.amount) for row in rows}


def occurrence_for(session: Session, obligation_id: str, ref: str) -> Occurrence | None:
    query = select(Occurrence).where(Occurrence.obligation_id == obligation_id, Occurrence.ref == ref)
    return session.exec(query).first()


# --- decision and the 6.1 gate ------------------------------------------------------------

def notice_schemes(session: Session, schemes: dict[str, GrantScheme], grant_round: GrantRound) -> list[GrantScheme]:
    """The round's schemes whose awards the ministry hears of before the letters (instruks 6.1)."""
    return needing_notice(schemes, {d.scheme_id for d in decisions_of(session, grant_round)})


def needs_notice(session: Session, schemes: dict[str, GrantScheme], grant_round: GrantRound) -> bool:
    return bool(notice_schemes(session, schemes, grant_round))


def decide_round(session: Session, catalogue: Catalogue, schemes: dict[str, GrantScheme], name: str, on: date,
                 actor: str) -> tuple[GrantRound, Occurrence | None]:
    """Mark the round decided; where a scheme needs it, trigger the ministry notice (instruks 6.1)."""
    grant_round = get_round(session, name)
    if grant_round.decided_on is not None:
        raise GrantsError(f"Runden «{name}» ble vedtatt {grant_round.decided_on:%d.%m.%Y}.")
    if not decisions_of(session, grant_round):
        raise GrantsError(f"Runden «{name}» har ingen vedtak.")
    grant_round.decided_on = on
    session.add(grant_round)
    audit.append(session, actor, "grant.round.decided", f"grant-round/{name}", {"on": on})
    occurrence = None
    if needs_notice(session, schemes, grant_round):
        occurrence, _ = occurrences.trigger(session, catalogue, NOTICE_OBLIGATION, on, round_ref(grant_round), actor)
    return grant_round, occurrence


def notice_receipts_held(session: Session, grant_round: GrantRound) -> bool:
    """Every ministry recipient's copy of the award notice has a delivery receipt."""
    return notify.delivered(session, prefix=notice_key(grant_round).prefix) is not None


def letters_gate(session: Session, schemes: dict[str, GrantScheme], grant_round: GrantRound) -> str | None:
    """Why the round's letters may not be made yet (bokmål), or None."""
    needing = notice_schemes(session, schemes, grant_round)
    if grant_round.letters_allowed(bool(needing), notice_receipts_held(session, grant_round)):
        return None
    if grant_round.decided_on is None:
        return (f"Runden «{grant_round.name}» er ikke vedtatt. Kjør `pliktvakt grants decide {grant_round.name}`; "
                "departementet orienteres så før tilskuddsbrevene sendes (instruks punkt 6.1).")
    return ("Tilskuddsbrev kan ikke sendes før departementet er orientert om tildelingene (instruks punkt 6.1). "
            f"Orienteringen er ikke registrert for: {', '.join(s.name for s in needing)}. "
            "Orienteringen sendes av flyten grant-award-notice; brevene kan lages når den er levert.")
