"""The one Jinja environment: every letter, notice and report is rendered through it.

Templates named ``*.html.j2`` are autoescaped; text and Markdown templates are not.
Undefined names fail loudly, so a template can never silently drop a required item.
"""

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from pliktvakt import bokmal

FILTERS = {
    "dato": bokmal.date_long,
    "dato_ukedag": bokmal.date_with_weekday,
    "kroner": bokmal.kroner,
    "tall": bokmal.number,
    "pst": bokmal.percent,
    "endring": lambda value: bokmal.percent(value, signed=True),
}


def _autoescape(name: str | None) -> bool:
    return (name or "").endswith((".html.j2", ".html"))


@lru_cache(maxsize=8)  # compiling templates dominates the cost of rendering one letter
def environment(*template_dirs: Path) -> Environment:
    """The environment that loads from ``template_dirs``, first match wins."""
    env = Environment(
        loader=FileSystemLoader([str(d) for d in template_dirs]),
        autoescape=_autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    return env


def render(template_dir: Path, name: str, **context) -> str:
    return environment(template_dir).get_template(name).render(context)
