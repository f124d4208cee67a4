"""The Nash bargaining solution over a polytope, with power weights.

The (asymmetric) Nash bargaining solution maximises ``prod (u_i - d_i)^w_i``,
equivalently the concave function ``f(u) = sum w_i log(u_i - d_i)``, over the
zone ``{u in F : u > d}`` (Nash 1950, "The bargaining problem",
Econometrica 18; power weights: Kalai 1977, "Nonsymmetric Nash solutions and
replications of 2-person bargaining", Int. J. Game Theory 6; Binmore,
Rubinstein and Wolinsky 1986).

Method, on each convex piece of F (one piece with lotteries):

1. start from the max-min point of the zone (a linear program);
2. maximise ``f`` with SLSQP in the lottery and transfer variables;
3. certificate: with ``g = w / (u - d)`` (the gradient at the answer ``u``),
   the linear program ``c = max g . v`` over the zone bounds the suboptimality:
   ``f(v) - f(u) <= g . (v - u) <= c - g . u`` for every ``v`` (concavity);
   the answer is accepted only when this gap is at most ``tol * sum w``;
4. polish: Newton's method on the face of F that holds the answer (the span
   of the agreements in the lottery's support and the transfers strictly
   inside their bounds), kept when its certified gap is no larger.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from sim.solvers.bargaining.feasible import (
    FeasibleSet,
    LPPoint,
    best_over_pieces,
    piece_lp,
    zone_open,
    zone_ub,
)
from sim.solvers.bargaining.result import BargainPoint

__all__ = ["nash_gap", "nash_solution"]

METHOD = "SLSQP + LP certificate (highs)"


def nash_solution(
    fs: FeasibleSet, d: np.ndarray, power: np.ndarray | None = None, tol: float = 1e-9
) -> BargainPoint | None:
    """Maximise ``sum power_i log(u_i - d_i)`` over F; ``None`` when the zone is not open.

    Raises
    ------
    ArithmeticError
        When no answer passes the optimality certificate (never silently wrong).

    Examples
    --------
    A linear frontier ``u_1 + u_2 <= 1`` with weights 2 and 1 splits 2/3, 1/3:

    >>> fs = FeasibleSet.build([[1.0, 0.0], [0.0, 1.0]])
    >>> [round(float(x), 9) for x in nash_solution(fs, np.zeros(2), np.array([2.0, 1.0])).payoffs]
    [0.666666667, 0.333333333]
    """
    d = np.asarray(d, dtype=float)
    w = np.ones(fs.n) if power is None else np.asarray(power, dtype=float)
    if not zone_open(fs, d, tol)[0]:
        return None
    best: tuple[float, BargainPoint] | None = None
    for piece in fs.pieces():
        found = _on_piece(fs, piece, d, w, tol)
        if found is not None:
            value = float(w @ np.log(found.payoffs - d))
            if best is None or value > best[0]:
                best = (value, found)
    return None if best is None else best[1]


def nash_gap(fs: FeasibleSet, d: np.ndarray, w: np.ndarray, u: np.ndarray) -> float:
    """Bound on how much ``sum w log(v - d)`` can exceed its value at ``u`` over the zone."""
    g = w / (u - d)
    best = best_over_pieces(fs, g, ub=zone_ub(d))
    return float(best.value - g @ u) if best is not None else 0.0


def _on_piece(
    fs: FeasibleSet, piece: np.ndarray, d: np.ndarray, w: np.ndarray, tol: float
) -> BargainPoint | None:
    sub = FeasibleSet(fs.points[piece], fs.directions, fs.caps, True)
    is_open, start = zone_open(sub, d, tol)
    if not is_open or start is None:
        return None
    u, lam, t = _slsqp(sub, d, w, start)
    gap = nash_gap(sub, d, w, u)
    polished = _polish(sub, d, w, u, lam, t)
    if polished is not None and polished[3] <= gap:
        u, lam, t, gap = polished
    if gap > tol * max(1.0, float(w.sum())) * 1e3:
        raise ArithmeticError(
            f"the Nash bargaining solution did not pass its optimality check (gap {gap:.3g})"
        )
    weights = np.zeros(fs.points.shape[0])
    weights[piece] = lam
    cert = f"optimality gap of the log Nash product at most {max(gap, 0.0):.2g}"
    return BargainPoint(fs.payoff(weights, t), weights, t, METHOD, cert)


def _slsqp(
    fs: FeasibleSet, d: np.ndarray, w: np.ndarray, start: LPPoint
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    m, j = fs.points.shape[0], fs.directions.shape[0]
    u_of_z = np.hstack([fs.points.T, fs.directions.T])
    scale = fs.scale(d)
    floor = 1e-12 * scale

    def objective(z: np.ndarray) -> tuple[float, np.ndarray]:
        gap = np.maximum(u_of_z @ z - d, floor)
        return -float(w @ np.log(gap)), -(w / gap) @ u_of_z

    constraints = [
        {
            "type": "eq",
            "fun": lambda z: np.array([z[:m].sum() - 1.0]),
            "jac": lambda z: np.concatenate([np.ones(m), np.zeros(j)])[None, :],
        },
        {"type": "ineq", "fun": lambda z: u_of_z @ z - d - floor, "jac": lambda z: u_of_z},
    ]
    bounds = [(0.0, 1.0)] * m + [(0.0, None if np.isinf(c) else c) for c in fs.caps]
    z0 = np.concatenate([start.weights, start.amounts])
    res = minimize(
        objective,
        z0,
        jac=True,
        method="SLSQP",
        bounds=bounds,
        constraints=constraints,
        options={"maxiter": 500, "ftol": 1e-15},
    )
    z = np.clip(res.x, 0.0, None)
    if np.any(u_of_z @ z - d <= 0.0) or not np.isfinite(z).all():
        z = z0
    lam = z[:m] / z[:m].sum()
    t = np.minimum(z[m:], fs.caps)
    return fs.payoff(lam, t), lam, t


def _polish(
    fs: FeasibleSet, d: np.ndarray, w: np.ndarray, u: np.ndarray, lam: np.ndarray, t: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float] | None:
    """Newton's method on the face of F that holds ``u``, then the lottery by an LP."""
    support = np.flatnonzero(lam > 1e-9)
    if support.size == 0:
        return None
    free = (t > 1e-9) & (t < fs.caps - 1e-9)
    cols = [fs.points[k] - fs.points[support[0]] for k in support[1:]]
    cols += [fs.directions[j] for j in np.flatnonzero(free)]
    v: np.ndarray | None = u.copy()
    if cols:
        basis, sing, _ = np.linalg.svd(np.array(cols).T, full_matrices=False)
        basis = basis[:, sing > 1e-10 * max(1.0, float(sing.max()))]
        v = _newton(basis, u, d, w)
    if v is None or np.any(v <= d):
        return None
    inside = piece_lp(
        fs, np.arange(fs.points.shape[0]), np.zeros(fs.n), eq=(np.eye(fs.n), np.zeros(fs.n), v)
    )
    if inside is None:
        return None
    return (
        inside.payoffs,
        inside.weights,
        inside.amounts,
        max(nash_gap(fs, d, w, inside.payoffs), 0.0),
    )


def _newton(basis: np.ndarray, u: np.ndarray, d: np.ndarray, w: np.ndarray) -> np.ndarray | None:
    """Maximise ``sum w log(v - d)`` over ``v = u + basis y`` (damped Newton steps)."""
    v = u.copy()
    for _ in range(50):
        gap = v - d
        grad = basis.T @ (w / gap)
        hess = -(basis.T * (w / gap**2)) @ basis
        try:
            step = -np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError:
            return None
        move = basis @ step
        shrink = 1.0
        while np.any(v + shrink * move - d <= 0.0) and shrink > 1e-12:
            shrink /= 2
        v = v + shrink * move
        if float(np.abs(grad) @ np.abs(step)) < 1e-28:
            break
    return v
