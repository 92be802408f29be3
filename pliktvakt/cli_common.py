"""What every part of the `pliktvakt` command shares: consoles, common options, JSON output.

The one escape point for output (issue 18): both consoles print every string as text, never
as rich markup or emoji codes, so a stored title such as ``[/x]`` or ``[link=…]`` is shown as
written and cannot break a listing. Colour is given as a style (``labelled``), never by
markup in a string."""

import json
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.text import Text
from typer import rich_utils

from pliktvakt import bounds, clock

out = Console(markup=False, emoji=False)
err = Console(stderr=True, markup=False, emoji=False)

# typer's frame around a usage error, in bokmål like the message inside it.
rich_utils.ERRORS_PANEL_TITLE = "Feil"
rich_utils.RICH_HELP = "Se [blue]'{command_path} {help_option}'[/] for hjelp."


def labelled(label: str, style: str, rest: object = "") -> Text:
    """``label`` in ``style``, then ``rest`` as plain text: "Feil: …" in red."""
    return Text.assemble((label, style), " " if rest != "" else "", str(rest))


def fail(message: object) -> None:
    """An error line on stderr: a red "Feil:" and the message as plain text."""
    err.print(labelled("Feil:", "red", message))


def running_prefect_server() -> dict | None:
    """Prefect settings for a server that is already there: none needed when PREFECT_API_URL
    is set; `make run`'s server when it answers (said on stderr); None when neither."""
    from prefect.settings import PREFECT_API_URL, PREFECT_HOME, get_current_settings

    from deployments import local_server

    if get_current_settings().api.url:
        return {}
    if local_server.healthy():
        err.print(f"Kjører mot Prefect-serveren til `make run`: {local_server.UI}")
        return {PREFECT_API_URL: local_server.API, PREFECT_HOME: local_server.PREFECT_HOME}
    return None


class BadValue(typer.BadParameter):
    """A usage error in bokmål: exit 2, no traceback."""

    def format_message(self) -> str:
        hint = self.param_hint or (f"'{_name(self.param)}'" if self.param and self.param.name else "")
        return f"Ugyldig verdi for {hint}: {self.message}" if hint else f"Ugyldig verdi: {self.message}"


def _name(param) -> str:
    """An option as typed (--days), an argument as shown in the usage line (OCCURRENCE_ID)."""
    return param.opts[0] if param.param_type_name == "option" and param.opts else param.name.upper()


def moment(value: str, option: str = "--as-of") -> date | datetime:
    """A date or a date and time on the command line, by the one parser (``clock.parse``).
    A bad value is a usage error: exit 2 with the bokmål reason, no traceback."""
    try:
        return clock.parse(value)
    except ValueError as exc:
        raise BadValue(str(exc), param_hint=f"'{option}'") from None


def _identifier(value: str) -> int:
    try:
        return bounds.identifier(value)
    except ValueError as exc:
        raise BadValue(str(exc)) from None


# An id on the command line: 1 to 2^63 − 1, what the database can hold; else exit 2.
Id = Annotated[int, typer.Argument(parser=_identifier, metavar="ID")]


def whole(low: int, high: int) -> Callable[[str], int]:
    """A parser of a whole-number option from ``low`` to ``high``: else exit 2 in bokmål."""

    def parse(value: str | int) -> int:  # typer passes the default as it is
        try:
            return bounds.whole(str(value), low, high)
        except ValueError as exc:
            raise BadValue(str(exc)) from None

    return parse


def _as_of(value: str | None) -> datetime | None:
    return None if value is None else clock.resolve(moment(value))


# The one `--as-of`: validated here; the command gets an aware Oslo datetime (or None for
# now) and passes it to clock.resolve like any as_of.
AsOf = Annotated[
    Optional[datetime],
    typer.Option(
        "--as-of",
        parser=_as_of,
        metavar="ÅÅÅÅ-MM-DD[TTT:MM]",
        help="Dato eller tidspunkt (Oslo-tid) i stedet for nå; en dato alene betyr kl. 09:00.",
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Skriv JSON for programmer.")]


def print_json(data) -> None:
    # Plain stdout: rich would wrap long lines and break the JSON.
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str, indent=2) + "\n")


def print_listing(
    items: list[dict],
    as_json: bool,
    columns: Sequence[str],
    row: Callable[[dict], Sequence[str]],
    title: str | None = None,
) -> None:
    """``items`` as JSON for programs, or as a table with the cells ``row(item)`` for each item."""
    from rich.table import Table

    if as_json:
        return print_json(items)
    table = Table(*columns, title=title)
    for item in items:
        table.add_row(*row(item))
    out.print(table)
