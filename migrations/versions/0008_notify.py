"""notify: one key shape, duty and officer as columns, Message-ID receipts; publication
notices counted from delivery

Revision ID: 0008_notify
Revises: 0007_catalogue

Existing outbox keys are rewritten to ``{duty}:{reference}:{step}:{recipient}:{channel}``
(see ``new_key``), and each row gets its duty and, where the old key named it, its officer.
A publication whose first notice was already delivered to every recipient gets the day of
the last delivery as ``notice_delivered_on``; one still waiting keeps its gate closed.
"""

import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0008_notify"
down_revision = "0007_catalogue"
branch_labels = None
depends_on = None
OSLO = ZoneInfo("Europe/Oslo")

# Old key shapes, as the duties wrote them before this revision. Each gives
# (duty, reference, step, recipient, officer_id or None).
_OLD_SHAPES = [
    (r"occ:(\d+):([^:]+):([^:]+):(email|teams)", lambda m: ("watch", f"occurrence-{m[1]}", m[2], m[3], m[3])),
    (r"digest:([^:]+):([^:]+):(email|teams)", lambda m: ("watch", f"digest-{m[2]}", "digest", m[1], m[1])),
    (
        r"deployment:([^:]+):([a-z-]+):(.+):([^:]+):(email|teams)",
        lambda m: ("watch", _plain(f"deployment-{m[1]}-{m[3]}"), m[2], m[4], m[4]),
    ),
    (
        r"automation:([^:]+):([^:]+):(email|teams)",
        lambda m: ("ops", _plain(f"event-{m[1]}"), "alert", m[2], m[2]),
    ),
    (
        r"settlement:cadence:(\d+):teams:([^:]+)",
        lambda m: ("settlement", f"cadence-{m[1]}", "cadence", m[2], m[2]),
    ),
    (r"settlement:cadence:(\d+):([^:]+)", lambda m: ("settlement", f"cadence-{m[1]}", "cadence", m[2], None)),
    (
        r"settlement:keyfigures:(.+):blocked:(\w+):teams:([^:]+)",
        lambda m: ("settlement", _plain(f"keyfigures-{m[1]}"), f"quality-{m[2]}", m[3], m[3]),
    ),
    (
        r"settlement:keyfigures:(.+):blocked:(\w+):([^:]+)",
        lambda m: ("settlement", _plain(f"keyfigures-{m[1]}"), f"quality-{m[2]}", m[3], None),
    ),
    (
        r"settlement:report:(.+):([^:]+)",
        lambda m: ("settlement", _plain(f"report-{m[1]}"), "report", m[2], None),
    ),
    (
        r"publication:(\d+):(notice|update):(\d+):([^:]+)",
        lambda m: ("publication", f"publication-{m[1]}", f"{m[2]}-{m[3]}", m[4], None),
    ),
    (
        r"publication:(\d+):alert:([a-z_]+):(\w+)",
        lambda m: ("publication", f"publication-{m[1]}", f"alert-{m[2]}-{m[3]}", None, None),
    ),
    (
        r"publication:(\d+):kudos-reminder:(\d+)",
        lambda m: ("publication", f"publication-{m[1]}", f"kudos-reminder-{m[2]}", None, None),
    ),
    (
        r"grant-round:(\d+):(notice|recipients):([^:]+)",
        lambda m: (
            "grants",
            f"round-{m[1]}",
            "ministry-notice" if m[2] == "notice" else "recipients-info",
            m[3],
            None,
        ),
    ),
    (
        r"grant-round:(\d+):underspend:([^:]+):([^:]+)",
        lambda m: ("grants", f"round-{m[1]}", f"underspending-{m[2]}", m[3], None),
    ),
    (r"grant-decision:(\d+):lapsed:([^:]+)", lambda m: ("grants", f"decision-{m[1]}", "lapsed", m[2], None)),
]


def _plain(reference: str) -> str:
    return reference.replace(":", "-")


def new_key(old: str, channel: str, recipient: str) -> tuple[str, str, str | None]:
    """(new key, duty, officer id) for an old key; unknown shapes keep their key under duty ``legacy``."""
    for pattern, parts in _OLD_SHAPES:
        match = re.fullmatch(pattern, old)
        if match:
            duty, reference, step, who, officer = parts(match)
            return f"{duty}:{reference}:{step}:{who or recipient}:{channel}", duty, officer
    return old, "legacy", None


def upgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch_op:
        batch_op.add_column(sa.Column("duty", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(
            sa.Column("officer_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True)
        )
        batch_op.add_column(
            sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True)
        )
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, key, channel, recipient FROM outbox_message")).all()
    updates = []
    for row_id, key, channel, recipient in rows:
        key, duty, officer = new_key(key, channel, recipient)
        updates.append({"id": row_id, "key": key, "duty": duty, "officer_id": officer})
    if updates:
        connection.execute(
            sa.text(
                "UPDATE outbox_message SET key = :key, duty = :duty, officer_id = :officer_id WHERE id = :id"
            ),
            updates,
        )
    with op.batch_alter_table("outbox_message") as batch_op:
        batch_op.alter_column(
            "duty", existing_type=sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False
        )
        batch_op.create_index("ix_outbox_message_duty", ["duty"], unique=False)

    with op.batch_alter_table("publication") as batch_op:
        batch_op.alter_column("notice_sent_on", new_column_name="notice_queued_on", existing_type=sa.Date())
        batch_op.alter_column("notices_sent", new_column_name="notices_queued", existing_type=sa.Integer())
        batch_op.add_column(sa.Column("notice_delivered_on", sa.Date(), nullable=True))
    _delivered_notices(connection)


def _delivered_notices(connection) -> None:
    """Publications whose first notice reached every recipient: the day of the last receipt."""
    publications = connection.execute(sa.text("SELECT id FROM publication WHERE notices_queued > 0")).all()
    for (publication_id,) in publications:
        prefix = f"publication:publication-{publication_id}:notice-1:"
        copies = connection.execute(
            sa.text("SELECT status, sent_at FROM outbox_message WHERE key LIKE :p"), {"p": prefix + "%"}
        ).all()
        if copies and all(status == "sent" for status, _ in copies):
            last = max(_utc(sent) for _, sent in copies)
            connection.execute(
                sa.text("UPDATE publication SET notice_delivered_on = :day WHERE id = :id"),
                {"day": last.astimezone(OSLO).date(), "id": publication_id},
            )


def _utc(value) -> datetime:
    """SQLite hands back text, PostgreSQL a datetime; both were written in UTC."""
    value = datetime.fromisoformat(value) if isinstance(value, str) else value
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def downgrade() -> None:
    with op.batch_alter_table("publication") as batch_op:
        batch_op.drop_column("notice_delivered_on")
        batch_op.alter_column("notices_queued", new_column_name="notices_sent", existing_type=sa.Integer())
        batch_op.alter_column("notice_queued_on", new_column_name="notice_sent_on", existing_type=sa.Date())
    with op.batch_alter_table("outbox_message") as batch_op:
        batch_op.drop_index("ix_outbox_message_duty")
        batch_op.drop_column("message_id")
        batch_op.drop_column("officer_id")
        batch_op.drop_column("duty")
