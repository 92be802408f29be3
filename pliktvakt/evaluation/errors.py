class EvaluationError(ValueError):
    """A request about evaluations that cannot be carried out; the message is in bokmål."""
