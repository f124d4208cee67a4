"""Parameter values: defaults, overrides, derived parameters and batches.

A derived parameter (one whose value is an expression of others) is
recomputed whenever a parameter it depends on changes, unless it is itself
overridden. Values may be scalars or 1-D arrays (one entry per point of a
sweep or a Monte Carlo draw); expressions evaluate on whole arrays at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from sim.errors import RequestError, did_you_mean
from sim.scenario.model import Parameter, Value

__all__ = ["batch_size", "check_overrides", "check_parameter_name", "parameter_env"]


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


def check_parameter_name(name: str, parameters: Sequence[Parameter]) -> None:
    """Refuse a name that is not one of ``parameters``.

    Raises
    ------
    RequestError
        For an unknown name, with a did-you-mean and the known names.
    """
    names = [p.name for p in parameters]
    if name not in names:
        known = ", ".join(names) if names else "none"
        raise RequestError(f"unknown parameter '{name}'{did_you_mean(name, names)}; known: {known}")


def check_overrides(
    overrides: Mapping[str, float], parameters: Sequence[Parameter]
) -> dict[str, float]:
    """``overrides`` as floats, each naming a parameter and finite.

    Raises
    ------
    RequestError
        For an unknown name (with a did-you-mean) or a value that is not finite.
    """
    result: dict[str, float] = {}
    for name, value in overrides.items():
        check_parameter_name(name, parameters)
        if not np.isfinite(value):
            raise RequestError(f"parameter '{name}': the value must be a finite number")
        result[name] = float(value)
    return result
