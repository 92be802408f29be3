"""Store: how a round's decisions come in and are written.

A whole file, all or nothing, or one typed in (CLI or
Prefect form), validated alike. A rejected file's reasons are kept with its rows.
Each function works in the caller's transaction and audits what it changes."""

import hashlib
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert, text
from sqlmodel import Session, select

from pliktvakt import audit, bokmal
from pliktvakt.catalogue import Catalogue
from pliktvakt.db import check_texts
from pliktvakt.grants.inputs import (
    HEADERS,
    AwardDecision,
    AwardImportError,
    decision_kind_for,
    iter_decisions,
    parse_amount,
    read_award_table,
    validate_rows,
)
from pliktvakt.grants.schemes import GrantScheme
from pliktvakt.grants.store import GrantsError, find_round
from pliktvakt.grants.store_duties import registration_due
from pliktvakt.grants.tables import GrantBudget, GrantDecision, GrantImportRejection, GrantRound


def parse_budgets(items: list[str], schemes: dict[str, GrantScheme]) -> dict[str, Decimal]:
    """``["ordning=1 000 000", ...]`` -> amounts by scheme id."""
    budgets: dict[str, Decimal] = {}
    for item in items:
        scheme_id, sep, amount = item.partition("=")
        scheme_id = scheme_id.strip()
        if not sep:
            raise GrantsError(f"--budget «{item}»: skriv ORDNING=BELØP, f.eks. jobbsjansen=2000000")
        if scheme_id not in schemes:
            raise GrantsError(
                f"--budget «{item}»: ukjent ordning «{scheme_id}»; se config/grant_schemes.yaml"
            )
        try:
            budgets[scheme_id] = parse_amount(amount.strip())
        except ValueError as exc:
            raise GrantsError(f"--budget «{item}»: {exc}") from None
    return budgets


FLUSH_EVERY = 1000  # decisions written at a time in an import


def file_sha256(path: Path) -> str:
    with Path(path).open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def import_round(
    session: Session,
    schemes: dict[str, GrantScheme],
    path: Path,
    name: str,
    budgets: dict[str, Decimal],
    actor: str,
    catalogue: Catalogue | None = None,
    on: date | None = None,
    allow_duplicate: str | None = None,
) -> GrantRound:
    """Create the round with every decision of the file, or nothing (AwardImportError). With
    the ``catalogue``, the decisions' registration (vedlegg 1 pkt. 4) is due from ``on``.

    The same file, or a decision (scheme, orgnr, year) already in another round, is refused
    (``GrantsError``), naming the earlier round: imported twice, every award would be paid
    and registered twice. ``allow_duplicate`` is the reason to import it all the same; it is
    audited with the rounds it repeats."""
    path = Path(path)
    _require_new_round(session, name)
    table = read_award_table(path)
    digest = file_sha256(path)
    if allow_duplicate is not None and not allow_duplicate.strip():
        raise GrantsError("--allow-duplicate må ha en begrunnelse.")
    earlier_file = session.exec(select(GrantRound).where(GrantRound.file_sha256 == digest)).first()
    if earlier_file is not None and allow_duplicate is None:
        raise GrantsError(
            f"{path.name}: den samme filen er allerede lest inn som runden «{earlier_file.name}»; "
            "ingenting er lagt inn. Bruk --allow-duplicate «begrunnelse» hvis den skal leses inn igjen."
        )
    grant_round = GrantRound(name=name, imported_file=path.name, file_sha256=digest)
    session.add(grant_round)
    session.flush()
    for scheme_id, amount in budgets.items():
        session.add(GrantBudget(round_id=grant_round.id, scheme_id=scheme_id, amount=amount))
    # Streamed: decisions are written FLUSH_EVERY at a time and let go, so memory does not
    # grow with the file. As plain rows, one INSERT per batch: building an ORM object per
    # decision took half the time of an import (issue 31).
    count, batch = 0, []
    for decision in iter_decisions(table, schemes):
        count += 1
        batch.append(_decision_values(grant_round, decision, schemes))
        if len(batch) == FLUSH_EVERY:
            _insert_decisions(session, batch)
            batch = []
    _insert_decisions(session, batch)
    session.flush()
    repeated = _decisions_in_other_rounds(session, grant_round)
    if repeated and allow_duplicate is None:
        raise GrantsError(_repeated_message(path.name, repeated))
    details = {
        "file": path.name,
        "sha256": grant_round.file_sha256,
        "decisions": count,
        "budgets": {k: str(v) for k, v in budgets.items()},
    }
    if table.sheet_name is not None:  # the sheet read of a workbook, named (issue 30)
        details["sheet"] = table.sheet_name
    if allow_duplicate is not None:
        details["allow_duplicate"] = {
            "reason": allow_duplicate,
            "same_file_as": earlier_file.name if earlier_file is not None else None,
            "repeated_decisions": len(repeated),
            "rounds": sorted({earlier for _, earlier in repeated}),
        }
    audit.append(session, actor, "grant.round.imported", f"grant-round/{name}", details)
    if catalogue is not None and on is not None:
        registration_due(session, catalogue, grant_round, on, actor)
    return grant_round


def _decisions_in_other_rounds(session: Session, grant_round: GrantRound) -> list[tuple[int, str]]:
    """(line, earlier round) of each decision of the round whose scheme, orgnr and year are
    already decided in another round; one query, at most ``SHOWN_REPEATS`` + 1 rows."""
    from sqlalchemy.orm import aliased

    new, old = aliased(GrantDecision), aliased(GrantDecision)
    rows = session.exec(
        select(new.source_line, GrantRound.name)
        .join(
            old,
            (old.scheme_id == new.scheme_id)
            & (old.orgnr == new.orgnr)
            & (old.year == new.year)
            & (old.round_id != new.round_id),
        )
        .join(GrantRound, GrantRound.id == old.round_id)
        .where(new.round_id == grant_round.id)
        .order_by(new.source_line)
        .limit(SHOWN_REPEATS + 1)
    ).all()
    return [(line, name) for line, name in rows]


SHOWN_REPEATS = 5


def _repeated_message(file: str, repeated: list[tuple[int, str]]) -> str:
    shown = "; ".join(
        f"linje {line} finnes i runden «{earlier}»" for line, earlier in repeated[:SHOWN_REPEATS]
    )
    more = " og flere" if len(repeated) > SHOWN_REPEATS else ""
    return (
        f"{file}: vedtak med samme ordning, organisasjonsnummer og år er allerede lest inn ({shown}{more}); "
        "ingenting er lagt inn. Bruk --allow-duplicate «begrunnelse» hvis de skal leses inn igjen."
    )


ROUND_NAME_LENGTH = GrantRound.__table__.c.name.type.length


def _require_new_round(session: Session, name: str) -> None:
    if not name.strip():
        raise GrantsError("Runden må ha et navn (--round).")
    # Checked here, before the file is read, so a rejected file's reasons can be kept under it.
    if len(name) > ROUND_NAME_LENGTH:
        raise GrantsError(f"--round: navnet har {len(name)} tegn; høyst {ROUND_NAME_LENGTH}.")
    if not name.isprintable():
        raise GrantsError("--round: navnet har et kontrolltegn (for eksempel NUL); bruk vanlig tekst.")
    if find_round(session, name) is not None:
        raise GrantsError(f"Runden «{name}» finnes allerede; bruk et nytt navn for en ny fil.")


def _decision_row(
    grant_round: GrantRound, decision: AwardDecision, schemes: dict[str, GrantScheme]
) -> GrantDecision:
    return GrantDecision(**_decision_values(grant_round, decision, schemes))


def _decision_values(
    grant_round: GrantRound, decision: AwardDecision, schemes: dict[str, GrantScheme]
) -> dict:
    return {
        "round_id": grant_round.id,
        "source_line": decision.line,
        "scheme_id": decision.scheme_id,
        "year": decision.year,
        "applicant": decision.applicant,
        "orgnr": decision.orgnr,
        "applicant_kind": decision.applicant_kind.value,
        "organisation_form": decision.organisation_form,
        "amount_applied": decision.amount_applied,
        "amount_awarded": decision.amount_awarded,
        "rejection_reason": decision.rejection_reason,
        "computation": decision.computation,
        "ground": decision.ground,
        "decision_kind": decision_kind_for(schemes[decision.scheme_id], decision).value,
        "lapsed_at": None,
    }


def _insert_decisions(session: Session, batch: list[dict]) -> None:
    if not batch:
        return
    for row in batch:  # past the ORM, so past the flush's rule: the same rule here (issue 30)
        check_texts(GrantDecision.__table__, row)
    if session.get_bind().dialect.name == "postgresql":
        arrays = {column: [row[column] for row in batch] for column in _DECISION_TYPES}
        session.execute(_UNNEST_DECISIONS, arrays)
    else:
        session.execute(insert(GrantDecision.__table__), batch)


# PostgreSQL: a batch as one array per column, a statement of constant size; as 1,000 rows of
# VALUES psycopg parsed 15,000 placeholders per batch (issue 31). Types as in the table.
_DECISION_TYPES = {
    "round_id": "integer",
    "source_line": "integer",
    "scheme_id": "text",
    "year": "integer",
    "applicant": "text",
    "orgnr": "text",
    "applicant_kind": "text",
    "organisation_form": "text",
    "amount_applied": "numeric",
    "amount_awarded": "numeric",
    "rejection_reason": "text",
    "computation": "text",
    "ground": "text",
    "decision_kind": "text",
    "lapsed_at": "date",
}
_UNNEST_DECISIONS = text(
    f"INSERT INTO {GrantDecision.__tablename__} ({', '.join(_DECISION_TYPES)}) "
    f"SELECT * FROM unnest({', '.join(f'CAST(:{c} AS {t}[])' for c, t in _DECISION_TYPES.items())})"
)


def record_rejection(session: Session, name: str, path: Path, error: AwardImportError, actor: str) -> int:
    """Keep a rejected file's problems with the rows they concern. Nothing of the file is imported."""
    path = Path(path)
    digest = file_sha256(path) if path.is_file() else ""
    for problem in error.errors:
        session.add(
            GrantImportRejection(
                round_name=name,
                file=path.name,
                file_sha256=digest,
                line=problem.line,
                field=problem.field,
                message=problem.message,
                raw=json.dumps(problem.raw, ensure_ascii=False),
            )
        )
    audit.append(
        session,
        actor,
        "grant.import.rejected",
        f"grant-round/{name}",
        {"file": path.name, "sha256": digest, "errors": [str(e) for e in error.errors], "total": error.total},
    )
    return error.total


def add_decision(
    session: Session, schemes: dict[str, GrantScheme], name: str, values: dict[str, str], actor: str
) -> GrantDecision:
    """Record one decision typed in (CLI or Prefect form), validated like an import row.

    ``values`` is keyed by the file's headers (ordning, år, søker, ...). The round is
    created if new; a decided round takes no more decisions, since the ministry has been
    told of its awards (instruks 6.1)."""
    headers = list(HEADERS)
    cells = ["" if values.get(h) is None else str(values[h]) for h in headers]
    decision = validate_rows("skjema", [(1, headers), (2, cells)], schemes)[0]
    grant_round = _round_open_for_decisions(session, name)
    _require_no_decision_yet(session, grant_round, decision)
    row = _decision_row(grant_round, decision.model_copy(update={"line": 0}), schemes)
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor,
        "grant.decision.added",
        f"grant-decision/{row.id}",
        {"round": name, "scheme": row.scheme_id, "orgnr": row.orgnr, "awarded": str(row.amount_awarded)},
    )
    return row


def _require_no_decision_yet(session: Session, grant_round: GrantRound, decision: AwardDecision) -> None:
    """One decision per applicant and scheme in a round, as in an import file."""
    earlier = session.exec(
        select(GrantDecision).where(
            GrantDecision.round_id == grant_round.id,
            GrantDecision.scheme_id == decision.scheme_id,
            GrantDecision.orgnr == decision.orgnr,
        )
    ).first()
    if earlier is not None:
        raise GrantsError(
            f"Runden «{grant_round.name}» har allerede vedtak {earlier.id} for ordningen "
            f"«{decision.scheme_id}» og organisasjonsnummer {decision.orgnr}."
        )


def _round_open_for_decisions(session: Session, name: str) -> GrantRound:
    """The round, created if new; a decided round takes no more decisions."""
    grant_round = find_round(session, name)
    if grant_round is None:
        grant_round = GrantRound(name=name)
        session.add(grant_round)
        session.flush()
    elif grant_round.decided_on is not None:
        raise GrantsError(
            f"Runden «{name}» er vedtatt {bokmal.date_short(grant_round.decided_on)} "
            "og tar ikke imot flere vedtak."
        )
    return grant_round
