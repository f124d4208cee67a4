"""The cheapest change of affine payoffs that makes a subgame-perfect equilibrium reach a target.

For a game of perfect information (chance moves allowed, with probabilities
that do not move), leaf payoffs are ``base + sum_k delta_k * slopes[k]`` plus
side payments made at the ``paid`` leaves. A pure profile is subgame perfect
iff at every decision node the mover's chosen child is worth at least as much
to it as every other child (Kuhn 1953; Osborne & Rubinstein 1994, prop. 99.2).
Which move is chosen off the equilibrium path matters (it sets what a
deviation is worth), so the choices are binary variables ``x[v, c]`` and the
problem is a mixed-integer linear program (big-M formulation):

* ``V[v, i]``: player i's value of node v; at a leaf the affine payoff, at a
  chance node the probability-weighted sum of its children, at a decision
  node equal to the chosen child's (``|V[v] - V[c]| <= M (1 - x[v, c])``);
* optimality: ``V[v, mover] >= V[c, mover]`` for every child c;
* reach: ``r[root] = 1``, ``r[c] = r[v] x[v, c]`` below decisions,
  ``r[c] = r[v]`` below chance (positive probability); every leaf outside the
  target has ``r = 0``, so the equilibrium reaches only target leaves;
* margin: on the path (``r[v] = 1``) every other child is worth at least
  ``margin`` less to the mover; ``eps`` asks the same of every node.

Minimise ``sum_k weight_k |delta_k| + sum_d t_d`` with :func:`scipy.optimize.milp` (HiGHS).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from sim.games.extensive import CHANCE, DECISION, ExtensiveGame
from sim.solvers.target.lp import TargetSolution, Transfer, payment_matrix

__all__ = ["MAX_VARIABLES", "METHOD", "spe_target_milp", "value_bounds"]

METHOD = "mixed_integer_program"
#: Larger problems are refused (the caller searches instead).
MAX_VARIABLES = 200_000


class _Rows:
    """A sparse constraint matrix built row by row: ``lo <= A x <= hi``."""

    def __init__(self) -> None:
        self.r: list[int] = []
        self.c: list[int] = []
        self.v: list[float] = []
        self.lo: list[float] = []
        self.hi: list[float] = []

    def add(self, cols: Sequence[int], vals: Sequence[float], lo: float, hi: float) -> None:
        row = len(self.lo)
        self.r.extend([row] * len(cols))
        self.c.extend(cols)
        self.v.extend(vals)
        self.lo.append(lo)
        self.hi.append(hi)

    def constraint(self, n_vars: int) -> LinearConstraint:
        mat = coo_matrix((self.v, (self.r, self.c)), shape=(len(self.lo), n_vars)).tocsr()
        return LinearConstraint(mat, np.array(self.lo), np.array(self.hi))


def value_bounds(
    base: np.ndarray,
    slopes: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    paid: np.ndarray,
    gains: np.ndarray,
    caps: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Per player, the lowest and highest leaf payoff over the box and the payments."""
    lo = base + np.minimum(slopes * lower[:, None, None], slopes * upper[:, None, None]).sum(0)
    hi = base + np.maximum(slopes * lower[:, None, None], slopes * upper[:, None, None]).sum(0)
    pay_lo = np.minimum(gains, 0.0) @ caps if caps.size else np.zeros(base.shape[1])
    pay_hi = np.maximum(gains, 0.0) @ caps if caps.size else np.zeros(base.shape[1])
    lo = np.where(paid[:, None], lo + pay_lo[None, :], lo)
    hi = np.where(paid[:, None], hi + pay_hi[None, :], hi)
    return lo.min(axis=0), hi.max(axis=0)


def spe_target_milp(
    game: ExtensiveGame,
    base: np.ndarray,
    slopes: np.ndarray,
    probs: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    weights: np.ndarray,
    target: np.ndarray,
    paid: np.ndarray,
    transfers: Sequence[Transfer],
    margin: float,
    eps: float = 0.0,
    time_limit: float = 60.0,
) -> TargetSolution:
    """Solve the program of the module docstring.

    Parameters
    ----------
    game
        A game of perfect information.
    base, slopes
        ``(n_leaves, n_players)`` payoffs now and ``(K, n_leaves, n_players)`` per unit change.
    probs
        ``(n_nodes,)`` chance probabilities (fixed).
    lower, upper
        ``(K,)`` finite bounds on the changes.
    weights
        ``(K,)`` cost per unit change.
    target, paid
        ``(n_leaves,)`` booleans: leaves the equilibrium may reach; leaves where payments are made.
    transfers
        Payment directions; each needs a finite ``cap`` here.
    margin, eps
        Deviations on the path lose at least ``margin``; everywhere at least ``eps``.
    """
    n_nodes, n_pl, k, d = game.n_nodes, game.n_players, slopes.shape[0], len(transfers)
    gains = payment_matrix(transfers, n_pl)
    caps = np.array([np.inf if t.cap is None else t.cap for t in transfers], float)
    v_lo, v_hi = value_bounds(base, slopes, lower, upper, paid, gains, caps)
    big = (v_hi - v_lo) + max(margin, eps) + 1.0
    edges = [
        (v, j, c)
        for v in range(n_nodes)
        if game.kind[v] == DECISION
        for j, c in enumerate(game.children[v])
    ]
    n_x = len(edges)
    off_v = 2 * k + d
    off_x = off_v + n_nodes * n_pl
    off_r = off_x + n_x
    n_vars = off_r + n_nodes
    if n_vars > MAX_VARIABLES:
        raise ValueError(f"the game is too large for the exact program ({n_vars:,} variables)")

    def val(v: int, i: int) -> int:
        return off_v + v * n_pl + i

    rows = _Rows()
    _leaf_rows(rows, game, base, slopes, gains, paid, k, val)
    _chance_rows(rows, game, probs, val, off_r)
    _decision_rows(rows, game, edges, big, margin, eps, val, off_x, off_r)
    lb = np.concatenate([np.zeros(off_v), np.tile(v_lo, n_nodes), np.zeros(n_x + n_nodes)])
    ub = np.concatenate(
        [
            np.maximum(upper, 0.0),
            np.maximum(-lower, 0.0),
            caps,
            np.tile(v_hi, n_nodes),
            np.ones(n_x + n_nodes),
        ]
    )
    lb[off_r] = 1.0  # the root is reached
    for leaf in game.leaves:
        if not target[game.leaf_row[leaf]]:
            ub[off_r + int(leaf)] = 0.0
    cost = np.zeros(n_vars)
    cost[:k], cost[k : 2 * k], cost[2 * k : off_v] = weights, weights, 1.0
    integrality = np.zeros(n_vars)
    integrality[off_x:off_r] = 1
    res = milp(
        cost,
        constraints=rows.constraint(n_vars),
        integrality=integrality,
        bounds=Bounds(lb, ub),
        options={"time_limit": time_limit, "mip_rel_gap": 1e-9},
    )
    if res.status != 0 or res.x is None:
        nan = float("nan")
        return TargetSolution(False, np.zeros(k), np.zeros(d), nan, METHOD, res.status, res.message)
    x = np.asarray(res.x, float)
    plan = _plan(game, edges, x[off_x:off_r])
    delta = x[:k] - x[k : 2 * k]
    paid_out = x[2 * k : off_v]
    return TargetSolution(True, delta, paid_out, float(res.fun), METHOD, 0, "optimal", plan)


def _leaf_rows(rows, game, base, slopes, gains, paid, k, val) -> None:  # type: ignore[no-untyped-def]
    """``V[leaf, i] - slopes . (p - m) - payments = base``."""
    for leaf in game.leaves:
        row = int(game.leaf_row[leaf])
        for i in range(game.n_players):
            cols, vals = [val(int(leaf), i)], [1.0]
            for j in range(k):
                s = float(slopes[j, row, i])
                if s != 0.0:
                    cols += [j, k + j]
                    vals += [-s, s]
            if paid[row]:
                for t, g in enumerate(gains[i]):
                    if g != 0.0:
                        cols.append(2 * k + t)
                        vals.append(-float(g))
            b = float(base[row, i])
            rows.add(cols, vals, b, b)


def _chance_rows(rows, game, probs, val, off_r) -> None:  # type: ignore[no-untyped-def]
    """``V[v] = sum p_c V[c]`` and ``r[c] = r[v]`` (0 where p_c is 0) at chance nodes."""
    for v in np.flatnonzero(game.kind == CHANCE):
        kids = game.children[int(v)]
        for i in range(game.n_players):
            cols = [val(int(v), i)] + [val(c, i) for c in kids]
            rows.add(cols, [1.0] + [-float(probs[c]) for c in kids], 0.0, 0.0)
        for c in kids:
            if probs[c] > 0.0:
                rows.add([off_r + c, off_r + int(v)], [1.0, -1.0], 0.0, 0.0)
            else:
                rows.add([off_r + c], [1.0], 0.0, 0.0)


def _decision_rows(rows, game, edges, big, margin, eps, val, off_x, off_r) -> None:  # type: ignore[no-untyped-def]
    """Choice, value-copy, optimality, reach and margin rows at decision nodes."""
    by_node: dict[int, list[int]] = {}
    for e, (v, _, _) in enumerate(edges):
        by_node.setdefault(v, []).append(e)
    inf = np.inf
    for v, es in by_node.items():
        rows.add([off_x + e for e in es], [1.0] * len(es), 1.0, 1.0)
        o = int(game.owner[v])
        for e in es:
            c, xe = edges[e][2], off_x + e
            for i in range(game.n_players):
                m = float(big[i])
                rows.add([val(v, i), val(c, i), xe], [1.0, -1.0, m], -inf, m)
                rows.add([val(c, i), val(v, i), xe], [1.0, -1.0, m], -inf, m)
            rows.add([val(c, o), val(v, o)], [1.0, -1.0], -inf, 0.0)
            mo = float(big[o])
            if margin > 0.0:
                rows.add(
                    [val(c, o), val(v, o), xe, off_r + v], [1.0, -1.0, -mo, mo], -inf, mo - margin
                )
            if eps > 0.0:
                rows.add([val(c, o), val(v, o), xe], [1.0, -1.0, -mo], -inf, -eps)
            rows.add([off_r + c, off_r + v], [1.0, -1.0], -inf, 0.0)
            rows.add([off_r + c, xe], [1.0, -1.0], -inf, 0.0)
            rows.add([off_r + v, xe, off_r + c], [1.0, 1.0, -1.0], -inf, 1.0)


def _plan(game: ExtensiveGame, edges: list[tuple[int, int, int]], x: np.ndarray) -> tuple[int, ...]:
    """The move chosen at each information set (one node each: perfect information)."""
    plan = [0] * len(game.infosets)
    for e, (v, j, _) in enumerate(edges):
        if x[e] > 0.5:
            plan[int(game.infoset[v])] = j
    return tuple(plan)
