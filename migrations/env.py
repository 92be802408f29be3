from alembic import context
from sqlmodel import SQLModel

import pliktvakt.models  # noqa: F401  (registers the tables for autogenerate)
import pliktvakt.settlement.tables  # noqa: F401  (issue 6: settlement_cadence)
import pliktvakt.publications.tables  # noqa: F401
import pliktvakt.grants.tables  # noqa: F401
from pliktvakt.db import make_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
