"""What every part of the `pliktvakt` command shares: consoles, common options, JSON output."""

import json
import sys
from typing import Annotated, Optional

import typer
from rich.console import Console

out = Console()
err = Console(stderr=True)

AsOf = Annotated[Optional[str], typer.Option("--as-of", help="Tidspunkt (ISO-dato eller -tid) i stedet for nå.")]
AsJson = Annotated[bool, typer.Option("--json", help="Skriv JSON for programmer.")]


def print_json(data) -> None:
    # Plain stdout: rich would wrap long lines and break the JSON.
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str, indent=2) + "\n")
