"""Exact elimination for three mixing players with two moves each.

When exactly three players mix, each over two moves, the indifference system
of a support profile (:mod:`sim.solvers.nash.indifference_system`) has one
unknown per player, ``p_g`` = probability of the second move, and one
bilinear equation per player in the other two unknowns:

.. math::

    f_g = A_g + B_g p_h + C_g p_k + E_g p_h p_k = 0, \\qquad h < k,\\ \\{g, h, k\\} = \\{0, 1, 2\\}.

Solving ``f_0`` for ``p_1`` and ``f_1`` for ``p_0`` (both Moebius functions
of ``p_2``) and clearing denominators in ``f_2`` leaves one quadratic in
``p_2``; its roots give every solution with non-vanishing denominators
(Datta 2003, "Using computer algebra to find Nash equilibria", ISSAC, sec. 3,
where the same elimination is done by resultants; McKelvey & McLennan 1996,
"Computation of equilibria in finite games", sec. 6: at most two totally
mixed equilibria in a 2x2x2 game). This is the most common nonlinear support
system of small games and is solved here in closed form, vectorised over
systems, instead of by path tracking. A system whose quadratic vanishes
identically, or whose denominators vanish at a root, is left to the caller.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from sim.arrays import FloatArray

__all__ = ["applies", "solve"]

#: Relative size below which a coefficient or denominator counts as zero.
_ZERO = 1e-10
#: Largest imaginary part (relative) of a root that is taken to be real.
_REAL = 1e-7


def applies(group_sizes: tuple[int, ...]) -> bool:
    """True for three groups of two homogeneous coordinates each."""
    return group_sizes == (2, 2, 2)


def _bilinear(w: np.ndarray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """``A, B, C, E`` of ``f = A + B p_h + C p_k + E p_h p_k`` from ``w`` ``(S, 1, 2, 2)``."""
    d = w[:, 0]
    a = d[:, 0, 0]
    return a, d[:, 1, 0] - a, d[:, 0, 1] - a, a - d[:, 0, 1] - d[:, 1, 0] + d[:, 1, 1]


def _mul(p: FloatArray, q: FloatArray) -> FloatArray:
    """Product of polynomials given by coefficient rows ``(S, m)`` and ``(S, n)``, lowest first."""
    out = np.zeros((p.shape[0], p.shape[1] + q.shape[1] - 1))
    for i in range(p.shape[1]):
        out[:, i : i + q.shape[1]] += p[:, i : i + 1] * q
    return out


def solve(
    coeffs: tuple[np.ndarray, ...],
) -> tuple[FloatArray, npt.NDArray[np.intp], npt.NDArray[np.bool_]]:
    """Real solutions of ``S`` systems of three bilinear indifference equations.

    Parameters
    ----------
    coeffs
        Three blocks ``(S, 1, 2, 2)``: block ``g`` holds player ``g``'s
        equation in the strategies of the other two (in increasing order).

    Returns
    -------
    points
        ``(K, 6)`` real solutions as concatenated strategies ``(1 - p_g, p_g)``.
    owner
        ``(K,)`` system index of each point.
    unresolved
        ``(S,)`` True for systems this elimination cannot settle (the caller
        must solve them another way).
    """
    a0, b0, c0, e0 = _bilinear(coeffs[0])  # f_0(p_1, p_2)
    a1, b1, c1, e1 = _bilinear(coeffs[1])  # f_1(p_0, p_2)
    a2, b2, c2, e2 = _bilinear(coeffs[2])  # f_2(p_0, p_1)
    # p_0 = n0 / d0 and p_1 = n1 / d1 as polynomials in p_2 (lowest degree first).
    n0, d0 = -np.stack([a1, c1], 1), np.stack([b1, e1], 1)
    n1, d1 = -np.stack([a0, c0], 1), np.stack([b0, e0], 1)
    quad = (
        a2[:, None] * _mul(d0, d1)
        + b2[:, None] * _mul(n0, d1)
        + c2[:, None] * _mul(n1, d0)
        + e2[:, None] * _mul(n0, n1)
    )
    scale = np.max(np.abs(np.concatenate([c.reshape(c.shape[0], -1) for c in coeffs], 1)), 1)
    scale = np.where(scale > 0, scale, 1.0)
    unresolved = np.max(np.abs(quad), axis=1) <= _ZERO * scale**3
    points, owner = [], []
    for s in np.flatnonzero(~unresolved):
        lin = (n0[s], d0[s], n1[s], d1[s], (a2[s], b2[s], c2[s], e2[s]))
        for root in _real_roots(quad[s]):
            found = _solutions_at(root, lin, _ZERO * scale[s] * (1.0 + abs(root)))
            if found is None:
                unresolved[s] = True
                break
            for p in found:
                points.append(np.stack([1.0 - p, p], 1).reshape(-1))
                owner.append(s)
    pts = np.array(points).reshape(-1, 6)
    own = np.asarray(owner, dtype=np.intp)
    keep = ~unresolved[own]
    return pts[keep], own[keep], unresolved


Linear = tuple[FloatArray, FloatArray, FloatArray, FloatArray, tuple[float, float, float, float]]


def _solutions_at(root: float, lin: Linear, eps: float) -> list[FloatArray] | None:
    """All ``(p_0, p_1, p_2)`` with ``p_2 = root``, or None for a non-isolated set.

    ``p_0 = n0 / d0`` and ``p_1 = n1 / d1`` unless a denominator vanishes. If
    ``d1`` vanishes, ``f_0`` holds only if ``n1`` vanishes too, and then
    ``p_1`` is free in ``f_0`` and follows from ``f_2`` (linear in ``p_1``
    once ``p_0`` is known); likewise with the roles of ``p_0`` and ``p_1``
    swapped.
    """
    n0, d0, n1, d1, (a2, b2, c2, e2) = lin
    num0, den0 = n0[0] + n0[1] * root, d0[0] + d0[1] * root
    num1, den1 = n1[0] + n1[1] * root, d1[0] + d1[1] * root
    free0, free1 = abs(den0) <= eps, abs(den1) <= eps
    if (free0 and abs(num0) > eps) or (free1 and abs(num1) > eps):
        return []  # f_1 (or f_0) cannot hold at this p_2
    if free0 and free1:
        return None  # f_2 = 0 is a curve in (p_0, p_1)
    if free1:
        p0 = num0 / den0
        p1 = _linear_root(c2 + e2 * p0, -(a2 + b2 * p0), eps)
    elif free0:
        p1 = num1 / den1
        p0 = _linear_root(b2 + e2 * p1, -(a2 + c2 * p1), eps)
    else:
        p0, p1 = num0 / den0, num1 / den1
    if p0 is None or p1 is None:
        return None
    return [] if np.isnan(p0) or np.isnan(p1) else [np.array([p0, p1, root])]


def _linear_root(slope: float, rhs: float, eps: float) -> float | None:
    """Root of ``slope * p = rhs``; NaN if there is none, None if every ``p`` solves it."""
    if abs(slope) > eps:
        return rhs / slope
    return None if abs(rhs) <= eps else float("nan")


def _real_roots(poly: FloatArray) -> list[float]:
    """Real roots (and real parts of nearly real roots) of a quadratic, lowest degree first."""
    top = np.max(np.abs(poly))
    coeffs = poly[::-1].copy()
    while coeffs.size > 1 and abs(coeffs[0]) <= _ZERO * top:
        coeffs = coeffs[1:]
    if coeffs.size == 1:
        return []
    roots = np.roots(coeffs)
    return [float(r.real) for r in roots if abs(r.imag) <= _REAL * (1.0 + abs(r))]
