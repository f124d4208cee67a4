"""All pure Nash equilibria of an N-player normal-form game.

A pure profile ``a`` is a Nash equilibrium iff every player's move is a best
response to the others' moves: ``u_p(a) >= max_k u_p(k, a_-p)`` for every
player ``p`` (Nisan et al., *Algorithmic Game Theory*, 2007, sec. 2.2;
Fudenberg & Tirole, *Game Theory*, 1991, sec. 1.2). The test is vectorised:
for each player, the maximum of ``payoffs[p]`` along that player's own axis is
broadcast back over the tensor and compared with ``payoffs[p]``. The work is
one pass over the tensor per player, ``O(n * prod(m))``, and a whole batch of
games (one parameter sweep) is tested by the same few numpy operations.

Ties are decided with a tolerance relative to each player's own payoff scale
(:func:`sim.scales.player_scales`): a move within ``tol * scale_p``
of player ``p``'s best reply counts as a best reply, so that a player whose
payoffs are small keeps its incentives when another's are large.
"""

from __future__ import annotations

import numpy as np

from sim.concepts import PURE_NASH
from sim.scales import player_scales
from sim.solvers.result import Equilibrium, EquilibriumSet

__all__ = [
    "pure_nash",
    "pure_nash_mask",
    "pure_nash_mask_batch",
    "pure_nash_profiles",
]

_METHOD = "best_response_enumeration"


def _batch(payoffs_batch: np.ndarray) -> np.ndarray:
    """Return a ``(batch, n, m_1..m_n)`` float64 array after checking it."""
    u = np.asarray(payoffs_batch, dtype=np.float64)
    if u.ndim < 3 or u.shape[1] != u.ndim - 2:
        raise ValueError(
            f"payoff batch must have shape (batch, n_players, m_1, ..., m_n); got {u.shape}"
        )
    if min(u.shape[2:]) < 1:
        raise ValueError(f"every player needs at least one move; got {u.shape[2:]}")
    if not np.all(np.isfinite(u)):
        raise ValueError("payoffs must be finite")
    return u


def _shortfall_batch(u: np.ndarray) -> np.ndarray:
    """Largest best-response shortfall over players at every profile, each player's
    shortfall divided by that player's own payoff scale.

    Returns shape ``(batch, m_1..m_n)``; a profile is an equilibrium iff its
    entry is at most the tolerance.
    """
    n = u.shape[1]
    scales = player_scales(u, player_axis=1)
    worst = np.zeros((u.shape[0], *u.shape[2:]))
    for p in range(n):
        up = u[:, p]
        gap = (up.max(axis=p + 1, keepdims=True) - up) / scales[:, p].reshape((-1,) + (1,) * n)
        np.maximum(worst, gap, out=worst)
    return worst


def pure_nash_mask_batch(payoffs_batch: np.ndarray, tol: float = 1e-12) -> np.ndarray:
    """Pure-equilibrium mask of every game in a batch.

    Parameters
    ----------
    payoffs_batch
        Shape ``(batch, n, m_1, ..., m_n)``.
    tol
        A move counts as a best reply if it is within ``tol`` times its
        player's payoff scale of the best payoff.

    Returns
    -------
    numpy.ndarray
        Boolean, shape ``(batch, m_1, ..., m_n)``.
    """
    return _shortfall_batch(_batch(payoffs_batch)) <= tol


def pure_nash_mask(payoffs: np.ndarray, tol: float = 1e-12) -> np.ndarray:
    """Boolean mask, shape ``(m_1, ..., m_n)``, of the pure Nash equilibria.

    A profile is marked iff for every player ``p``, ``payoffs[p]`` at the
    profile is at least the maximum of ``payoffs[p]`` along ``p``'s axis minus
    ``tol`` times player ``p``'s payoff scale.
    """
    return pure_nash_mask_batch(np.asarray(payoffs)[None], tol)[0]


def pure_nash_profiles(payoffs: np.ndarray, tol: float = 1e-12) -> list[tuple[int, ...]]:
    """The pure equilibria as move-index tuples, in lexicographic order."""
    mask = pure_nash_mask(payoffs, tol)
    return [tuple(int(i) for i in row) for row in np.argwhere(mask)]


def _one_hot(profile: tuple[int, ...], sizes: tuple[int, ...]) -> tuple[np.ndarray, ...]:
    """One probability vector per player with all weight on the chosen move."""
    out = []
    for k, m in zip(profile, sizes, strict=True):
        s = np.zeros(m)
        s[k] = 1.0
        out.append(s)
    return tuple(out)


def pure_nash(
    payoffs: np.ndarray, tol: float = 1e-12, *, limit: int | None = None
) -> EquilibriumSet:
    """All pure Nash equilibria of a normal-form game.

    Parameters
    ----------
    payoffs
        Payoff tensor, shape ``(n, m_1, ..., m_n)``.
    tol
        Tie tolerance relative to each player's payoff scale (see :func:`pure_nash_mask`).
    limit
        Build at most this many equilibria (the first in profile order); the
        result's ``total`` then counts them all.

    Returns
    -------
    EquilibriumSet
        Concept ``"pure_nash"``, method ``"best_response_enumeration"``; the
        equilibria are in lexicographic profile order, each with one-hot
        strategies, its payoff vector and its scaled regret. The list is
        complete (every pure profile is tested).
    """
    u = _batch(np.asarray(payoffs)[None])
    shortfall = _shortfall_batch(u)[0]
    game = u[0]
    sizes = game.shape[1:]
    flat = np.flatnonzero(shortfall <= tol)
    total = int(flat.size) if limit is not None and flat.size > limit else None
    eqs = []
    for index in flat[:limit]:
        profile = tuple(int(i) for i in np.unravel_index(index, sizes))
        eqs.append(
            Equilibrium(
                strategies=_one_hot(profile, sizes),
                payoffs=game[(slice(None), *profile)].copy(),
                concept=PURE_NASH,
                method=_METHOD,
                regret=float(shortfall[profile]),
            )
        )
    notes = () if eqs else ("the game has no pure Nash equilibrium",)
    return EquilibriumSet(equilibria=tuple(eqs), method=_METHOD, tol=tol, notes=notes, total=total)
