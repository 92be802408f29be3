"""evaluation: recorded evaluations of the grant schemes (vedlegg 1 pkt. 9)

Revision ID: 0009_evaluation
Revises: 0008_notify
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009_evaluation"
down_revision = "0008_notify"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evaluation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scheme_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("report_title", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("publish_on", sa.Date(), nullable=True),
        sa.Column("publication_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["publication_id"], ["publication.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluation_scheme_id"), ["scheme_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_scheme_id"))
    op.drop_table("evaluation")
