"""Equilibria of a two-player game within a work budget.

Vertex enumeration (:func:`sim.solvers.nash.vertex_enumeration.extreme_equilibria`)
lists every extreme equilibrium, but its work grows like the number of bases
of the best-response polytopes, ``C(m + n, m)``. Up to :data:`MAX_BASES` it
is used as is; beyond, this module lists the pure equilibria and the limiting
logit equilibrium (McKelvey and Palfrey 1995), both verified, and says that
the list may be incomplete, so that no scenario file can make ``sim`` run for
hours.
"""

from __future__ import annotations

import math

import numpy as np

from sim.solvers.nash.vertex_enumeration import extreme_equilibria
from sim.solvers.result import EquilibriumSet

__all__ = ["MAX_BASES", "bimatrix_equilibria", "enumeration_is_tractable"]

#: Largest ``C(m + n, m)`` enumerated exhaustively (10 x 10 games: 184,756).
MAX_BASES = 200_000


def enumeration_is_tractable(m: int, n: int) -> bool:
    """True when vertex enumeration of an ``m x n`` game stays within the budget."""
    return math.comb(m + n, m) <= MAX_BASES


def bimatrix_equilibria(a: np.ndarray, b: np.ndarray, *, tol: float = 1e-9) -> EquilibriumSet:
    """Every extreme equilibrium when tractable, else pure ones and the logit limit."""
    m, n = np.shape(a)
    if enumeration_is_tractable(m, n):
        return extreme_equilibria(a, b, tol=tol)
    from sim.solvers.nash.pure_nash import pure_nash
    from sim.solvers.qre.logit_limit import limiting_logit_equilibrium

    payoffs = np.stack([np.asarray(a, float), np.asarray(b, float)])
    pure = pure_nash(payoffs, tol=tol)
    found = list(pure.equilibria)
    limit = limiting_logit_equilibrium(payoffs, tol=tol)
    if not limit.is_pure:
        found.append(limit)
    note = (
        f"The game has {m} x {n} moves: too many to enumerate every mixed equilibrium "
        f"(over {MAX_BASES:,} bases); listed are the pure equilibria and the limit of the "
        "logit QRE branch. The list may be incomplete."
    )
    return EquilibriumSet(
        tuple(found),
        "pure_and_logit_limit",
        tol,
        complete=False,
        notes=(note,),
        stopped_early=True,
        fell_back=True,
    )
