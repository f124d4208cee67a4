"""The ``sim`` command line: argument parsing and error handling.

Every user error is printed as ``FILE:LINE:COL: key.path: message`` (or a
plain ``sim: message`` for command-line mistakes) and exits with status 1
(2 for wrong usage), never with a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections.abc import Sequence

from sim import __version__
from sim.cli import commands
from sim.cli.analysis_commands import ANALYSIS_COMMANDS
from sim.cli.bargain_command import BARGAIN_COMMAND
from sim.cli.copy_command import COPY_COMMAND
from sim.cli.export_command import EXPORT_COMMAND
from sim.cli.plot_command import PLOT_COMMAND
from sim.cli.schema_command import SCHEMA_COMMAND
from sim.cli.target_command import TARGET_COMMAND
from sim.errors import RequestError, ScenarioError, SimError, UsageError
from sim.textsafe import escape_block

__all__ = ["build_parser", "main"]

DESCRIPTION = """\
sim: a game-theory negotiation simulator.

Write a scenario as a YAML file (players, moves, parameters, payoffs), then
check it, look at its payoff table and solve it. Bundled scenarios can be
named without a path: `sim list` shows them."""

EPILOG = """\
examples:
  sim list
  sim show missile_shield
  sim show missile_shield --set shield_threat=6
  sim validate scenarios/*.yaml
  sim solve prisoners_dilemma --json

Run `sim COMMAND --help` for the options of one command."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors become :class:`UsageError` (exit status 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message}\n(run `{self.prog} --help` for usage)")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with one sub-parser per command."""
    fmt = argparse.RawDescriptionHelpFormatter
    parser = _Parser(prog="sim", description=DESCRIPTION, epilog=EPILOG, formatter_class=fmt)
    parser.add_argument("--version", action="version", version=f"sim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    extra = (
        PLOT_COMMAND(),
        BARGAIN_COMMAND(),
        TARGET_COMMAND(),
        COPY_COMMAND(),
        SCHEMA_COMMAND(),
        EXPORT_COMMAND(),
    )
    for spec in (*commands.COMMANDS, *ANALYSIS_COMMANDS(), *extra):
        cmd = sub.add_parser(
            spec.name,
            help=spec.help,
            description=spec.description,
            epilog=spec.epilog,
            formatter_class=fmt,
        )
        spec.add_arguments(cmd)
        cmd.set_defaults(handler=spec.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sim`` with ``argv`` (default: the process arguments); return the exit status."""
    _exit_on_sigterm()
    try:
        return _run(argv)
    except MemoryError:
        return _report_memory()
    except BaseException as exc:
        if isinstance(exc, SystemExit | KeyboardInterrupt) or os.environ.get("SIM_DEBUG"):
            raise
        return _report_internal(exc)


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "command", None):
            parser.print_help()
            return 2
        return int(args.handler(args) or 0)
    except ScenarioError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic, file=sys.stderr)
        return exc.exit_status
    except RequestError as exc:
        # the library refused what the command line asked for: a usage error
        print(f"sim: {exc}", file=sys.stderr)
        return UsageError.exit_status
    except SimError as exc:
        print(escape_block(f"sim: {exc}"), file=sys.stderr)
        return exc.exit_status
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except KeyboardInterrupt:
        print("sim: interrupted", file=sys.stderr)
        return 130


_OUT_OF_MEMORY = (
    b"sim: out of memory: this problem needs more memory than is available; "
    b"try a smaller game, fewer parameter points or fewer samples\n"
)


def _report_memory() -> int:
    """Say that memory ran out, without allocating anything that could fail again."""
    with contextlib.suppress(BaseException):
        sys.stderr.flush()
    with contextlib.suppress(BaseException):
        os.write(2, _OUT_OF_MEMORY)
    return 1


def _report_internal(exc: BaseException) -> int:
    """Report a bug in one line; never raise from here."""
    try:
        text = escape_block(f"{type(exc).__name__}: {exc}")[:2000]
        print(
            f"sim: internal error: {text}\n"
            "This is a bug in sim; rerun with SIM_DEBUG=1 for details.",
            file=sys.stderr,
        )
    except MemoryError:
        return _report_memory()
    except BaseException:
        with contextlib.suppress(BaseException):
            os.write(2, b"sim: internal error (its message could not be printed)\n")
    return 3


def _exit_on_sigterm() -> None:
    """Turn SIGTERM into ``SystemExit(143)`` so that clean-up code (temporary files) runs."""

    def handler(signum: int, frame: object) -> None:
        del frame
        raise SystemExit(128 + signum)

    with contextlib.suppress(ValueError, OSError):  # not the main thread, or no SIGTERM
        signal.signal(signal.SIGTERM, handler)


def _silence_stdout() -> None:
    """After a closed pipe (e.g. ``sim show x | head``), stop Python complaining at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
