from alembic import context
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from pliktvakt.db import make_engine, normalise_url
from pliktvakt.schema import metadata

config = context.config
target_metadata = metadata


def _collapse_old_heads(connection) -> None:
    """Until issue 17 each feature's migration was a branch off 0001, so a database made then
    records several heads (0005_grants, 0006_settlement, 0007_catalogue, 0008_notify). The
    history is now one line through all of them: keep only the newest recorded revision, or
    alembic would see revisions that overlap. Nothing is re-run; the schema is the same."""
    recorded = []
    if inspect(connection).has_table("alembic_version"):
        recorded = [row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))]
    script = ScriptDirectory.from_config(config)
    older = {
        rev
        for rev in recorded
        for other in recorded
        if other != rev and rev in {r.revision for r in script.iterate_revisions(other, "base")}
    }
    for revision in older:
        connection.execute(text("DELETE FROM alembic_version WHERE version_num = :v"), {"v": revision})
    connection.commit()  # also ends the transaction the inspection began, so alembic runs its own


def database_url() -> str:
    """The URL `pliktvakt init` sets (pliktvakt.db.migrate), else PLIKTVAKT_DATABASE_URL through
    the settings, so that `alembic upgrade head`, the command a DBA runs, migrates the same
    database pliktvakt uses."""
    given = config.get_main_option("sqlalchemy.url")
    if given:
        return given
    from pliktvakt.settings import get_settings

    return normalise_url(get_settings().database_url)


def run_migrations() -> None:
    url = database_url()
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url)
    with engine.connect() as connection:
        _collapse_old_heads(connection)
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
