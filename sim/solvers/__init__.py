"""Solvers: plain functions over numpy arrays, one algorithm per module, grouped by family.

* :mod:`sim.solvers.nash` - Nash equilibria of strategic-form games (pure,
  vertex enumeration, support enumeration, zero-sum LP).
* :mod:`sim.solvers.extensive` - subgame perfection, reduced strategic forms
  and credibility in sequential games.
* :mod:`sim.solvers.qre` - logit quantal response equilibria and their limit.
* :mod:`sim.solvers.structure` - dominance, security levels, Pareto optimality.
* :mod:`sim.solvers.bargaining` - bargaining solutions and coalition values.
* :mod:`sim.solvers.target` - the cheapest change that makes an outcome an
  equilibrium (LP and MILP).

Two modules are shared by the game families and stay at this level:
:mod:`~sim.solvers.result` (the result types) and :mod:`~sim.solvers.verify`
(the independent best-response check every equilibrium passes); payoff
tensors are validated and scaled by the base module :mod:`sim.scales`.

Each family package re-exports its public functions; its docstring has
examples that run as doctests (``tests/test_docs.py``).
"""
