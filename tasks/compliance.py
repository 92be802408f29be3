"""Database tasks of the compliance record (instruks pkt. 4.1, 4.2); the rules are in
``pliktvakt.compliance``."""

from datetime import datetime

from pliktvakt import notify
from pliktvakt.catalogue import Catalogue
from pliktvakt.compliance import rules, store
from pliktvakt.compliance.rules_summary import ROLE, SummaryPlan
from pliktvakt.db import session_scope
from tasks.common import engine_for, io_task


@io_task(name="read-compliance-record", retries=2, retry_delay_seconds=5)
def read_record(url: str, catalogue: Catalogue, year: int, as_of: datetime) -> rules.Record:
    with session_scope(engine_for(url)) as session:
        stored = store.read(session, catalogue, year)
    return rules.build(stored, year, as_of)


@io_task(name="queue-compliance-summary")
def queue_summary(url: str, catalogue: Catalogue, plan: SummaryPlan, as_of: datetime) -> int:
    """Queue the month's summary to management; 0 if it was queued before (the key names the month)."""
    with session_scope(engine_for(url)) as session:
        return notify.notify_role(session, catalogue, ROLE, plan.message, plan.key, as_of.date()).queued


@io_task(name="read-compliance-summary-receipts")
def summary_receipts(url: str, plan: SummaryPlan) -> list[str]:
    """The receipts of the month's summary once every copy is delivered; else empty."""
    with session_scope(engine_for(url)) as session:
        delivered = notify.delivered(session, prefix=plan.key.prefix) or []
        return [f"{m.recipient}: {m.receipt}" for m in delivered]
