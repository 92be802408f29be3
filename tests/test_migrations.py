"""The migrations are one line of history, and the schema they build is the models' schema,
on SQLite and PostgreSQL alike (issue 17)."""

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from pliktvakt.db import alembic_config, make_engine, migrate
from pliktvakt.schema import metadata

# The heads a database made before issue 17 recorded: each feature was a branch off 0001.
OLD_HEADS = ["0005_grants", "0006_settlement", "0007_catalogue", "0008_notify"]


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request) -> str:
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


def _recorded(url: str) -> list[str]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = [row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))]
    engine.dispose()
    return rows


def test_history_is_one_line():
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert script.get_heads() == ["0013_grant_cases"]
    walked = [rev.revision for rev in script.walk_revisions()]
    assert walked[-1] == "0001" and len(walked) == len(set(walked)) == 12
    assert all(not rev.is_merge_point and not rev.is_branch_point for rev in script.walk_revisions())


def test_upgrade_head_gives_the_models_schema(empty_url):
    command.upgrade(alembic_config(empty_url), "head")
    engine = make_engine(empty_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    engine.dispose()
    assert differences == []
    assert _recorded(empty_url) == ["0013_grant_cases"]


def test_database_from_the_branched_history_upgrades(empty_url):
    """A database stamped with the four old heads is tidied to the one head; nothing re-runs
    (and what came after them, 0009_evaluation, 0010 and 0011_register, is applied)."""
    command.upgrade(alembic_config(empty_url), "0008_notify")
    engine = make_engine(empty_url)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM alembic_version"))
        for head in OLD_HEADS:
            connection.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": head})
    engine.dispose()
    migrate(empty_url)
    assert _recorded(empty_url) == ["0013_grant_cases"]
