"""The house rules DESIGN.md states that a test can check (issue 32): a flow reads like the duty
it performs, so its body stays short, and the decisions live in the domain."""

import ast
from pathlib import Path

FLOWS = Path(__file__).resolve().parent.parent / "flows"
LONGEST_FLOW_BODY = 30


def _is_flow(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(target, ast.Name) and target.id == "flow"


def flow_bodies() -> dict[str, int]:
    """Lines of each flow function's body (all after the signature, its docstring included), by
    ``module:function``."""
    bodies = {}
    for path in sorted(FLOWS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
                _is_flow(d) for d in node.decorator_list
            ):
                bodies[f"{path.stem}:{node.name}"] = node.end_lineno - node.body[0].lineno + 1
    return bodies


def test_the_walk_finds_every_flow_module():
    # 13 flow functions in 13 modules today; the walk must find them, or the rule below proves nothing.
    assert len(flow_bodies()) >= 13


def test_every_flow_body_is_at_most_30_lines():
    too_long = {name: lines for name, lines in flow_bodies().items() if lines > LONGEST_FLOW_BODY}
    assert too_long == {}


def test_the_image_copies_every_package_the_project_ships():
    # The CLI's move to cli/ (issue 32) needed a COPY line: without one the image's
    # `pliktvakt` command would not start.
    import tomllib

    root = FLOWS.parent
    shipped = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["hatch"]["build"][
        "targets"
    ]["wheel"]["packages"]
    copied = {
        line.split()[1]
        for line in (root / "Dockerfile").read_text(encoding="utf-8").splitlines()
        if line.startswith("COPY ")
    }
    assert len(shipped) >= 6 and set(shipped) - copied == set()
