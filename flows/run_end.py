"""How every duty run ends (DESIGN: run contract).

Completed when it did its duty; otherwise Failed, with a bokmål message that names what
is missing, after it has done everything else it could. An expected problem is not a bug,
so it ends the run without a traceback.
"""

import logging

from prefect.exceptions import FailedRun
from prefect.states import Failed, State

from pliktvakt.deployment_health import REFUSED_STATE
from tasks.delivery import DeliveryReport


class ReturnedFailureIsNoCrash(logging.Filter):
    """Drops Prefect's traceback for a run that returned its own Failed state.

    A worker runs a deployment run through ``python -m prefect.engine``, which asks for the
    finished run's result; for a Failed state that raises FailedRun, and Prefect logs it to the
    run as "Engine execution exited with unexpected exception" with a traceback, after
    "Finished in state …" has already given the reason. Under the run contract a returned
    Failed state is expected, so that record goes. An exception a flow raises is never a
    FailedRun (it is re-raised as itself), so a real crash keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], FailedRun))


# On the logger Prefect writes a run's own log records to (flow_run_logger): every flow module
# that ends runs here imports this one before Prefect runs it.
if not any(isinstance(f, ReturnedFailureIsNoCrash) for f in logging.getLogger("prefect.flow_runs").filters):
    logging.getLogger("prefect.flow_runs").addFilter(ReturnedFailureIsNoCrash())


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


def refused(logger, what: str, reason: str) -> State:
    """The run ends on an officer's input: Failed, named «Avvist», with the bokmål reason as its
    message and no traceback. Prefect names the event after the state
    (prefect.flow-run.Avvist), so the operations automation, which listens for ...Failed, is
    not set off by a typing mistake; the officer reads the reason on the run."""
    message = f"{what}: {reason}"
    logger.warning(message)
    return Failed(name=REFUSED_STATE, message=message)
