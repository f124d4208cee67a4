"""Sensitivity commands: sweep, thresholds, grid, montecarlo, tornado."""

from __future__ import annotations

import argparse
import json

import numpy as np

from sim.analysis.selection import RULES
from sim.cli.outputs import check_output
from sim.cli.progress import ProgressBar
from sim.errors import UsageError
from sim.scenario.model import Scenario
from sim.scenario.parameters import parameter_env

__all__ = ["ANALYSIS_COMMANDS", "parse_range"]

MAX_POINTS = 1_000_000


def parse_range(text: str, scenario: Scenario, default_steps: int = 101) -> tuple[str, np.ndarray]:
    """``NAME=FROM:TO[:STEPS]``, or ``NAME`` alone for the parameter's own range."""
    name, sep, spec = text.partition("=")
    names = [p.name for p in scenario.parameters]
    if name not in names:
        import difflib

        close = difflib.get_close_matches(name, names, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise UsageError(
            f"{text!r}: unknown parameter '{name}'{hint}; known: {', '.join(names) or 'none'}"
        )
    if not sep:
        param = scenario.parameter(name)
        for sweep in scenario.analysis.sweeps:
            if sweep.parameter == name:
                return name, sweep.values()
        if param.range is None:
            raise UsageError(
                f"{text!r}: {name} has no range in the scenario; give NAME=FROM:TO[:STEPS]"
            )
        return name, np.linspace(param.range[0], param.range[1], default_steps)
    parts = spec.split(":")
    try:
        if len(parts) not in (2, 3):
            raise ValueError
        start, stop = float(parts[0]), float(parts[1])
        steps = int(parts[2]) if len(parts) == 3 else default_steps
    except ValueError:
        raise UsageError(f"{text!r}: expected NAME=FROM:TO[:STEPS], e.g. {name}=0:8:161") from None
    if not (np.isfinite(start) and np.isfinite(stop)) or start == stop:
        raise UsageError(f"{text!r}: FROM and TO must be different finite numbers")
    if not 2 <= steps <= MAX_POINTS:
        raise UsageError(f"{text!r}: STEPS must be between 2 and {MAX_POINTS:,}")
    return name, np.linspace(start, stop, steps)


def _common(parser: argparse.ArgumentParser, *, select_default: str = "all") -> None:
    from sim.cli.commands import add_set_option

    parser.add_argument("scenario", metavar="FILE", help="scenario file or bundled name")
    add_set_option(parser)
    parser.add_argument(
        "--concept",
        default=None,
        metavar="LIST",
        help="simultaneous games: pure_nash (default; mixed equilibria are added where a point "
        "has no pure one) or pure_nash,mixed_nash (every equilibrium at every point); "
        "sequential games: subgame_perfect (the default and only choice)",
    )
    parser.add_argument(
        "--select",
        default=select_default,
        choices=RULES,
        help=f"equilibrium selection rule for the predicted outcome (default {select_default})",
    )


def _output(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "-o", "--output", metavar="FILE", help=f"write the {what} (.png, .svg or .pdf)"
    )
    parser.add_argument("--force", action="store_true", help="replace an existing output file")


def _concepts(text: str | None, scenario: Scenario) -> tuple[str, ...]:
    """The ``--concept`` list, checked against the kind of game (default: the kind's)."""
    from sim.analysis.batch import default_concepts

    if text is None:
        return default_concepts(scenario)
    names = tuple(c.strip() for c in text.split(",") if c.strip())
    if scenario.kind == "sequential":
        if names != ("subgame_perfect",):
            raise UsageError(
                f"--concept {text!r}: {scenario.name!r} is a sequential game, analysed by its "
                "subgame-perfect equilibria; use --concept subgame_perfect or leave it out"
            )
        return names
    bad = [c for c in names if c not in ("pure_nash", "mixed_nash")]
    if bad or not names:
        raise UsageError(f"--concept {text!r}: choose pure_nash or pure_nash,mixed_nash")
    return names


def _load(args: argparse.Namespace) -> tuple[Scenario, dict[str, float]]:
    """Load the scenario; a sequential one must have perfect information."""
    from sim.cli.commands import load_with_overrides

    scenario, overrides = load_with_overrides(args)
    if scenario.kind == "sequential":
        from sim.analysis.sequential_batch import require_perfect_information

        require_perfect_information(scenario)
    return scenario, overrides


def _save_plot(args: argparse.Namespace, draw) -> None:  # type: ignore[no-untyped-def]
    """Draw with the plotting module (imported only here) and save atomically."""
    if not args.output:
        return
    path = check_output(args.output, force=args.force, inputs=(args.scenario,))
    from sim.plots import save_figure

    axes = draw()
    first = axes[0] if isinstance(axes, list | tuple) else axes
    save_figure(first.figure, path)
    print(f"wrote {path}")


def _current(scenario: Scenario, overrides: dict[str, float], name: str) -> float:
    return float(parameter_env(scenario.parameters, overrides)[name])


# -- sweep -------------------------------------------------------------------
def _sweep_args(parser: argparse.ArgumentParser) -> None:
    _common(parser)
    parser.add_argument(
        "range",
        metavar="NAME=FROM:TO[:STEPS]",
        nargs="?",
        help="parameter and values (default: the scenario's first sweep)",
    )
    _output(parser, "plot")
    fmt = parser.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print the table as JSON")
    fmt.add_argument("--csv", action="store_true", help="print the table as CSV")


def _run_sweep(args: argparse.Namespace) -> int:
    from sim.analysis.sweep import sweep
    from sim.analysis.thresholds import find_thresholds
    from sim.report.sensitivity import sweep_csv, sweep_json, sweep_text

    scenario, overrides = _load(args)
    spec = args.range
    if spec is None:
        if not scenario.analysis.sweeps:
            raise UsageError("give NAME=FROM:TO[:STEPS] (the scenario defines no default sweep)")
        spec = scenario.analysis.sweeps[0].parameter
    name, values = parse_range(spec, scenario)
    overrides.pop(name, None)
    bar = ProgressBar("solving")
    result = sweep(
        scenario,
        name,
        values,
        base=overrides,
        concepts=_concepts(args.concept, scenario),
        rule=args.select,
        progress=bar,
    )
    bar.close()
    if args.json:
        print(sweep_json(result), end="")
    elif args.csv:
        print(sweep_csv(result), end="")
    thresholds = None
    if not (args.json or args.csv) or args.output:
        thresholds = find_thresholds(
            scenario,
            name,
            float(values[0]),
            float(values[-1]),
            base=overrides,
            concepts=_concepts(args.concept, scenario),
            rule=args.select,
        )
    if not (args.json or args.csv):
        print(sweep_text(result, thresholds, _current(scenario, overrides, name)))

    def draw():  # type: ignore[no-untyped-def]
        from sim.plots import plot_sweep

        return plot_sweep(result, thresholds)

    _save_plot(args, draw)
    return 0


# -- thresholds --------------------------------------------------------------
def _thresholds_args(parser: argparse.ArgumentParser) -> None:
    _common(parser)
    parser.add_argument("parameter", metavar="NAME", help="the parameter to move")
    parser.add_argument("--from", dest="start", type=float, help="lower end (default: its range)")
    parser.add_argument("--to", dest="stop", type=float, help="upper end (default: its range)")
    parser.add_argument(
        "--steps", type=int, default=401, help="grid points before bisection (default 401)"
    )
    parser.add_argument("--json", action="store_true", help="print the JSON document")


def _run_thresholds(args: argparse.Namespace) -> int:
    from sim.analysis.thresholds import find_thresholds
    from sim.report.sensitivity import thresholds_document, thresholds_text

    scenario, overrides = _load(args)
    name, values = parse_range(args.parameter, scenario)
    start = args.start if args.start is not None else float(values[0])
    stop = args.stop if args.stop is not None else float(values[-1])
    if not start < stop:
        raise UsageError("--from must be below --to")
    if not 2 <= args.steps <= MAX_POINTS:
        raise UsageError(f"--steps must be between 2 and {MAX_POINTS:,}")
    current = _current(scenario, overrides, name)
    overrides.pop(name, None)
    result = find_thresholds(
        scenario,
        name,
        start,
        stop,
        steps=args.steps,
        base=overrides,
        concepts=_concepts(args.concept, scenario),
        rule=args.select,
    )
    if args.json:
        print(json.dumps(thresholds_document(result), indent=2))
    else:
        print(thresholds_text(result, current))
    return 0


# -- grid --------------------------------------------------------------------
def _grid_args(parser: argparse.ArgumentParser) -> None:
    _common(parser)
    parser.add_argument("x", metavar="X=A:B[:N]", nargs="?", help="horizontal parameter")
    parser.add_argument("y", metavar="Y=C:D[:N]", nargs="?", help="vertical parameter")
    _output(parser, "map")
    parser.add_argument("--json", action="store_true", help="print the regions as JSON")


def _run_grid(args: argparse.Namespace) -> int:
    from sim.analysis.sweep import grid
    from sim.report.sensitivity import grid_text

    scenario, overrides = _load(args)
    if args.x is None or args.y is None:
        if not scenario.analysis.grids:
            raise UsageError("give X=A:B[:N] Y=C:D[:N] (the scenario defines no default grid)")
        g = scenario.analysis.grids[0]
        x, y = (g.x.parameter, g.x.values()), (g.y.parameter, g.y.values())
    else:
        x, y = parse_range(args.x, scenario, 61), parse_range(args.y, scenario, 61)
    if len(x[1]) * len(y[1]) > MAX_POINTS:
        raise UsageError(f"the grid has {len(x[1]) * len(y[1]):,} points; at most {MAX_POINTS:,}")
    for key in (x[0], y[0]):
        overrides.pop(key, None)
    bar = ProgressBar("solving")
    result = grid(
        scenario,
        x,
        y,
        base=overrides,
        concepts=_concepts(args.concept, scenario),
        rule=args.select,
        progress=bar,
    )
    bar.close()
    if args.json:
        doc = {
            "x": {"parameter": result.x, "values": result.x_values.tolist()},
            "y": {"parameter": result.y, "values": result.y_values.tolist()},
            "select": result.rule,
            "labels": list(result.labels),
            "regions": result.regions.tolist(),
        }
        print(json.dumps(doc, indent=1))
    else:
        print(grid_text(result))

    def draw():  # type: ignore[no-untyped-def]
        from sim.plots import plot_grid

        return plot_grid(result)

    _save_plot(args, draw)
    return 0


# -- montecarlo --------------------------------------------------------------
def _mc_args(parser: argparse.ArgumentParser) -> None:
    _common(parser)
    parser.add_argument(
        "--samples", type=int, help="number of draws (default: the scenario's, else 10000)"
    )
    parser.add_argument("--seed", type=int, help="random seed (default: the scenario's, else 0)")
    _output(parser, "bar chart")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")


def _run_mc(args: argparse.Namespace) -> int:
    from sim.analysis.montecarlo import monte_carlo
    from sim.report.sensitivity import montecarlo_document, montecarlo_text

    scenario, overrides = _load(args)
    spec = scenario.analysis.monte_carlo
    samples = args.samples if args.samples is not None else (spec.samples if spec else 10_000)
    seed = (
        args.seed if args.seed is not None else (spec.seed if spec and spec.seed is not None else 0)
    )
    if not 1 <= samples <= 10_000_000:
        raise UsageError("--samples must be between 1 and 10,000,000")
    if seed < 0:
        raise UsageError("--seed must be zero or positive")
    bar = ProgressBar("solving")
    result = monte_carlo(
        scenario,
        samples=samples,
        seed=seed,
        base=overrides,
        concepts=_concepts(args.concept, scenario),
        rule=args.select,
        progress=bar,
    )
    bar.close()
    if args.json:
        print(json.dumps(montecarlo_document(result), indent=2))
    else:
        print(montecarlo_text(result))

    def draw():  # type: ignore[no-untyped-def]
        from sim.plots import plot_montecarlo

        return plot_montecarlo(result)

    _save_plot(args, draw)
    return 0


# -- tornado -----------------------------------------------------------------
def _tornado_args(parser: argparse.ArgumentParser) -> None:
    _common(parser, select_default="payoff_dominant")
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--player", help="only this player's equilibrium payoff")
    what.add_argument("--outcome", help="the probability of this outcome label instead of payoffs")
    parser.add_argument(
        "--steps", type=int, default=21, help="points across each range (default 21)"
    )
    _output(parser, "tornado chart")
    parser.add_argument("--json", action="store_true", help="print the bars as JSON")


def _run_tornado(args: argparse.Namespace) -> int:
    from sim.analysis.tornado import tornado
    from sim.report.sensitivity import tornado_document, tornado_text

    scenario, overrides = _load(args)
    if not 2 <= args.steps <= 10_001:
        raise UsageError("--steps must be between 2 and 10001")
    if args.outcome is not None:
        _check_outcome(scenario, args.outcome)
    results = tornado(
        scenario,
        concepts=_concepts(args.concept, scenario),
        player=args.player,
        outcome=args.outcome,
        base=overrides,
        rule=args.select,
        steps=args.steps,
    )
    if args.json:
        print(json.dumps(tornado_document(results), indent=2))
    else:
        print(tornado_text(results))

    def draw():  # type: ignore[no-untyped-def]
        from sim.plots import plot_tornados

        return plot_tornados(results, scenario_name=scenario.name)

    _save_plot(args, draw)
    return 0


def _check_outcome(scenario: Scenario, name: str) -> None:
    import difflib

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
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise UsageError(
            f"--outcome {name!r}: no outcome has that label{hint}; labels: "
            f"{', '.join(known) or 'none (add labels to the scenario)'}"
        )


# -- plot ------------------------------------------------------------------------
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
        draw = _qre_drawing(scenario, overrides)
    else:
        draw = _tree_drawing(scenario, overrides)
    _save_plot(args, draw)
    return 0


def _qre_drawing(scenario: Scenario, overrides: dict[str, float]):  # type: ignore[no-untyped-def]
    from sim.games.normal_form import build_game
    from sim.solvers.logit_limit import limiting_logit_equilibrium
    from sim.solvers.logit_qre import trace_logit_branch

    if scenario.kind == "sequential":
        raise UsageError("`sim plot qre` draws the QRE of simultaneous games")
    game = build_game(scenario, overrides)
    branch = trace_logit_branch(game.payoffs)
    limit = limiting_logit_equilibrium(game.payoffs)

    def draw():  # type: ignore[no-untyped-def]
        from sim.plots import plot_qre

        return plot_qre(branch, game.players, game.moves, limit=limit, title=scenario.name)

    return draw


def _tree_drawing(scenario: Scenario, overrides: dict[str, float]):  # type: ignore[no-untyped-def]
    if scenario.kind != "sequential":
        raise UsageError("`sim plot tree` draws sequential games (this one is simultaneous)")
    from sim.analysis.sequential import solve_sequential

    analysis = solve_sequential(scenario, overrides)

    def draw():  # type: ignore[no-untyped-def]
        from sim.plots import plot_tree

        return plot_tree(analysis)

    return draw


def _commands():  # type: ignore[no-untyped-def]
    from sim.cli.commands import Command

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
            _run_sweep,
        ),
        Command(
            "thresholds",
            "the exact values where the predicted outcome flips",
            "Find every value of a parameter where the set of equilibria or the predicted\n"
            "outcome changes: a grid scan refined by bisection to 1e-12, solved exactly where\n"
            "payoffs are linear in the parameter; printed as sentences. In a sequential game\n"
            "a flip is any change of the subgame-perfect plan, off the path included.",
            "examples:\n  sim thresholds missile_shield iran_ties\n"
            "  sim thresholds missile_shield sanction_cost --from 0 --to 20 --json\n"
            "  sim thresholds entry_deterrence shared_profit",
            _thresholds_args,
            _run_thresholds,
        ),
        Command(
            "grid",
            "a 2-D map of the predicted outcome over two parameters",
            "Solve on a grid of two parameters (one batch) and map the predicted outcome.",
            "examples:\n  sim grid missile_shield iran_ties=0:6:61 deal_value=0:6:61 -o map.png\n"
            "  sim grid missile_shield",
            _grid_args,
            _run_grid,
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
            _run_mc,
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
            _run_tornado,
        ),
        Command(
            "plot",
            "draw the QRE branch or a game tree",
            "Draw each player's move probabilities along the logit QRE branch (qre), or a\n"
            "sequential game's tree with its equilibrium path highlighted (tree).",
            "examples:\n  sim plot qre missile_shield -o qre.png\n"
            "  sim plot tree entry_deterrence -o tree.png",
            _plot_args,
            _run_plot,
        ),
    )


ANALYSIS_COMMANDS = _commands
