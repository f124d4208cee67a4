"""Parameter values: defaults, overrides, derived parameters and batches.

A derived parameter (one whose value is an expression of others) is
recomputed whenever a parameter it depends on changes, unless it is itself
overridden. Values may be scalars or 1-D arrays (one entry per point of a
sweep or a Monte Carlo draw); expressions evaluate on whole arrays at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from sim.errors import UsageError
from sim.scenario.model import Parameter, Value
from sim.suggest import closest

__all__ = ["batch_size", "parameter_env", "parse_overrides"]


def parameter_env(
    parameters: Sequence[Parameter], overrides: Mapping[str, Value] | None = None
) -> dict[str, Value]:
    """Evaluate every parameter, in dependency order, with ``overrides`` applied.

    Parameters
    ----------
    parameters
        The scenario's parameters, topologically ordered (the loader ensures it).
    overrides
        Values that replace the defaults; a 1-D array gives a batch of points.

    Returns
    -------
    dict
        Name -> float, or name -> array when any override is an array.

    Raises
    ------
    ScenarioError
        When a derived parameter is NaN or infinite at some point.
    """
    overrides = dict(overrides or {})
    env: dict[str, Value] = {}
    for param in parameters:
        if param.name in overrides:
            env[param.name] = overrides[param.name]
        else:
            env[param.name] = param.formula.evaluate(env)
    return env


def batch_size(env: Mapping[str, Value]) -> int | None:
    """The common length of array values in ``env``, or ``None`` if all are scalars."""
    sizes = {np.shape(v)[0] for v in env.values() if np.ndim(v) > 0}
    if len(sizes) > 1:
        raise ValueError(f"parameter batches of different lengths: {sorted(sizes)}")
    return sizes.pop() if sizes else None


def parse_overrides(items: Sequence[str], parameters: Sequence[Parameter]) -> dict[str, float]:
    """Parse ``name=value`` strings from ``--set`` options.

    Raises
    ------
    UsageError
        For a missing ``=``, an unknown name (with a did-you-mean) or a value that
        is not a finite number.
    """
    names = [p.name for p in parameters]
    result: dict[str, float] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise UsageError(f"--set {item!r}: expected NAME=VALUE, e.g. --set shield_threat=2")
        if name not in names:
            close = closest(name, names)
            hint = f" (did you mean '{close}'?)" if close else ""
            known = ", ".join(names) if names else "none"
            raise UsageError(f"--set {item!r}: unknown parameter '{name}'{hint}; known: {known}")
        result[name] = _finite_number(text.strip(), item)
    return result


def _finite_number(text: str, item: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"--set {item!r}: '{text}' is not a number") from None
    if not np.isfinite(value):
        raise UsageError(f"--set {item!r}: the value must be a finite number")
    return value
