"""Nash equilibria of strategic-form (normal-form) games.

:func:`nash_equilibria` is the one way in for "every Nash equilibrium of this
game": it picks the algorithm below by the game's size under one size, time
and fallback policy (:class:`NashPolicy`) and says in its result when a budget
cut the search short or a fallback supplied the list.

Every function takes a payoff tensor ``u`` of shape ``(n, m_1, ..., m_n)``
(``u[p]`` is player ``p``'s payoff) or, for two players, the matrices ``A``
and ``B``, and returns an :class:`~sim.solvers.result.EquilibriumSet` (or a
:class:`ZeroSumSolution`) recording the method and tolerance used:

* :func:`pure_nash` - every pure equilibrium, by one vectorised best-response
  test (Nisan et al. 2007, sec. 2.2); :func:`pure_nash_mask_batch` does a whole
  batch of games at once.
* :func:`extreme_equilibria` - every extreme equilibrium of a bimatrix game by
  vertex enumeration of the best-response polytopes (Avis, Rosenberg, Savani &
  von Stengel 2010), exact on degenerate games; :func:`bimatrix_equilibria`
  adds the size guard and the fallback used for large games.
* :func:`all_equilibria` - every equilibrium of a small N-player game by
  support enumeration with homotopy continuation (Porter, Nudelman & Shoham
  2008; Sommese & Wampler 2005).
* :func:`solve_zero_sum` - the value and optimal strategies of a two-player
  zero-sum game by linear programming (von Neumann 1928; HiGHS via scipy).

The other modules of this package (``basic_solutions``, ``polytope_vertices``,
``support_pruning``, ``support_solutions``, ``indifference_system``,
``multilinear``, ``homotopy``, ``bilinear_elimination``) are their internals.

Examples
--------
The battle of the sexes has two pure equilibria and one mixed one:

>>> import numpy as np
>>> from sim.solvers.nash import all_equilibria, extreme_equilibria, pure_nash
>>> u = np.array([[[2.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 2.0]]])
>>> [eq.pure_profile() for eq in pure_nash(u)]
[(0, 0), (1, 1)]
>>> found = extreme_equilibria(u[0], u[1])
>>> found.method, len(found), found.complete
('vertex_enumeration', 3, True)
>>> [np.round(s, 3).tolist() for s in found.equilibria[1].strategies]
[[0.667, 0.333], [0.333, 0.667]]
>>> len(all_equilibria(u))
3
>>> from sim.solvers.nash import nash_equilibria
>>> found = nash_equilibria(u)
>>> found.method, found.complete, found.stopped_early, found.fell_back
('vertex_enumeration', True, False, False)

Matching pennies is zero-sum with value 0:

>>> from sim.solvers.nash import solve_zero_sum
>>> solution = solve_zero_sum(np.array([[1.0, -1.0], [-1.0, 1.0]]))
>>> round(solution.value, 9) + 0.0, solution.row_strategy.tolist()
(0.0, [0.5, 0.5])
"""

from sim.solvers.nash.dispatch import DEFAULT_POLICY, NashPolicy, nash_equilibria
from sim.solvers.nash.pure_nash import (
    pure_nash,
    pure_nash_mask,
    pure_nash_mask_batch,
    pure_nash_profiles,
)
from sim.solvers.nash.support_enumeration import all_equilibria
from sim.solvers.nash.two_player import bimatrix_equilibria, enumeration_is_tractable
from sim.solvers.nash.vertex_enumeration import extreme_equilibria, is_degenerate
from sim.solvers.nash.zero_sum import ZeroSumSolution, is_zero_sum, solve_zero_sum

__all__ = [
    "DEFAULT_POLICY",
    "NashPolicy",
    "ZeroSumSolution",
    "all_equilibria",
    "bimatrix_equilibria",
    "enumeration_is_tractable",
    "extreme_equilibria",
    "is_degenerate",
    "is_zero_sum",
    "nash_equilibria",
    "pure_nash",
    "pure_nash_mask",
    "pure_nash_mask_batch",
    "pure_nash_profiles",
    "solve_zero_sum",
]
