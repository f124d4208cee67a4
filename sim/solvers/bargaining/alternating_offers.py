"""Alternating offers between two parties: the stationary subgame-perfect agreement.

Two parties take turns proposing a point of F; the other accepts or refuses,
and after a refusal the roles swap one round later. Payoffs are measured from
the disagreement point ``d``, the outcome of perpetual disagreement: an
agreement ``u`` reached after ``k`` rounds is worth ``d_i + delta_i^k (u_i - d_i)``
to party ``i`` (Rubinstein 1982, "Perfect equilibrium in a bargaining model",
Econometrica 50; general frontier and ``d``: Binmore, Rubinstein and Wolinsky
1986, "The Nash bargaining solution in economic modelling", RAND J. Econ. 17).

The unique stationary subgame-perfect equilibrium has party 1 always propose
``x`` and party 2 always propose ``y``, both on the Pareto frontier, with each
responder indifferent between accepting now and proposing next round::

    x_2 - d_2 = delta_2 (y_2 - d_2),    y_1 - d_1 = delta_1 (x_1 - d_1).

With ``f`` the frontier (the most party 2 can get while party 1 gets at least
``x_1``), ``x_1`` solves ``h(x_1) = f(x_1) - d_2 - delta_2 (f(d_1 + delta_1
(x_1 - d_1)) - d_2) = 0``; ``h`` is decreasing on a concave frontier, so the
root is unique (Brent's method); when ``h`` stays positive party 1's best
point of the zone is accepted outright. The first proposer's offer is agreed
at once. With transferable utility (``u_1 + u_2 <= 1``, ``d = 0``) party 1,
proposing first, gets ``(1 - delta_2) / (1 - delta_1 delta_2)``; as both
factors approach 1 the agreement approaches the Nash bargaining solution
(with powers in the ratio of ``log delta_2`` to ``log delta_1``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from sim.solvers.bargaining.feasible import FeasibleSet, LPPoint, piece_lp, zone_open
from sim.solvers.bargaining.result import BargainPoint

__all__ = ["AlternatingOffers", "alternating_offers"]

METHOD = "stationary SPE: Brent root of the indifference conditions on the LP frontier"


@dataclass(frozen=True, eq=False)
class AlternatingOffers:
    """The agreement, and both parties' stationary proposals ``x`` (party 1's) and ``y``."""

    agreement: BargainPoint
    x: np.ndarray
    y: np.ndarray
    discount: tuple[float, float]
    first: int


def alternating_offers(
    fs: FeasibleSet,
    d: np.ndarray,
    discount: tuple[float, float],
    first: int = 0,
    tol: float = 1e-12,
) -> AlternatingOffers | None:
    """The stationary SPE agreement when party ``first`` (0 or 1) proposes first.

    ``None`` when the zone is not open. F must be convex (lotteries allowed).

    Examples
    --------
    Split a pie of 1 with discount factors 0.9 and 0.8; the first proposer
    gets ``(1 - 0.8) / (1 - 0.72) = 5/7``:

    >>> fs = FeasibleSet.build([[1.0, 0.0], [0.0, 1.0]])
    >>> r = alternating_offers(fs, np.zeros(2), (0.9, 0.8))
    >>> [round(float(v), 9) for v in r.agreement.payoffs]
    [0.714285714, 0.285714286]
    """
    if fs.n != 2:
        raise ValueError("alternating offers is defined here for two parties")
    if not fs.lotteries and fs.points.shape[0] > 1:
        raise ValueError("alternating offers needs a convex feasible set (lotteries)")
    d = np.asarray(d, dtype=float)
    if not zone_open(fs, d)[0]:
        return None
    d1, d2 = discount
    a1 = _most_for_one(fs, d)

    def h(x1: float) -> float:
        return _f(fs, d, x1) - d[1] - d2 * (_f(fs, d, d[0] + d1 * (x1 - d[0])) - d[1])

    span = max(a1 - d[0], 1.0)
    if h(a1) >= 0.0:
        x1 = a1
    else:
        x1 = float(brentq(h, d[0], a1, xtol=tol * span, rtol=4 * np.finfo(float).eps))
    y1 = d[0] + d1 * (x1 - d[0])
    x = _point(fs, d, x1)
    y = _point(fs, d, y1)
    agreed = x if first == 0 else y
    cert = f"indifference residual {abs(h(x1)):.2g}"
    point = BargainPoint(agreed.payoffs, agreed.weights, agreed.amounts, METHOD, cert)
    return AlternatingOffers(point, x.payoffs, y.payoffs, (d1, d2), first)


def _frontier(fs: FeasibleSet, d: np.ndarray, x1: float) -> LPPoint | None:
    """The most party 2 gets with party 1 at least ``x1`` and party 2 at least ``d_2``."""
    ub = (-np.eye(2), np.zeros(2), -np.array([x1, d[1]]))
    return piece_lp(fs, np.arange(fs.points.shape[0]), np.array([0.0, 1.0]), ub=ub)


def _f(fs: FeasibleSet, d: np.ndarray, x1: float) -> float:
    found = _frontier(fs, d, x1)
    return found.value if found is not None else -np.inf


def _most_for_one(fs: FeasibleSet, d: np.ndarray) -> float:
    ub = (-np.eye(2), np.zeros(2), -d)
    found = piece_lp(fs, np.arange(fs.points.shape[0]), np.array([1.0, 0.0]), ub=ub)
    assert found is not None
    return found.value


def _point(fs: FeasibleSet, d: np.ndarray, x1: float) -> LPPoint:
    """A frontier point with party 1 at ``x1``, as a lottery (party 1's share kept minimal)."""
    top = _frontier(fs, d, x1)
    assert top is not None
    eq = (np.array([[0.0, 1.0]]), np.zeros(1), np.array([top.value]))
    ub = (np.array([[-1.0, 0.0]]), np.zeros(1), np.array([-x1]))
    low = piece_lp(fs, np.arange(fs.points.shape[0]), np.array([-1.0, 0.0]), ub=ub, eq=eq)
    return low if low is not None else top
