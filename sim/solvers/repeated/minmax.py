"""Minmax (punishment) values of a stage game (Fudenberg & Maskin 1986)."""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog


def pure_minmax(u: np.ndarray) -> np.ndarray:
    """Each player's pure minmax value: min over others' pure profiles of the best reply.

    Parameters
    ----------
    u : ndarray, shape (n, m_1, ..., m_n)
        Payoff tensor; ``u[p]`` is player ``p``'s payoff.

    Examples
    --------
    >>> import numpy as np
    >>> u = np.array([[[3.0, 0.0], [5.0, 1.0]], [[3.0, 5.0], [0.0, 1.0]]])
    >>> pure_minmax(u).tolist()
    [1.0, 1.0]
    """
    n = u.shape[0]
    return np.array([float(np.min(np.max(u[p], axis=p))) for p in range(n)])


def mixed_minmax(u: np.ndarray) -> np.ndarray:
    """Each player's mixed minmax value of a two-player game, by linear programming.

    The punisher mixes to minimise the victim's best-reply payoff
    (Mailath & Samuelson 2006, sec. 2.1); solved with HiGHS.

    Examples
    --------
    >>> import numpy as np
    >>> u = np.array([[[1.0, -1.0], [-1.0, 1.0]], [[-1.0, 1.0], [1.0, -1.0]]])
    >>> [float(round(v, 9)) + 0.0 for v in mixed_minmax(u)]
    [0.0, 0.0]
    """
    if u.shape[0] != 2:
        raise ValueError("mixed minmax by LP needs exactly two players")
    return np.array([_lp_minmax(u[0]), _lp_minmax(u[1].T)])


def _lp_minmax(victim: np.ndarray) -> float:
    """min over column mixtures y of max_i (victim @ y)_i (victim's actions are rows)."""
    rows, cols = victim.shape
    # variables: y (cols), v ; minimise v s.t. victim @ y - v <= 0, sum y = 1
    c = np.zeros(cols + 1)
    c[-1] = 1.0
    a_ub = np.hstack([victim, -np.ones((rows, 1))])
    a_eq = np.hstack([np.ones((1, cols)), np.zeros((1, 1))])
    bounds = [(0.0, None)] * cols + [(None, None)]
    res = linprog(
        c, A_ub=a_ub, b_ub=np.zeros(rows), A_eq=a_eq, b_eq=[1.0], bounds=bounds, method="highs"
    )
    if not res.success:
        raise ArithmeticError(f"minmax LP failed: {res.message}")
    y = np.clip(res.x[:cols], 0.0, None)
    y /= y.sum()
    return float(np.max(victim @ y))
