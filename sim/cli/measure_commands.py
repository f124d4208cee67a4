"""``--measure`` for sweep, thresholds, grid, montecarlo and tornado.

The sensitivity commands dispatch here when ``--measure`` is given: the
measure (zone_open, nash:PARTY, shapley:PLAYER) is computed point by point
by :mod:`sim.analysis.measure_sweeps` instead of the equilibria.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable

import numpy as np

from sim.cli.progress import ProgressBar
from sim.errors import UsageError
from sim.scenario.model import Scenario

__all__ = [
    "MEASURE_SAMPLES",
    "add_measure_option",
    "run_grid_measure",
    "run_montecarlo_measure",
    "run_sweep_measure",
    "run_thresholds_measure",
    "run_tornado_measure",
]

#: Monte Carlo draws with --measure when --samples is not given (each draw is a bargaining problem).
MEASURE_SAMPLES = 1000


def add_measure_option(parser: argparse.ArgumentParser) -> None:
    """The ``--measure NAME`` option."""
    parser.add_argument(
        "--measure",
        metavar="NAME",
        help="follow a negotiation quantity instead of the equilibria: zone_open (1 or 0), "
        "nash:PARTY (that party's Nash-solution payoff) or shapley:PLAYER",
    )


def _measure(args: argparse.Namespace, scenario: Scenario):  # type: ignore[no-untyped-def]
    from sim.analysis.measures import parse_measure

    if getattr(args, "output", None):
        raise UsageError("-o/--output is not available with --measure yet; use --json")
    if getattr(args, "csv", False):
        raise UsageError("--csv is not available with --measure; use --json")
    return parse_measure(args.measure, scenario)


def _emit(args: argparse.Namespace, document: Callable[[], object], text: Callable[[], str]) -> int:
    """Print the JSON document with ``--json``, else the text."""
    if args.json:
        print(json.dumps(document(), indent=2))
    else:
        print(text(), end="")
    return 0


def run_sweep_measure(
    args: argparse.Namespace, scenario: Scenario, overrides: dict[str, float], name: str,
    values: np.ndarray,
) -> int:  # fmt: skip
    from sim.analysis.measure_sweeps import measure_series
    from sim.report.measures import measure_sweep_document, measure_sweep_text

    measure = _measure(args, scenario)
    bar = ProgressBar("bargaining")
    series = measure_series(scenario, measure, name, values, overrides, bar)
    bar.close()
    return _emit(args, lambda: measure_sweep_document(series), lambda: measure_sweep_text(series))


def run_thresholds_measure(
    args: argparse.Namespace, scenario: Scenario, overrides: dict[str, float], name: str,
    start: float, stop: float, current: float,
) -> int:  # fmt: skip
    from sim.analysis.measure_sweeps import measure_thresholds
    from sim.report.measures import measure_thresholds_document, measure_thresholds_text

    measure = _measure(args, scenario)
    bar = ProgressBar("bargaining")
    result = measure_thresholds(
        scenario, measure, name, start, stop, steps=args.steps, base=overrides, progress=bar
    )
    bar.close()
    return _emit(
        args,
        lambda: measure_thresholds_document(result),
        lambda: measure_thresholds_text(result, current),
    )


def run_grid_measure(
    args: argparse.Namespace, scenario: Scenario, overrides: dict[str, float],
    x: tuple[str, np.ndarray], y: tuple[str, np.ndarray],
) -> int:  # fmt: skip
    from sim.analysis.measure_sweeps import measure_grid
    from sim.report.measures import measure_grid_document, measure_grid_text

    measure = _measure(args, scenario)
    bar = ProgressBar("bargaining")
    values = measure_grid(scenario, measure, x, y, overrides, bar)
    bar.close()
    return _emit(
        args,
        lambda: measure_grid_document(measure.name, x, y, values),
        lambda: measure_grid_text(measure.name, x, y, values),
    )


def run_montecarlo_measure(
    args: argparse.Namespace, scenario: Scenario, overrides: dict[str, float], seed: int
) -> int:
    from sim.analysis.measure_sweeps import measure_monte_carlo
    from sim.report.measures import measure_montecarlo_document, measure_montecarlo_text

    measure = _measure(args, scenario)
    samples = args.samples if args.samples is not None else MEASURE_SAMPLES
    if not 1 <= samples <= 10_000_000:
        raise UsageError("--samples must be between 1 and 10,000,000")
    bar = ProgressBar("bargaining")
    odds = measure_monte_carlo(
        scenario, measure, samples=samples, seed=seed, base=overrides, progress=bar
    )
    bar.close()
    return _emit(
        args, lambda: measure_montecarlo_document(odds), lambda: measure_montecarlo_text(odds)
    )


def run_tornado_measure(
    args: argparse.Namespace, scenario: Scenario, overrides: dict[str, float]
) -> int:
    from sim.analysis.measure_sweeps import measure_tornado
    from sim.report.measures import measure_tornado_document, measure_tornado_text

    if args.player is not None or args.outcome is not None:
        raise UsageError("--measure replaces --player and --outcome; give only one of them")
    measure = _measure(args, scenario)
    bar = ProgressBar("bargaining")
    bars = measure_tornado(scenario, measure, overrides, bar)
    bar.close()
    return _emit(
        args,
        lambda: measure_tornado_document(measure.name, bars),
        lambda: measure_tornado_text(measure.name, bars),
    )
