"""The ``sim`` commands: each an argument spec and a ``run`` function."""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TextIO

from sim.cli.outputs import say
from sim.concepts import ALL, NOT_YET
from sim.errors import RequestError, ScenarioError, UsageError
from sim.games.normal_form import build_game
from sim.report.show import describe_parameters, describe_sequential
from sim.report.table import payoff_tables
from sim.scenario.bundled import ScenarioNotFound, bundled_scenarios
from sim.scenario.loader import load_scenario
from sim.scenario.model import Parameter, Scenario
from sim.scenario.parameters import check_overrides, check_parameter_name
from sim.textsafe import escape_text

__all__ = [
    "COMMANDS",
    "MAX_SHOWN_TABLES",
    "Command",
    "load_with_overrides",
    "parse_overrides",
    "use_color",
]

#: The concepts ``sim solve --concept`` computes for one kind of game or the other.
SOLVE_CONCEPTS = tuple(c for c in ALL if c not in NOT_YET)
#: ``sim show`` prints at most this many payoff tables (games of 3 or more players).
MAX_SHOWN_TABLES = 100


@dataclass(frozen=True)
class Command:
    """One sub-command: its name, help texts, arguments and action."""

    name: str
    help: str
    description: str
    epilog: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def use_color(stream: TextIO | None = None) -> bool:
    """Colour only on a terminal (default: the current stdout), never when NO_COLOR is set."""
    stream = stream if stream is not None else sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)()) and not os.environ.get("NO_COLOR")


def add_set_option(parser: argparse.ArgumentParser) -> None:
    """The ``--set NAME=VALUE`` option shared by several commands."""
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a parameter (repeatable), e.g. --set shield_threat=6",
    )


def _load(name: str | os.PathLike[str]) -> Scenario:
    """:func:`load_scenario`, pointing to ``sim list`` when the name matches nothing."""
    try:
        scenario = load_scenario(name)
    except ScenarioNotFound as exc:
        hints = [replace(d, message=f"{d.message}; see `sim list`") for d in exc.diagnostics]
        raise ScenarioError(hints) from None
    for warning in scenario.warnings:
        print(warning, file=sys.stderr)
    return scenario


def parse_overrides(items: Sequence[str], parameters: Sequence[Parameter]) -> dict[str, float]:
    """Parse ``name=value`` strings from ``--set`` options (the last of a name wins).

    Raises
    ------
    UsageError
        For a missing ``=``, an unknown name (with a did-you-mean) or a value that
        is not a finite number.
    """
    result: dict[str, float] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name, text = name.strip(), text.strip()
        if not sep or not name:
            raise UsageError(f"--set {item!r}: expected NAME=VALUE, e.g. --set shield_threat=2")
        try:
            check_parameter_name(name, parameters)
            value = float(text)
            result.update(check_overrides({name: value}, parameters))
        except RequestError as exc:
            raise UsageError(f"--set {item!r}: {exc}") from None
        except ValueError:
            raise UsageError(f"--set {item!r}: '{text}' is not a number") from None
    return result


def load_with_overrides(args: argparse.Namespace) -> tuple[Scenario, dict[str, float]]:
    """Load ``args.scenario`` and parse its ``--set`` overrides."""
    scenario = _load(args.scenario)
    return scenario, parse_overrides(args.overrides, scenario.parameters)


# -- sim list ---------------------------------------------------------------
def _list_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--paths", action="store_true", help="print each scenario's file instead of its summary"
    )


def _first_sentence(text: str, width: int = 90) -> str:
    """The first sentence of a description, clipped between words to ``width`` characters.

    >>> _first_sentence("One two three four. Five.", width=14)
    'One two...'
    """
    words = " ".join(text.split())
    end = words.find(". ")
    sentence = words if end < 0 else words[: end + 1]
    if len(sentence) <= width:
        return sentence
    cut = sentence[: width - 2]  # room for "..." after dropping the partial word
    head = cut.rsplit(" ", 1)[0] if " " in cut else sentence[: width - 3]
    return head.rstrip(" ,;:-") + "..."


def _run_list(args: argparse.Namespace) -> int:
    if args.paths:
        for path in bundled_scenarios():
            say(f"{path.stem}  {escape_text(str(path))}")
        return 0
    rows = []
    for path in bundled_scenarios():
        try:
            scenario = _load(path)
            summary = scenario.name
            first = _first_sentence(scenario.description)
            if first:
                summary = f"{scenario.name}: {first}"
        except ScenarioError:
            summary = "(does not load: run `sim validate` on it)"
        rows.append((path.stem, summary))
    width = max((len(n) for n, _ in rows), default=0)
    for name, summary in rows:
        say(f"{name.ljust(width)}  {escape_text(summary)}")
    return 0


# -- sim validate -----------------------------------------------------------
def _validate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="scenario files or bundled names")


def _run_validate(args: argparse.Namespace) -> int:
    status = 0
    for name in args.files:
        try:
            scenario = _load(name)
        except ScenarioError as exc:
            for diagnostic in exc.diagnostics:
                print(diagnostic, file=sys.stderr)
            status = 1
            continue
        n, k = len(scenario.players), len(scenario.parameters)
        say(
            f"{escape_text(name)}: ok ({scenario.kind}, {n} player{'s' * (n != 1)}, "
            f"{k} parameter{'s' * (k != 1)})"
        )
    return status


# -- sim show ---------------------------------------------------------------
def _show_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", metavar="FILE", help="scenario file or bundled name")
    add_set_option(parser)


def _run_show(args: argparse.Namespace) -> int:
    scenario, overrides = load_with_overrides(args)
    color = use_color()
    say(escape_text(scenario.name))
    if scenario.description:
        say(textwrap.fill(" ".join(escape_text(scenario.description).split()), 88))
    say()
    say(describe_parameters(scenario, overrides))
    say()
    if scenario.kind == "sequential":
        from sim.games.extensive_build import extensive_at
        from sim.report.tree_text import game_tree_text

        say(describe_sequential(scenario))
        say()
        say(game_tree_text(*extensive_at(scenario, overrides)))
        return 0
    game = build_game(scenario, overrides)
    print(payoff_tables(game, color=color, max_tables=MAX_SHOWN_TABLES))
    print()
    print(
        "* marks a best response to the other players' moves; [ ] marks a pure Nash "
        "equilibrium (every payoff starred)."
    )
    if scenario.ordinal:
        print("Payoffs are ordinal (ranks): only their order carries meaning.")
    return 0


# -- sim solve --------------------------------------------------------------
def _solve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", metavar="FILE", help="scenario file or bundled name")
    add_set_option(parser)
    parser.add_argument(
        "--concept",
        metavar="LIST",
        default=None,
        help=f"comma-separated solution concepts: {', '.join(SOLVE_CONCEPTS)} "
        "(default: the scenario's solve.concepts, else pure_nash,mixed_nash)",
    )
    parser.add_argument(
        "--lambda",
        dest="lambdas",
        metavar="LIST",
        help="QRE precisions for --concept qre, e.g. 0.5,1,2 "
        "(default: the scenario's qre_lambda, else 1)",
    )
    parser.add_argument("--json", action="store_true", help="print the JSON result document")
    parser.add_argument(
        "--tol",
        type=float,
        default=1e-9,
        help="tolerance for ties and supports, relative to the payoff range (default 1e-9)",
    )


def _concepts(args: argparse.Namespace, scenario: Scenario) -> tuple[str, ...]:
    """``--concept``, checked against what ``sim solve`` computes for the scenario's kind."""
    from sim.cli.analysis_args import concept_option
    from sim.concepts import NASH, SEQUENTIAL, SIMULTANEOUS, check_concepts, filter_concepts

    offered, fallback, where = SIMULTANEOUS, NASH, "simultaneous games"
    if scenario.kind == "sequential":
        offered, fallback, where = SEQUENTIAL, SEQUENTIAL, "sequential games"
    if args.concept is None:
        return filter_concepts(scenario.solve.concepts, offered, fallback)
    return concept_option(args.concept, lambda names: check_concepts(names, offered, where))


def _solve_sequential(
    args: argparse.Namespace, scenario: Scenario, overrides: dict[str, float]
) -> int:
    from sim.analysis.sequential import solve_sequential
    from sim.report.json_out import dumps
    from sim.report.sequential_json import sequential_document
    from sim.report.sequential_report import sequential_text

    concepts = None
    if args.concept is not None:
        concepts = _concepts(args, scenario)
    analysis = solve_sequential(scenario, overrides, concepts=concepts, tol=args.tol)
    if args.json:
        print(dumps(sequential_document(scenario, analysis)))
    else:
        say(sequential_text(scenario, analysis))
    return 0


def _lambdas(args: argparse.Namespace, scenario: Scenario) -> tuple[float, ...]:
    if args.lambdas is None:
        return scenario.solve.qre_lambda or (1.0,)
    try:
        values = tuple(float(x) for x in args.lambdas.split(",") if x.strip())
    except ValueError:
        raise UsageError(f"--lambda {args.lambdas!r}: expected numbers, e.g. 0.5,1,2") from None
    if not values or any(not (0 <= v < 1e9) for v in values):
        raise UsageError("--lambda values must be between 0 and 1e9")
    return values


def _run_solve(args: argparse.Namespace) -> int:
    from sim.analysis.solve import SolveOptions, solve_game
    from sim.report.json_out import dumps, solve_document
    from sim.report.text import solve_report

    scenario, overrides = load_with_overrides(args)
    if not (0 < args.tol < 1e-3):
        raise UsageError("--tol must be between 0 and 1e-3")
    if scenario.kind == "sequential":
        return _solve_sequential(args, scenario, overrides)
    game = build_game(scenario, overrides)
    options = SolveOptions(
        concepts=_concepts(args, scenario), qre_lambdas=_lambdas(args, scenario), tol=args.tol
    )
    analysis = solve_game(game, options)
    if args.json:
        print(dumps(solve_document(scenario, analysis)))
    else:
        say(solve_report(scenario, analysis))
    return 0


COMMANDS = (
    Command(
        "list",
        "list the bundled scenarios",
        "List the scenarios that ship with sim, with their one-line descriptions\n"
        "(--paths: where each file lives; `sim copy NAME` makes an editable copy).",
        "examples:\n  sim list\n  sim list --paths",
        _list_arguments,
        _run_list,
    ),
    Command(
        "validate",
        "check scenario files and report every problem",
        "Check scenario files. Prints one ok line per good file; every problem is\n"
        "reported as FILE:LINE:COL: key.path: message. Exit status 1 if any file is bad.",
        "examples:\n  sim validate my_game.yaml\n  sim validate scenarios/*.yaml",
        _validate_arguments,
        _run_validate,
    ),
    Command(
        "show",
        "print a scenario's payoff table (or game tree) and parameters",
        "Print the payoff table of a simultaneous game (best responses marked) or the\n"
        "structure of a sequential game, with the parameter values used.",
        "examples:\n  sim show missile_shield\n  sim show missile_shield --set shield_threat=6\n"
        "  sim show my_game.yaml | less",
        _show_arguments,
        _run_show,
    ),
    Command(
        "solve",
        "find every Nash equilibrium, verified, and explain it",
        "Solve a game. Simultaneous games: every pure Nash equilibrium; every extreme\n"
        "mixed equilibrium of 2-player games (exact on degenerate games) and every\n"
        "equilibrium of small N-player games; the logit QRE (--concept qre); zero-sum value\n"
        "by linear programming; dominated moves, security levels, Pareto optimality.\n"
        "Sequential games: subgame-perfect equilibria by backward induction, Nash equilibria\n"
        "of the strategic form and the threats that are not credible. Every equilibrium is\n"
        "re-checked by an independent best-response test before it is shown.",
        "examples:\n  sim solve battle_of_the_sexes\n  sim solve missile_shield --set iran_ties=4\n"
        "  sim solve prisoners_dilemma --json\n  sim solve chicken --concept pure_nash",
        _solve_arguments,
        _run_solve,
    ),
)
