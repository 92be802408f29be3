"""pydantic's error messages in bokmål, at the boundary where a file or a form is validated
(DESIGN principle 9: an error names the file, the line and the field, in bokmål)."""

_REASONS = {
    "missing": "mangler",
    "extra_forbidden": "ukjent felt",
    "string_type": "må være tekst",
    "int_type": "må være et heltall",
    "int_parsing": "må være et heltall",
    "int_from_float": "må være et heltall",
    "float_type": "må være et tall",
    "float_parsing": "må være et tall",
    "decimal_parsing": "må være et tall",
    "bool_type": "må være true eller false",
    "bool_parsing": "må være true eller false",
    "date_type": "må være en dato (ÅÅÅÅ-MM-DD)",
    "date_parsing": "må være en dato (ÅÅÅÅ-MM-DD)",
    "date_from_datetime_parsing": "må være en dato (ÅÅÅÅ-MM-DD)",
    "datetime_type": "må være et tidspunkt (ÅÅÅÅ-MM-DDTTT:MM)",
    "datetime_parsing": "må være et tidspunkt (ÅÅÅÅ-MM-DDTTT:MM)",
    "list_type": "må være en liste",
    "dict_type": "må være en oppføring med nøkler og verdier",
    "model_type": "må være en oppføring med nøkler og verdier",
    "model_attributes_type": "må være en oppføring med nøkler og verdier",
    "string_pattern_mismatch": "har ikke riktig form (mønsteret {pattern})",
    "string_too_short": "må ha minst {min_length} tegn",
    "string_too_long": "kan ha høyst {max_length} tegn",
    "too_short": "må ha minst {min_length} elementer",
    "too_long": "kan ha høyst {max_length} elementer",
    "greater_than": "må være større enn {gt}",
    "greater_than_equal": "må være minst {ge}",
    "less_than": "må være mindre enn {lt}",
    "less_than_equal": "kan være høyst {le}",
    "literal_error": "må være en av {expected}",
    "enum": "må være en av {expected}",
    "url_parsing": "er ikke en gyldig adresse",
    "url_scheme": "må være en adresse med {expected_schemes}",
}


def reason(error: dict) -> str:
    """One pydantic error (an item of ``ValidationError.errors()``) as a bokmål reason."""
    kind, context = error.get("type"), error.get("ctx") or {}
    if kind in ("value_error", "assertion_error") and "error" in context:
        return str(context["error"])
    if kind == "string_too_short" and context.get("min_length") == 1:
        return "kan ikke være tom"
    template = _REASONS.get(kind)
    if template is None:
        return f"ugyldig verdi ({error.get('msg', kind)})"
    try:
        return template.format(**{k: _shown(v) for k, v in context.items()})
    except (KeyError, IndexError):
        return template.split(" {")[0]


def _shown(value) -> str:
    """A context value as bokmål: pydantic lists choices as "'a', 'b' or 'c'"."""
    return str(value).replace("'", "").replace(" or ", " eller ")


_TAB = "tabulator kan ikke brukes; rykk inn med mellomrom"

# PyYAML's problems, in bokmål (the start of its English text -> ours).
_YAML_PROBLEMS = (
    ("could not find expected ':'", "mangler «:» etter en nøkkel"),
    ("mapping values are not allowed here", "«:» er ikke tillatt her; sett verdien i anførselstegn"),
    ("found unexpected end of stream", "filen slutter før et anførselstegn er lukket"),
    ("found character '\\t' that cannot start any token", _TAB),
    ("found a tab character", _TAB),
    ("expected <block end>", "feil innrykk"),
    ("expected ',' or ']'", "en liste i [ ] er ikke lukket"),
    ("expected ',' or '}'", "en samling i { } er ikke lukket"),
    ("found undefined alias", "ukjent alias (*navn)"),
    ("found duplicate anchor", "samme anker (&navn) står to ganger"),
    ("found unknown escape character", "ukjent escape-tegn i en tekst i anførselstegn"),
    ("found unacceptable character", "filen har et tegn YAML ikke tillater (et kontrolltegn?)"),
    ("found unhashable key", "en nøkkel kan ikke være en liste eller samling"),
)


# Problems whose problem mark is lines after the mistake: the context mark is where it starts.
_AT_CONTEXT = (
    "found unexpected end of stream",
    "could not find expected ':'",
    "expected ',' or ']'",
    "expected ',' or '}'",
)


def yaml_problem(exc: Exception) -> tuple[int | None, str]:
    """A PyYAML error as (line, bokmål reason). For a quote or a [ ] or { } never closed, or a
    key without its colon, the line is where that starts (PyYAML's context), since its problem
    mark is lines later: at the end of the file for the quote. Otherwise where the problem is."""
    problem = str(getattr(exc, "problem", "") or "")
    reason = next((ours for theirs, ours in _YAML_PROBLEMS if problem.startswith(theirs)), None)
    reason = f"ugyldig YAML: {reason}" if reason else "ugyldig YAML (filen kan ikke leses)"
    mark = getattr(exc, "problem_mark", None)
    if problem.startswith(_AT_CONTEXT) and getattr(exc, "context_mark", None) is not None:
        mark = exc.context_mark
    return (mark.line + 1 if mark is not None else None), reason


def yaml_message(path, exc: Exception) -> str:
    """A PyYAML error of the file at ``path`` as one bokmål line: «path, linje N: reason»."""
    line, reason = yaml_problem(exc)
    return f"{path}{f', linje {line}' if line is not None else ''}: {reason}"
