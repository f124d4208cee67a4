"""Payoff tensors and payoff scales, shared by every layer that compares payoffs.

A game is a tensor of shape ``(n_players, m_1, ..., m_n)``.

Tolerances are relative to each player's **own** payoff scale
(:func:`player_scales`): a player whose payoffs are in points keeps its
incentives when another player's are in billions. The scale of player ``p``
is the range of ``p``'s payoffs, but at least :data:`RELATIVE_FLOOR` times
their largest magnitude (so that rounding noise in payoffs of one size,
e.g. ``0.1 * 3`` against ``0.3``, is not mistaken for a preference), and 1.0
only where the player's payoffs are all exactly zero. Nothing is cut off at
an absolute size: a game scaled by ``1e-310`` has the same equilibria as the
game itself (the comparison ``gap / scale <= tol`` is scale-invariant).
"""

from __future__ import annotations

import numpy as np

__all__ = ["RELATIVE_FLOOR", "as_payoff_tensor", "leaf_scales", "payoff_span", "player_scales"]

#: A player's payoff scale is at least this fraction of its largest |payoff|.
RELATIVE_FLOOR = 1e-6


def as_payoff_tensor(payoffs: np.ndarray) -> np.ndarray:
    """Return ``payoffs`` as float64 after checking its shape and that it is finite.

    Raises
    ------
    ValueError
        For a wrong shape, a player without moves, or a NaN/infinite payoff.
    """
    u = np.asarray(payoffs, dtype=np.float64)
    if u.ndim < 2 or u.shape[0] != u.ndim - 1 or min(u.shape[1:]) < 1:
        raise ValueError(f"payoff tensor must have shape (n_players, m_1, ..., m_n); got {u.shape}")
    if not np.all(np.isfinite(u)):
        raise ValueError("payoffs must be finite")
    return u


def _scale(span: np.ndarray, magnitude: np.ndarray) -> np.ndarray:
    scale = np.maximum(span, RELATIVE_FLOOR * magnitude)
    return np.where(scale > 0.0, scale, 1.0)


def player_scales(payoffs: np.ndarray, player_axis: int = 0) -> np.ndarray:
    """Each player's payoff scale (see the module docstring).

    Parameters
    ----------
    payoffs
        An array whose axis ``player_axis`` indexes players; every axis after
        it holds that player's payoffs (moves or leaves), every axis before it
        is a batch axis. E.g. ``(n, m_1, ..., m_n)`` with ``player_axis=0``, or
        ``(batch, n, m_1, ..., m_n)`` with ``player_axis=1``.

    Returns
    -------
    numpy.ndarray
        Shape ``payoffs.shape[:player_axis + 1]``: positive scales.

    Examples
    --------
    >>> player_scales(np.array([[[1e10, 0], [0, 1]], [[0, 1], [1, 0]]])).tolist()
    [10000000000.0, 1.0]
    >>> player_scales(np.array([[[2e-310, 0], [0, 1e-310]], [[0, 0], [0, 0]]])).tolist()
    [2e-310, 1.0]
    """
    u = np.asarray(payoffs, dtype=np.float64)
    flat = u.reshape(*u.shape[: player_axis + 1], -1)
    if flat.shape[-1] == 0:
        return np.ones(flat.shape[:-1])
    hi, lo = flat.max(axis=-1), flat.min(axis=-1)
    return _scale(hi - lo, np.maximum(np.abs(hi), np.abs(lo)))


def leaf_scales(payoffs: np.ndarray) -> np.ndarray:
    """Player scales of node-major leaf payoffs ``(n_leaves, n_players, batch)``.

    Returns shape ``(n_players, batch)``.
    """
    u = np.asarray(payoffs, dtype=np.float64)
    if u.shape[0] == 0:
        return np.ones(u.shape[1:])
    hi, lo = u.max(axis=0), u.min(axis=0)
    return _scale(hi - lo, np.maximum(np.abs(hi), np.abs(lo)))


def payoff_span(u: np.ndarray) -> float:
    """Largest minus smallest payoff of the whole game (1.0 when they are all equal).

    A game-wide unit (e.g. the logit QRE's lambda is measured in it); tie
    tolerances use :func:`player_scales` instead.
    """
    arr = np.asarray(u, dtype=np.float64)
    span = float(arr.max() - arr.min()) if arr.size else 0.0
    return span if span > 0.0 else 1.0
