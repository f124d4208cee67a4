"""Grim-trigger thresholds for a pure target profile (Friedman 1971)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class GrimTrigger:
    """Smallest common discount factor sustaining ``target`` by grim trigger.

    ``discount`` is ``None`` when no discount factor below 1 sustains it;
    ``punishment[p]`` is player ``p``'s payoff in the stage equilibrium used
    against them (index ``equilibrium[p]`` of the ``punishments`` given).
    """

    target: tuple[int, ...]
    discount: float | None
    punishment: tuple[float, ...]
    equilibrium: tuple[int, ...]
    method: str = "grim_trigger"


def best_deviation(u: np.ndarray, target: tuple[int, ...], p: int) -> float:
    """Player ``p``'s best one-shot payoff against the others playing ``target``."""
    idx: list[int | slice] = list(target)
    idx[p] = slice(None)
    return float(np.max(u[p][tuple(idx)]))


def player_threshold(d: float, t: float, pun: float, tol: float = 1e-9) -> float | None:
    """delta >= (d - t)/(d - pun); None when t <= pun (and a gain to deviate exists).

    >>> player_threshold(5.0, 3.0, 1.0)
    0.5
    >>> player_threshold(3.0, 3.0, 1.0)
    0.0
    >>> player_threshold(5.0, 1.0, 1.0) is None
    True
    """
    if d - t <= tol:
        return 0.0
    if t - pun <= tol:
        return None
    return (d - t) / (d - pun)


def grim_trigger(u: np.ndarray, target: tuple[int, ...], punishments: np.ndarray) -> GrimTrigger:
    """Grim trigger with reversion to the stage equilibrium worst for each deviator.

    Parameters
    ----------
    u : ndarray (n, m_1, ..., m_n)
    target : pure profile
    punishments : ndarray (k, n)
        Payoff vectors of the stage Nash equilibria available for reversion.

    Examples
    --------
    Prisoner's dilemma, T=5, R=3, P=1, S=0: delta >= (T-R)/(T-P) = 0.5.

    >>> import numpy as np
    >>> u = np.array([[[3.0, 0.0], [5.0, 1.0]], [[3.0, 5.0], [0.0, 1.0]]])
    >>> g = grim_trigger(u, (0, 0), np.array([[1.0, 1.0]]))
    >>> g.discount, g.punishment
    (0.5, (1.0, 1.0))
    """
    n = u.shape[0]
    t = _at(u, target)
    worst: list[float | None] = []
    pun: list[float] = []
    chosen: list[int] = []
    for p in range(n):
        d = best_deviation(u, target, p)
        k = int(np.argmin(punishments[:, p]))
        chosen.append(k)
        pun.append(float(punishments[k, p]))
        worst.append(player_threshold(d, float(t[p]), pun[-1]))
    disc = None if any(w is None for w in worst) else max(float(w) for w in worst if w is not None)
    return GrimTrigger(tuple(target), disc, tuple(pun), tuple(chosen))


def sustained_one_shot(
    u: np.ndarray, target: tuple[int, ...], punish: np.ndarray, delta: float, tol: float = 1e-9
) -> bool:
    """One-shot deviation check of grim trigger at ``delta``, independent of the formula.

    On path, value of conforming t/(1-delta) vs deviating d + delta*pun/(1-delta);
    in the punishment phase a stage Nash equilibrium is repeated, so no
    one-shot deviation gains there.

    >>> import numpy as np
    >>> u = np.array([[[3.0, 0.0], [5.0, 1.0]], [[3.0, 5.0], [0.0, 1.0]]])
    >>> sustained_one_shot(u, (0, 0), np.array([1.0, 1.0]), 0.51)
    True
    >>> sustained_one_shot(u, (0, 0), np.array([1.0, 1.0]), 0.49)
    False
    """
    t = _at(u, target)
    for p in range(u.shape[0]):
        d = best_deviation(u, target, p)
        stay = t[p] / (1.0 - delta)
        leave = d + delta * punish[p] / (1.0 - delta)
        if leave > stay + tol * max(1.0, abs(stay)):
            return False
    return True


def _at(u: np.ndarray, target: tuple[int, ...]) -> np.ndarray:
    """Every player's payoff at the pure profile ``target``."""
    flat = int(np.ravel_multi_index(target, u.shape[1:]))
    return u.reshape(u.shape[0], -1)[:, flat]
