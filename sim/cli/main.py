"""The ``sim`` command line: argument parsing and error handling.

Every user error is printed as ``FILE:LINE:COL: key.path: message`` (or a
plain ``sim: message`` for command-line mistakes) and exits with status 1
(2 for wrong usage), never with a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from sim import __version__
from sim.cli import commands
from sim.cli.analysis_commands import ANALYSIS_COMMANDS
from sim.cli.plot_command import PLOT_COMMAND
from sim.errors import RequestError, ScenarioError, SimError, UsageError

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
    for spec in (*commands.COMMANDS, *ANALYSIS_COMMANDS(), PLOT_COMMAND()):
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
        print(f"sim: {exc}", file=sys.stderr)
        return exc.exit_status
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except KeyboardInterrupt:
        print("sim: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("SIM_DEBUG"):
            raise
        print(
            f"sim: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in sim; rerun with SIM_DEBUG=1 for details.",
            file=sys.stderr,
        )
        return 3


def _silence_stdout() -> None:
    """After a closed pipe (e.g. ``sim show x | head``), stop Python complaining at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
