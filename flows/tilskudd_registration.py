"""Schemes and awards to voluntary organisations registered in the national grants register
«fortløpende» (vedlegg 1 pkt. 1), by API or by an upload file an officer confirms."""

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from flows.forms import AsOf
from flows.run_end import delivery_problems, finish
from pliktvakt import bokmal, clock
from pliktvakt.register.rules import DUTY
from pliktvakt.register.texts import unregistered_markdown, waiting_row
from pliktvakt.settings import get_settings
from tasks.common import engine_for, load_catalogue_task
from tasks.delivery import deliver_outbox
from tasks.grants import load_grant_schemes_task
from tasks.register import (
    complete_registrations,
    plan_registrations,
    read_unregistered,
    send_pending,
    write_upload,
)


@flow(name="tilskudd-registration", log_prints=False)
def tilskudd_registration(as_of: AsOf = None):
    """Registrer nye og endrede tilskudd til frivillige organisasjoner i tilskuddsregisteret."""
    settings, now = get_settings(), clock.resolve(as_of)
    catalogue, schemes = load_catalogue_task(settings), load_grant_schemes_task(settings)
    planned = plan_registrations(settings, schemes)
    problems = list(planned.problems)
    if settings.tilskudd_backend == "api":
        sent = send_pending(settings, now)
        problems += sent.problems()
    else:
        write_upload(settings, catalogue, now)
        report = deliver_outbox(engine_for(settings.database_url), settings, catalogue, now, (DUTY,))
        problems += delivery_problems(report, (DUTY,))
    completed = complete_registrations(settings.database_url, now)
    unregistered = read_unregistered(settings.database_url) + [waiting_row(r) for r in planned.waiting]
    create_markdown_artifact(
        key="tilskudd-registration",
        markdown=unregistered_markdown(unregistered, settings.public_url),
        description=f"Ikke registrert i tilskuddsregisteret per {bokmal.date_short(now.date())} "
        f"{now:%H:%M} ({len(unregistered)})",
    )
    result = {"queued": planned.queued, "completed": completed, "unregistered": len(unregistered)}
    return finish(get_run_logger(), result, problems)
