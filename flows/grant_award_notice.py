"""Grant rounds: the ministry informed before grant letters (instruks 6.1), lapsed grants,
underspending, and the recipients list once the appeal deadlines have passed (vedlegg 1)."""

from datetime import datetime

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from flows.run_end import delivery_problems, finish
from pliktvakt import clock
from pliktvakt.grants.rounds import DUTY
from pliktvakt.settings import get_settings
from tasks.common import engine_for, load_catalogue_task
from tasks.delivery import deliver_outbox
from tasks.grants import decided_round_ids, load_grant_schemes_task, prepare_round, read_round_states, record_round


@flow(name="grant-award-notice", log_prints=False)
def grant_award_notice(as_of: datetime | None = None):
    """Send what each decided round needs now, deliver, record the receipts; fail if undelivered."""
    logger = get_run_logger()
    settings = get_settings()
    now = clock.resolve(as_of)
    today = now.date()
    catalogue = load_catalogue_task(settings)
    schemes = load_grant_schemes_task(settings)
    url = settings.database_url
    round_ids = decided_round_ids(url)
    problems, totals = [], {"notice_queued": 0, "recipients_queued": 0, "lapsed": 0, "underspent": 0}
    for round_id in round_ids:
        prepared = prepare_round(url, catalogue, schemes, round_id, settings.ministry_recipients, today)
        problems += prepared.problems
        for key in ("notice_queued", "recipients_queued"):
            totals[key] += getattr(prepared, key)
        totals["lapsed"] += len(prepared.lapsed)
        totals["underspent"] += len(prepared.underspent)
    # The engine is not hashable: without NO_CACHE Prefect logs a traceback computing a cache key.
    report = deliver_outbox.with_options(cache_policy=NO_CACHE)(engine_for(url), settings, catalogue, now, (DUTY,))
    recorded = {round_id: record_round(url, round_id, now) for round_id in round_ids}
    states = read_round_states(url, schemes, today)
    create_table_artifact(key="grant-rounds", table=[_state_row(s) for s in states],
                          description=f"Tilskuddsrunder per {today:%d.%m.%Y}")
    if report.no_channel:
        logger.warning("%d melding(er) venter i utboksen: PLIKTVAKT_EMAIL_URL er ikke satt.", len(report.no_channel))
    result = {**totals, "rounds": len(round_ids), "sent": len(report.sent), "pending": len(report.no_channel),
              "recorded": sum(len(steps) for steps in recorded.values())}
    return finish(logger, result, problems + delivery_problems(report, (DUTY,)))


def _state_row(state: dict) -> dict:
    blockers = state["recipients_blockers"]
    return {
        "Runde": state["round"], "Vedtak": state["decisions"], "Vedtatt": _day(state["decided_on"]),
        "Orientering sendt": _yes(state["notice_sent_at"]) if state["notice_needed"] else "ikke påkrevd",
        "Brev tillatt": "ja" if state["letters_allowed"] else "nei", "Brev laget": state["letters"],
        "Åpne klager": state["open_appeals"], "Siste frist": _day(state["last_deadline"]),
        "Falt bort": state["lapsed"],
        "Mottakerliste sendt": _yes(state["recipients_sent_at"]) if not blockers or state["recipients_sent_at"]
        else f"nei: {blockers[0]}" + (f" (+{len(blockers) - 1})" if len(blockers) > 1 else ""),
    }


def _yes(when) -> str:
    return f"ja, {clock.resolve(when):%d.%m.%Y %H:%M}" if when else "nei"


def _day(day) -> str:
    return day.isoformat() if day else ""
