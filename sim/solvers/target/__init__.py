"""What it takes: the cheapest change of affine payoffs that makes an outcome an equilibrium.

* :func:`nash_target_lp` - a linear program: the smallest weighted change of
  some parameters (and side payments made only at the target) that makes a
  pure profile a Nash equilibrium with a margin.
* :func:`spe_target_milp` - a mixed-integer program: the same for the path
  of a subgame-perfect equilibrium of a game of perfect information, the
  off-path moves chosen by binary variables.

Examples
--------
The row player needs ``x >= 1`` to prefer its first move in a 2x2 game:

>>> import numpy as np
>>> from sim.solvers.target import nash_target_lp
>>> base = np.zeros((2, 2, 2)); base[0, 1, 0] = 1.0
>>> slopes = np.zeros((1, 2, 2, 2)); slopes[0, 0, 0, 0] = 1.0
>>> sol = nash_target_lp(base, slopes, np.array([-5.0]), np.array([5.0]), np.array([1.0]),
...                      (0, 0), np.zeros((2, 2), bool), (), 0.0)
>>> round(float(sol.delta[0]), 9)
1.0
"""

from sim.solvers.target.lp import (
    TargetSolution,
    Transfer,
    nash_target_lp,
    payment_matrix,
    profiles,
    transfer_bounds,
)
from sim.solvers.target.milp import spe_target_milp, value_bounds

__all__ = [
    "TargetSolution",
    "Transfer",
    "nash_target_lp",
    "payment_matrix",
    "profiles",
    "spe_target_milp",
    "transfer_bounds",
    "value_bounds",
]
