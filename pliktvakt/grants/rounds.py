"""Award rounds in the database: import, decision, letters, receipt, appeals, acceptance.

Each function works in the caller's transaction and audits what it changes.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlmodel import Session, select

from pliktvakt import audit, notify, occurrences
from pliktvakt.catalogue import Catalogue
from pliktvakt.grants.awards import (
    HEADERS, ApplicantKind, AwardDecision, AwardImportError, decision_kind_for, parse_amount, read_award_file,
    validate_rows,
)
from pliktvakt.grants.deadlines import (
    Appeal, GrantCase, appeal_deadline, appeal_in_time, grant_lapsed, payable, recipients_list_blockers,
)
from pliktvakt.grants.letters import LetterIncomplete, build_letter_data, letters_blocked_reason, render_letter
from pliktvakt.grants.schemes import DecisionKind, GrantScheme, SchemeConfigError, load_schemes  # noqa: F401
from pliktvakt.grants.tables import (
    GrantAppeal, GrantBudget, GrantDecision, GrantImportRejection, GrantLetter, GrantRound,
)
from pliktvakt.models import Occurrence
from pliktvakt.notify import Key

NOTICE_OBLIGATION = "grant-award-ministry-notice"
RECIPIENTS_OBLIGATION = "grant-recipients-ministry-info"
UNDERSPENDING_OBLIGATION = "underspending-ministry-consultation"
ROLE = "tilskudd"


class GrantsError(ValueError):
    """A request about grants that cannot be carried out; the message is in bokmål."""


def load_grant_schemes(config_dir: Path) -> dict[str, GrantScheme]:
    return load_schemes(Path(config_dir) / "grant_schemes.yaml")


def round_ref(grant_round: GrantRound) -> str:
    """The reference of the round's occurrences, so each is triggered once per round."""
    return f"grant-round:{grant_round.id}"


DUTY = "grants"


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
    grant_round = find_round(session, name)
    if grant_round is None:
        grant_round = GrantRound(name=name)
        session.add(grant_round)
        session.flush()
    elif grant_round.decided_on is not None:
        raise GrantsError(f"Runden «{name}» er vedtatt {grant_round.decided_on:%d.%m.%Y} og tar ikke imot flere vedtak.")
    row = _decision_row(grant_round, decision.model_copy(update={"line": 0}), schemes)
    session.add(row)
    session.flush()
    audit.append(session, actor, "grant.decision.added", f"grant-decision/{row.id}",
                 {"round": name, "scheme": row.scheme_id, "orgnr": row.orgnr, "awarded": str(row.amount_awarded)})
    return row


# --- look-ups ---------------------------------------------------------------------------

def find_round(session: Session, name: str) -> GrantRound | None:
    return session.exec(select(GrantRound).where(GrantRound.name == name)).first()


def get_round(session: Session, name: str) -> GrantRound:
    found = find_round(session, name)
    if found is None:
        raise GrantsError(f"Fant ingen runde «{name}». Se `pliktvakt grants list`.")
    return found


def decisions_of(session: Session, grant_round: GrantRound) -> list[GrantDecision]:
    query = select(GrantDecision).where(GrantDecision.round_id == grant_round.id).order_by(GrantDecision.id)
    return list(session.exec(query))


def budgets_of(session: Session, grant_round: GrantRound) -> dict[str, Decimal]:
    rows = session.exec(select(GrantBudget).where(GrantBudget.round_id == grant_round.id))
    return {row.scheme_id: Decimal(row.amount) for row in rows}


def letter_of(session: Session, decision_id: int) -> GrantLetter | None:
    return session.exec(select(GrantLetter).where(GrantLetter.decision_id == decision_id)).first()


def appeals_of(session: Session, decision_id: int) -> list[GrantAppeal]:
    query = select(GrantAppeal).where(GrantAppeal.decision_id == decision_id).order_by(GrantAppeal.id)
    return list(session.exec(query))


def get_decision(session: Session, decision_id: int) -> GrantDecision:
    found = session.get(GrantDecision, decision_id)
    if found is None:
        raise GrantsError(f"Fant ikke vedtak {decision_id}. Se `pliktvakt grants list --json`.")
    return found


def as_award(row: GrantDecision) -> AwardDecision:
    """The stored decision as the domain model (already validated on the way in)."""
    return AwardDecision.model_construct(
        line=row.source_line, scheme_id=row.scheme_id, year=row.year, applicant=row.applicant, orgnr=row.orgnr,
        amount_applied=Decimal(row.amount_applied), amount_awarded=Decimal(row.amount_awarded),
        rejection_reason=row.rejection_reason, computation=row.computation,
        applicant_kind=ApplicantKind(row.applicant_kind),
    )


def occurrence_for(session: Session, obligation_id: str, ref: str) -> Occurrence | None:
    query = select(Occurrence).where(Occurrence.obligation_id == obligation_id, Occurrence.ref == ref)
    return session.exec(query).first()


# --- decision and the 6.1 gate ------------------------------------------------------------

def needs_notice(session: Session, schemes: dict[str, GrantScheme], grant_round: GrantRound) -> bool:
    return any(schemes[d.scheme_id].needs_ministry_award_notice for d in decisions_of(session, grant_round))


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


def notice_recorded(session: Session, grant_round: GrantRound) -> bool:
    return grant_round.ministry_notice_sent_at is not None and notify.delivered(
        session, prefix=notice_key(grant_round).prefix) is not None


def letters_gate(session: Session, schemes: dict[str, GrantScheme], grant_round: GrantRound) -> str | None:
    """Why the round's letters may not be made yet, or None."""
    if grant_round.decided_on is None:
        return (f"Runden «{grant_round.name}» er ikke vedtatt. Kjør `pliktvakt grants decide {grant_round.name}`; "
                "departementet orienteres så før tilskuddsbrevene sendes (instruks punkt 6.1).")
    awards = [as_award(d) for d in decisions_of(session, grant_round)]
    reason = letters_blocked_reason(awards, schemes, notice_recorded(session, grant_round))
    if reason:
        reason += " Orienteringen sendes av flyten grant-award-notice; brevene kan lages når den er levert."
    return reason


# --- letters ------------------------------------------------------------------------------

@dataclass
class LettersResult:
    written: list[Path] = field(default_factory=list)
    refused: list[LetterIncomplete] = field(default_factory=list)
    without_letter: list[int] = field(default_factory=list)  # schemes with no grant letters


def make_letters(session: Session, schemes: dict[str, GrantScheme], name: str, out_dir: Path, letter_date: date,
                 actor: str) -> LettersResult:
    """Render every letter of the round (HTML and JSON) into ``out_dir``; refuses if the gate is
    closed (GrantsError), and refuses each letter missing an item of vedlegg 1 pkt. 3."""
    grant_round = get_round(session, name)
    reason = letters_gate(session, schemes, grant_round)
    if reason:
        raise GrantsError(reason)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    result = LettersResult()
    for row in decisions_of(session, grant_round):
        scheme = schemes[row.scheme_id]
        if not scheme.grant_letters:
            result.without_letter.append(row.id)
            continue
        letter = letter_of(session, row.id)
        reference = letter.reference if letter else f"{name}-{row.id}"
        dated = letter.letter_date if letter else letter_date
        data = build_letter_data(name, reference, scheme, as_award(row), dated,
                                 presumed_received=letter.received_on if letter else None)
        try:
            rendered = render_letter(data)
        except LetterIncomplete as exc:
            result.refused.append(exc)
            continue
        for suffix, text in ((".html", rendered.html), (".json", rendered.json)):
            path = out_dir / f"{rendered.file_stem}{suffix}"
            path.write_text(text, encoding="utf-8")
            result.written.append(path)
        letter = letter or GrantLetter(decision_id=row.id, reference=reference, letter_date=dated, data="")
        letter.data = rendered.json
        letter.acceptance_due = data.acceptance.deadline if data.acceptance else None
        letter.appeal_due = data.appeal.deadline if data.appeal else None
        session.add(letter)
    audit.append(session, actor, "grant.letters.rendered", f"grant-round/{name}",
                 {"letters": len(result.written) // 2, "refused": [str(e) for e in result.refused],
                  "dir": str(out_dir)})
    return result


def _letter_for(session: Session, decision: GrantDecision) -> GrantLetter:
    letter = letter_of(session, decision.id)
    if letter is None:
        raise GrantsError(f"Vedtak {decision.id} har ikke fått tilskuddsbrev ennå (`pliktvakt grants letters`).")
    return letter


def letter_received(session: Session, decision_id: int, on: date, actor: str) -> GrantLetter:
    """The day the letter reached the recipient; the appeal period runs from it (fvl. § 29)."""
    decision = get_decision(session, decision_id)
    letter = _letter_for(session, decision)
    if on < letter.letter_date:
        raise GrantsError(f"--on {on.isoformat()} er før brevdatoen {letter.letter_date.isoformat()}.")
    letter.received_on = on
    if decision.decision_kind == DecisionKind.ENKELTVEDTAK:
        letter.appeal_due = appeal_deadline(on).due
    session.add(letter)
    audit.append(session, actor, "grant.letter.received", f"grant-decision/{decision_id}",
                 {"on": on, "appeal_due": letter.appeal_due})
    return letter


def record_appeal(session: Session, decision_id: int, received: date, actor: str) -> GrantAppeal:
    decision = get_decision(session, decision_id)
    if decision.decision_kind != DecisionKind.ENKELTVEDTAK:
        raise GrantsError(f"Vedtak {decision_id} er ikke et enkeltvedtak og kan ikke påklages "
                          "(vedlegg 1 pkt. 2); mottakeren aksepterer eller lar tilskuddet falle bort.")
    letter = _letter_for(session, decision)
    if letter.received_on is None:
        raise GrantsError(f"Registrer først når brevet kom fram: `pliktvakt grants letter-received {decision_id} --on DATO`.")
    appeal = GrantAppeal(decision_id=decision_id, submitted_on=received,
                         in_time=appeal_in_time(letter.received_on, received))
    session.add(appeal)
    session.flush()
    audit.append(session, actor, "grant.appeal.received", f"grant-decision/{decision_id}",
                 {"appeal": appeal.id, "received": received, "in_time": appeal.in_time, "due": letter.appeal_due})
    return appeal


def close_appeal(session: Session, decision_id: int, on: date, outcome: str, actor: str) -> GrantAppeal:
    open_appeals = [a for a in appeals_of(session, decision_id) if a.closed_on is None]
    if not open_appeals:
        raise GrantsError(f"Vedtak {decision_id} har ingen åpen klage.")
    if not outcome.strip():
        raise GrantsError("Oppgi utfallet av klagen (--outcome).")
    appeal = open_appeals[0]
    appeal.closed_on, appeal.outcome = on, outcome.strip()
    session.add(appeal)
    audit.append(session, actor, "grant.appeal.closed", f"grant-decision/{decision_id}",
                 {"appeal": appeal.id, "on": on, "outcome": appeal.outcome})
    return appeal


def accept(session: Session, decision_id: int, on: date, actor: str) -> GrantLetter:
    """Record the acceptance letter. One received after the deadline is recorded, but the
    grant has lapsed all the same (vedlegg 1 pkt. 5)."""
    decision = get_decision(session, decision_id)
    if decision.decision_kind != DecisionKind.AKSEPT or Decimal(decision.amount_awarded) == 0:
        raise GrantsError(f"Vedtak {decision_id} trenger ingen aksept (enkeltvedtak eller avslag).")
    letter = _letter_for(session, decision)
    letter.accepted_on = on
    session.add(letter)
    audit.append(session, actor, "grant.accepted", f"grant-decision/{decision_id}",
                 {"on": on, "due": letter.acceptance_due, "in_time": on <= (letter.acceptance_due or on)})
    return letter


# --- deadlines, payments, state -----------------------------------------------------------

def case_of(session: Session, row: GrantDecision) -> GrantCase:
    letter = letter_of(session, row.id)
    appeals = tuple(Appeal(a.submitted_on, a.closed_on) for a in appeals_of(session, row.id))
    return GrantCase(key=str(row.id), applicant=row.applicant, decision_kind=DecisionKind(row.decision_kind),
                     amount_awarded=Decimal(row.amount_awarded),
                     letter_received=letter.received_on if letter else None,
                     acceptance_due=letter.acceptance_due if letter else None,
                     accepted_on=letter.accepted_on if letter else None, appeals=appeals)


def lapse_due(session: Session, grant_round: GrantRound, as_of: date, actor: str) -> list[GrantDecision]:
    """Mark lapsed every aksept grant whose deadline passed without acceptance (vedlegg 1 pkt. 5)."""
    lapsed = []
    for row in decisions_of(session, grant_round):
        if row.lapsed_at is None and grant_lapsed(case_of(session, row), as_of):
            row.lapsed_at = as_of
            session.add(row)
            audit.append(session, actor, "grant.lapsed", f"grant-decision/{row.id}",
                         {"applicant": row.applicant, "orgnr": row.orgnr, "on": as_of})
            lapsed.append(row)
    return lapsed


def payment_list(session: Session, grant_round: GrantRound, as_of: date) -> list[GrantDecision]:
    """Grants that may be paid: awarded, accepted in time where acceptance is needed, not lapsed."""
    return [row for row in decisions_of(session, grant_round)
            if row.lapsed_at is None and payable(case_of(session, row), as_of)]


def round_state(session: Session, schemes: dict[str, GrantScheme], grant_round: GrantRound, as_of: date) -> dict:
    rows = decisions_of(session, grant_round)
    cases = [case_of(session, row) for row in rows]
    letters = [letter for row in rows if (letter := letter_of(session, row.id))]
    open_appeals = sum(1 for case in cases for appeal in case.appeals if appeal.open)
    deadlines = [d for letter in letters for d in (letter.appeal_due, letter.acceptance_due) if d]
    return {
        "round": grant_round.name, "decisions": len(rows),
        "awarded": str(sum((Decimal(r.amount_awarded) for r in rows), Decimal(0))),
        "decided_on": grant_round.decided_on, "notice_needed": needs_notice(session, schemes, grant_round),
        "notice_sent_at": grant_round.ministry_notice_sent_at,
        "letters_allowed": letters_gate(session, schemes, grant_round) is None,
        "letters": len(letters), "open_appeals": open_appeals,
        "last_deadline": max(deadlines) if deadlines else None,
        "lapsed": sum(1 for r in rows if r.lapsed_at is not None),
        "recipients_blockers": recipients_list_blockers(cases, as_of),
        "recipients_sent_at": grant_round.recipients_info_sent_at,
    }


def all_rounds(session: Session) -> list[GrantRound]:
    return list(session.exec(select(GrantRound).order_by(GrantRound.id)))
