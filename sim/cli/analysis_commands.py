"""Sensitivity commands: sweep, thresholds, grid, montecarlo, tornado."""

from __future__ import annotations

import argparse
import json

import numpy as np

from sim.cli.analysis_args import (
    MAX_POINTS,
    common_arguments,
    current_value,
    load_for_analysis,
    output_arguments,
    parse_concepts,
    parse_range,
    save_plot,
    sweep_range,
)
from sim.cli.measure_commands import (
    add_measure_option,
    run_grid_measure,
    run_montecarlo_measure,
    run_sweep_measure,
    run_thresholds_measure,
    run_tornado_measure,
)
from sim.cli.outputs import say
from sim.cli.progress import ProgressBar
from sim.errors import UsageError
from sim.scenario.model import Scenario

__all__ = ["ANALYSIS_COMMANDS", "MAX_SAMPLES", "MAX_THRESHOLD_STEPS", "parse_range"]

#: Largest Monte Carlo run (measured: 1,000,000 draws of missile_shield, ~73 s and
#: 0.8 GB on 2 busy cores; 10,000,000 needed over 5 GB and 5 minutes).
MAX_SAMPLES = 1_000_000
#: Largest thresholds grid (flips of affine payoffs are exact roots: a fine grid is
#: only needed elsewhere; 100,001 steps of missile_shield: ~8 s, 0.15 GB).
MAX_THRESHOLD_STEPS = 100_001


# -- sweep -------------------------------------------------------------------
def _sweep_args(parser: argparse.ArgumentParser) -> None:
    common_arguments(parser)
    parser.add_argument(
        "range",
        metavar="NAME=FROM:TO[:STEPS]",
        nargs="?",
        help="parameter and values (default: the scenario's first sweep)",
    )
    output_arguments(parser, "plot")
    fmt = parser.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print the table as JSON")
    fmt.add_argument("--csv", action="store_true", help="print the table as CSV")
    add_measure_option(parser)


def _run_sweep(args: argparse.Namespace) -> int:
    from sim.analysis.sweep import sweep
    from sim.analysis.thresholds import find_thresholds
    from sim.report.sensitivity import sweep_csv, sweep_json, sweep_text

    scenario, overrides = load_for_analysis(args)
    name, values = sweep_range(args.range, scenario)
    overrides.pop(name, None)
    if args.measure:
        return run_sweep_measure(args, scenario, overrides, name, values)
    bar = ProgressBar("solving")
    result = sweep(
        scenario,
        name,
        values,
        base=overrides,
        concepts=parse_concepts(args.concept, scenario),
        rule=args.select,
        progress=bar,
    )
    bar.close()
    if args.json:
        print(sweep_json(result), end="")
    elif args.csv:
        say(sweep_csv(result), end="")
    thresholds = None
    if not (args.json or args.csv) or args.output:
        thresholds = find_thresholds(
            scenario,
            name,
            float(values[0]),
            float(values[-1]),
            base=overrides,
            concepts=parse_concepts(args.concept, scenario),
            rule=args.select,
        )
    if not (args.json or args.csv):
        say(sweep_text(result, thresholds, current_value(scenario, overrides, name)))

    save_plot(args, "plot_sweep", result, thresholds)
    return 0


# -- thresholds --------------------------------------------------------------
def _thresholds_args(parser: argparse.ArgumentParser) -> None:
    common_arguments(parser)
    parser.add_argument("parameter", metavar="NAME", help="the parameter to move")
    parser.add_argument("--from", dest="start", type=float, help="lower end (default: its range)")
    parser.add_argument("--to", dest="stop", type=float, help="upper end (default: its range)")
    parser.add_argument(
        "--steps",
        type=int,
        default=401,
        help="grid points before bisection (default 401, at most 100,001)",
    )
    parser.add_argument("--json", action="store_true", help="print the JSON document")
    add_measure_option(parser)


def _run_thresholds(args: argparse.Namespace) -> int:
    from sim.analysis.thresholds import find_thresholds
    from sim.report.sensitivity import thresholds_document, thresholds_text

    scenario, overrides = load_for_analysis(args)
    if args.start is not None and args.stop is not None and "=" not in args.parameter:
        name, values = parse_range(f"{args.parameter}={args.start!r}:{args.stop!r}:2", scenario)
    else:
        name, values = parse_range(args.parameter, scenario)
    start = args.start if args.start is not None else float(values[0])
    stop = args.stop if args.stop is not None else float(values[-1])
    if not (np.isfinite(start) and np.isfinite(stop)) or start == stop:
        raise UsageError("--from and --to must be different finite numbers")
    start, stop = min(start, stop), max(start, stop)
    if not 2 <= args.steps <= MAX_THRESHOLD_STEPS:
        raise UsageError(f"--steps must be between 2 and {MAX_THRESHOLD_STEPS:,}")
    current = current_value(scenario, overrides, name)
    overrides.pop(name, None)
    if args.measure:
        return run_thresholds_measure(args, scenario, overrides, name, start, stop, current)
    result = find_thresholds(
        scenario,
        name,
        start,
        stop,
        steps=args.steps,
        base=overrides,
        concepts=parse_concepts(args.concept, scenario),
        rule=args.select,
    )
    if args.json:
        print(json.dumps(thresholds_document(result), indent=2))
    else:
        say(thresholds_text(result, current))
    return 0


# -- grid --------------------------------------------------------------------
def _grid_args(parser: argparse.ArgumentParser) -> None:
    common_arguments(parser)
    parser.add_argument("x", metavar="X=A:B[:N]", nargs="?", help="horizontal parameter")
    parser.add_argument("y", metavar="Y=C:D[:N]", nargs="?", help="vertical parameter")
    output_arguments(parser, "map")
    parser.add_argument("--json", action="store_true", help="print the regions as JSON")
    add_measure_option(parser)


def _run_grid(args: argparse.Namespace) -> int:
    from sim.analysis.sweep import grid
    from sim.report.sensitivity import grid_document, grid_text

    scenario, overrides = load_for_analysis(args)
    if args.x is None or args.y is None:
        if not scenario.analysis.grids:
            raise UsageError("give X=A:B[:N] Y=C:D[:N] (the scenario defines no default grid)")
        g = scenario.analysis.grids[0]
        x, y = (g.x.parameter, g.x.values()), (g.y.parameter, g.y.values())
    else:
        x, y = parse_range(args.x, scenario, 61), parse_range(args.y, scenario, 61)
    if x[0] == y[0]:
        raise UsageError(f"the grid's two axes both vary '{x[0]}'; give two different parameters")
    if len(x[1]) * len(y[1]) > MAX_POINTS:
        raise UsageError(f"the grid has {len(x[1]) * len(y[1]):,} points; at most {MAX_POINTS:,}")
    for key in (x[0], y[0]):
        overrides.pop(key, None)
    if args.measure:
        return run_grid_measure(args, scenario, overrides, x, y)
    bar = ProgressBar("solving")
    result = grid(
        scenario,
        x,
        y,
        base=overrides,
        concepts=parse_concepts(args.concept, scenario),
        rule=args.select,
        progress=bar,
    )
    bar.close()
    if args.json:
        print(json.dumps(grid_document(result), indent=1))
    else:
        say(grid_text(result))

    save_plot(args, "plot_grid", result)
    return 0


# -- montecarlo --------------------------------------------------------------
def _mc_args(parser: argparse.ArgumentParser) -> None:
    common_arguments(parser)
    parser.add_argument(
        "--samples",
        type=int,
        help="number of draws (default: the scenario's, else 10000; at most 1,000,000)",
    )
    parser.add_argument("--seed", type=int, help="random seed (default: the scenario's, else 0)")
    output_arguments(parser, "bar chart")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    add_measure_option(parser)


def _run_mc(args: argparse.Namespace) -> int:
    from sim.analysis.montecarlo import monte_carlo
    from sim.report.sensitivity import montecarlo_document, montecarlo_text

    scenario, overrides = load_for_analysis(args)
    spec = scenario.analysis.monte_carlo
    samples = args.samples if args.samples is not None else (spec.samples if spec else 10_000)
    seed = (
        args.seed if args.seed is not None else (spec.seed if spec and spec.seed is not None else 0)
    )
    if args.measure:
        return run_montecarlo_measure(args, scenario, overrides, seed)
    if not 1 <= samples <= MAX_SAMPLES:
        raise UsageError(f"--samples must be between 1 and {MAX_SAMPLES:,}")
    if seed < 0:
        raise UsageError("--seed must be zero or positive")
    bar = ProgressBar("solving")
    result = monte_carlo(
        scenario,
        samples=samples,
        seed=seed,
        base=overrides,
        concepts=parse_concepts(args.concept, scenario),
        rule=args.select,
        progress=bar,
    )
    bar.close()
    if args.json:
        print(json.dumps(montecarlo_document(result), indent=2))
    else:
        say(montecarlo_text(result))

    save_plot(args, "plot_montecarlo", result)
    return 0


# -- tornado -----------------------------------------------------------------
def _tornado_args(parser: argparse.ArgumentParser) -> None:
    common_arguments(parser, select_default="payoff_dominant")
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--player", help="only this player's equilibrium payoff")
    what.add_argument("--outcome", help="the probability of this outcome label instead of payoffs")
    parser.add_argument(
        "--steps", type=int, default=21, help="points across each range (default 21)"
    )
    output_arguments(parser, "tornado chart")
    parser.add_argument("--json", action="store_true", help="print the bars as JSON")
    add_measure_option(parser)


def _run_tornado(args: argparse.Namespace) -> int:
    from sim.analysis.tornado import tornado
    from sim.report.sensitivity import tornado_document, tornado_text

    scenario, overrides = load_for_analysis(args)
    if not 2 <= args.steps <= 10_001:
        raise UsageError("--steps must be between 2 and 10001")
    if args.measure:
        return run_tornado_measure(args, scenario, overrides)
    if args.outcome is not None:
        _check_outcome(scenario, args.outcome)
    results = tornado(
        scenario,
        concepts=parse_concepts(args.concept, scenario),
        player=args.player,
        outcome=args.outcome,
        base=overrides,
        rule=args.select,
        steps=args.steps,
    )
    if args.json:
        print(json.dumps(tornado_document(results), indent=2))
    else:
        say(tornado_text(results))

    save_plot(args, "plot_tornados", results, scenario_name=scenario.name)
    return 0


def _check_outcome(scenario: Scenario, name: str) -> None:
    from sim.errors import did_you_mean

    known = list(
        dict.fromkeys(
            [lab.name for lab in scenario.labels]
            + [row.label for row in scenario.outcomes or () if row.label]
        )
    )
    if scenario.kind == "sequential":
        from sim.analysis.sequential_batch import game_for, outcome_names

        known = list(dict.fromkeys([*known, *outcome_names(game_for(scenario))]))
    if name not in known:
        raise UsageError(
            f"--outcome {name!r}: no outcome has that label{did_you_mean(name, known)}; labels: "
            f"{', '.join(known) or 'none (add labels to the scenario)'}"
        )


def _commands():  # type: ignore[no-untyped-def]
    from sim.cli.commands import Command
    from sim.cli.hidden_commands import hidden_aware, information_arguments, run_information

    return (
        Command(
            "sweep",
            "move one parameter and watch the equilibria and the prediction",
            "Solve the game at every value of one parameter (all in one batch): the\n"
            "equilibria, each player's move probabilities and payoffs, the predicted outcome\n"
            "and the exact flip points. Text summary by default; --csv or --json for the table.\n"
            "A sequential game (perfect information, chance allowed) is solved by backward\n"
            "induction: its subgame-perfect plan, outcome odds and expected payoffs per point.",
            "examples:\n  sim sweep missile_shield iran_ties=0:6:121\n"
            "  sim sweep missile_shield iran_ties -o sweep.png\n"
            "  sim sweep chicken crash=-20:-1 --concept pure_nash,mixed_nash --csv > chicken.csv\n"
            "  sim sweep missile_shield_deal sanction_cost -o deal.png",
            _sweep_args,
            hidden_aware("sweep", _run_sweep),
        ),
        Command(
            "thresholds",
            "the exact values where the predicted outcome flips",
            "Find every value of a parameter where the set of equilibria or the predicted\n"
            "outcome changes, printed as sentences. Where payoffs are affine in the parameter\n"
            "every flip is an exact root of a payoff difference (however close two flips are);\n"
            "elsewhere a grid scan is refined by bisection to 1e-12 and such grid results are\n"
            "marked ~. In a sequential game a flip is any change of the subgame-perfect plan,\n"
            "off the path included, and moving odds of chance-driven outcomes are reported.",
            "examples:\n  sim thresholds missile_shield iran_ties\n"
            "  sim thresholds missile_shield sanction_cost --from 0 --to 20 --json\n"
            "  sim thresholds entry_deterrence shared_profit",
            _thresholds_args,
            hidden_aware("thresholds", _run_thresholds),
        ),
        Command(
            "grid",
            "a 2-D map of the predicted outcome over two parameters",
            "Solve on a grid of two parameters (one batch) and map the predicted outcome.",
            "examples:\n  sim grid missile_shield iran_ties=0:6:61 deal_value=0:6:61 -o map.png\n"
            "  sim grid missile_shield",
            _grid_args,
            hidden_aware("grid", _run_grid),
        ),
        Command(
            "montecarlo",
            "outcome odds when parameters are uncertain",
            "Draw every parameter that has a distribution, solve every draw, and report how\n"
            "often each outcome is predicted (95% intervals) and which parameters move the\n"
            "odds most (rank correlation). The same seed gives the same numbers.",
            "examples:\n  sim montecarlo missile_shield --samples 10000 --seed 1\n"
            "  sim montecarlo missile_shield -o odds.png",
            _mc_args,
            hidden_aware("montecarlo", _run_mc),
        ),
        Command(
            "tornado",
            "which single assumption swings the result most",
            "Move each parameter across its range with the others fixed, and rank the\n"
            "parameters by the swing in each player's equilibrium payoff (or in the\n"
            "probability of one outcome).",
            "examples:\n  sim tornado missile_shield\n  sim tornado missile_shield --player Russia "
            "-o tornado.png\n  sim tornado missile_shield --outcome 'Grand bargain'",
            _tornado_args,
            hidden_aware("tornado", _run_tornado),
        ),
        Command(
            "information",
            "what a signal (an inspection, an assessment) is worth to each player",
            "Solve a game with hidden information three times - with its signal as it is,\n"
            "with the settings of a perfect signal and with those of a useless one - and\n"
            "show the predictions and each player's payoff side by side.",
            "examples:\n  sim information missile_shield_verification "
            "--perfect detection=1,false_alarm=0 --useless detection=0.5,false_alarm=0.5",
            information_arguments,
            run_information,
        ),
    )


ANALYSIS_COMMANDS = _commands
