"""Logit QRE points at given precisions, keeping what was reached when tracing stops.

:func:`sim.solvers.qre.logit_qre.logit_qre_at` raises when the principal branch
cannot be followed to every requested precision. Where a report should
still show the points that were computed, :func:`logit_qre_points` returns
them, with ``None`` for the precisions not reached and the reason tracing
stopped (method as in :mod:`sim.solvers.qre.logit_qre`: Turocy 2005).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.solvers.qre.logit_qre import LogitQREError, QREPoint, _Game, _Tracer

__all__ = ["QREPoints", "logit_qre_points"]


@dataclass(frozen=True, eq=False)
class QREPoints:
    """Branch points at the requested precisions.

    Attributes
    ----------
    lambdas
        The precisions asked for (original payoff units), in order.
    points
        One entry per precision: the point, or ``None`` where the branch was
        not followed that far.
    stopped
        Why tracing stopped before every precision was reached, else ``None``.
    """

    lambdas: tuple[float, ...]
    points: tuple[QREPoint | None, ...]
    stopped: str | None


def logit_qre_points(
    payoffs: np.ndarray,
    lambdas: Sequence[float],
    *,
    tol: float = 1e-10,
    step: float = 0.03,
    max_points: int = 10_000,
    max_accel: float = 2.0,
) -> QREPoints:
    """Points of the principal branch at the given precisions, as far as it can be traced.

    Options as in :func:`sim.solvers.qre.logit_qre.logit_qre_at`, which this
    follows point for point (first crossing of each ``lam``); instead of
    raising when tracing stalls, uses up ``max_points`` or cannot locate a
    crossing, it stops there and says why.

    Examples
    --------
    >>> u = np.array([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]]])
    >>> res = logit_qre_points(u, [0.0, 1.0], max_points=2)
    >>> [p is not None for p in res.points], res.stopped
    ([True, False], 'tracing stopped (max_points) at lambda = 0.0...')
    """
    game = _Game(payoffs)
    nus = [float(lam) * game.scale for lam in lambdas]
    if not all(nu >= 0 for nu in nus):
        raise ValueError("lambdas must be non-negative")
    tracer = _Tracer(game, step, tol, max_accel, max_points)
    found = {k: tracer.x for k, nu in enumerate(nus) if nu <= 0.0}
    stopped = None
    while len(found) < len(nus):
        if not tracer.advance():
            lam = tracer.x[-1] / game.scale
            stopped = f"tracing stopped ({tracer.terminated}) at lambda = {lam:g}"
            break
        lo, hi = sorted((tracer.prev[-1], tracer.x[-1]))
        try:
            for k, nu in enumerate(nus):
                if k not in found and lo < nu <= hi:
                    found[k] = tracer.at_nu(nu)
        except LogitQREError as exc:
            stopped = str(exc)
            break
    points = tuple(game.point(found[k]) if k in found else None for k in range(len(nus)))
    return QREPoints(tuple(float(lam) for lam in lambdas), points, stopped)
