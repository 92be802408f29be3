"""The weekly check that what pliktvakt registered is what the grants register publishes
(vedlegg 1 pkt. 1): each registered award with the same orgnr, scheme and amount."""

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact

from flows.forms import AsOf
from flows.run_end import delivery_problems, finish
from pliktvakt import bokmal, clock
from pliktvakt.register.rules import RECONCILIATION
from pliktvakt.settings import get_settings
from tasks.common import engine_for, load_catalogue_task
from tasks.delivery import deliver_outbox
from tasks.grants import load_grant_schemes_task
from tasks.register import alert_differences, reconcile_year, registered_years


@flow(name="tilskudd-reconciliation", log_prints=False)
def tilskudd_reconciliation(as_of: AsOf = None):
    """Avstem tildelingene pliktvakt har registrert mot tilskuddsregisterets offentlige liste."""
    settings, now = get_settings(), clock.resolve(as_of)
    catalogue, schemes = load_catalogue_task(settings), load_grant_schemes_task(settings)
    checked = [reconcile_year(settings, schemes, year) for year in registered_years(settings.database_url)]
    problems = [c.problem for c in checked if c.problem]
    rows = [d.row() | {"År": str(c.year)} for c in checked for d in c.differences]
    create_table_artifact(
        key="tilskudd-reconciliation",
        table=rows or [{"Avvik": "Ingen: alt pliktvakt har registrert, står i registeret med samme beløp."}],
        description=f"Avstemming mot tilskuddsregisteret per {bokmal.date_short(now.date())} "
        f"({len(rows)} avvik)",
    )
    alert_differences(settings, catalogue, [c for c in checked if c.differences], now)
    report = deliver_outbox(engine_for(settings.database_url), settings, catalogue, now, (RECONCILIATION,))
    result = {"years": [c.year for c in checked], "differences": len(rows)}
    return finish(get_run_logger(), result, problems + delivery_problems(report, (RECONCILIATION,)))
