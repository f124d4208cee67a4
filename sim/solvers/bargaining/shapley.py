"""The Shapley value of a game in characteristic-function form, exactly.

``v`` is given for every coalition as an array indexed by bit mask (bit ``i``
set when player ``i`` is a member; ``v[0] = 0``). Each player gets its
average marginal contribution over all orders of arrival (Shapley 1953, "A
value for n-person games", Contributions to the Theory of Games II)::

    phi_i = sum_{S not containing i} |S|! (n - |S| - 1)! / n! (v(S + i) - v(S)),

summed exactly over the ``2^(n-1)`` coalitions without ``i``.
"""

from __future__ import annotations

from math import factorial

import numpy as np

__all__ = ["MAX_PLAYERS", "shapley_value"]

#: Coalition games with more players than this are refused (2^n coalitions).
MAX_PLAYERS = 16


def shapley_value(v: np.ndarray) -> np.ndarray:
    """Shapley value of the game ``v`` (length ``2^n``, indexed by bit mask).

    Examples
    --------
    Glove game: player 0 holds a left glove, players 1 and 2 a right glove
    each, and a pair is worth 1; the left-glove holder gets 2/3:

    >>> v = np.zeros(8)
    >>> for mask in range(8):
    ...     v[mask] = 1.0 if mask & 1 and mask & 6 else 0.0
    >>> [round(float(x), 9) for x in shapley_value(v)]
    [0.666666667, 0.166666667, 0.166666667]
    """
    v = np.asarray(v, dtype=float)
    n = v.size.bit_length() - 1
    if v.size != 2**n or n < 1:
        raise ValueError("v needs one value per coalition (2^n entries)")
    if n > MAX_PLAYERS:
        raise ValueError(f"at most {MAX_PLAYERS} players")
    masks = np.arange(v.size)
    sizes = np.array([bin(m).count("1") for m in masks])
    weight = np.array(
        [factorial(s) * factorial(n - s - 1) / factorial(n) if s < n else 0.0 for s in range(n + 1)]
    )
    phi = np.zeros(n)
    for i in range(n):
        bit = 1 << i
        without = masks[(masks & bit) == 0]
        phi[i] = float(np.sum(weight[sizes[without]] * (v[without | bit] - v[without])))
    return phi
