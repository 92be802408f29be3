"""publications: register, changes, import rejections

Revision ID: 0004_publications
Revises: 0002_watch
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004_publications"
down_revision = "0002_watch"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publication_import_rejection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("file", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("field", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("raw", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("publication_import_rejection", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_publication_import_rejection_import_id"), ["import_id"], unique=False
        )

    op.create_table(
        "publication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("publish_on", sa.Date(), nullable=False),
        sa.Column("owner_role", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("contact", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("notice_sent_on", sa.Date(), nullable=True),
        sa.Column("notices_sent", sa.Integer(), nullable=False),
        sa.Column("notice_occurrence_id", sa.Integer(), nullable=True),
        sa.Column("kudos_occurrence_id", sa.Integer(), nullable=True),
        sa.Column("kudos_url", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("kudos_checked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("kudos_last_status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("changes_handled", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["kudos_occurrence_id"],
            ["occurrence.id"],
        ),
        sa.ForeignKeyConstraint(
            ["notice_occurrence_id"],
            ["occurrence.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("publication", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_publication_publish_on"), ["publish_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_publication_status"), ["status"], unique=False)

    op.create_table(
        "publication_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("change_no", sa.Integer(), nullable=False),
        sa.Column("changed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("changed_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("field", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("old_value", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("new_value", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("content_changed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["publication_id"],
            ["publication.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("publication_id", "change_no", "field", name="uq_publication_change"),
    )
    with op.batch_alter_table("publication_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_publication_change_publication_id"), ["publication_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("publication_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_publication_change_publication_id"))

    op.drop_table("publication_change")
    with op.batch_alter_table("publication", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_publication_status"))
        batch_op.drop_index(batch_op.f("ix_publication_publish_on"))

    op.drop_table("publication")
    with op.batch_alter_table("publication_import_rejection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_publication_import_rejection_import_id"))

    op.drop_table("publication_import_rejection")
