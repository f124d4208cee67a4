"""Solvers: plain functions over numpy arrays, one algorithm per module, grouped by family.

* :mod:`sim.solvers.nash` - Nash equilibria of strategic-form games (pure,
  vertex enumeration, support enumeration, zero-sum LP).
* :mod:`sim.solvers.extensive` - subgame perfection, reduced strategic forms
  and credibility in sequential games.
* :mod:`sim.solvers.qre` - logit quantal response equilibria and their limit.
* :mod:`sim.solvers.structure` - dominance, security levels, Pareto optimality.

Three modules are shared by every family and stay at this level:
:mod:`~sim.solvers.result` (the result types), :mod:`~sim.solvers.verify`
(the independent best-response check every equilibrium passes) and
:mod:`~sim.scales` (payoff-tensor validation).

Each family package re-exports its public functions; its docstring has
examples that run as doctests (``tests/test_docs.py``).
"""
