"""Pruning of support profiles by strict dominance (Porter, Nudelman & Shoham 2008).

Two tests from Porter, Nudelman & Shoham 2008, "Simple search methods for
finding a Nash equilibrium", Games and Economic Behavior 63, sec. 3:

* :func:`undominated`: iterated removal of moves strictly dominated by
  another pure move. Such a move is never played in a Nash equilibrium, so it
  never enters a support.
* :class:`ConditionalDominance`: a support profile ``S`` is skipped when a
  move of some ``S_i`` is strictly dominated by another move of player ``i``
  against every pure profile of ``S_-i`` ("conditionally dominated"): it
  cannot be a best reply to any mixture on ``S_-i``.

Payoffs are each player's rescaled to ``[0, 1]`` and "strictly" means by more
than ``tol`` in every column.
"""

from __future__ import annotations

import numpy as np

__all__ = ["ConditionalDominance", "Support", "dominated_rows", "player_rows", "undominated"]

#: One tuple of move indices per player.
Support = tuple[tuple[int, ...], ...]


def dominated_rows(rows: np.ndarray, candidates: np.ndarray, tol: float) -> np.ndarray:
    """For each row index in ``candidates``: is it beaten by more than ``tol`` everywhere?"""
    out = np.zeros(candidates.size, dtype=bool)
    for pos, k in enumerate(candidates):
        out[pos] = bool(np.any(np.all(rows - rows[k] > tol, axis=1)))
    return out


def player_rows(scaled: np.ndarray, i: int, index: list[np.ndarray]) -> np.ndarray:
    """Player ``i``'s payoffs restricted to ``index``, one row per own move."""
    sub = scaled[i][np.ix_(*index)]
    return np.moveaxis(sub, i, 0).reshape(sub.shape[i], -1)


def undominated(scaled: np.ndarray, tol: float) -> list[np.ndarray]:
    """Moves surviving iterated removal of moves strictly dominated by a pure move."""
    alive = [np.arange(m) for m in scaled.shape[1:]]
    changed = True
    while changed:
        changed = False
        for i in range(len(alive)):
            rows = player_rows(scaled, i, alive)
            dominated = dominated_rows(rows, np.arange(rows.shape[0]), tol)
            if np.any(dominated):
                alive[i] = alive[i][~dominated]
                changed = True
    return alive


class ConditionalDominance:
    """Moves of each player strictly dominated given the others' supports (PNS 2008).

    Move ``k`` of player ``i`` is conditionally dominated given ``S_-i`` when
    another move of ``i`` pays more than ``k`` by over ``tol`` against every
    pure profile of ``S_-i``. The dominated set of each ``(i, S_-i)`` is
    computed once and cached as a bitmask over ``i``'s moves.
    """

    def __init__(self, scaled: np.ndarray, alive: list[np.ndarray], tol: float) -> None:
        self.scaled, self.alive, self.tol = scaled, alive, tol
        self.cache: dict[tuple[int, Support], int] = {}

    def mask(self, i: int, others: Support) -> int:
        """Bitmask (by move index) of ``i``'s moves dominated given ``others`` (``S_-i``)."""
        key = (i, others)
        hit = self.cache.get(key)
        if hit is None:
            index = [np.asarray(s) for s in others]
            index.insert(i, self.alive[i])
            rows = player_rows(self.scaled, i, index)
            dominated = dominated_rows(rows, np.arange(rows.shape[0]), self.tol)
            hit = sum(1 << int(k) for k in self.alive[i][dominated])
            self.cache[key] = hit
        return hit

    def prunes(self, support: Support) -> bool:
        """True if some move of some ``S_i`` is dominated given ``S_-i``."""
        for i, own in enumerate(support):
            if len(own) == len(self.alive[i]) == 1:
                continue
            dominated = self.mask(i, support[:i] + support[i + 1 :])
            if dominated and any(dominated >> k & 1 for k in own):
                return True
        return False
