"""settlement: reporting cadence (monthly, or weekly while a large deviation holds)

Revision ID: 0006_settlement
Revises: 0005_grants
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006_settlement"
down_revision = "0005_grants"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "settlement_cadence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_date", sa.Date(), nullable=False),
        sa.Column("cadence", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("analysed_month", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("projected_year_end", sa.Float(), nullable=False),
        sa.Column("need", sa.Integer(), nullable=False),
        sa.Column("need_ratio", sa.Float(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("settlement_cadence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_settlement_cadence_from_date"), ["from_date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("settlement_cadence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_settlement_cadence_from_date"))

    op.drop_table("settlement_cadence")
