"""`pliktvakt` in the test's own process: what a user sees, without a new Python per call.

A new process costs 1 to 3 s of imports per call; in-process the imports are paid once per
test worker. The call goes through ``cli.main.main``, the entry point's own error
handling (a user's mistake is exit 2 with a bokmål line, not a traceback), inside
``typer.testing.CliRunner``'s isolation: stdout and stderr are captured apart, the extra
environment is set for the call only, and the working directory is the test's.

An exception that escapes ``main`` is written to the captured stderr as Python would print
it, with exit code 1, so a test that asserts "no traceback" sees it as it would from a
process. The log handlers that write to the console (Prefect's) write to the captured stderr
during the call, as they would in a process of its own.

The real entry point is still run as a process by the smoke tests: tests/test_entry_point.py,
the secrets check in tests/test_watch_cli_and_secrets.py and tests/ops.
"""

import logging
import os
import subprocess
import sys
import traceback
from collections.abc import Mapping
from pathlib import Path

from typer.testing import CliRunner

# Imported with the test session, before any test sets COLUMNS: a rich console created while
# COLUMNS is set keeps that width for good, so each call's COLUMNS could not take effect.
from cli import main as cli


def reset_caches() -> None:
    """Forget settings and engines, as a new process would: the next call reads the environment again."""
    from pliktvakt.settings import get_settings

    get_settings.cache_clear()
    common = sys.modules.get("tasks.common")  # imported only by commands that run flows
    if common is not None:
        common.engine_for.cache_clear()


def _console_handlers() -> list[logging.StreamHandler]:
    known = logging.root.manager.loggerDict.values()  # loggers, and placeholders with no handlers
    loggers = [logging.getLogger(), *(logger for logger in known if isinstance(logger, logging.Logger))]
    return [
        handler
        for logger in loggers
        for handler in logger.handlers
        if isinstance(handler, logging.StreamHandler)
        and not isinstance(handler, logging.FileHandler)
        and not type(handler).__module__.startswith("_pytest")  # pytest's own log capture
    ]


def _logs_to(stream) -> None:
    """Console log handlers write to ``stream`` (Prefect's keeps a rich console of its own too).

    Not ``setStream``: it flushes the old stream, which may be the captured stderr of an
    earlier call, closed by now (Prefect sets up its handlers on first use, during a call)."""
    for handler in _console_handlers():
        handler.stream = stream
        if hasattr(handler, "console"):
            handler.console.file = stream


def invoke(
    args: list[str], cwd: Path, extra_env: Mapping[str, str | None] | None = None
) -> subprocess.CompletedProcess:
    """Run ``pliktvakt ARGS`` in this process; the result as ``subprocess.run`` would give it."""
    runner = CliRunner()
    old_argv, old_cwd = sys.argv, os.getcwd()
    reset_caches()
    with runner.isolation(env=extra_env) as (stdout, stderr, _):
        sys.argv = ["pliktvakt", *args]
        os.chdir(cwd)
        _logs_to(sys.stderr)
        try:
            code = _exit_code(cli.main)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.chdir(old_cwd)
            sys.argv = old_argv
        out, err = stdout.getvalue(), stderr.getvalue()
    _logs_to(sys.stderr)  # the test's own stderr again
    reset_caches()
    return subprocess.CompletedProcess(
        ["pliktvakt", *args], code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
    )


def _exit_code(main) -> int:
    try:
        main()
    except SystemExit as exc:
        return _code(exc.code)
    except Exception:
        sys.stderr.write(traceback.format_exc())
        return 1
    return 0


def _code(code) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    sys.stderr.write(f"{code}\n")  # sys.exit("text") prints the text and exits 1
    return 1
