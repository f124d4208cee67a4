"""Repeated games: minmax values and grim-trigger thresholds.

Plain functions over a stage-game payoff tensor ``u`` of shape
``(n, m_1, ..., m_n)``:

* :func:`pure_minmax`, :func:`mixed_minmax` - punishment values
  (Fudenberg & Maskin 1986; Mailath & Samuelson 2006, ch. 2), the mixed one
  by linear programming (HiGHS) for two players.
* :func:`grim_trigger` - the smallest common discount factor at which Nash
  reversion sustains a pure target profile (Friedman 1971):
  ``delta >= (d_i - u_i) / (d_i - p_i)`` maximised over players.
* :func:`sustained_one_shot` - independent one-shot deviation check.

Harshest (optimal penal code) punishments (Abreu 1988) are not implemented yet.

Examples
--------
>>> import numpy as np
>>> from sim.solvers.repeated import grim_trigger, mixed_minmax
>>> u = np.array([[[3.0, 0.0], [5.0, 1.0]], [[3.0, 5.0], [0.0, 1.0]]])
>>> mixed_minmax(u).tolist()
[1.0, 1.0]
>>> grim_trigger(u, (0, 0), np.array([[1.0, 1.0]])).discount
0.5
"""

from sim.solvers.repeated.grim import (
    GrimTrigger,
    best_deviation,
    grim_trigger,
    player_threshold,
    sustained_one_shot,
)
from sim.solvers.repeated.minmax import mixed_minmax, pure_minmax

__all__ = [
    "GrimTrigger",
    "best_deviation",
    "grim_trigger",
    "mixed_minmax",
    "player_threshold",
    "pure_minmax",
    "sustained_one_shot",
]
