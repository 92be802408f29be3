"""grants: award rounds, decisions, letters, appeals

Revision ID: 0005_grants
Revises: 0004_publications
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005_grants"
down_revision = "0004_publications"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "grant_import_rejection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("file", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("file_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("field", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("message", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("raw", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("grant_import_rejection", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_grant_import_rejection_file_sha256"), ["file_sha256"], unique=False
        )

    op.create_table(
        "grant_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("imported_file", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("file_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("ministry_notice_sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("recipients_info_sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "grant_budget",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("scheme_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["grant_round.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "scheme_id", name="uq_grant_budget_scheme"),
    )
    with op.batch_alter_table("grant_budget", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grant_budget_round_id"), ["round_id"], unique=False)

    op.create_table(
        "grant_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("scheme_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("applicant", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("orgnr", sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
        sa.Column("applicant_kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("amount_applied", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("amount_awarded", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("rejection_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("computation", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("decision_kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("lapsed_at", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["grant_round.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("grant_decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grant_decision_round_id"), ["round_id"], unique=False)

    op.create_table(
        "grant_appeal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("in_time", sa.Boolean(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["grant_decision.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("grant_appeal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grant_appeal_decision_id"), ["decision_id"], unique=False)

    op.create_table(
        "grant_letter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("letter_date", sa.Date(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("appeal_due", sa.Date(), nullable=True),
        sa.Column("acceptance_due", sa.Date(), nullable=True),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        sa.Column("data", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["grant_decision.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("decision_id"),
    )


def downgrade() -> None:
    op.drop_table("grant_letter")
    with op.batch_alter_table("grant_appeal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grant_appeal_decision_id"))

    op.drop_table("grant_appeal")
    with op.batch_alter_table("grant_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grant_decision_round_id"))

    op.drop_table("grant_decision")
    with op.batch_alter_table("grant_budget", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grant_budget_round_id"))

    op.drop_table("grant_budget")
    op.drop_table("grant_round")
    with op.batch_alter_table("grant_import_rejection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grant_import_rejection_file_sha256"))

    op.drop_table("grant_import_rejection")
