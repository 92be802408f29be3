"""How every duty run ends (DESIGN: run contract).

Completed when it did its duty; otherwise Failed, with a bokmål message that names what
is missing, after it has done everything else it could. An expected problem is not a bug,
so it ends the run without a traceback.
"""

from prefect.states import Failed, State

from tasks.delivery import DeliveryReport


def delivery_problems(report: DeliveryReport, duties: tuple[str, ...]) -> list[str]:
    """This run's undelivered messages; another duty's are that duty's problem."""
    failed = report.failed_for(duties)
    if not failed:
        return []
    return [
        f"{len(failed)} melding(er) ble ikke levert og prøves igjen ved neste kjøring: "
        + "; ".join(f"{key}: {error}" for key, error in failed.items())
    ]


def finish(logger, result: dict, problems: list[str]) -> dict | State:
    """``result`` if nothing is missing, else a Failed state naming each problem once."""
    problems = list(dict.fromkeys(problems))
    if not problems:
        return result
    message = " | ".join(problems)
    logger.error(message)
    return Failed(message=message)
