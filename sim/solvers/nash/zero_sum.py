"""Two-player zero-sum (and constant-sum) games by linear programming.

The row player, with payoffs ``A`` (shape ``m x n``), maximises the payoff it
can guarantee; the column player minimises what it concedes. By the minimax
theorem both optima equal the value of the game, and each is a linear program
(von Stengel 2002, "Computing equilibria for two-person games", Handbook of
Game Theory vol. 3; the two programs are each other's duals):

.. math::

    \\max_{x, v} v \\ \\text{s.t.}\\ A^\\top x \\ge v 1,\\ 1^\\top x = 1,\\ x \\ge 0;
    \\qquad
    \\min_{y, w} w \\ \\text{s.t.}\\ A y \\le w 1,\\ 1^\\top y = 1,\\ y \\ge 0.

Both are solved with HiGHS through :func:`scipy.optimize.linprog`, on payoffs
rescaled to ``[0, 1]`` so that solver tolerances are relative to the payoff
range. The strategies are then checked independently: what the row strategy
guarantees and what the column strategy concedes must agree within ``tol``
times the payoff range.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.arrays import FloatArray
from sim.errors import InternalError, VerificationError

__all__ = ["METHOD", "ZeroSumSolution", "is_zero_sum", "solve_zero_sum"]

METHOD = "linear_programming"


@dataclass(frozen=True, eq=False)
class ZeroSumSolution:
    """Value and optimal (minimax) strategies of a zero-sum game.

    Attributes
    ----------
    value
        Value of the game to the row player, ``x @ A @ y``.
    row_strategy
        An optimal (maximin) strategy of the row player.
    col_strategy
        An optimal (minimax) strategy of the column player.
    method
        ``"linear_programming"``.
    tol
        Tolerance, relative to the payoff range, of the agreement check.
    """

    value: float
    row_strategy: FloatArray
    col_strategy: FloatArray
    method: str
    tol: float


def solve_zero_sum(A: npt.ArrayLike, *, tol: float = 1e-9) -> ZeroSumSolution:
    """Solve the zero-sum game in which the row player receives ``A`` and the column player ``-A``.

    Parameters
    ----------
    A
        Row player's payoffs, finite, shape ``(m, n)`` with ``m, n >= 1``.
    tol
        Largest accepted gap, relative to the payoff range of ``A``, between
        what the row strategy guarantees and what the column strategy concedes.

    Returns
    -------
    ZeroSumSolution
        The value and one optimal strategy per player.

    Raises
    ------
    ValueError
        If ``A`` is not a finite non-empty matrix.
    InternalError
        If HiGHS fails to solve a linear program (it never should).
    VerificationError
        If the two optimal values disagree by more than ``tol`` times the range.
    """
    a = _check_matrix(A)
    span = float(np.ptp(a))
    scaled = (a - a.min()) / span if span > 0.0 else np.zeros_like(a)
    x = _maximin_strategy(scaled)
    y = _maximin_strategy(-scaled.T)
    guaranteed = float(np.min(x @ a))
    conceded = float(np.max(a @ y))
    if conceded - guaranteed > tol * span:
        raise VerificationError(
            f"zero-sum LP values disagree: row guarantees {guaranteed!r}, "
            f"column concedes {conceded!r} (payoff range {span!r}, tol {tol!r})"
        )
    return ZeroSumSolution(
        value=float(x @ a @ y), row_strategy=x, col_strategy=y, method=METHOD, tol=tol
    )


def is_zero_sum(A: npt.ArrayLike, B: npt.ArrayLike, tol: float = 1e-9) -> bool:
    """Tell whether ``A + B`` is constant within ``tol`` times the payoff range.

    Constant-sum games count: they have the same equilibria as the zero-sum
    game ``(A, -A)``.
    """
    a, b = _check_matrix(A), _check_matrix(B)
    if a.shape != b.shape:
        raise ValueError(f"payoff matrices differ in shape: {a.shape} and {b.shape}")
    span = max(float(np.ptp(a)), float(np.ptp(b)))
    return float(np.ptp(a + b)) <= tol * span


def _check_matrix(A: npt.ArrayLike) -> FloatArray:
    a = np.asarray(A, dtype=np.float64)
    if a.ndim != 2 or min(a.shape) < 1:
        raise ValueError(f"payoffs must be a non-empty 2-D matrix, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError("payoffs must be finite")
    return a


def _maximin_strategy(payoffs: FloatArray) -> FloatArray:
    """Maximin strategy of the player choosing rows of ``payoffs`` (it maximises).

    Variables are ``(x, v)``: maximise ``v`` subject to ``payoffs^T x >= v``,
    ``sum(x) = 1``, ``x >= 0``.
    """
    m, n = payoffs.shape
    cost = np.zeros(m + 1)
    cost[-1] = -1.0
    a_ub = np.hstack([-payoffs.T, np.ones((n, 1))])
    a_eq = np.hstack([np.ones((1, m)), np.zeros((1, 1))])
    bounds = [(0.0, None)] * m + [(None, None)]
    from scipy.optimize import linprog  # lazy: keeps start-up light

    res = linprog(
        cost, A_ub=a_ub, b_ub=np.zeros(n), A_eq=a_eq, b_eq=[1.0], bounds=bounds, method="highs"
    )
    if res.status != 0:
        raise InternalError(f"HiGHS failed on a zero-sum linear program: {res.message}")
    strategy = np.clip(np.asarray(res.x[:m], dtype=np.float64), 0.0, None)
    normalised: FloatArray = strategy / strategy.sum()
    return normalised
