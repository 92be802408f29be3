"""Render: the grant letters of a round, each recorded, behind the gate of instruks 6.1.

The files are returned, not written: the caller writes them in the same transaction, so a
letter is recorded only if it was written (tasks.grants.write_round_letters).
"""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlmodel import Session

from pliktvakt import audit
from pliktvakt.catalogue import Catalogue
from pliktvakt.grants import store_duties
from pliktvakt.grants.render_letters import (
    LetterData,
    LetterIncomplete,
    Particulars,
    RenderedLetter,
    build_letter_data,
    render_letter,
)
from pliktvakt.grants.schemes import GrantScheme
from pliktvakt.grants.store import GrantsError, decisions_of, get_round, letters_gate
from pliktvakt.grants.store_cases import as_award, letter_of
from pliktvakt.grants.tables import GrantDecision, GrantLetter


@dataclass
class LetterBatch:
    files: dict[Path, str] = field(default_factory=dict)  # <stem>.html and <stem>.json per letter
    refused: list[LetterIncomplete] = field(default_factory=list)
    without_letter: list[int] = field(default_factory=list)  # decisions of schemes with no grant letters

    @property
    def letters(self) -> int:
        return len(self.files) // 2


def make_letters(
    session: Session,
    schemes: dict[str, GrantScheme],
    name: str,
    out_dir: Path,
    letter_date: date,
    actor: str,
    catalogue: Catalogue | None = None,
    particulars: Particulars | None = None,
) -> LetterBatch:
    """Every letter of the round, as files for ``out_dir``. Refuses them all while the gate is
    closed (GrantsError), and each letter missing an item of vedlegg 1 pkt. 3 (the gate
    grant-letter-content). With the ``catalogue``, each letter's acceptance deadline
    (vedlegg 1 pkt. 5) and each scheme's reporting deadline (pkt. 6) become occurrences."""
    grant_round = get_round(session, name)
    if reason := letters_gate(session, schemes, grant_round):
        raise GrantsError(reason)
    if particulars is not None:
        # The round's case number in IMDi's archive; the rest from settings (issue 29).
        particulars = particulars.model_copy(update={"case_number": grant_round.case_number})
        if missing := particulars.missing():
            raise GrantsError(
                f"Tilskuddsbrevene for runden «{name}» blir ikke laget; det mangler: " + "; ".join(missing)
            )
    batch = LetterBatch()
    reporting: dict[str, date] = {}  # scheme id -> the reporting deadline its letters state
    for row in decisions_of(session, grant_round):
        scheme = schemes[row.scheme_id]
        if not scheme.grant_letters:
            batch.without_letter.append(row.id)
            continue
        try:
            rendered, data = _render(session, scheme, name, row, letter_date, particulars)
        except LetterIncomplete as exc:
            batch.refused.append(exc)
            continue
        batch.files.update(rendered.files(Path(out_dir)))
        if catalogue is not None and data.acceptance is not None:
            store_duties.acceptance_due(session, catalogue, row, data.acceptance.deadline, actor)
        if data.reporting_due is not None:
            reporting.setdefault(row.scheme_id, data.reporting_due)
    if catalogue is not None:
        for scheme_id, due in reporting.items():
            store_duties.goal_reports_due(session, catalogue, grant_round, scheme_id, due, actor)
    audit.append(
        session,
        actor,
        "grant.letters.rendered",
        f"grant-round/{name}",
        {"letters": batch.letters, "refused": [str(e) for e in batch.refused], "dir": str(out_dir)},
    )
    return batch


def _render(
    session: Session,
    scheme: GrantScheme,
    name: str,
    row: GrantDecision,
    letter_date: date,
    particulars: Particulars | None = None,
) -> tuple[RenderedLetter, LetterData]:
    """Render one decision's letter and record it; a letter made before keeps its reference and date."""
    letter = letter_of(session, row.id) or GrantLetter(
        decision_id=row.id, reference=f"{name}-{row.id}", letter_date=letter_date, data=""
    )
    data = build_letter_data(
        name,
        letter.reference,
        scheme,
        as_award(row),
        letter.letter_date,
        presumed_received=letter.received_on,
        particulars=particulars,
    )
    rendered = render_letter(data)
    letter.rendered(
        rendered.json,
        data.acceptance.deadline if data.acceptance else None,
        data.appeal.deadline if data.appeal else None,
    )
    session.add(letter)
    session.flush()  # the letter's id, before an occurrence refers to the decision
    return rendered, data
