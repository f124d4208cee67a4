"""``sweep``, ``thresholds`` and ``montecarlo`` for games with hidden information or own beliefs.

:func:`hidden_aware` wraps a sensitivity command: a scenario whose game has
perfect information and one common prior goes to the command as before;
any other sequential game is solved point by point for its perfect
Bayesian equilibria (:mod:`sim.analysis.hidden`). ``sweep`` and
``montecarlo`` draw their plots (:mod:`sim.plots.hidden`); ``grid`` and
``tornado`` refuse ``-o`` before any solving. ``sim information``
shows the game with a signal as it is, made perfect and made useless.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from sim.cli.analysis_args import MAX_POINTS, current_value, parse_range, save_plot, sweep_range
from sim.cli.outputs import check_output
from sim.cli.progress import ProgressBar
from sim.concepts import PERFECT_BAYESIAN
from sim.errors import UsageError
from sim.scenario.model import Scenario

__all__ = ["hidden_aware", "information_arguments", "run_information"]

#: Commands that draw a plot (``-o``) for these games.
_PLOTTED = ("sweep", "montecarlo")
#: Default grid of ``thresholds`` for these games (each point is a full solve).
HIDDEN_STEPS = 41
#: Default number of Monte Carlo draws for these games.
HIDDEN_SAMPLES = 500


def _is_hidden(scenario: Scenario) -> bool:
    if scenario.kind != "sequential":
        return False
    from sim.analysis.hidden import hidden_information
    from sim.analysis.sequential_batch import game_for

    return hidden_information(game_for(scenario))


def hidden_aware(
    name: str, run: Callable[[argparse.Namespace], int]
) -> Callable[[argparse.Namespace], int]:
    """``run`` for ordinary games; the point-by-point version for games with hidden information."""

    def wrapped(args: argparse.Namespace) -> int:
        from sim.cli.commands import load_with_overrides

        scenario, overrides = load_with_overrides(args)
        if not _is_hidden(scenario):
            return run(args)
        if getattr(args, "output", None) and name in _PLOTTED:
            check_output(args.output, force=args.force, inputs=(args.scenario,))
        elif getattr(args, "output", None):
            raise UsageError(
                f"plots of games with hidden information or players' own beliefs are not "
                f"available yet; run sim {name} without -o"
            )
        if getattr(args, "concept", None) not in (None, PERFECT_BAYESIAN):
            raise UsageError(
                f"--concept {args.concept!r}: {scenario.name!r} has hidden information and is "
                "analysed by its perfect Bayesian equilibria; use --concept perfect_bayesian"
            )
        return _RUNNERS[name](args, scenario, overrides)

    return wrapped


def _sweep(args: argparse.Namespace, scenario: Scenario, overrides: dict[str, float]) -> int:
    from sim.analysis.hidden import hidden_sweep
    from sim.report.hidden_sensitivity import hidden_points_json, hidden_sweep_text

    name, values = sweep_range(args.range, scenario)
    overrides.pop(name, None)
    bar = ProgressBar("solving")
    points = hidden_sweep(scenario, name, values, base=overrides, progress=bar)
    bar.close()
    players = scenario.player_names
    if args.json or args.csv:
        print(hidden_points_json("sweep", players, points=points))
    else:
        print(hidden_sweep_text(name, points, players))
    save_plot(args, "plot_hidden_sweep", name, points)
    return 0


def _thresholds(args: argparse.Namespace, scenario: Scenario, overrides: dict[str, float]) -> int:
    from sim.analysis.hidden import hidden_thresholds
    from sim.report.hidden_sensitivity import hidden_points_json, hidden_thresholds_text

    name, values = parse_range(args.parameter, scenario)
    start = args.start if args.start is not None else float(values[0])
    stop = args.stop if args.stop is not None else float(values[-1])
    if not start < stop:
        raise UsageError("--from must be below --to")
    steps = HIDDEN_STEPS if args.steps == 401 else args.steps
    if not 2 <= steps <= MAX_POINTS:
        raise UsageError(f"--steps must be between 2 and {MAX_POINTS:,}")
    current_value(scenario, overrides, name)
    overrides.pop(name, None)
    flips = hidden_thresholds(scenario, name, start, stop, steps=steps, base=overrides)
    if args.json:
        print(hidden_points_json("thresholds", scenario.player_names, flips=flips))
    else:
        print(hidden_thresholds_text(name, flips, start, stop))
    return 0


def _montecarlo(args: argparse.Namespace, scenario: Scenario, overrides: dict[str, float]) -> int:
    from sim.analysis.hidden import hidden_montecarlo
    from sim.report.hidden_sensitivity import hidden_montecarlo_text, hidden_points_json

    spec = scenario.analysis.monte_carlo
    samples = args.samples if args.samples is not None else (spec.samples if spec else None)
    samples = samples if samples is not None else HIDDEN_SAMPLES
    seed = args.seed if args.seed is not None else (spec.seed if spec and spec.seed else 0)
    if not 2 <= samples <= 100_000:  # each draw is a full solve
        raise UsageError(
            "--samples must be between 2 and 100,000 for a game with hidden information"
        )
    if seed < 0:
        raise UsageError("--seed must be zero or positive")
    bar = ProgressBar("solving")
    odds, _ = hidden_montecarlo(scenario, samples=samples, seed=seed, base=overrides, progress=bar)
    bar.close()
    if args.json:
        print(hidden_points_json("montecarlo", scenario.player_names, odds=odds))
    else:
        print(hidden_montecarlo_text(odds, samples, seed))
    save_plot(args, "plot_hidden_odds", odds)
    return 0


_RUNNERS = {"sweep": _sweep, "thresholds": _thresholds, "montecarlo": _montecarlo}


def _assignments(text: str, scenario: Scenario, option: str) -> dict[str, float]:
    out = {}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        name, sep, value = part.partition("=")
        if not sep:
            raise UsageError(f"{option} {text!r}: expected NAME=VALUE,NAME=VALUE")
        try:
            number = float(value)
        except ValueError:
            raise UsageError(f"{option} {text!r}: {value!r} is not a number") from None
        if name.strip() not in _names(scenario):
            raise UsageError(f"{option}: unknown parameter {name.strip()!r}")
        out[name.strip()] = number
    if not out:
        raise UsageError(f"{option}: give at least one NAME=VALUE")
    return out


def _names(scenario: Scenario) -> list[str]:
    return [p.name for p in scenario.parameters]


def information_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``sim information``."""
    from sim.cli.commands import add_set_option

    parser.add_argument("scenario", metavar="FILE", help="scenario file or bundled name")
    add_set_option(parser)
    parser.add_argument(
        "--perfect", required=True, metavar="LIST", help="settings of a perfect signal"
    )
    parser.add_argument(
        "--useless", required=True, metavar="LIST", help="settings of a useless signal"
    )
    parser.add_argument("--json", action="store_true", help="print the JSON document")


def run_information(args: argparse.Namespace) -> int:
    """``sim information``: the game with its signal as is, perfect and useless."""
    import json

    from sim.analysis.hidden import value_of_information
    from sim.cli.commands import load_with_overrides
    from sim.report.hidden_sensitivity import information_text

    scenario, overrides = load_with_overrides(args)
    if scenario.kind != "sequential":
        raise UsageError(f"{scenario.name!r} is a simultaneous game; it has no signal to value")
    perfect = _assignments(args.perfect, scenario, "--perfect")
    useless = _assignments(args.useless, scenario, "--useless")
    result = value_of_information(scenario, perfect, useless, base=overrides)
    players = scenario.player_names
    if args.json:
        doc = {
            variant: {
                "settings": dict(result.settings[variant]),
                "equilibria": point.equilibria,
                "outcomes": dict(point.outcomes),
                "payoffs": dict(zip(players, point.payoffs, strict=True)),
                "worth": dict(zip(players, result.worth(variant), strict=True)),
            }
            for variant, point in result.points.items()
        }
        print(json.dumps(doc, indent=2, allow_nan=False))
    else:
        print(information_text(result, players))
    return 0


#: Default points per axis of ``grid`` for these games.
HIDDEN_GRID = 11


def _grid(args: argparse.Namespace, scenario: Scenario, overrides: dict[str, float]) -> int:
    import json

    from sim.analysis.hidden import hidden_grid
    from sim.report.hidden_sensitivity import hidden_grid_text

    if args.x is None or args.y is None:
        if not scenario.analysis.grids:
            raise UsageError("give X=A:B[:N] Y=C:D[:N] (the scenario defines no default grid)")
        g = scenario.analysis.grids[0]
        x, y = (g.x.parameter, g.x.values()), (g.y.parameter, g.y.values())
    else:
        x = parse_range(args.x, scenario, HIDDEN_GRID)
        y = parse_range(args.y, scenario, HIDDEN_GRID)
    if len(x[1]) * len(y[1]) > 10_000:
        raise UsageError(f"the grid has {len(x[1]) * len(y[1]):,} points; at most 10,000 here")
    bar = ProgressBar("solving")
    rows = hidden_grid(scenario, x, y, base=overrides, progress=bar)
    bar.close()
    if args.json:
        doc = {
            "x": {"parameter": x[0], "values": [float(v) for v in x[1]]},
            "y": {"parameter": y[0], "values": [float(v) for v in y[1]]},
            "concept": PERFECT_BAYESIAN,
            "outcomes": [[dict(p.outcomes) for p in row] for row in rows],
        }
        print(json.dumps(doc, indent=1))
    else:
        print(hidden_grid_text(x[0], y[0], rows))
    return 0


def _tornado(args: argparse.Namespace, scenario: Scenario, overrides: dict[str, float]) -> int:
    from sim.analysis.hidden import hidden_tornado
    from sim.report.hidden_sensitivity import hidden_tornado_text

    if args.outcome is not None:
        raise UsageError(
            "--outcome is not available for games with hidden information; use --player"
        )
    players = [args.player] if args.player else list(scenario.player_names)
    for player in players:
        if player not in scenario.player_names:
            raise UsageError(f"--player {player!r}: players are {', '.join(scenario.player_names)}")
    texts = []
    for player in players:
        centre, bars = hidden_tornado(scenario, player, base=overrides)
        texts.append(hidden_tornado_text(player, centre, bars))
    if args.json:
        raise UsageError(
            "--json is not available for tornado charts of games with hidden information"
        )
    print("\n\n".join(texts))
    return 0


_RUNNERS.update({"grid": _grid, "tornado": _tornado})
