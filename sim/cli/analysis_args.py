"""Shared pieces of the analysis commands: ranges, concepts, loading, saving plots."""

from __future__ import annotations

import argparse
from collections.abc import Callable

import numpy as np

from sim.analysis.selection import RULES
from sim.cli.outputs import check_output, say
from sim.errors import RequestError, UsageError
from sim.scenario.model import Scenario
from sim.scenario.parameters import check_parameter_name, parameter_env
from sim.textsafe import escape_text

__all__ = [
    "MAX_POINTS",
    "common_arguments",
    "concept_option",
    "current_value",
    "load_for_analysis",
    "output_arguments",
    "parse_concepts",
    "parse_range",
    "save_plot",
    "sweep_range",
]

MAX_POINTS = 1_000_000


def sweep_range(spec: str | None, scenario: Scenario) -> tuple[str, np.ndarray]:
    """The swept parameter and its values: ``spec`` (``NAME=FROM:TO[:STEPS]`` or
    ``NAME``), or else the scenario's first default sweep."""
    if spec is None:
        if not scenario.analysis.sweeps:
            raise UsageError("give NAME=FROM:TO[:STEPS] (the scenario defines no default sweep)")
        spec = scenario.analysis.sweeps[0].parameter
    return parse_range(spec, scenario)


def parse_range(text: str, scenario: Scenario, default_steps: int = 101) -> tuple[str, np.ndarray]:
    """``NAME=FROM:TO[:STEPS]``, or ``NAME`` alone for the parameter's own range.

    The values are returned in increasing order (``x=10:0`` is ``x=0:10``), as
    ``sim thresholds`` searches them.
    """
    name, sep, spec = text.partition("=")
    try:
        check_parameter_name(name, scenario.parameters)
    except RequestError as exc:
        raise UsageError(f"{text!r}: {exc}") from None
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
    if not np.isfinite(stop - start):
        raise UsageError(f"{text!r}: the range from FROM to TO is too wide (its width overflows)")
    if not 2 <= steps <= MAX_POINTS:
        raise UsageError(f"{text!r}: STEPS must be between 2 and {MAX_POINTS:,}")
    return name, np.linspace(min(start, stop), max(start, stop), steps)


def common_arguments(parser: argparse.ArgumentParser, *, select_default: str = "all") -> None:
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


def output_arguments(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "-o", "--output", metavar="FILE", help=f"write the {what} (.png, .svg or .pdf)"
    )
    parser.add_argument("--force", action="store_true", help="replace an existing output file")


def parse_concepts(text: str | None, scenario: Scenario) -> tuple[str, ...]:
    """The ``--concept`` list of an analysis, checked against the kind of game (or its default)."""
    from sim.analysis.batch import default_concepts

    if text is None:
        return default_concepts(scenario)
    return concept_option(text, lambda names: default_concepts(scenario, names))


def concept_option(
    text: str, check: Callable[[tuple[str, ...]], tuple[str, ...]]
) -> tuple[str, ...]:
    """The names of a ``--concept`` list, passed through ``check`` (a library validator).

    The library's :class:`~sim.errors.RequestError` becomes a usage error naming the option.
    """
    names = tuple(c.strip() for c in text.split(",") if c.strip())
    try:
        return check(names)
    except RequestError as exc:
        raise UsageError(f"--concept {text!r}: {exc}") from None


def load_for_analysis(args: argparse.Namespace) -> tuple[Scenario, dict[str, float]]:
    """Load the scenario; a sequential one must have perfect information.

    A bad ``--output`` is refused here, before any solving, not after it.
    """
    from sim.cli.commands import load_with_overrides

    scenario, overrides = load_with_overrides(args)
    if getattr(args, "output", None):
        check_output(args.output, force=args.force, inputs=(args.scenario,))
    if scenario.kind == "sequential":
        from sim.analysis.sequential_batch import require_perfect_information

        require_perfect_information(scenario)
    return scenario, overrides


def save_plot(args: argparse.Namespace, plot: str, *data: object, **options: object) -> None:
    """Draw with ``sim.plots.<plot>(*data, **options)`` and save to ``--output`` atomically.

    The plotting module (and matplotlib) is imported only here, when a plot is asked for.
    """
    if not args.output:
        return
    path = check_output(args.output, force=args.force, inputs=(args.scenario,))
    import sim.plots

    axes = getattr(sim.plots, plot)(*data, **options)
    first = axes[0] if isinstance(axes, list | tuple) else axes
    sim.plots.save_figure(first.figure, path, replace=args.force)
    say(f"wrote {escape_text(str(path))}")


def current_value(scenario: Scenario, overrides: dict[str, float], name: str) -> float:
    return float(parameter_env(scenario.parameters, overrides)[name])
