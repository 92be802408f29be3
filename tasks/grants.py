"""Tasks of the grant area: one unit of I/O each, one transaction per round and step."""

from datetime import date, datetime
from pathlib import Path

from pliktvakt.catalogue import Catalogue
from pliktvakt.db import session_scope
from pliktvakt.grants import render_round_letters, store, store_intake, store_notices, store_status, texts
from pliktvakt.grants.render_letters import Particulars
from pliktvakt.grants.schemes import GrantScheme
from pliktvakt.grants.tables import GrantRound
from pliktvakt.settings import Settings
from pliktvakt.tabular import FileRejected
from tasks.common import Refused, engine_for, io_task, scheme_names_task  # noqa: F401
from tasks.files import write_files


@io_task(name="load-grant-schemes")
def load_grant_schemes_task(settings: Settings) -> dict[str, GrantScheme]:
    return store.load_grant_schemes(settings.config_dir)


@io_task(name="round-ids")
def decided_round_ids(url: str) -> list[int]:
    with session_scope(engine_for(url)) as session:
        return store.decided_round_ids(session)


@io_task(name="prepare-round", retries=2, retry_delay_seconds=5)
def prepare_round(
    url: str,
    catalogue: Catalogue,
    schemes: dict[str, GrantScheme],
    round_id: int,
    ministry: list[str],
    today: date,
) -> store_notices.Prepared:
    with session_scope(engine_for(url)) as session:
        grant_round = session.get(GrantRound, round_id)
        return store_notices.prepare(session, catalogue, schemes, grant_round, ministry, today)


@io_task(name="record-round", retries=2, retry_delay_seconds=5)
def record_round(url: str, round_id: int, now: datetime) -> list[str]:
    with session_scope(engine_for(url)) as session:
        return store_notices.record(session, session.get(GrantRound, round_id), now)


@io_task(name="read-round-states")
def read_round_states(url: str, schemes: dict[str, GrantScheme], today: date) -> list[dict]:
    with session_scope(engine_for(url)) as session:
        return [store_status.round_state(session, schemes, r, today) for r in store.all_rounds(session)]


@io_task(name="add-grant-decision")
def add_decision_task(
    url: str, schemes: dict[str, GrantScheme], round_name: str, values: dict[str, str], actor: str
) -> int | Refused:
    """The new decision's id; or, for input the officer must correct, why it was refused (and
    nothing is written: the transaction is rolled back)."""
    try:
        with session_scope(engine_for(url)) as session:
            return store_intake.add_decision(session, schemes, round_name, values, actor).id
    except FileRejected as exc:
        return Refused(texts.form_refusal(exc.rejected))
    except store.GrantsError as exc:
        return Refused(str(exc))


@io_task(name="write-round-letters")
def write_round_letters(
    url: str,
    schemes: dict[str, GrantScheme],
    round_name: str,
    out_dir: Path,
    letter_date: date,
    actor: str,
    catalogue: Catalogue | None = None,
    particulars: Particulars | None = None,
) -> render_round_letters.LetterBatch:
    """The round's letters, written in the transaction that records them: recorded only if written.
    With the catalogue, their acceptance and reporting deadlines become occurrences; with the
    particulars (contact, appeal address), each letter states them and the round's case number."""
    with session_scope(engine_for(url)) as session:
        batch = render_round_letters.make_letters(
            session,
            schemes,
            round_name,
            out_dir,
            letter_date,
            actor,
            catalogue=catalogue,
            particulars=particulars,
        )
        write_files(batch.files)
        return batch
