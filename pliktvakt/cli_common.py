"""What every part of the `pliktvakt` command shares: consoles, common options, JSON output."""

import json
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Annotated, Optional

import typer
from rich.console import Console

from pliktvakt import clock

out = Console()
err = Console(stderr=True)


def moment(value: str, option: str = "--as-of") -> date | datetime:
    """A date or a date and time on the command line, by the one parser (``clock.parse``).
    A bad value is a usage error: exit 2 with the bokmål reason, no traceback."""
    try:
        return clock.parse(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint=f"'{option}'") from None


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
