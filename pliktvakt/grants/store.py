"""Store: an award round, its references, how it is found and decided, and the 6.1 gate.

The gate of instruks 6.1 comes before its grant letters.

Each function works in the caller's transaction and audits what it changes. The other
modules of a round's life: ``store_intake`` (decisions coming in), ``store_cases`` (one
decision), ``render_round_letters``, ``store_responses`` (receipt, appeals, acceptance, lapse),
``store_status`` and ``store_notices`` (the ministry).
"""

from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlmodel import Session, func, select

from pliktvakt import audit, bokmal, notify, occurrences
from pliktvakt.catalogue import Catalogue

# SchemeConfigError is imported here for the CLI (cli/), which shows it as a user error.
from pliktvakt.grants.schemes import GrantScheme, SchemeConfigError, load_schemes, needing_notice  # noqa: F401
from pliktvakt.grants.tables import GrantBudget, GrantDecision, GrantRound
from pliktvakt.notify import Key
from pliktvakt.tables import Occurrence

NOTICE_OBLIGATION = "grant-award-ministry-notice"
RECIPIENTS_OBLIGATION = "grant-recipients-ministry-info"
UNDERSPENDING_OBLIGATION = "underspending-ministry-consultation"
REGISTRATION_OBLIGATION = "grant-decision-registration"
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


def decided_round_ids(session: Session) -> list[int]:
    """The rounds whose decisions are final, in id order: the award notice's rounds."""
    return [r.id for r in all_rounds(session) if r.decided_on is not None]


def decisions_of(session: Session, grant_round: GrantRound) -> list[GrantDecision]:
    query = select(GrantDecision).where(GrantDecision.round_id == grant_round.id).order_by(GrantDecision.id)
    return list(session.exec(query))


def decision_count(session: Session, grant_round: GrantRound) -> int:
    query = select(func.count()).select_from(GrantDecision).where(GrantDecision.round_id == grant_round.id)
    return session.exec(query).one()


def budgets_of(session: Session, grant_round: GrantRound) -> dict[str, Decimal]:
    rows = session.exec(select(GrantBudget).where(GrantBudget.round_id == grant_round.id))
    return {row.scheme_id: Decimal(row.amount) for row in rows}


def occurrence_for(session: Session, obligation_id: str, ref: str) -> Occurrence | None:
    query = select(Occurrence).where(Occurrence.obligation_id == obligation_id, Occurrence.ref == ref)
    return session.exec(query).first()


def set_case_number(session: Session, grant_round: GrantRound, case_number: str, actor: str) -> None:
    """IMDi's case number of the round in its archive: the letters' «Vår referanse»."""
    case_number = case_number.strip()
    if not case_number or len(case_number) > CASE_NUMBER_LENGTH or not case_number.isprintable():
        raise GrantsError(
            f"--saksnummer: oppgi IMDis saksnummer, høyst {CASE_NUMBER_LENGTH} tegn (f.eks. 25/01234)."
        )
    event = grant_round.set_case_number(case_number, actor)
    session.add(grant_round)
    audit.record(session, event)


CASE_NUMBER_LENGTH = GrantRound.__table__.c.case_number.type.length


# --- decision and the 6.1 gate ------------------------------------------------------------


def notice_schemes(
    session: Session, schemes: dict[str, GrantScheme], grant_round: GrantRound
) -> list[GrantScheme]:
    """The round's schemes whose awards the ministry hears of before the letters (instruks 6.1)."""
    return needing_notice(schemes, {d.scheme_id for d in decisions_of(session, grant_round)})


def needs_notice(session: Session, schemes: dict[str, GrantScheme], grant_round: GrantRound) -> bool:
    return bool(notice_schemes(session, schemes, grant_round))


def decide_round(
    session: Session, catalogue: Catalogue, schemes: dict[str, GrantScheme], name: str, on: date, actor: str
) -> tuple[GrantRound, Occurrence | None]:
    """Mark the round decided; where a scheme needs it, trigger the ministry notice (instruks 6.1)."""
    grant_round = get_round(session, name)
    if grant_round.decided_on is not None:
        raise GrantsError(f"Runden «{name}» ble vedtatt {bokmal.date_short(grant_round.decided_on)}.")
    if not decisions_of(session, grant_round):
        raise GrantsError(f"Runden «{name}» har ingen vedtak.")
    if grant_round.administrator is not None:
        raise GrantsError(
            f"Runden «{name}» er kommune {grant_round.administrator} sine vedtak: kommunen sender "
            "tilskuddsbrevene; IMDi registrerer dem bare i tilskuddsregisteret."
        )
    event = grant_round.decide(on, actor)
    session.add(grant_round)
    audit.record(session, event)
    if occurrence_for(session, REGISTRATION_OBLIGATION, round_ref(grant_round)) is None:
        # Vedlegg 1 pkt. 4: a round typed in decision by decision had no import to start it.
        occurrences.trigger(session, catalogue, REGISTRATION_OBLIGATION, on, round_ref(grant_round), actor)
    occurrence = None
    if needs_notice(session, schemes, grant_round):
        occurrence, _ = occurrences.trigger(
            session, catalogue, NOTICE_OBLIGATION, on, round_ref(grant_round), actor
        )
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
        return (
            f"Runden «{grant_round.name}» er ikke vedtatt. "
            f"Kjør `pliktvakt grants decide {grant_round.name}`; "
            "departementet orienteres så før tilskuddsbrevene sendes (instruks punkt 6.1)."
        )
    return (
        "Tilskuddsbrev kan ikke sendes før departementet er orientert om tildelingene (instruks punkt 6.1). "
        f"Orienteringen er ikke registrert for: {', '.join(s.name for s in needing)}. "
        "Orienteringen sendes av flyten grant-award-notice; brevene kan lages når den er levert."
    )
