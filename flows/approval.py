"""Waiting in the Prefect UI for a person's decision (DESIGN: approvals are gates held by a
person). The run pauses with a form; the UI's Resume button, or `pliktvakt settlement
approve|reject`, answers it with the form's fields."""

import time
from datetime import datetime, timedelta, timezone
from typing import Literal

from prefect.exceptions import FlowPauseTimeout
from prefect.flow_runs import pause_flow_run
from prefect.input import RunInput
from pydantic import Field

from pliktvakt.settlement.inputs import ApprovalConfig
from pliktvakt.settlement.rules_approval import APPROVED, REJECTED, Decision

EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class ApprovalForm(RunInput):
    decision: Literal[APPROVED, REJECTED] = Field(  # type: ignore[valid-type]
        title="Beslutning", description="godkjent: rapporten sendes og tallene publiseres; avvist: ingenting"
    )
    by: str = Field(title="Din e-postadresse", pattern=EMAIL, max_length=200)
    comment: str = Field(default="", title="Kommentar", max_length=2000)


def wait_for_decision(description: str, config: ApprovalConfig, now: datetime) -> Decision | None:
    """The decision, timed from the run's own clock (``now`` plus the wait); None when nobody
    answered within ``config.wait_hours``."""
    started = time.monotonic()
    try:
        answer = pause_flow_run(
            wait_for_input=ApprovalForm.with_initial_data(description=description),
            timeout=config.wait_seconds,
            poll_interval=config.poll_seconds,
            key="settlement-approval",
        )
    except FlowPauseTimeout:
        return None
    at = (now + timedelta(seconds=time.monotonic() - started)).astimezone(timezone.utc)
    return Decision(answer.decision, answer.by.strip(), answer.comment.strip(), at)
