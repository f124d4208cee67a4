"""Input checks shared by the solvers that take a payoff tensor.

A game is a tensor of shape ``(n_players, m_1, ..., m_n)``. (The independent
checker :mod:`sim.solvers.verify` keeps its own copy on purpose.)
"""

from __future__ import annotations

import numpy as np

__all__ = ["as_payoff_tensor", "payoff_span"]


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


def payoff_span(u: np.ndarray) -> float:
    """Payoff range of the game (max - min), 1.0 when it is ~0."""
    r = float(u.max() - u.min())
    return r if r >= 1e-300 else 1.0
