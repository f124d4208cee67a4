"""Security levels (maxmin values) of the players of a normal-form game.

A player's *security level* is the most she can guarantee whatever the
others do: ``max_x min_{s_-p} u_p(x, s_-p)`` (Maschler, Solan & Zamir, *Game
Theory*, 2013, sec. 4.10 and 5.2; Fudenberg & Tirole, *Game Theory*, 1991,
sec. 1.2.2). Over pure moves it is a max of row minima. Over mixed
strategies it is the linear programme (Nisan et al., *Algorithmic Game
Theory*, 2007, sec. 1.4 and 3.1)::

    maximise v  s.t.  sum_k x_k u_p(k, s_-p) >= v  for every pure s_-p,
                      x >= 0, sum_k x_k = 1.

Testing pure opponent profiles suffices because the payoff is linear in
each opponent's mixture; the opponents are also allowed to correlate, which
does not change the value for the same reason. In a two-player zero-sum game
the mixed security level of the row player is the value of the game.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.scales import as_payoff_tensor, payoff_span

__all__ = [
    "SecurityLevel",
    "mixed_security_level",
    "mixed_security_levels",
    "pure_security_levels",
]

#: Probabilities below this in an LP answer are set to zero.
_ZERO_PROB = 1e-12


@dataclass(frozen=True, eq=False)
class SecurityLevel:
    """What one player can guarantee.

    Attributes
    ----------
    player
        Player index.
    value
        Guaranteed expected payoff (the worst case of ``strategy``).
    strategy
        A maxmin strategy, a probability vector over the player's moves.
    pure
        True if the level is over pure moves only.
    method
        ``"pure_maxmin"`` or ``"maxmin_lp"``.
    moves
        For a pure level, every move achieving it (within the tolerance);
        for a mixed level, the support of ``strategy``.
    """

    player: int
    value: float
    strategy: np.ndarray
    pure: bool
    method: str
    moves: tuple[int, ...] = ()


def _matrix(u: np.ndarray, player: int) -> np.ndarray:
    """Player's payoffs with rows = own moves, columns = opponents' pure profiles."""
    if not 0 <= player < u.shape[0]:
        raise ValueError(f"player {player} out of range for {u.shape[0]} players")
    return np.moveaxis(u[player], player, 0).reshape(u.shape[player + 1], -1)


def pure_security_levels(payoffs: np.ndarray, tol: float = 1e-12) -> list[SecurityLevel]:
    """Each player's best worst-case payoff over pure moves.

    Parameters
    ----------
    payoffs
        Payoff tensor, shape ``(n, m_1, ..., m_n)``.
    tol
        Moves whose worst case is within ``tol`` times the payoff range of the
        best are listed in ``moves``; ``strategy`` is the first of them.

    Returns
    -------
    list[SecurityLevel]
        One per player, ``pure=True``, method ``"pure_maxmin"``.
    """
    u = as_payoff_tensor(payoffs)
    out = []
    for p in range(u.shape[0]):
        worst = _matrix(u, p).min(axis=1)
        best = float(worst.max())
        moves = tuple(int(k) for k in np.flatnonzero(worst >= best - tol * payoff_span(u)))
        strategy = np.zeros(worst.size)
        strategy[moves[0]] = 1.0
        out.append(SecurityLevel(p, best, strategy, True, "pure_maxmin", moves))
    return out


def _maxmin_lp(mat: np.ndarray) -> np.ndarray:
    """Maxmin mixture of the rows of ``mat`` (payoffs scaled to [0, 1])."""
    rows, cols = mat.shape
    c = np.zeros(rows + 1)
    c[-1] = -1.0
    a_ub = np.hstack([-mat.T, np.ones((cols, 1))])
    a_eq = np.append(np.ones(rows), 0.0)[None, :]
    bounds = [(0.0, None)] * rows + [(None, None)]
    from scipy.optimize import linprog  # lazy: keeps start-up light

    res = linprog(
        c, A_ub=a_ub, b_ub=np.zeros(cols), A_eq=a_eq, b_eq=[1.0], bounds=bounds, method="highs"
    )
    if res.status != 0:  # pragma: no cover - the LP is always feasible and bounded
        raise RuntimeError(f"maxmin LP failed: {res.message}")
    x = np.where(res.x[:rows] > _ZERO_PROB, res.x[:rows], 0.0)
    return np.asarray(x / x.sum(), dtype=np.float64)


def mixed_security_level(payoffs: np.ndarray, player: int) -> SecurityLevel:
    """A player's maxmin value over mixed strategies, by linear programming.

    Parameters
    ----------
    payoffs
        Payoff tensor, shape ``(n, m_1, ..., m_n)``.
    player
        Player index.

    Returns
    -------
    SecurityLevel
        ``pure=False``, method ``"maxmin_lp"``. The LP runs on payoffs
        rescaled to ``[0, 1]``; ``value`` is then recomputed in the original
        units as the exact worst case of the returned ``strategy``, so the
        reported value is always guaranteed by the reported strategy.
    """
    u = as_payoff_tensor(payoffs)
    mat = _matrix(u, player)
    lo, span = float(u.min()), payoff_span(u)
    x = _maxmin_lp((mat - lo) / span)
    value = float((x @ mat).min())
    support = tuple(int(k) for k in np.flatnonzero(x))
    return SecurityLevel(player, value, x, False, "maxmin_lp", support)


def mixed_security_levels(payoffs: np.ndarray) -> list[SecurityLevel]:
    """:func:`mixed_security_level` of every player."""
    u = as_payoff_tensor(payoffs)
    return [mixed_security_level(u, p) for p in range(u.shape[0])]
