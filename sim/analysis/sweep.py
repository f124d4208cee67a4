"""One-parameter sweeps and two-parameter grids of a scenario.

Both solve every point in one batch (:func:`sim.analysis.batch.solve_batch`:
Nash equilibria of a simultaneous game, the subgame-perfect equilibrium of a
sequential one) and name the predicted outcome at each point under an
equilibrium selection rule (:mod:`sim.analysis.selection`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from sim.analysis.batch import AnyBatch, BatchSolution, solve_batch
from sim.analysis.predict import Predictions, equilibrium_key, predict
from sim.scenario.model import Scenario

__all__ = ["GridResult", "SweepResult", "Track", "grid", "sweep", "tracks"]


@dataclass(frozen=True, eq=False)
class SweepResult:
    """Equilibria and predicted outcomes along one parameter.

    Attributes
    ----------
    parameter
        The swept parameter.
    values
        Its values, shape ``(steps,)``.
    batch
        The solved batch (payoffs and equilibria at every point): a
        :class:`~sim.analysis.batch.BatchSolution`, or a
        :class:`~sim.analysis.sequential_batch.SequentialBatch` for a
        sequential game.
    predictions
        Predicted outcome at every point under ``predictions.rule``.
    """

    parameter: str
    values: np.ndarray
    batch: AnyBatch
    predictions: Predictions


@dataclass(frozen=True, eq=False)
class Track:
    """One equilibrium followed across a sweep (identified by its supports).

    ``probabilities[p]`` has shape ``(steps, m_p)`` and ``payoffs`` shape
    ``(steps, n_players)``; both are NaN where the equilibrium does not exist.
    """

    key: tuple[tuple[int, ...], ...]
    name: str
    probabilities: tuple[np.ndarray, ...]
    payoffs: np.ndarray


def sweep(
    scenario: Scenario,
    parameter: str,
    values: np.ndarray,
    *,
    base: Mapping[str, float] | None = None,
    concepts: tuple[str, ...] | None = None,
    rule: str = "all",
    tol: float = 1e-9,
    progress=None,  # type: ignore[no-untyped-def]
) -> SweepResult:
    """Solve ``scenario`` at each value of ``parameter`` (others at ``base`` / defaults)."""
    values = np.asarray(values, dtype=float)
    batch = solve_batch(
        scenario, {parameter: values}, base=base, concepts=concepts, tol=tol, progress=progress
    )
    return SweepResult(parameter, values, batch, predict(batch, rule))


def tracks(result: SweepResult) -> list[Track]:
    """Every equilibrium of a sweep of a simultaneous game, followed across points by its
    supports."""
    from sim.analysis.predict import equilibrium_name

    batch = result.batch
    if not isinstance(batch, BatchSolution):
        raise TypeError("tracks() follows the equilibria of simultaneous games")
    steps = batch.size
    found: dict[tuple, Track] = {}
    for b in range(steps):
        for eq in batch.equilibria(b):
            key = equilibrium_key(eq)
            if key not in found:
                probs = tuple(np.full((steps, m), np.nan) for m in batch.shape)
                pays = np.full((steps, len(batch.shape)), np.nan)
                found[key] = Track(key, equilibrium_name(batch, eq), probs, pays)
            track = found[key]
            for p, s in enumerate(eq.strategies):
                track.probabilities[p][b] = s
            track.payoffs[b] = eq.payoffs
    return list(found.values())


@dataclass(frozen=True, eq=False)
class GridResult:
    """Predicted outcome on a two-parameter grid.

    ``names[i][j]`` is the prediction at ``x_values[j]``, ``y_values[i]``;
    ``regions`` holds the index into ``labels`` of each cell.
    """

    x: str
    y: str
    x_values: np.ndarray
    y_values: np.ndarray
    labels: tuple[str, ...]
    regions: np.ndarray
    rule: str
    batch: AnyBatch


def grid(
    scenario: Scenario,
    x: tuple[str, np.ndarray],
    y: tuple[str, np.ndarray],
    *,
    base: Mapping[str, float] | None = None,
    concepts: tuple[str, ...] | None = None,
    rule: str = "all",
    tol: float = 1e-9,
    progress=None,  # type: ignore[no-untyped-def]
) -> GridResult:
    """Solve on the grid ``x`` by ``y`` in one batch and label each cell's prediction."""
    (xn, xv), (yn, yv) = x, y
    if xn == yn:
        raise ValueError("the two grid parameters must differ")
    xx, yy = np.meshgrid(np.asarray(xv, float), np.asarray(yv, float))
    batch = solve_batch(
        scenario,
        {xn: xx.ravel(), yn: yy.ravel()},
        base=base,
        concepts=concepts,
        tol=tol,
        progress=progress,
    )
    names = predict(batch, rule).names
    labels = tuple(dict.fromkeys(names))
    index = {name: i for i, name in enumerate(labels)}
    regions = np.array([index[n] for n in names]).reshape(xx.shape)
    return GridResult(
        xn, yn, np.asarray(xv, float), np.asarray(yv, float), labels, regions, rule, batch
    )
