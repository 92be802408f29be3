"""grant law: appeals posted vs arrived (fvl. § 30) and not upheld (§ 33), stop/reclaim after
the fvl. § 16 notice (vedlegg 1 pkt. 5), and control samples (vedlegg 1 pkt. 8)

Revision ID: 0010
Revises: 0009_evaluation
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010"
down_revision = "0009_evaluation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "grant_control_sample",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("drawn_on", sa.Date(), nullable=False),
        sa.Column("share", sa.Float(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("finding", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["grant_decision.id"],
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["grant_round.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "decision_id", name="uq_grant_control_sample_decision"),
    )
    with op.batch_alter_table("grant_control_sample", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grant_control_sample_round_id"), ["round_id"], unique=False)

    op.create_table(
        "grant_sanction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("proposed_on", sa.Date(), nullable=False),
        sa.Column("notice_occurrence_id", sa.Integer(), nullable=True),
        sa.Column("carried_out_on", sa.Date(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["grant_decision.id"],
        ),
        sa.ForeignKeyConstraint(
            ["notice_occurrence_id"],
            ["occurrence.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("grant_sanction", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grant_sanction_decision_id"), ["decision_id"], unique=False)

    with op.batch_alter_table("grant_appeal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("posted_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("not_upheld_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("grant_appeal", schema=None) as batch_op:
        batch_op.drop_column("not_upheld_on")
        batch_op.drop_column("posted_on")

    with op.batch_alter_table("grant_sanction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grant_sanction_decision_id"))

    op.drop_table("grant_sanction")
    with op.batch_alter_table("grant_control_sample", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grant_control_sample_round_id"))

    op.drop_table("grant_control_sample")
