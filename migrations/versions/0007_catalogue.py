"""catalogue: the installation's go-live date (issue 14)

Revision ID: 0007_catalogue
Revises: 0006_settlement
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007_catalogue"
down_revision = "0006_settlement"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "installation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("go_live", sa.Date(), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("installation")
