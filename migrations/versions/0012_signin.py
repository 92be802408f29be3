"""signin: the duty desk's sign-in links, stored only as hashes, the audit log by subject, and
occurrences by role and by state, obligation and deadline (issue 27)

Revision ID: 0012_signin
Revises: 0011_register
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0012_signin"
down_revision = "0011_register"
branch_labels = None
depends_on = None

_text = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "signin_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", _text(length=64), nullable=False),
        sa.Column("email", _text(length=300), nullable=False),
        sa.Column("client", _text(length=64), nullable=False),
        sa.Column("known", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("used_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("signin_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signin_link_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_signin_link_client"), ["client"], unique=False)
        batch_op.create_index(batch_op.f("ix_signin_link_created_at"), ["created_at"], unique=False)

    # The duty desk shows one occurrence's history: its entries by subject.
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entry_subject"), ["subject"], unique=False)
    # «Mine plikter» by role, state and deadline; «Alle plikter» by state, obligation and deadline.
    with op.batch_alter_table("occurrence", schema=None) as batch_op:
        batch_op.create_index("ix_occurrence_role_status_due", ["role", "status", "due"], unique=False)
        batch_op.create_index(
            "ix_occurrence_status_obligation_due", ["status", "obligation_id", "due"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("occurrence", schema=None) as batch_op:
        batch_op.drop_index("ix_occurrence_status_obligation_due")
        batch_op.drop_index("ix_occurrence_role_status_due")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entry_subject"))
    with op.batch_alter_table("signin_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signin_link_created_at"))
        batch_op.drop_index(batch_op.f("ix_signin_link_client"))
        batch_op.drop_index(batch_op.f("ix_signin_link_email"))
    op.drop_table("signin_link")
