"""``sim target``: what it takes to make an outcome an equilibrium."""

from __future__ import annotations

import argparse
import json

from sim.concepts import PURE_NASH, SUBGAME_PERFECT
from sim.errors import UsageError

__all__ = ["TARGET_COMMAND"]


def _arguments(parser: argparse.ArgumentParser) -> None:
    from sim.cli.commands import add_set_option

    parser.add_argument("scenario", metavar="FILE", help="scenario file or bundled name")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--outcome", metavar="NAME", help="the outcome, by its label")
    what.add_argument(
        "--moves",
        metavar="PLAYER=MOVE,...",
        help="the outcome by its moves (sequential games: STAGE=MOVE, stage ids)",
    )
    parser.add_argument(
        "--vary", metavar="P1,P2,...", default="", help="the parameters that may change"
    )
    parser.add_argument(
        "--concept",
        choices=(PURE_NASH, SUBGAME_PERFECT),
        help="pure_nash (default for simultaneous games) or subgame_perfect (sequential)",
    )
    parser.add_argument(
        "--strict",
        metavar="MARGIN",
        type=float,
        default=0.0,
        help="every deviation must lose at least MARGIN (default 0)",
    )
    parser.add_argument(
        "--transfers",
        action="store_true",
        help="allow payments made only when the outcome is played (negotiation.transfers, "
        "else any player to any other at rate 1)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the search (default 0)")
    add_set_option(parser)
    parser.add_argument("--json", action="store_true", help="print the JSON document")


def _parse_moves(text: str) -> dict[str, str]:
    moves: dict[str, str] = {}
    for item in text.split(","):
        key, sep, move = item.partition("=")
        if not sep or not key.strip() or not move.strip():
            raise UsageError(f"--moves {text!r}: expected PLAYER=MOVE,... e.g. US=hold_shield")
        if key.strip() in moves:
            raise UsageError(f"--moves {text!r}: '{key.strip()}' is named twice")
        moves[key.strip()] = move.strip()
    return moves


def _run(args: argparse.Namespace) -> int:
    from sim.analysis.target import solve_target
    from sim.analysis.target_model import make_problem
    from sim.analysis.target_search import SearchSettings
    from sim.cli.commands import load_with_overrides
    from sim.report.target import target_document, target_text

    scenario, overrides = load_with_overrides(args)
    varied = [v.strip() for v in args.vary.split(",") if v.strip()]
    if not varied and not args.transfers:
        raise UsageError("give --vary P1,P2,... or --transfers (or both)")
    if args.seed < 0:
        raise UsageError("--seed must be zero or positive")
    problem = make_problem(
        scenario,
        outcome=args.outcome,
        moves=_parse_moves(args.moves) if args.moves is not None else None,
        varied=varied,
        base=overrides,
        concept=args.concept,
        margin=args.strict,
        transfers=args.transfers,
    )
    result = solve_target(problem, SearchSettings(seed=args.seed))
    if args.json:
        print(json.dumps(target_document(result), indent=2))
    else:
        print(target_text(result), end="")
    return 0


def _command():  # type: ignore[no-untyped-def]
    from sim.cli.commands import Command

    return Command(
        "target",
        "the cheapest change that makes an outcome an equilibrium",
        "Find the smallest change of the named parameters (each inside its range; cost =\n"
        "sum of |change| / range width) that makes an outcome a pure Nash equilibrium\n"
        "(simultaneous games) or the outcome of a subgame-perfect equilibrium (sequential\n"
        "games of perfect information); with --transfers, also or instead the smallest\n"
        "payments made only when the outcome is played. Exact (a linear or mixed-integer\n"
        "program) when payoffs are affine in the varied parameters, else a seeded search.\n"
        "Every answer is re-checked by solving the game at the new values.",
        "examples:\n"
        "  sim target missile_shield --outcome 'Grand bargain' "
        "--vary deal_value,iran_ties,sanction_cost\n"
        "  sim target missile_shield --moves US=activate_shield,Russia=veto_sanctions,"
        "Iran=halt_enrichment --vary iran_ties --strict 0.5\n"
        "  sim target missile_shield_deal --outcome 'Grand bargain' --transfers --json",
        _arguments,
        _run,
    )


TARGET_COMMAND = _command
