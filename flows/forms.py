"""The run forms' fields, as people read them: a bokmål title and help on every parameter,
and a list to choose from where the config holds the choices (schemes, roles).

Prefect makes a deployment's run form from its flow's parameters when the deployment is made
(`make run` at start, `prefect deploy` in production), so the lists are those of the config
at that time: a scheme or role added later needs the deployments made again. The lists go
into the form's schema only (``enum``), not into the parameter's type, so a flow called from
code still checks every value itself and refuses a wrong one in bokmål. A config that cannot
be read leaves the field as free text (the flow then names what is wrong when it runs); it
never stops the flows from loading.
"""

import re
from datetime import datetime
from typing import Annotated

from pydantic import Field

from pliktvakt.settings import get_settings

EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def field(title: str, help: str, *, choices: list[str] | None = None, **schema):
    """A form field: Prefect writes the parameter's own name as its title, and
    ``json_schema_extra`` is applied after it, so the bokmål title and help win."""
    extra = {"title": title, "description": help} | schema
    if choices:
        extra["enum"] = choices
    return Field(json_schema_extra=extra)


def scheme_ids(applied_for: bool = False) -> list[str] | None:
    """The ids in config/grant_schemes.yaml, in the file's order (with ``applied_for``, only
    the schemes awarded on application, the only ones with decisions); None if it cannot be read."""
    from pliktvakt.grants.store import load_grant_schemes

    try:
        schemes = load_grant_schemes(get_settings().config_dir)
    except ValueError:
        return None
    return [id for id, scheme in schemes.items() if scheme.application_based or not applied_for]


def role_ids() -> list[str] | None:
    """The roles in config/officers.yaml, in the file's order; None if it cannot be read."""
    from pliktvakt.catalogue import load_roles

    try:
        return list(load_roles(get_settings().config_dir))
    except ValueError:
        return None


def submitter_problem(email: str | None) -> str | None:
    """Why the form's «Din e-postadresse» cannot be the actor of the audit log, or None."""
    if not (email or "").strip():
        return "Din e-postadresse mangler: skriv e-postadressen din, den føres i revisjonsloggen"
    if not re.fullmatch(EMAIL, email.strip()):
        return f"Din e-postadresse: «{email.strip()}» er ikke en e-postadresse"
    return None


# The lists of the run forms, read from the config when a form's flow first imports them, not
# by every flow that imports AsOf: `pliktvakt run materialise` needs none of them (issue 31).
_CHOICES = {
    "SCHEMES": scheme_ids,
    "APPLIED_FOR_SCHEMES": lambda: scheme_ids(applied_for=True),
    "ROLES": role_ids,
}


def __getattr__(name: str):
    if name not in _CHOICES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = globals()[name] = _CHOICES[name]()
    return value


Submitter = Annotated[
    str,
    field(
        "Din e-postadresse",
        "Den som fyller ut skjemaet; føres som den som handlet i revisjonsloggen.",
        pattern=EMAIL,
        maxLength=200,
    ),
]

AsOf = Annotated[
    datetime | None,
    field(
        "Kjør som om det var (dato og tid)",
        "Tom: nå (norsk tid). Med en dato kjøres flyten som om det var den dagen, for etterkjøring og test.",
    ),
]
