"""The feasible set of a bargaining problem and linear programs over it.

The parties can agree on one of ``m`` pure agreements, with payoff vectors
the rows of ``points`` (shape ``(m, n)``), and on side payments: transfer
``j`` moves ``t_j`` (``0 <= t_j <= caps[j]``, ``caps`` may be ``inf``) along
``directions[j]`` (payer ``-1``, receiver ``+rate``). With lotteries the
feasible set is the polytope::

    F = { P' lam + D' t : lam >= 0, sum lam = 1, 0 <= t <= caps },

the convex hull of the agreements plus the transfer box (Nash 1950 assumes a
convex F; lotteries make it so). Without lotteries F is the union of the
``m`` pieces ``P_k + D' t``, and every solution is the best over the pieces.

:func:`piece_lp` solves one linear program over a piece in the variables
``(lam, t, s)`` with scipy's HiGHS (``linprog(method="highs")``); the other
solvers of :mod:`sim.solvers.bargaining` are built on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

__all__ = ["FeasibleSet", "LPPoint", "best_over_pieces", "piece_lp", "zone_open", "zone_ub"]

#: Probabilities and amounts below this (relative) are set to zero.
_ZERO = 1e-12


@dataclass(frozen=True, eq=False)
class FeasibleSet:
    """Pure agreements, transfer directions and caps, and whether lotteries are allowed.

    Examples
    --------
    >>> fs = FeasibleSet.build([[0.0, 0.0], [1.0, 0.0]], [(0, 1, 2.0, 0.5)])
    >>> fs.directions.tolist(), fs.caps.tolist()
    ([[-1.0, 0.5]], [2.0])
    >>> fs.payoff(np.array([0.5, 0.5]), np.array([1.0])).tolist()
    [-0.5, 0.5]
    """

    points: np.ndarray
    directions: np.ndarray
    caps: np.ndarray
    lotteries: bool = True

    @classmethod
    def build(
        cls,
        points: Sequence[Sequence[float]] | np.ndarray,
        transfers: Sequence[tuple[int, int, float, float]] = (),
        lotteries: bool = True,
    ) -> FeasibleSet:
        """From payoff rows and transfers ``(payer, receiver, cap, rate)``."""
        pts = np.atleast_2d(np.asarray(points, dtype=float))
        n = pts.shape[1]
        dirs = np.zeros((len(transfers), n))
        caps = np.zeros(len(transfers))
        for j, (payer, receiver, cap, rate) in enumerate(transfers):
            dirs[j, payer] -= 1.0
            dirs[j, receiver] += rate
            caps[j] = cap
        return cls(pts, dirs, caps, lotteries)

    @property
    def n(self) -> int:
        """Number of parties."""
        return int(self.points.shape[1])

    def pieces(self) -> list[np.ndarray]:
        """Indices of the agreements of each convex piece (one piece with lotteries)."""
        m = self.points.shape[0]
        if self.lotteries:
            return [np.arange(m)]
        return [np.array([k]) for k in range(m)]

    def payoff(self, weights: np.ndarray, amounts: np.ndarray) -> np.ndarray:
        """Payoffs of the lottery ``weights`` over all agreements with transfers ``amounts``."""
        return np.asarray(weights @ self.points + amounts @ self.directions, dtype=float)

    def scale(self, d: np.ndarray) -> np.ndarray:
        """Per-party payoff spread (at least 1) over the agreements and ``d``, for tolerances."""
        both = np.vstack([self.points, d[None, :]])
        return np.maximum(np.ptp(both, axis=0), 1.0)


@dataclass(frozen=True, eq=False)
class LPPoint:
    """A point of F found by a linear program: payoffs, lottery, transfers, ``s``, value."""

    payoffs: np.ndarray
    weights: np.ndarray
    amounts: np.ndarray
    s: float
    value: float


def piece_lp(
    fs: FeasibleSet,
    piece: np.ndarray,
    c_u: np.ndarray,
    c_s: float = 0.0,
    ub: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    eq: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    s_bounds: tuple[float | None, float | None] = (0.0, 0.0),
) -> LPPoint | None:
    """Maximise ``c_u . u + c_s s`` over one piece of F.

    Parameters
    ----------
    fs, piece
        The feasible set and the indices of the piece's agreements.
    c_u, c_s
        Objective on the payoffs ``u`` and on the free scalar ``s``.
    ub, eq
        ``(A, a, b)``: constraints ``A u + a s <= b`` and ``A u + a s == b``.
    s_bounds
        Bounds of ``s`` (default: fixed at 0).

    Returns
    -------
    LPPoint or None
        ``None`` when the program is infeasible.

    Raises
    ------
    ValueError
        When the program is unbounded or HiGHS fails.

    Examples
    --------
    >>> fs = FeasibleSet.build([[0.0, 2.0], [2.0, 0.0]])
    >>> p = piece_lp(fs, np.arange(2), np.array([1.0, 1.0]), ub=(-np.eye(2), np.zeros(2),
    ...              -np.array([0.5, 0.5])))
    >>> round(p.value, 9)
    2.0
    """
    pts, dirs = fs.points[piece], fs.directions
    k, j = len(piece), len(dirs)
    u_of_z = np.hstack([pts.T, dirs.T, np.zeros((fs.n, 1))])
    s_col = np.zeros(k + j + 1)
    s_col[-1] = 1.0
    cost = -(c_u @ u_of_z + c_s * s_col)
    a_eq = [np.concatenate([np.ones(k), np.zeros(j + 1)])[None, :]]
    b_eq = [np.ones(1)]
    if eq is not None:
        a_eq.append(eq[0] @ u_of_z + np.outer(eq[1], s_col))
        b_eq.append(eq[2])
    a_ub = b_ub = None
    if ub is not None:
        a_ub = ub[0] @ u_of_z + np.outer(ub[1], s_col)
        b_ub = ub[2]
    bounds = [(0.0, None)] * k + [(0.0, None if np.isinf(c) else c) for c in fs.caps] + [s_bounds]
    res = linprog(
        cost,
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=np.vstack(a_eq),
        b_eq=np.concatenate(b_eq),
        bounds=bounds,
        method="highs",
    )
    if res.status == 2:
        return None
    if res.status != 0:
        raise ValueError(f"linear program over the feasible set failed: {res.message}")
    z = np.asarray(res.x, dtype=float)
    weights = np.zeros(fs.points.shape[0])
    lam = np.where(z[:k] > _ZERO, z[:k], 0.0)
    weights[piece] = lam / lam.sum()
    amounts = np.where(z[k : k + j] > _ZERO * np.maximum(1.0, z[k : k + j]), z[k : k + j], 0.0)
    return LPPoint(fs.payoff(weights, amounts), weights, amounts, float(z[-1]), float(-res.fun))


def best_over_pieces(fs: FeasibleSet, *args: object, **kwargs: object) -> LPPoint | None:
    """:func:`piece_lp` on every piece of F; the best answer (``None`` if all infeasible)."""
    best: LPPoint | None = None
    for piece in fs.pieces():
        found = piece_lp(fs, piece, *args, **kwargs)  # type: ignore[arg-type]
        if found is not None and (best is None or found.value > best.value):
            best = found
    return best


def zone_ub(d: np.ndarray, direction: np.ndarray | None = None) -> tuple:
    """Constraints ``u >= d + s * direction`` as ``(A, a, b)`` for :func:`piece_lp`."""
    n = len(d)
    a = np.zeros(n) if direction is None else np.asarray(direction, dtype=float)
    return (-np.eye(n), a, -np.asarray(d, dtype=float))


def zone_open(fs: FeasibleSet, d: np.ndarray, tol: float = 1e-9) -> tuple[bool, LPPoint | None]:
    """Whether some u in F has ``u_i > d_i`` for every party; the max-min point found.

    The linear program maximises ``s`` subject to ``u >= d + s * scale`` (``scale``
    the per-party spread), and the zone is open when ``s > tol``.

    Examples
    --------
    >>> fs = FeasibleSet.build([[0.0, 0.0], [1.0, 1.0]])
    >>> zone_open(fs, np.array([0.0, 0.0]))[0], zone_open(fs, np.array([1.0, 0.0]))[0]
    (True, False)
    """
    scale = fs.scale(d)
    best = best_over_pieces(fs, np.zeros(fs.n), 1.0, ub=zone_ub(d, scale), s_bounds=(None, None))
    if best is None:
        return False, None
    return best.s > tol, best
