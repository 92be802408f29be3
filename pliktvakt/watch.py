"""The deadline watch: which alert step is due for an occurrence today (``notify`` says who gets it).

Level-triggered (DESIGN principle 1): the step follows from the due date, the reminder
plan and today alone. Only the latest step is due, so after downtime an overdue item
gets its overdue alert, not every reminder it missed.
"""

from datetime import date
from functools import lru_cache

from pliktvakt.catalogue import ReminderPlan
from pliktvakt.legal_calendar import add_business_days, business_days_between
from pliktvakt.notify import ESCALATION


@lru_cache(maxsize=65536)
def _reminder_day(due: date, days_before: int) -> date:
    return add_business_days(due, -days_before)


@lru_cache(maxsize=65536)
def _business_days_over(due: date, today: date) -> int:
    return business_days_between(due, today)


def due_steps(due: date, today: date, plan: ReminderPlan) -> list[str]:
    """The steps due today: at most one for the officer, plus escalation when overdue long enough.

    - ``reminder-N``: N business days before due (the nearest one reached);
    - ``due-day``: on the due date;
    - ``overdue-K``: the K-th overdue alert, from the day after due, then every
      ``overdue_every`` business days;
    - ``escalation``: to the manager, once ``escalate_after`` business days overdue.
    """
    if today < due:
        reached = [n for n in plan.before if _reminder_day(due, n) <= today]
        return [f"reminder-{min(reached)}"] if reached else []
    if today == due:
        return ["due-day"] if plan.due_day else []
    over = _business_days_over(due, today)
    steps = [f"overdue-{1 + max(over - 1, 0) // plan.overdue_every}"]
    if over >= plan.escalate_after:
        steps.append(ESCALATION)
    return steps
