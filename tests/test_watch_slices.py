"""The watch plans and writes in slices, the next slice planned while the last is written
(issue 31). Small slices here, so a handful of occurrences spans several: every step is
queued once, in slice order, and a slice that cannot be written stops the pass there with
the slices before it kept."""

from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlmodel import select

import tasks.watch
from pliktvakt.catalogue import load_catalogue
from pliktvakt.db import StoredValueRefused, make_engine, migrate, session_scope
from pliktvakt.models import Occurrence, OutboxMessage
from pliktvakt.occurrences import sync_obligations

CONFIG = Path(__file__).resolve().parent.parent / "config"
# Tue 15 Dec 2026 is the monthly analysis's due day: one due-day notice per occurrence.
DUE = date(2026, 12, 15)
STAMP = datetime(2026, 12, 1, tzinfo=timezone.utc)


def _seed(url: str, periods: list[str]) -> list[int]:
    """Open occurrences of the monthly analysis due on DUE, one per period; their ids in order."""
    migrate(url)
    engine, catalogue = make_engine(url), load_catalogue(CONFIG)
    with session_scope(engine) as session:
        sync_obligations(session, catalogue)
    row = {"obligation_id": "settlement-monthly-analysis", "anchor": DUE, "due": DUE, "role": "bosetting"}
    row |= {"status": "open", "late": False, "created_at": STAMP, "updated_at": STAMP}
    with engine.begin() as connection:
        connection.execute(insert(Occurrence), [row | {"period": period} for period in periods])
    with session_scope(engine) as session:
        return list(session.exec(select(Occurrence.id).order_by(Occurrence.id)))


def _alerted(url: str) -> list[int]:
    with session_scope(make_engine(url)) as session:
        query = select(OutboxMessage.occurrence_id, OutboxMessage.key).order_by(OutboxMessage.id)
        return [occurrence for occurrence, _ in session.exec(query)]


def test_every_slice_is_written_once_and_in_order(db_url, monkeypatch):
    monkeypatch.setattr(tasks.watch, "SLICE", 4)
    ids = _seed(db_url, [f"slice:{n}" for n in range(10)])  # slices of 4, 4 and 2
    engine, catalogue = make_engine(db_url), load_catalogue(CONFIG)
    first = tasks.watch.queue_alerts_now(engine, catalogue, DUE)
    alerted = _alerted(db_url)
    channels = len(alerted) // len(ids)  # the analysis officer's channels: email, maybe Teams
    assert channels >= 1 and alerted == [i for i in ids for _ in range(channels)]
    assert first.queued == len(alerted) and first.steps_due == len(ids)
    again = tasks.watch.queue_alerts_now(engine, catalogue, DUE)
    assert again.queued == 0 and _alerted(db_url) == alerted


def test_a_slice_that_cannot_be_written_stops_the_pass_with_the_slices_before_kept(
    migrated_sqlite_url, monkeypatch
):
    """SQLite stores a NUL that PostgreSQL refuses (issue 30), so an occurrence's period can
    carry one there; its alert's text is then refused when its slice is written."""
    monkeypatch.setattr(tasks.watch, "SLICE", 4)
    periods = [f"slice:{n}" for n in range(10)]
    periods[5] = "slice:\x00"  # in the second slice
    ids = _seed(migrated_sqlite_url, periods)
    engine, catalogue = make_engine(migrated_sqlite_url), load_catalogue(CONFIG)
    with pytest.raises(StoredValueRefused, match="«body» \\(outbox_message\\): teksten har et NUL-tegn"):
        tasks.watch.queue_alerts_now(engine, catalogue, DUE)
    assert set(_alerted(migrated_sqlite_url)) == set(ids[:4])
