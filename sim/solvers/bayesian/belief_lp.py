"""Beliefs that support a choice at an information set: a small linear feasibility problem.

At an information set with nodes ``x_1 .. x_n`` the mover's continuation
payoff of move ``a`` at node ``x_k`` is ``Q[k, a]``. A belief ``mu`` (a
probability vector over the nodes) supports the moves in ``support`` when
each of them is a best reply to ``mu``::

    sum_k mu_k (Q[k, a] - Q[k, s]) <= slack     for every s in support, every a.

Off the equilibrium path beliefs are free except that they must respect
chance: nodes reached by the same moves of the players and different chance
moves keep the odds that the mover's chance probabilities give them (a
necessary condition for consistent beliefs, Kreps & Wilson 1982). So a
belief is a mixture ``mu = V @ lam`` of *group* distributions (the columns
of ``V``, one per group of such nodes) with weights ``lam`` in a simplex.
The range of each node's probability over the supporting beliefs is found
by two linear programs per node (``scipy.optimize.linprog``, HiGHS;
Fudenberg & Tirole 1991, *Game Theory*, sec. 8.2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from sim.games.extensive import FloatArray

__all__ = ["BeliefRange", "supported_somewhere", "supporting_beliefs"]


@dataclass(frozen=True)
class BeliefRange:
    """The supporting beliefs of one information set.

    Attributes
    ----------
    low, high
        Lowest and highest probability of each node over the supporting beliefs.
    witnesses
        Supporting beliefs attaining ``low[k]`` and ``high[k]`` for every node
        ``k`` (``2 n`` vectors: low of node 0, high of node 0, ...), for an
        independent check.
    """

    low: FloatArray
    high: FloatArray
    witnesses: tuple[FloatArray, ...]


def _rows(qg: FloatArray, support: Sequence[int]) -> FloatArray:
    m = qg.shape[1]
    rows = [qg[:, a] - qg[:, s] for s in support for a in range(m) if a != s]
    return np.array(rows) if rows else np.zeros((0, qg.shape[0]))


def supported_somewhere(
    q: FloatArray, groups: FloatArray, support: Sequence[int], slack: float
) -> bool:
    """True when some belief ``groups @ lam`` makes every move in ``support`` a best reply.

    Tries each group distribution first (no LP); then one feasibility LP.
    """
    qg = groups.T @ np.asarray(q, float)
    rows = _rows(qg, support)
    if rows.shape[0] == 0 or np.any(np.all(rows <= slack, axis=0)):
        return True
    if qg.shape[0] == 2:  # one weight t in [0, 1]: intersect the intervals of t directly
        return _segment_feasible(rows, slack)
    res = _solve(np.zeros(qg.shape[0]), rows, slack)
    return res is not None


def _segment_feasible(rows: FloatArray, slack: float) -> bool:
    """Is there t in [0, 1] with ``r0 t + r1 (1 - t) <= slack`` for every row ``(r0, r1)``?"""
    low, high = 0.0, 1.0
    for r0, r1 in rows:
        slope, const = float(r0 - r1), float(r1) - slack
        if abs(slope) < 1e-15:
            if const > 0:
                return False
        elif slope > 0:
            high = min(high, -const / slope)
        else:
            low = max(low, -const / slope)
    return low <= high + 1e-12


def _solve(c: FloatArray, rows: FloatArray, slack: float) -> FloatArray | None:
    g = c.shape[0]
    res = linprog(
        c,
        A_ub=rows if rows.shape[0] else None,
        b_ub=np.full(rows.shape[0], slack) if rows.shape[0] else None,
        A_eq=np.ones((1, g)),
        b_eq=np.array([1.0]),
        bounds=(0, 1),
        method="highs",
    )
    if res.status == 2:
        return None
    if res.status != 0:
        raise RuntimeError(f"belief LP failed: {res.message}")
    lam = np.clip(np.asarray(res.x, float), 0.0, 1.0)
    return lam / lam.sum()


def supporting_beliefs(
    q: FloatArray, support: Sequence[int], slack: float, groups: FloatArray | None = None
) -> BeliefRange | None:
    """The range of beliefs under which every move in ``support`` is a best reply.

    Parameters
    ----------
    q
        ``(n_nodes, n_moves)``: the mover's continuation payoffs.
    support
        Indices of the moves that must be best replies.
    slack
        Accepted shortfall of a supported move (tolerance times payoff range);
        exact ranges are tried first, the slack used only when they are empty.
    groups
        ``(n_nodes, n_groups)``: the allowed group distributions (columns
        summing to 1); default: every node on its own (any belief).

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
    n = q.shape[0]
    v = np.eye(n) if groups is None else np.asarray(groups, float)
    if slack > 0:
        exact = supporting_beliefs(q, support, 0.0, v)
        if exact is not None:
            return exact
    rows = _rows(v.T @ q, support)
    low, high = np.zeros(n), np.zeros(n)
    witnesses: list[FloatArray] = []
    for k in range(n):
        for sign, out in ((1.0, low), (-1.0, high)):
            lam = _solve(sign * v[k], rows, slack)
            if lam is None:
                return None
            mu = v @ lam
            mu[mu < 1e-12] = 0.0
            mu = mu / mu.sum()
            out[k] = mu[k]
            witnesses.append(mu)
    return BeliefRange(low, high, tuple(witnesses))
