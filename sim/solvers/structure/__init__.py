"""Structure of a strategic-form game: dominance, security levels, Pareto optimality.

Every function takes a payoff tensor ``u`` of shape ``(n, m_1, ..., m_n)``:

* :func:`dominated_moves` and :func:`iterated_elimination` - moves dominated by
  another move or by a mixture (an LP through HiGHS), and iterated elimination
  (Fudenberg & Tirole 1991, sec. 2.1; Maschler, Solan & Zamir 2013, sec. 4.5).
* :func:`pure_security_levels` and :func:`mixed_security_levels` - what each
  player can guarantee whatever the others do (von Neumann 1928; maxmin LP).
* :func:`pareto_optimal_profiles` and :func:`is_pareto_optimal` - pure
  profiles no other pure profile (or, with mixtures, correlated play) improves
  for everyone (Osborne & Rubinstein 1994, sec. 7.2).

Examples
--------
In the prisoner's dilemma, cooperation (move 0) is strictly dominated, yet
every outcome except mutual defection is Pareto optimal:

>>> import numpy as np
>>> from sim.solvers.structure import (
...     dominated_moves, iterated_elimination, pareto_optimal_profiles, pure_security_levels)
>>> u = np.array([[[3.0, 0.0], [5.0, 1.0]], [[3.0, 5.0], [0.0, 1.0]]])
>>> dominated_moves(u, 0)
[Dominance(player=0, move=0, dominator=((1, 1.0),), strict=True, by_mixed=False)]
>>> iterated_elimination(u).surviving
((1,), (1,))
>>> [(level.value, level.moves) for level in pure_security_levels(u)]
[(1.0, (1,)), (1.0, (1,))]
>>> pareto_optimal_profiles(u)
[(0, 0), (0, 1), (1, 0)]
"""

from sim.solvers.structure.dominance import (
    Dominance,
    EliminationResult,
    dominated_moves,
    iterated_elimination,
    restrict,
)
from sim.solvers.structure.pareto import is_pareto_optimal, pareto_optimal_profiles
from sim.solvers.structure.security import (
    SecurityLevel,
    mixed_security_level,
    mixed_security_levels,
    pure_security_levels,
)

__all__ = [
    "Dominance",
    "EliminationResult",
    "SecurityLevel",
    "dominated_moves",
    "is_pareto_optimal",
    "iterated_elimination",
    "mixed_security_level",
    "mixed_security_levels",
    "pareto_optimal_profiles",
    "pure_security_levels",
    "restrict",
]
