"""The core and the least core of a coalition game: linear programs (HiGHS).

The core is the set of payoff vectors ``x`` with ``sum x = v(N)`` that no
coalition can improve on: ``x(S) >= v(S)`` for every ``S``. The least core
relaxes every coalition's constraint by the smallest ``epsilon`` that makes
the set non-empty (Maschler, Peleg and Shapley 1979, "Geometric properties
of the kernel, nucleolus and related solution concepts", Math. Oper. Res. 4)::

    minimise epsilon  s.t.  x(S) + epsilon >= v(S) for every S other than the
                            empty set and N,  x(N) = v(N).

The core is empty exactly when the least ``epsilon`` is positive.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

__all__ = ["LeastCore", "least_core"]


@dataclass(frozen=True, eq=False)
class LeastCore:
    """The least ``epsilon``, one least-core point, and whether the core is empty."""

    epsilon: float
    point: np.ndarray
    core_empty: bool
    method: str = "linprog(highs)"
    tol: float = 1e-9


def least_core(v: np.ndarray, tol: float = 1e-9) -> LeastCore:
    """Least core of ``v`` (length ``2^n``, indexed by bit mask).

    ``tol`` is relative to the largest ``|v(S)|`` (at least 1).

    Examples
    --------
    Three-player majority game (any two players share 1): the core is empty
    and the least core is the equal split with ``epsilon = 1/3``:

    >>> v = np.array([0, 0, 0, 1, 0, 1, 1, 1], dtype=float)
    >>> lc = least_core(v)
    >>> lc.core_empty, round(lc.epsilon, 9), [round(float(x), 9) for x in lc.point]
    (True, 0.333333333, [0.333333333, 0.333333333, 0.333333333])
    """
    v = np.asarray(v, dtype=float)
    n = v.size.bit_length() - 1
    full = v.size - 1
    members = np.array([[(mask >> i) & 1 for i in range(n)] for mask in range(v.size)], float)
    proper = np.arange(1, full)
    cost = np.zeros(n + 1)
    cost[-1] = 1.0
    if proper.size:
        a_ub = -np.hstack([members[proper], np.ones((proper.size, 1))])
        b_ub = -v[proper]
    else:
        a_ub, b_ub = None, None
    a_eq = np.concatenate([np.ones(n), [0.0]])[None, :]
    res = linprog(
        cost,
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=a_eq,
        b_eq=[v[full]],
        bounds=[(None, None)] * (n + 1),
        method="highs",
    )
    if res.status != 0:
        raise ValueError(f"least-core linear program failed: {res.message}")
    eps = float(res.x[-1]) if proper.size else 0.0
    scale = max(1.0, float(np.abs(v).max()))
    return LeastCore(eps, np.asarray(res.x[:n], dtype=float), eps > tol * scale, tol=tol)
