"""The result type shared by the bargaining solvers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.solvers.bargaining.feasible import LPPoint

__all__ = ["BargainPoint"]


@dataclass(frozen=True, eq=False)
class BargainPoint:
    """A solution of a bargaining problem and how it was found.

    Attributes
    ----------
    payoffs
        Each party's payoff, shape ``(n,)``.
    weights
        Lottery over the pure agreements (sums to 1), shape ``(m,)``.
    amounts
        Amount paid along each allowed transfer, shape ``(J,)``.
    method
        The algorithm, e.g. ``"linprog(highs)"``.
    certificate
        What the solver checked, e.g. the optimality gap of the Nash product.
    """

    payoffs: np.ndarray
    weights: np.ndarray
    amounts: np.ndarray
    method: str
    certificate: str = ""

    @classmethod
    def from_lp(cls, point: LPPoint, method: str, certificate: str = "") -> BargainPoint:
        """Wrap a linear program's answer."""
        return cls(point.payoffs, point.weights, point.amounts, method, certificate)
