"""``sim export``: a scenario as a Gambit ``.nfg`` / ``.efg`` file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.cli.outputs import check_output, say, shown_path, write_text
from sim.errors import UsageError

__all__ = ["EXPORT_COMMAND"]


def _export_args(parser: argparse.ArgumentParser) -> None:
    from sim.cli.commands import add_set_option

    parser.add_argument("scenario", metavar="FILE", help="scenario file or bundled name")
    parser.add_argument("--to", required=True, choices=("nfg", "efg"), help="output format")
    parser.add_argument("-o", "--output", metavar="OUT", help="file to write (default stdout)")
    add_set_option(parser)
    parser.add_argument("--force", action="store_true", help="replace an existing output file")


def _run_export(args: argparse.Namespace) -> int:
    from sim.cli.commands import load_with_overrides

    scenario, overrides = load_with_overrides(args)
    if args.to == "efg":
        if scenario.kind != "sequential":
            raise UsageError("--to efg needs a sequential game; use --to nfg")
        from sim.games.efg import to_efg
        from sim.games.extensive import evaluate
        from sim.games.extensive_build import build_extensive
        from sim.scenario.parameters import parameter_env

        game = build_extensive(scenario)
        env = parameter_env(scenario.parameters, overrides)
        text = to_efg(game, evaluate(game, env).point(0, env))
    else:
        from sim.games.gambit_nfg import to_nfg
        from sim.games.normal_form import build_game

        text = to_nfg(build_game(scenario, overrides))
    if not args.output:
        sys.stdout.write(text)
        return 0
    target = check_output(args.output, force=args.force, inputs=(args.scenario,))
    write_text(Path(target), text, force=args.force)
    say(f"wrote {shown_path(target)}")
    return 0


def _command():  # type: ignore[no-untyped-def]
    from sim.cli.commands import Command

    return Command(
        "export",
        "write a scenario as a Gambit .nfg or .efg file",
        "Write the game at one parameter point (--set to change it) in Gambit's formats:\n"
        ".nfg (strategic form, any scenario) or .efg (game tree, sequential scenarios).\n"
        "Numbers are written as exact fractions.",
        "examples:\n  sim export prisoners_dilemma --to nfg -o pd.nfg\n"
        "  sim export entry_deterrence --to efg -o entry.efg",
        _export_args,
        _run_export,
    )


EXPORT_COMMAND = _command
