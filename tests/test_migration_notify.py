"""Revision 0008_notify on SQLite and PostgreSQL: outbox rows written in the old key shapes
get the one shape, their duty and officer; a publication whose first notice was delivered
gets the day of delivery, one still waiting gets none."""

from datetime import date, datetime, timezone

import pytest
from alembic import command
from sqlalchemy import text

from pliktvakt.db import alembic_config, make_engine

BEFORE = ["0002_watch", "0004_publications", "0005_grants", "0006_settlement"]

# (old key, channel, recipient) -> (new key, duty, officer id)
CASES = [
    (
        ("occ:7:overdue-2:styringsleder:email", "email", "kari@imdi.example"),
        ("watch:occurrence-7:overdue-2:styringsleder:email", "watch", "styringsleder"),
    ),
    (
        ("digest:kommunikasjonsradgiver:2026-03-09:teams", "teams", "kommunikasjonsradgiver"),
        ("watch:digest-2026-03-09:digest:kommunikasjonsradgiver:teams", "watch", "kommunikasjonsradgiver"),
    ),
    (
        (
            "deployment:materialise/materialise:missing:2026-03-09T06:00:00+01:00:driftsansvarlig:email",
            "email",
            "drift@imdi.example",
        ),
        (
            "watch:deployment-materialise/materialise-2026-03-09T06-00-00+01-00:missing:driftsansvarlig:email",
            "watch",
            "driftsansvarlig",
        ),
    ),
    (
        ("automation:3f2a:driftsansvarlig:teams", "teams", "driftsansvarlig"),
        ("ops:event-3f2a:alert:driftsansvarlig:teams", "ops", "driftsansvarlig"),
    ),
    (
        ("settlement:cadence:4:ingrid@imdi.example", "email", "ingrid@imdi.example"),
        ("settlement:cadence-4:cadence:ingrid@imdi.example:email", "settlement", None),
    ),
    (
        ("settlement:cadence:4:teams:bosettingsleder", "teams", "bosettingsleder"),
        ("settlement:cadence-4:cadence:bosettingsleder:teams", "settlement", "bosettingsleder"),
    ),
    (
        ("settlement:report:weekly:2025-W14:post@aid.example", "email", "post@aid.example"),
        ("settlement:report-weekly-2025-W14:report:post@aid.example:email", "settlement", None),
    ),
    (
        ("publication:3:notice:1:post@aid.example", "email", "post@aid.example"),
        ("publication:publication-3:notice-1:post@aid.example:email", "publication", None),
    ),
    (
        ("publication:3:alert:late_notice:1", "email", "sara@imdi.example"),
        ("publication:publication-3:alert-late_notice-1:sara@imdi.example:email", "publication", None),
    ),
    (
        ("grant-round:2:notice:aid@dep.example", "email", "aid@dep.example"),
        ("grants:round-2:ministry-notice:aid@dep.example:email", "grants", None),
    ),
    (
        ("grant-decision:9:lapsed:fatima@imdi.example", "email", "fatima@imdi.example"),
        ("grants:decision-9:lapsed:fatima@imdi.example:email", "grants", None),
    ),
]


def _insert_old(connection, key, channel, recipient, status="sent", sent_at=None) -> None:
    connection.execute(
        text(
            "INSERT INTO outbox_message (key, channel, recipient, subject, body, status, attempts, "
            "created_at, sent_at) "
            "VALUES (:key, :channel, :recipient, 'Emne', 'Tekst', :status, 1, :now, :sent_at)"
        ),
        {
            "key": key,
            "channel": channel,
            "recipient": recipient,
            "status": status,
            "now": datetime(2026, 3, 1, tzinfo=timezone.utc),
            "sent_at": sent_at,
        },
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request) -> str:
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


def test_old_rows_get_the_new_key_shape(empty_url):
    config = alembic_config(empty_url)
    engine = make_engine(empty_url)
    for revision in BEFORE:  # the schema as it was before 0008_notify
        command.upgrade(config, revision)
    delivered = datetime(2026, 3, 2, 23, 30, tzinfo=timezone.utc)  # 00:30 Tue 3 Mar 2026 in Oslo (UTC+1)
    with engine.begin() as connection:
        for (key, channel, recipient), _ in CASES:
            _insert_old(connection, key, channel, recipient)
        connection.execute(
            text(
                "INSERT INTO publication (id, title, kind, publish_on, owner_role, contact, status, "
                "notice_sent_on, "
                "notices_sent, source, changes_handled, created_at, updated_at) VALUES "
                "(3, 'A', 'rapport', '2026-04-01', 'kunnskap', 'x', 'planned', '2026-03-02', 1, 'cli', 0, "
                ":t, :t), "
                "(4, 'B', 'rapport', '2026-04-01', 'kunnskap', 'x', 'planned', '2026-03-02', 1, 'cli', 0, "
                ":t, :t)"
            ),
            {"t": delivered},
        )
        connection.execute(
            text(
                "UPDATE outbox_message SET sent_at = :d WHERE key = 'publication:3:notice:1:post@aid.example'"
            ),
            {"d": delivered},
        )
        _insert_old(
            connection, "publication:4:notice:1:post@aid.example", "email", "post@aid.example", "pending"
        )
    command.upgrade(config, "head")
    with engine.begin() as connection:
        rows = {
            r.id: r for r in connection.execute(text("SELECT id, key, duty, officer_id FROM outbox_message"))
        }
        got = [(r.key, r.duty, r.officer_id) for r in sorted(rows.values(), key=lambda r: r.id)]
        days = dict(connection.execute(text("SELECT id, notice_delivered_on FROM publication")).all())
    assert got[: len(CASES)] == [expected for _, expected in CASES]
    assert got[-1] == ("publication:publication-4:notice-1:post@aid.example:email", "publication", None)
    assert str(days[3]) == str(date(2026, 3, 3)) and days[4] is None
