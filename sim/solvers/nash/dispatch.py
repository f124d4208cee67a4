"""All Nash equilibria of a strategic-form game, under one size, time and fallback policy.

The one way ``sim solve``, the sensitivity batches and the strategic forms of
sequential games ask for "every Nash equilibrium" of a game, so that the same
game gets the same answer from each of them:

* **pure equilibria only** (``mixed=False``): every pure equilibrium by the
  best-response test (:func:`~sim.solvers.nash.pure_nash.pure_nash`); always
  complete.
* **two players**: every extreme equilibrium by vertex enumeration (von
  Stengel 2002; Avis et al. 2010) when ``C(m + n, m)`` is at most
  :data:`~sim.solvers.nash.two_player.MAX_BASES`; beyond, the pure equilibria
  and the limit of the logit QRE branch (McKelvey & Palfrey 1995), marked
  incomplete (:func:`~sim.solvers.nash.two_player.bimatrix_equilibria`).
* **three or more players**: support enumeration with homotopy continuation
  (:func:`~sim.solvers.nash.support_enumeration.all_equilibria`; Porter,
  Nudelman & Shoham 2008) when the game has at most
  :attr:`NashPolicy.max_profiles` pure profiles once strictly dominated moves
  are removed, with no time limit (:attr:`NashPolicy.seconds`, by default
  ``None``, so that the answer does not depend on the machine's load); a
  larger game gets its pure equilibria or else the first equilibrium a
  small-supports-first search finds within
  :data:`~sim.solvers.nash.support_enumeration.FALLBACK_SECONDS`. The pure
  equilibria are always all listed (the best-response test is exact and
  cheap).
* **fallback**: when no equilibrium was found at all (every finite game has
  one; Nash 1951), the limit of the logit QRE branch, if
  :attr:`NashPolicy.fallback`.

The result is an :class:`~sim.solvers.result.EquilibriumSet` whose
``stopped_early`` and ``fell_back`` flags, ``complete`` and ``notes`` say
when a budget cut the search or a fallback supplied the list.

Examples
--------
>>> import numpy as np
>>> from sim.solvers.nash.dispatch import nash_equilibria
>>> pennies = np.array([[[1.0, -1.0], [-1.0, 1.0]], [[-1.0, 1.0], [1.0, -1.0]]])
>>> found = nash_equilibria(pennies)
>>> found.method, found.complete, found.stopped_early, found.fell_back
('vertex_enumeration', True, False, False)
>>> [s.tolist() for s in found.equilibria[0].strategies]
[[0.5, 0.5], [0.5, 0.5]]
>>> len(nash_equilibria(pennies, mixed=False))
0
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from sim.solvers.nash.pure_nash import pure_nash
from sim.solvers.nash.support_enumeration import all_equilibria
from sim.solvers.nash.two_player import bimatrix_equilibria
from sim.solvers.result import EquilibriumSet

__all__ = ["DEFAULT_POLICY", "NashPolicy", "nash_equilibria"]

_NOTHING_FOUND = (
    "The enumeration found no equilibrium within its budget; the one listed is the limit "
    "of the logit QRE branch. The list may be incomplete."
)


@dataclass(frozen=True)
class NashPolicy:
    """How far :func:`nash_equilibria` searches (see the module docstring).

    Attributes
    ----------
    max_profiles
        Games of three or more players are enumerated when they have at most
        this many pure profiles after removing strictly dominated moves.
    seconds
        Wall-clock budget of one enumeration (``None``: no limit).
    fallback
        When nothing is found, list the limit of the logit QRE branch.
    """

    max_profiles: int = 64
    seconds: float | None = None
    fallback: bool = True


DEFAULT_POLICY = NashPolicy()


def nash_equilibria(
    payoffs: np.ndarray,
    *,
    tol: float = 1e-9,
    mixed: bool = True,
    policy: NashPolicy = DEFAULT_POLICY,
    limit: int | None = None,
) -> EquilibriumSet:
    """Every Nash equilibrium of a game (pure ones first, in profile order), by the policy.

    Parameters
    ----------
    payoffs
        Payoff tensor, shape ``(n, m_1, ..., m_n)``.
    tol
        Tolerance for ties, supports and duplicates, relative to the payoff range.
    mixed
        False: pure equilibria only.
    policy
        Size, time and fallback budget.
    limit
        With ``mixed=False``: build at most this many pure equilibria (the
        result's ``total`` then counts them all).

    Returns
    -------
    EquilibriumSet
        Each equilibrium verified by the solver that found it; ``method``
        names the algorithm, ``stopped_early`` / ``fell_back`` say whether a
        budget or a fallback shaped the list.
    """
    u = np.asarray(payoffs, dtype=float)
    if not mixed:
        return pure_nash(u, tol=tol, limit=limit)
    if u.shape[0] == 2:
        found = bimatrix_equilibria(u[0], u[1], tol=tol)
    else:
        found = _with_every_pure(
            u,
            all_equilibria(u, tol=tol, max_profiles=policy.max_profiles, time_limit=policy.seconds),
            tol,
        )
    if found.equilibria or not policy.fallback:
        return _pure_first(found)
    from sim.solvers.qre.logit_limit import limiting_logit_equilibrium

    logit = limiting_logit_equilibrium(u, tol=tol)
    return replace(
        found,
        equilibria=(logit,),
        method="logit_limit",
        complete=False,
        notes=(*found.notes, _NOTHING_FOUND),
        fell_back=True,
    )


def _with_every_pure(u: np.ndarray, found: EquilibriumSet, tol: float) -> EquilibriumSet:
    """``found`` plus any pure equilibrium it lacks (a search cut short may miss some)."""
    have = {eq.pure_profile() for eq in found.equilibria if eq.is_pure}
    extra = tuple(eq for eq in pure_nash(u, tol=tol).equilibria if eq.pure_profile() not in have)
    return replace(found, equilibria=extra + found.equilibria) if extra else found


def _pure_first(found: EquilibriumSet) -> EquilibriumSet:
    """Pure equilibria first in profile order, then the others in the solver's order."""
    pure = sorted(
        (eq for eq in found.equilibria if eq.is_pure), key=lambda e: e.pure_profile() or ()
    )
    rest = tuple(eq for eq in found.equilibria if not eq.is_pure)
    return replace(found, equilibria=(*pure, *rest))
