"""The whole schema: importing this registers every table in ``SQLModel.metadata``.

The migrations (migrations/env.py) and the test that compares the models with the migrated
database read the metadata from here, so a new table module is added in one place."""

from sqlmodel import SQLModel

import pliktvakt.evaluation.tables  # noqa: F401
import pliktvakt.grants.tables  # noqa: F401
import pliktvakt.publications.tables  # noqa: F401
import pliktvakt.register.tables  # noqa: F401
import pliktvakt.settlement.tables  # noqa: F401
import pliktvakt.tables  # noqa: F401

metadata = SQLModel.metadata
