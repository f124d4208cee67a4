"""Closed-form flip candidates where payoffs are affine (or locally linear) in a parameter.

Split from :mod:`sim.analysis.thresholds` (see there for how they are used).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from sim.scales import player_scales
from sim.scenario.model import Scenario
from sim.scenario.parameters import parameter_env
from sim.scenario.payoffs import payoff_tensor

__all__ = ["MAX_ROOTS", "affine_roots", "linear_root", "snap", "support_roots"]

#: More candidate roots than this (a huge game) and the grid search is used instead.
MAX_ROOTS = 20_000
#: Fractions of the range where affinity is checked (besides both ends).
_PROBES = np.array([0.5, 0.1234567, 0.7654321, 0.31415926, 0.9])


def affine_roots(
    scenario: Scenario,
    parameter: str,
    start: float,
    stop: float,
    base: Mapping[str, float] | None = None,
) -> np.ndarray | None:
    """Every root in ``[start, stop]`` of every player's payoff difference between two
    of its moves (the others' moves fixed), when all payoffs are affine in ``parameter``.

    Returns the sorted distinct roots, or None when some payoff is not affine
    (checked at the ends and at five inner points, each player within
    ``1e-9`` of its payoff scale) or there would be more than
    :data:`MAX_ROOTS` of them.
    """
    points = start + np.concatenate([[0.0, 1.0], _PROBES]) * (stop - start)
    env = parameter_env(scenario.parameters, {**(base or {}), parameter: points})
    env = {k: np.broadcast_to(np.asarray(v, float), points.shape) for k, v in env.items()}
    u = np.asarray(payoff_tensor(scenario, env), float)
    n = len(scenario.players)
    if u.ndim == n + 1:
        return np.zeros(0)
    if not np.all(np.isfinite(u)):
        return None
    frac = ((points - start) / (stop - start)).reshape((-1,) + (1,) * (n + 1))
    line = u[0] + frac * (u[1] - u[0])
    scales = player_scales(u, player_axis=1).max(axis=0).reshape((1, n) + (1,) * n)
    if np.any(np.abs(u - line) > 1e-9 * scales):
        return None
    roots: list[np.ndarray] = []
    count = 0
    for p in range(n):
        d0 = np.expand_dims(u[0, p], p + 1) - np.expand_dims(u[0, p], p)
        d1 = np.expand_dims(u[1, p], p + 1) - np.expand_dims(u[1, p], p)
        moving = np.abs(d1 - d0) > 1e-12 * scales[0, p].item()
        with np.errstate(divide="ignore", invalid="ignore"):
            frac_root = d0[moving] / (d0[moving] - d1[moving])
        inside = frac_root[(frac_root >= 0.0) & (frac_root <= 1.0)]
        count += inside.size
        if count > 50 * MAX_ROOTS:
            return None
        roots.append(np.unique(start + inside * (stop - start)))
    flat = np.unique(np.concatenate(roots)) if roots else np.zeros(0)
    if n == 2:
        # Support changes of mixed equilibria (polynomial roots, less precise than the
        # affine ones): kept only where no affine root is within rounding.
        extra = start + support_roots(u[0], u[1]) * (stop - start)
        gap = np.min(np.abs(extra[:, None] - flat[None, :]), axis=1) if flat.size else None
        tol = 1e-9 * max(1.0, abs(start), abs(stop))
        flat = np.unique(np.concatenate([flat, extra if gap is None else extra[gap > tol]]))
    if flat.size > MAX_ROOTS:
        return None
    return np.array([snap(r, start, stop) for r in _distinct(flat)])


#: Games with more support pairs than this get no support roots (bisection only).
_MAX_SUPPORT_PAIRS = 5_000


def support_roots(u0: np.ndarray, u1: np.ndarray) -> np.ndarray:
    """Every ``t`` in ``[0, 1]`` where a mixed equilibrium of the two-player game
    ``u0 + t * (u1 - u0)`` (shape ``(2, m, n)``) can gain or lose a support.

    For every pair of supports of equal size the indifference equations are
    solved by Cramer's rule: each probability, and each unused move's payoff
    advantage, is a ratio of polynomials in ``t`` of degree at most ``s + 2``
    (determinants of matrices affine in ``t``), so it changes sign only at a
    root of its numerator or of the determinant. The polynomials are
    interpolated exactly at Chebyshev points and their real roots returned
    (support enumeration, Nisan et al., *Algorithmic Game Theory*, 2007, 3.2).

    Examples
    --------
    >>> u0 = np.array([[[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [1.0, 0.0]]])
    >>> u1 = u0.copy(); u1[0, 0, 0] = -1.0
    >>> [round(float(t), 6) for t in support_roots(u0, u1)]  # P1's mix hits 0; singular
    [0.5, 1.0]
    """
    m, n = u0.shape[1:]
    from itertools import combinations

    pairs = [
        (s0, s1)
        for s in range(2, min(m, n) + 1)
        for s0 in combinations(range(m), s)
        for s1 in combinations(range(n), s)
    ]
    if len(pairs) > _MAX_SUPPORT_PAIRS:
        return np.zeros(0)
    out: list[float] = []
    for s0, s1 in pairs:
        # P1's mix on s1 makes P0 indifferent on s0; P0's mix on s0 makes P1 indifferent on s1.
        out += _indifference_roots(u0[0][:, s1], u1[0][:, s1], s0)
        out += _indifference_roots(u0[1].T[:, s0], u1[1].T[:, s0], s1)
    return np.unique(np.array(out, float))


def _indifference_roots(a0: np.ndarray, a1: np.ndarray, rows: tuple[int, ...]) -> list[float]:
    """Roots in [0, 1] of the determinant, the probabilities' numerators and every other
    row's advantage numerator for ``a(t) x = v`` on ``rows``, ``sum(x) = 1``."""
    s = len(rows)
    others = [i for i in range(a0.shape[0]) if i not in rows]
    # The roots do not change when both matrices are scaled by one positive number:
    # scale to magnitude 1 so that tiny (even subnormal) or huge payoffs stay finite.
    big = max(float(np.abs(a0).max()), float(np.abs(a1).max()))
    if not np.isfinite(big) or big <= 0.0:
        return []
    a0, a1 = a0 / big, a1 / big
    ts = 0.5 - 0.5 * np.cos(np.pi * (np.arange(s + 3) + 0.5) / (s + 3))
    with np.errstate(all="ignore"):
        values = [_cramer(a0 + t * (a1 - a0), rows, others) for t in ts]
    vals = np.array(values)
    scale = max(1.0, float(np.abs(a0).max()), float(np.abs(a1).max())) ** (s + 1)
    found: list[float] = []
    for col in vals.T:
        if not np.all(np.isfinite(col)) or np.abs(col).max() <= 1e-12 * scale:
            continue
        poly = np.polynomial.Chebyshev.fit(ts, col, s + 2, domain=[0.0, 1.0])
        r = poly.roots()
        r = r[np.abs(r.imag) <= 1e-9].real
        found += r[(r >= 0.0) & (r <= 1.0)].tolist()
    return found


def _cramer(a: np.ndarray, rows: tuple[int, ...], others: list[int]) -> list[float]:
    """Determinant, probability numerators and other rows' advantage numerators (Cramer)."""
    s = len(rows)
    mat = np.zeros((s + 1, s + 1))
    mat[:s, :s], mat[:s, s], mat[s, :s] = a[list(rows)], -1.0, 1.0
    num = []
    for j in range(s + 1):
        mj = mat.copy()
        mj[:, j] = 0.0
        mj[s, j] = 1.0
        num.append(float(np.linalg.det(mj)))
    adv = [float(a[i] @ np.array(num[:s])) - num[s] for i in others]
    return [float(np.linalg.det(mat)), *num[:s], *adv]


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted values with near-duplicates (within 1e-12 relative) dropped."""
    out: list[float] = []
    for v in np.sort(values).tolist():
        if not out or v - out[-1] > 1e-12 * max(1.0, abs(v)):
            out.append(v)
    return np.array(out)


def snap(value: float, start: float, stop: float) -> float:
    """Float noise removed: ~0 becomes 0, 2.0019999999999998 becomes 2.002."""
    if abs(value) <= 1e-12 * max(abs(start), abs(stop), 1e-300):
        return 0.0
    nice = float(f"{value:.12g}")
    return nice if abs(nice - value) <= 1e-13 * abs(value) else float(value)


def linear_root(
    scenario: Scenario, parameter: str, low: float, high: float, base: Mapping[str, float] | None
) -> float:
    """Where payoffs are linear in the parameter, the exact root of the payoff
    difference that changes sign inside the bracket; else the bracket's midpoint."""
    mid = (low + high) / 2
    points = np.array([low - 1.0, mid, high + 1.0])
    env = parameter_env(scenario.parameters, {**(base or {}), parameter: points})
    u = np.asarray(payoff_tensor(scenario, env))
    if u.ndim != len(scenario.players) + 2 or u[0, 0].size > 100_000:
        return mid
    t = (mid - points[0]) / (points[2] - points[0])
    if not np.allclose(u[1], (1 - t) * u[0] + t * u[2], rtol=1e-12, atol=1e-12 * float(np.ptp(u))):
        return mid
    slope = (u[2] - u[0]) / (points[2] - points[0])
    roots = []
    for p in range(u.shape[1]):
        d0 = np.expand_dims(u[1, p], p + 1) - np.expand_dims(u[1, p], p)
        ds = np.expand_dims(slope[p], p + 1) - np.expand_dims(slope[p], p)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = mid - d0 / ds
        ok = np.isfinite(r) & (r >= low - 1e-12) & (r <= high + 1e-12)
        roots.extend(r[ok].tolist())
    return float(min(roots, key=lambda r: abs(r - mid))) if roots else mid
