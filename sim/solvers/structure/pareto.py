"""Pareto optimality of pure profiles and of payoff vectors.

A payoff vector ``w`` is *Pareto-dominated* by ``v`` if ``v_p >= w_p`` for
every player and ``v_p > w_p`` for at least one (Maschler, Solan & Zamir,
*Game Theory*, 2013, sec. 15.2; Fudenberg & Tirole, *Game Theory*, 1991,
sec. 1.1). Comparisons use a tolerance ``t = tol * payoff_range``: ``v``
dominates ``w`` iff ``v_p >= w_p - t`` for all ``p`` and ``v_p > w_p + t``
for some ``p``.

Pure profiles are compared pairwise in numpy, in chunks of rows so that
memory stays bounded for large games. For an arbitrary payoff vector (e.g.
the expected payoffs of a mixed equilibrium) the relevant comparison set is
every *feasible* outcome, which, allowing correlation, is the convex hull of
the pure-profile payoff vectors; domination by a point of that hull is
decided by linear programming (one small LP per player ``p``: maximise
``p``'s gain over the hull subject to nobody losing). The hull test allows no
loss beyond the LP's accuracy (``1e-9`` of the payoff range) rather than
``t``: along a frontier a loss within ``t`` for one player could otherwise buy
an arbitrarily larger gain for another, so a vector lying exactly on the
frontier (up to rounding) would be reported as dominated.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.scales import as_payoff_tensor, payoff_span

__all__ = ["is_pareto_optimal", "pareto_optimal_profiles"]

#: Upper bound on the number of entries of one (chunk x profiles) comparison array.
_CHUNK_ENTRIES = 2_000_000
#: Accepted violation of an LP constraint, on payoffs scaled to [0, 1].
_LP_FEAS = 1e-9


def _outcomes(u: np.ndarray) -> np.ndarray:
    """Payoff vectors of all pure profiles, shape ``(n_profiles, n)``, lexicographic order."""
    return u.reshape(u.shape[0], -1).T


def _dominated_rows(vectors: np.ndarray, targets: np.ndarray, t: float) -> np.ndarray:
    """For each row of ``targets``: is it dominated by some row of ``vectors``?

    Compares a chunk of targets with all vectors at once, one player at a
    time, so memory stays below ``_CHUNK_ENTRIES`` booleans per array.
    """
    n_vec, n = vectors.shape
    chunk = max(1, _CHUNK_ENTRIES // max(1, n_vec))
    out = np.zeros(targets.shape[0], dtype=bool)
    for start in range(0, targets.shape[0], chunk):
        block = targets[start : start + chunk]
        no_worse = np.ones((block.shape[0], n_vec), dtype=bool)
        better = np.zeros((block.shape[0], n_vec), dtype=bool)
        for p in range(n):
            no_worse &= vectors[None, :, p] >= block[:, None, p] - t
            better |= vectors[None, :, p] > block[:, None, p] + t
        out[start : start + chunk] = (no_worse & better).any(axis=1)
    return out


def pareto_optimal_profiles(payoffs: np.ndarray, tol: float = 1e-12) -> list[tuple[int, ...]]:
    """Pure profiles not Pareto-dominated by another pure profile.

    Parameters
    ----------
    payoffs
        Payoff tensor, shape ``(n, m_1, ..., m_n)``.
    tol
        Tolerance relative to the payoff range (see module docstring).

    Returns
    -------
    list[tuple[int, ...]]
        Move-index tuples in lexicographic order.
    """
    u = as_payoff_tensor(payoffs)
    vectors = _outcomes(u)
    dominated = _dominated_rows(vectors, vectors, tol * payoff_span(u))
    keep = np.flatnonzero(~dominated)
    grid = np.stack(np.unravel_index(keep, u.shape[1:]), axis=1)
    return [tuple(int(i) for i in row) for row in grid]


def _max_gain_lp(vectors: np.ndarray, w: np.ndarray, player: int) -> float:
    """Largest gain of ``player`` over ``w`` in the hull with no player losing.

    Returns ``-inf`` when no point of the hull weakly improves on ``w`` for
    everyone. Losses up to ``_LP_FEAS`` (LP accuracy) are accepted.
    """
    n_vec = vectors.shape[0]
    from scipy.optimize import linprog  # lazy: keeps start-up light

    res = linprog(
        -vectors[:, player],
        A_ub=-vectors.T,
        b_ub=-w,
        A_eq=np.ones((1, n_vec)),
        b_eq=[1.0],
        bounds=[(0.0, None)] * n_vec,
        method="highs",
    )
    if res.status != 0:
        return -np.inf
    lam = np.clip(res.x, 0.0, None)
    gains = (lam / lam.sum()) @ vectors - w
    return float(gains[player]) if gains.min() >= -_LP_FEAS else -np.inf


def is_pareto_optimal(
    payoffs: np.ndarray,
    payoff_vector: Sequence[float] | np.ndarray,
    tol: float = 1e-9,
    *,
    correlated: bool = True,
) -> bool:
    """Whether an expected payoff vector is *not* Pareto-dominated by a feasible outcome.

    Parameters
    ----------
    payoffs
        Payoff tensor, shape ``(n, m_1, ..., m_n)``.
    payoff_vector
        Expected payoffs, shape ``(n,)`` (e.g. of a mixed equilibrium).
    tol
        Tolerance relative to the payoff range (see module docstring).
    correlated
        If True (default), compare with every feasible correlated outcome:
        the convex hull of the pure-profile payoff vectors, tested by one LP
        per player ``p`` (maximise ``p``'s gain over the hull subject to no
        player losing); dominated if some gain exceeds ``tol``. If False,
        compare with pure profiles only.

    Returns
    -------
    bool
        True if no comparison outcome dominates ``payoff_vector``.
    """
    u = as_payoff_tensor(payoffs)
    w = np.asarray(payoff_vector, dtype=np.float64)
    if w.shape != (u.shape[0],):
        raise ValueError(f"payoff_vector must have shape ({u.shape[0]},); got {w.shape}")
    span = payoff_span(u)
    lo = float(u.min())
    vectors = (_outcomes(u) - lo) / span
    target = (w - lo) / span
    if _dominated_rows(vectors, target[None, :], tol)[0]:
        return False
    if not correlated:
        return True
    return all(_max_gain_lp(vectors, target, p) <= tol for p in range(u.shape[0]))
