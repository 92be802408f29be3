"""Grant rounds: the ministry informed before grant letters (instruks 6.1), lapsed grants,
underspending, and the recipients list once the appeal deadlines have passed (vedlegg 1)."""

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact

from flows.forms import AsOf
from flows.run_end import delivery_problems, finish
from pliktvakt import bokmal, clock
from pliktvakt.grants import store_notices, texts
from pliktvakt.grants.store import DUTY
from pliktvakt.settings import get_settings
from pliktvakt.tables import OutboxStatus
from tasks.common import engine_for, load_catalogue_task
from tasks.delivery import deliver_outbox
from tasks.grants import (
    decided_round_ids,
    load_grant_schemes_task,
    prepare_round,
    read_round_states,
    record_round,
)


@flow(name="grant-award-notice", log_prints=False)
def grant_award_notice(as_of: AsOf = None):
    """Send what each decided round needs now, deliver, record the receipts; fail if undelivered."""
    settings, now = get_settings(), clock.resolve(as_of)
    url, today, ministry = settings.database_url, now.date(), settings.ministry_recipients
    catalogue, schemes = load_catalogue_task(settings), load_grant_schemes_task(settings)
    round_ids = decided_round_ids(url)
    # Each round queues what it needs now; the outbox keys make a rerun queue nothing twice.
    prepared = [prepare_round(url, catalogue, schemes, round_id, ministry, today) for round_id in round_ids]
    report = deliver_outbox(engine_for(url), settings, catalogue, now, (DUTY,))
    recorded = [step for round_id in round_ids for step in record_round(url, round_id, now)]
    states = read_round_states(url, schemes, today)
    create_table_artifact(
        key="grant-rounds",
        table=[texts.table_row(s) for s in states],
        description=f"Tilskuddsrunder per {bokmal.date_short(today)}",
    )
    result = {
        **store_notices.tally(prepared),
        "rounds": len(round_ids),
        OutboxStatus.SENT: len(report.sent),
        "no_channel": len(report.no_channel),
        "recorded": len(recorded),
    }
    problems = [problem for round_prepared in prepared for problem in round_prepared.problems]
    return finish(get_run_logger(), result, problems + delivery_problems(report, (DUTY,)))
