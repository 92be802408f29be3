"""What every part of the `pliktvakt` command shares: consoles, common options, JSON output.

The one escape point for output (issue 18): both consoles print every string as text, never
as rich markup or emoji codes, so a stored title such as ``[/x]`` or ``[link=…]`` is shown as
written and cannot break a listing. Colour is given as a style (``labelled``), never by
markup in a string.

Nor are control characters let through (issue 30): a stored title with ESC[2J or an OSC 52
clipboard write would act on the terminal of whoever lists it. Every string the consoles
print loses its C0 and C1 control characters but newline and tab (``printable``); so does
what ``write_output`` writes to standard output when that is a terminal (a report's md or
csv), and ``print_json`` writes those JSON leaves unescaped as \\u escapes."""

import json
import re
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.text import Text
from typer import rich_utils

from pliktvakt import bounds, clock

# C0 but tab and newline, DEL, and C1 (0x80-0x9F: CSI, OSC, ... in one byte).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` without control characters, newline and tab kept."""
    return _CONTROL.sub("", text)


class PlainConsole(Console):
    """A console that prints every string as text: no markup, no emoji codes, no control
    characters. Each string a table cell or ``print`` gets passes through ``render_str``."""

    def render_str(self, text: str, **kwargs) -> Text:
        return super().render_str(printable(text), **kwargs)

    def on_broken_pipe(self) -> None:
        """The reader of standard output went away (``| head``): said in bokmål on stderr,
        exit 2 (rich's own exits 1 without a word)."""
        self.quiet = True
        let_go(sys.stderr if self.stderr else sys.stdout)
        if not self.stderr:  # else nowhere is left to say it
            fail(BROKEN_PIPE)
        raise SystemExit(2)


BROKEN_PIPE = "utdataene ble lukket før alt var skrevet (brutt rør); resten er ikke skrevet"


def let_go(stream) -> None:
    """Point ``stream``'s descriptor at /dev/null, so that Python's flush at exit does not
    fail again on a closed pipe or a full disk."""
    import os

    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
    except (OSError, ValueError):
        pass


out = PlainConsole(markup=False, emoji=False)
err = PlainConsole(stderr=True, markup=False, emoji=False)

# typer's frame around a usage error, in bokmål like the message inside it.
rich_utils.ERRORS_PANEL_TITLE = "Feil"
rich_utils.RICH_HELP = "Se [blue]'{command_path} {help_option}'[/] for hjelp."


STDOUT = "-"  # -o -: write to standard output


def write_output(target, content: bytes | str) -> bool:
    """Write what a command makes to ``-o``: ``-`` is standard output; else a regular file,
    replaced atomically, or a new path in a directory that exists (``tasks.files``). Returns
    whether it went to standard output."""
    if str(target) == STDOUT:
        sys.stdout.flush()
        if sys.stdout.isatty():  # stored text with ESC or OSC must not act on the terminal
            text = content.decode("utf-8", errors="replace") if isinstance(content, bytes) else content
            content = printable(text)
        sys.stdout.buffer.write(content if isinstance(content, bytes) else content.encode("utf-8"))
        sys.stdout.buffer.flush()
        return True
    from tasks.files import write_file

    write_file(target, content, make_dirs=False)
    return False


def labelled(label: str, style: str, rest: object = "") -> Text:
    """``label`` in ``style``, then ``rest`` as plain text: "Feil: …" in red."""
    return Text.assemble((label, style), " " if rest != "" else "", printable(str(rest)))


def fail(message: object) -> None:
    """An error line on stderr: a red "Feil:" and the message as plain text."""
    err.print(labelled("Feil:", "red", message))


def running_prefect_server() -> dict | None:
    """Prefect settings for a server that is already there (``local_server``); `make run`'s
    server is named on stderr when it is the one used."""
    from deployments import local_server

    found, local = local_server.running_server_settings()
    if local:
        err.print(f"Kjører mot Prefect-serveren til `make run`: {local_server.UI}")
    return found


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


# What ``json.dumps(ensure_ascii=False)`` leaves as it is but a terminal acts on: DEL and C1.
_JSON_UNESCAPED_CONTROL = re.compile(r"[\x7f-\x9f]")


def print_json(data) -> None:
    """``data`` as JSON on plain stdout (rich would wrap long lines and break it). json escapes
    C0 but not DEL and C1 (U+0080-U+009F, where CSI and OSC are one character): those are
    written as \\u escapes too, so the JSON means the same to a program and does nothing to a
    terminal (issue 30). They can only be inside strings: JSON's own syntax is ASCII."""
    text = json.dumps(data, ensure_ascii=False, default=str, indent=2)
    text = _JSON_UNESCAPED_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    sys.stdout.write(text + "\n")


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
