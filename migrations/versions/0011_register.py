"""register: what was sent to the grants register, its receipts and upload files
(vedlegg 1 pkt. 1); the administrator of a municipality's grant round

Revision ID: 0011_register
Revises: 0010
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0011_register"
down_revision = "0010"
branch_labels = None
depends_on = None

_text = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "register_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", _text(length=20), nullable=False),
        sa.Column("ref", _text(length=100), nullable=False),
        sa.Column("idempotency_key", _text(length=200), nullable=False),
        sa.Column("payload", _text(), nullable=False),
        sa.Column("backend", _text(length=10), nullable=False),
        sa.Column("status", _text(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("receipt", _text(), nullable=True),
        sa.Column("upload_sha256", _text(length=64), nullable=True),
        sa.Column("error", _text(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("registered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idempotency_key"),
    )
    with op.batch_alter_table("register_submission", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_register_submission_ref"), ["ref"], unique=False)
        batch_op.create_index(batch_op.f("ix_register_submission_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_register_submission_upload_sha256"), ["upload_sha256"], unique=False
        )
    op.create_table(
        "register_upload",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", _text(length=64), nullable=False),
        sa.Column("file", _text(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("confirmed_by", _text(), nullable=True),
        sa.Column("confirmed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sha256"),
    )
    with op.batch_alter_table("grant_round", schema=None) as batch_op:
        batch_op.add_column(sa.Column("administrator", _text(length=4), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("grant_round", schema=None) as batch_op:
        batch_op.drop_column("administrator")
    op.drop_table("register_upload")
    with op.batch_alter_table("register_submission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_register_submission_upload_sha256"))
        batch_op.drop_index(batch_op.f("ix_register_submission_status"))
        batch_op.drop_index(batch_op.f("ix_register_submission_ref"))
    op.drop_table("register_submission")
