"""Logit quantal response equilibria (QRE).

In a logit QRE each player plays every move with probability proportional to
``exp(lam * expected payoff)`` (McKelvey & Palfrey 1995). As ``lam`` grows
from 0 (uniform play) the principal branch of fixed points is traced by
predictor-corrector continuation (Turocy 2005); in generic games it ends at
one Nash equilibrium, the limiting logit equilibrium.

* :func:`trace_logit_branch` - the principal branch as a :class:`QREBranch`.
* :func:`logit_qre_at` - the branch points at given values of ``lam``.
* :func:`limiting_logit_equilibrium` - the Nash equilibrium the branch tends
  to, polished and independently verified (module ``logit_limit``).

Tracing failures raise :class:`LogitQREError`.

Examples
--------
Matching pennies: the logit QRE is uniform play at every ``lam``:

>>> import numpy as np
>>> from sim.solvers.qre import limiting_logit_equilibrium, logit_qre_at
>>> u = np.array([[[1.0, -1.0], [-1.0, 1.0]], [[-1.0, 1.0], [1.0, -1.0]]])
>>> (point,) = logit_qre_at(u, [2.0])
>>> [np.round(s, 6).tolist() for s in point.strategies]
[[0.5, 0.5], [0.5, 0.5]]
>>> limit = limiting_logit_equilibrium(u)
>>> [np.round(s, 6).tolist() for s in limit.strategies]
[[0.5, 0.5], [0.5, 0.5]]
"""

from sim.solvers.qre.logit_limit import limiting_logit_equilibrium
from sim.solvers.qre.logit_qre import (
    LogitQREError,
    QREBranch,
    QREPoint,
    logit_qre_at,
    trace_logit_branch,
)

__all__ = [
    "LogitQREError",
    "QREBranch",
    "QREPoint",
    "limiting_logit_equilibrium",
    "logit_qre_at",
    "trace_logit_branch",
]
