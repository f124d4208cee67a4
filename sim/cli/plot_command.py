"""``sim plot``: draw the logit QRE branch or a game tree."""

from __future__ import annotations

import argparse

from sim.cli.analysis_args import save_plot
from sim.cli.outputs import check_output
from sim.errors import UsageError
from sim.scenario.model import Scenario

__all__ = ["PLOT_COMMAND"]


def _plot_args(parser: argparse.ArgumentParser) -> None:
    from sim.cli.commands import add_set_option

    parser.add_argument("kind", choices=("qre", "tree"), help="what to draw")
    parser.add_argument("scenario", metavar="FILE", help="scenario file or bundled name")
    add_set_option(parser)
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        required=True,
        help="the image to write (.png, .svg or .pdf)",
    )
    parser.add_argument("--force", action="store_true", help="replace an existing output file")


def _run_plot(args: argparse.Namespace) -> int:
    from sim.cli.commands import load_with_overrides

    scenario, overrides = load_with_overrides(args)
    check_output(args.output, force=args.force, inputs=(args.scenario,))
    if args.kind == "qre":
        _plot_qre(args, scenario, overrides)
    else:
        _plot_tree(args, scenario, overrides)
    return 0


def _plot_qre(args: argparse.Namespace, scenario: Scenario, overrides: dict[str, float]) -> None:
    from sim.games.normal_form import build_game
    from sim.solvers.qre.logit_limit import limiting_logit_equilibrium
    from sim.solvers.qre.logit_qre import trace_logit_branch

    if scenario.kind == "sequential":
        raise UsageError("`sim plot qre` draws the QRE of simultaneous games")
    game = build_game(scenario, overrides)
    branch = trace_logit_branch(game.payoffs)
    limit = limiting_logit_equilibrium(game.payoffs)
    save_plot(args, "plot_qre", branch, game.players, game.moves, limit=limit, title=scenario.name)


def _plot_tree(args: argparse.Namespace, scenario: Scenario, overrides: dict[str, float]) -> None:
    if scenario.kind != "sequential":
        raise UsageError("`sim plot tree` draws sequential games (this one is simultaneous)")
    from sim.analysis.sequential import solve_sequential

    save_plot(args, "plot_tree", solve_sequential(scenario, overrides))


def _command():  # type: ignore[no-untyped-def]
    from sim.cli.commands import Command

    return Command(
        "plot",
        "draw the QRE branch or a game tree",
        "Draw each player's move probabilities along the logit QRE branch (qre), or a\n"
        "sequential game's tree with its equilibrium path highlighted (tree).",
        "examples:\n  sim plot qre missile_shield -o qre.png\n"
        "  sim plot tree entry_deterrence -o tree.png",
        _plot_args,
        _run_plot,
    )


PLOT_COMMAND = _command
