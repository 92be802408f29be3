"""Errors of evaluation: the one a refused request raises, its message in bokmål."""


class EvaluationError(ValueError):
    """A request about evaluations that cannot be carried out; the message is in bokmål."""
