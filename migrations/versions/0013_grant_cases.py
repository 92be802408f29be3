"""grant cases (issue 29): the fvl. § 16 response time and decision letter of a stop or
reclaim, appeals by others than the party and requests for reconsideration, organisation form,
ground of a rejection or reduction, and IMDi's case number of a round

Revision ID: 0013_grant_cases
Revises: 0012_signin
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0013_grant_cases"
down_revision = "0012_signin"
branch_labels = None
depends_on = None

_text = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table("grant_round", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_number", _text(length=50), nullable=True))
    with op.batch_alter_table("grant_decision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_form", _text(length=10), nullable=True))
        batch_op.add_column(sa.Column("ground", _text(length=100), nullable=True))
    with op.batch_alter_table("grant_appeal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", _text(length=20), nullable=False, server_default="klage"))
        batch_op.add_column(sa.Column("appellant", _text(), nullable=True))
        batch_op.add_column(sa.Column("learned_on", sa.Date(), nullable=True))
    with op.batch_alter_table("grant_sanction", schema=None) as batch_op:
        batch_op.add_column(sa.Column("response_due", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("response_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("response_text", _text(), nullable=True))
        batch_op.add_column(sa.Column("amount", sa.Numeric(14, 2), nullable=True))
        batch_op.add_column(sa.Column("repayment_due", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("letter", _text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("grant_sanction", schema=None) as batch_op:
        for name in ("letter", "repayment_due", "amount", "response_text", "response_on", "response_due"):
            batch_op.drop_column(name)
    with op.batch_alter_table("grant_appeal", schema=None) as batch_op:
        for name in ("learned_on", "appellant", "kind"):
            batch_op.drop_column(name)
    with op.batch_alter_table("grant_decision", schema=None) as batch_op:
        batch_op.drop_column("ground")
        batch_op.drop_column("organisation_form")
    with op.batch_alter_table("grant_round", schema=None) as batch_op:
        batch_op.drop_column("case_number")
