"""Utilitarian, egalitarian and Kalai-Smorodinsky solutions: linear programs.

Over the zone ``{u in F : u >= d}`` (see :mod:`sim.solvers.bargaining.feasible`):

* utilitarian: the largest total ``sum u_i`` (Harsanyi 1955; one of the
  maximisers when there are several);
* egalitarian: the largest ``d + s (1, ..., 1)`` in F (Kalai 1977,
  "Proportional solutions to bargaining situations", Econometrica 45);
* Kalai-Smorodinsky: the largest ``d + s (a - d)`` in F, with the ideal point
  ``a_i = max u_i`` over the zone (Kalai and Smorodinsky 1975, "Other
  solutions to Nash's bargaining problem", Econometrica 43).

Each is ``None`` when the zone is not open (no u with ``u > d``). All linear
programs are solved with scipy's HiGHS.
"""

from __future__ import annotations

import numpy as np

from sim.solvers.bargaining.feasible import FeasibleSet, best_over_pieces, zone_open, zone_ub
from sim.solvers.bargaining.result import BargainPoint

__all__ = [
    "egalitarian_solution",
    "ideal_point",
    "kalai_smorodinsky_solution",
    "utilitarian_solution",
]

METHOD = "linprog(highs)"


def utilitarian_solution(fs: FeasibleSet, d: np.ndarray) -> BargainPoint | None:
    """The largest total payoff over the zone.

    Examples
    --------
    >>> fs = FeasibleSet.build([[4.0, 0.0], [0.0, 4.0], [3.0, 3.0]])
    >>> utilitarian_solution(fs, np.zeros(2)).payoffs.tolist()
    [3.0, 3.0]
    """
    d = np.asarray(d, dtype=float)
    if not zone_open(fs, d)[0]:
        return None
    best = best_over_pieces(fs, np.ones(fs.n), ub=zone_ub(d))
    assert best is not None
    return BargainPoint.from_lp(best, METHOD, "largest total over the zone (LP)")


def ideal_point(fs: FeasibleSet, d: np.ndarray) -> np.ndarray:
    """``a_i`` = the most party ``i`` gets anywhere in the zone (the zone must be non-empty).

    Examples
    --------
    >>> fs = FeasibleSet.build([[4.0, 0.0], [0.0, 2.0]])
    >>> ideal_point(fs, np.zeros(2)).tolist()
    [4.0, 2.0]
    """
    d = np.asarray(d, dtype=float)
    a = np.empty(fs.n)
    for i in range(fs.n):
        best = best_over_pieces(fs, np.eye(fs.n)[i], ub=zone_ub(d))
        if best is None:
            raise ValueError("the zone of possible agreement is empty")
        a[i] = best.value
    return a


def _ray(fs: FeasibleSet, d: np.ndarray, direction: np.ndarray) -> BargainPoint | None:
    """The largest ``d + s * direction`` in F (``s >= 0``)."""
    eq = (np.eye(fs.n), -direction, d)
    best = best_over_pieces(fs, np.zeros(fs.n), 1.0, eq=eq, s_bounds=(0.0, None))
    if best is None:
        return None
    return BargainPoint.from_lp(best, METHOD, f"largest step s = {best.s:.12g} along the ray (LP)")


def egalitarian_solution(fs: FeasibleSet, d: np.ndarray) -> BargainPoint | None:
    """The largest equal gain ``d + s (1, ..., 1)`` in F (Kalai 1977).

    Examples
    --------
    >>> fs = FeasibleSet.build([[4.0, 0.0], [0.0, 2.0]])
    >>> [round(float(x), 9) for x in egalitarian_solution(fs, np.zeros(2)).payoffs]
    [1.333333333, 1.333333333]
    """
    d = np.asarray(d, dtype=float)
    if not zone_open(fs, d)[0]:
        return None
    return _ray(fs, d, np.ones(fs.n))


def kalai_smorodinsky_solution(fs: FeasibleSet, d: np.ndarray) -> BargainPoint | None:
    """The largest ``d + s (a - d)`` in F, ``a`` the ideal point (Kalai and Smorodinsky 1975).

    Examples
    --------
    >>> fs = FeasibleSet.build([[4.0, 0.0], [0.0, 2.0]])
    >>> [round(float(x), 9) for x in kalai_smorodinsky_solution(fs, np.zeros(2)).payoffs]
    [2.0, 1.0]
    """
    d = np.asarray(d, dtype=float)
    if not zone_open(fs, d)[0]:
        return None
    return _ray(fs, d, ideal_point(fs, d) - d)
