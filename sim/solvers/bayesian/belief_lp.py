"""Beliefs that support a choice at an information set: a small linear feasibility problem.

At an information set with nodes ``x_1 .. x_n`` the mover's continuation
payoff of move ``a`` at node ``x_k`` is ``Q[k, a]``. A belief ``mu`` (a
probability vector over the nodes) supports the moves in ``support`` when
each of them is a best reply to ``mu``::

    sum_k mu_k (Q[k, a] - Q[k, s]) <= slack     for every s in support, every a.

The set of supporting beliefs is a polytope; its range in each coordinate
(the lowest and highest probability of each node) is found by two linear
programs per node (``scipy.optimize.linprog``, HiGHS). This is how
off-path beliefs of a perfect Bayesian equilibrium are reported
(Fudenberg & Tirole 1991, *Game Theory*, sec. 8.2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from sim.games.extensive import FloatArray

__all__ = ["BeliefRange", "supporting_beliefs"]


@dataclass(frozen=True)
class BeliefRange:
    """The supporting beliefs of one information set.

    Attributes
    ----------
    low, high
        Lowest and highest probability of each node over the supporting beliefs.
    witnesses
        Supporting beliefs attaining ``low[k]`` and ``high[k]`` for every node
        ``k`` (``2 n`` vectors, in that order), for an independent check.
    """

    low: FloatArray
    high: FloatArray
    witnesses: tuple[FloatArray, ...]


def supporting_beliefs(q: FloatArray, support: Sequence[int], slack: float) -> BeliefRange | None:
    """The range of beliefs under which every move in ``support`` is a best reply.

    Parameters
    ----------
    q
        ``(n_nodes, n_moves)``: the mover's continuation payoffs.
    support
        Indices of the moves that must be best replies.
    slack
        Accepted shortfall of a supported move (tolerance times payoff range).

    Returns
    -------
    BeliefRange or None
        ``None`` when no belief supports the moves.

    Examples
    --------
    Two nodes, move 0 pays 1 at the first and 0 at the second, move 1 pays
    0.5 at both: move 0 is best iff the first node has probability >= 0.5.

    >>> r = supporting_beliefs(np.array([[1.0, 0.5], [0.0, 0.5]]), [0], 0.0)
    >>> [round(float(v), 6) for v in (r.low[0], r.high[0])]
    [0.5, 1.0]
    >>> supporting_beliefs(np.array([[0.0, 1.0], [0.0, 1.0]]), [0], 0.0) is None
    True
    """
    q = np.asarray(q, float)
    if slack > 0:  # exact ranges where exact ties allow them; the slack only where needed
        exact = supporting_beliefs(q, support, 0.0)
        if exact is not None:
            return exact
    n, m = q.shape
    rows = [q[:, a] - q[:, s] for s in support for a in range(m) if a != s]
    a_ub = np.array(rows) if rows else None
    b_ub = np.full(len(rows), slack) if rows else None
    a_eq, b_eq = np.ones((1, n)), np.array([1.0])
    low, high = np.zeros(n), np.zeros(n)
    witnesses: list[FloatArray] = []
    for sign, out in ((1.0, low), (-1.0, high)):
        for k in range(n):
            c = np.zeros(n)
            c[k] = sign
            res = linprog(
                c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, 1), method="highs"
            )
            if res.status == 2:
                return None
            if res.status != 0:
                raise RuntimeError(f"belief LP failed: {res.message}")
            mu = np.clip(np.asarray(res.x, float), 0.0, 1.0)
            mu = mu / mu.sum()
            mu[mu < 1e-12] = 0.0
            out[k] = mu[k]
            witnesses.append(mu)
    order = [w for pair in zip(witnesses[:n], witnesses[n:], strict=True) for w in pair]
    return BeliefRange(low, high, tuple(order))
