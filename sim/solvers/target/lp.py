"""The cheapest change of affine payoffs that makes a pure profile a Nash equilibrium.

Payoffs are ``u(delta) = base + sum_k delta_k * slopes[k]`` (affine in the
changes ``delta`` of some parameters), plus side payments ``t_d >= 0`` made
only at the profiles in ``paid``: a payment along direction ``d`` costs its
payer ``t_d`` and gives its payee ``rate_d * t_d``. The problem

    minimise   sum_k weight_k |delta_k| + sum_d t_d
    subject to u_i(a*) - u_i(b_i, a*_{-i}) >= margin  for every player i and move b_i
               lower_k <= delta_k <= upper_k,  0 <= t_d <= cap_d

is a linear program once ``|delta_k|`` is split into ``delta_k = p_k - m_k``
with ``p_k, m_k >= 0`` (at an optimum one of them is 0 because both cost).
It is solved with HiGHS through :func:`scipy.optimize.linprog`.

Examples
--------
A 2x2 game where the row player needs ``x >= 1`` to prefer its first move:

>>> import numpy as np
>>> base = np.zeros((2, 2, 2)); base[0, 1, 0] = 1.0      # row's second move pays 1
>>> slopes = np.zeros((1, 2, 2, 2)); slopes[0, 0, 0, 0] = 1.0   # x adds to row's first
>>> sol = nash_target_lp(base, slopes, np.array([-5.0]), np.array([5.0]), np.array([1.0]),
...                      (0, 0), np.zeros((2, 2), bool), (), 0.0)
>>> sol.feasible, round(float(sol.delta[0]), 9), round(sol.cost, 9)
(True, 1.0, 1.0)
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import linprog

__all__ = [
    "METHOD",
    "TargetSolution",
    "Transfer",
    "nash_target_lp",
    "payment_matrix",
    "profiles",
    "transfer_bounds",
]

METHOD = "linear_program"


@dataclass(frozen=True)
class Transfer:
    """A direction of side payment: ``payer`` pays t, ``payee`` gets ``rate * t`` (t <= cap)."""

    payer: int
    payee: int
    rate: float = 1.0
    cap: float | None = None


@dataclass(frozen=True)
class TargetSolution:
    """An optimal change (or none): ``delta`` per parameter, ``transfers`` per direction."""

    feasible: bool
    delta: np.ndarray
    transfers: np.ndarray
    cost: float
    method: str
    status: int = 0
    message: str = ""
    plan: tuple[int, ...] = ()

    @property
    def infeasible(self) -> bool:
        """True when the solver proved that nothing in the bounds works."""
        return self.status == 2


def payment_matrix(transfers: Sequence[Transfer], n_players: int) -> np.ndarray:
    """``(n_players, n_transfers)``: what each player gains per unit of each payment."""
    mat = np.zeros((n_players, len(transfers)))
    for d, tr in enumerate(transfers):
        mat[tr.payer, d] -= 1.0
        mat[tr.payee, d] += tr.rate
    return mat


def transfer_bounds(transfers: Sequence[Transfer]) -> list[tuple[float, float | None]]:
    """``(0, cap)`` for each payment direction (``None``: unbounded)."""
    return [(0.0, tr.cap) for tr in transfers]


def nash_target_lp(
    base: np.ndarray,
    slopes: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    weights: np.ndarray,
    profile: tuple[int, ...],
    paid: np.ndarray,
    transfers: Sequence[Transfer],
    margin: float,
) -> TargetSolution:
    """Solve the linear program of the module docstring for one target ``profile``.

    Parameters
    ----------
    base
        ``(n, m_1, ..., m_n)``: payoffs at the current parameter values.
    slopes
        ``(K, n, m_1, ..., m_n)``: change of the payoffs per unit of each parameter.
    lower, upper
        ``(K,)``: bounds on each change (``-inf``/``inf`` for none).
    weights
        ``(K,)``: cost per unit of change (1 / range width).
    profile
        The pure profile to make an equilibrium.
    paid
        ``(m_1, ..., m_n)`` booleans: the profiles where payments are made.
    transfers
        The payment directions allowed (empty: no payments).
    margin
        Each deviation must lose at least this much.
    """
    n, k, d = base.shape[0], slopes.shape[0], len(transfers)
    gains = payment_matrix(transfers, n)
    rows, rhs = [], []
    for i in range(n):
        for b in range(base.shape[1 + i]):
            if b == profile[i]:
                continue
            dev = (*profile[:i], b, *profile[i + 1 :])
            here: tuple[Any, ...] = (slice(None), i, *profile)
            there: tuple[Any, ...] = (slice(None), i, *dev)
            diff_base = base[here[1:]] - base[there[1:]]
            diff_slope = slopes[here] - slopes[there]
            diff_pay = gains[i] * (float(paid[profile]) - float(paid[dev]))
            rows.append(np.concatenate([-diff_slope, diff_slope, -diff_pay]))
            rhs.append(diff_base - margin)
    box_rows, box_rhs = _box_rows(lower, upper, k, d)
    a_ub = np.array(rows + box_rows).reshape(-1, 2 * k + d)
    b_ub = np.array(rhs + box_rhs, float)
    cost = np.concatenate([weights, weights, np.ones(d)])
    bounds = [(0.0, None)] * (2 * k) + transfer_bounds(transfers)
    if a_ub.shape[0] == 0:
        return TargetSolution(True, np.zeros(k), np.zeros(d), 0.0, METHOD, 0, "no constraints")
    res = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
    if res.status != 0:
        nan = float("nan")
        return TargetSolution(False, np.zeros(k), np.zeros(d), nan, METHOD, res.status, res.message)
    x = np.asarray(res.x, float)
    delta, paid_out = x[:k] - x[k : 2 * k], x[2 * k :]
    return TargetSolution(True, delta, paid_out, float(res.fun), METHOD, 0, "optimal")


def _box_rows(
    lower: np.ndarray, upper: np.ndarray, k: int, d: int
) -> tuple[list[np.ndarray], list[float]]:
    """Rows for ``lower <= p - m <= upper`` (finite bounds only)."""
    rows, rhs = [], []
    for j in range(k):
        unit = np.zeros(2 * k + d)
        unit[j], unit[k + j] = 1.0, -1.0
        if np.isfinite(upper[j]):
            rows.append(unit)
            rhs.append(float(upper[j]))
        if np.isfinite(lower[j]):
            rows.append(-unit)
            rhs.append(-float(lower[j]))
    return rows, rhs


def profiles(shape: Sequence[int]) -> itertools.product[tuple[int, ...]]:
    """Every pure profile of a game with ``shape`` moves per player."""
    return itertools.product(*(range(m) for m in shape))
