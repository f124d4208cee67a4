"""Independent check of a bargaining solution before it is reported.

Each reported solution carries a lottery over the pure agreements and the
amounts of each transfer. The check recomputes the payoffs from those alone
(``u = weights . P + amounts . D``) and tests, with a tolerance scaled to
each party's payoff spread:

* feasibility: the weights are a probability vector (a single agreement when
  lotteries are not allowed), each amount lies within ``[0, cap]``, and the
  recomputed payoffs equal the reported ones;
* individual rationality: ``u >= d``;
* optimality, by a condition different from the solver's own search:
  Nash - the first-order bound ``max g . (v - u)`` over the zone with
  ``g = w / (u - d)`` (sufficient for a concave objective); utilitarian - no
  point of the zone has a larger total; egalitarian and Kalai-Smorodinsky -
  ``u - d`` points along the ray and no point of F lies a step (ten times
  the tolerance) further along it (a feasibility LP);
  alternating offers - both proposals are weakly Pareto optimal and each
  responder is indifferent between accepting and proposing next round.

A failure raises :class:`~sim.errors.VerificationError` (an internal error,
never hidden).
"""

from __future__ import annotations

import numpy as np

from sim.errors import VerificationError
from sim.solvers.bargaining.feasible import FeasibleSet, best_over_pieces, zone_ub
from sim.solvers.bargaining.linear_solutions import ideal_point
from sim.solvers.bargaining.result import BargainPoint

__all__ = ["REL_TOL", "check_solution", "improvement"]

#: Tolerance relative to each party's payoff spread (at least 1).
REL_TOL = 1e-6


def check_solution(
    fs: FeasibleSet,
    d: np.ndarray,
    point: BargainPoint,
    kind: str,
    *,
    power: np.ndarray | None = None,
    discount: tuple[float, float] | None = None,
    proposals: tuple[np.ndarray, np.ndarray] | None = None,
) -> None:
    """Raise :class:`VerificationError` unless ``point`` is the ``kind`` solution.

    ``kind`` is one of ``nash``, ``kalai_smorodinsky``, ``egalitarian``,
    ``utilitarian``, ``alternating_offers`` (then ``discount`` and the two
    stationary ``proposals`` are checked too).

    Examples
    --------
    >>> from sim.solvers.bargaining import FeasibleSet, nash_solution
    >>> fs = FeasibleSet.build([[1.0, 0.0], [0.0, 1.0]])
    >>> check_solution(fs, np.zeros(2), nash_solution(fs, np.zeros(2)), "nash")
    """
    d = np.asarray(d, dtype=float)
    tol = REL_TOL * fs.scale(d)
    u = _check_feasible(fs, point, tol, kind)
    if np.any(u < d - tol):
        _fail(kind, f"a party gets less than its disagreement payoff ({u} vs {d})")
    if kind == "nash":
        w = np.ones(fs.n) if power is None else np.asarray(power, dtype=float)
        _check_nash(fs, d, w, u)
    elif kind == "utilitarian":
        top = best_over_pieces(fs, np.ones(fs.n), ub=zone_ub(d))
        if top is not None and top.value - u.sum() > float(tol.sum()):
            _fail(kind, f"another point has a larger total ({top.value:.12g} > {u.sum():.12g})")
    elif kind in ("egalitarian", "kalai_smorodinsky"):
        ray = np.ones(fs.n) if kind == "egalitarian" else ideal_point(fs, d) - d
        step = _check_ray(kind, u - d, ray, tol)
        _check_ray_end(fs, d, ray, step, tol, kind)
    elif kind == "alternating_offers":
        _check_offers(fs, d, discount, proposals, tol)
    else:
        raise ValueError(f"unknown solution kind {kind!r}")


def improvement(fs: FeasibleSet, u: np.ndarray, scale: np.ndarray) -> float:
    """The largest ``s`` with ``u + s * scale`` weakly below a point of F."""
    found = best_over_pieces(fs, np.zeros(fs.n), 1.0, ub=zone_ub(u, scale), s_bounds=(None, None))
    return -np.inf if found is None else found.s


def _check_feasible(fs: FeasibleSet, point: BargainPoint, tol: np.ndarray, kind: str) -> np.ndarray:
    w, t = np.asarray(point.weights, float), np.asarray(point.amounts, float)
    if w.shape != (fs.points.shape[0],) or t.shape != (fs.directions.shape[0],):
        _fail(kind, "the lottery or the transfers have the wrong length")
    if np.any(w < -1e-12) or abs(w.sum() - 1.0) > 1e-9:
        _fail(kind, "the lottery is not a probability distribution")
    if not fs.lotteries and np.count_nonzero(w > 1e-12) > 1:
        _fail(kind, "a lottery was used where the file does not allow lotteries")
    if np.any(t < -1e-12) or np.any(t > fs.caps + 1e-9 * np.maximum(1.0, fs.caps)):
        _fail(kind, "a transfer lies outside its allowed range")
    u = fs.payoff(w, t)
    if np.any(np.abs(u - point.payoffs) > tol):
        _fail(kind, f"the payoffs {point.payoffs} do not follow from the lottery ({u})")
    return u


def _check_nash(fs: FeasibleSet, d: np.ndarray, w: np.ndarray, u: np.ndarray) -> None:
    """First-order bound on every convex piece; where it is loose (pieces of a non-convex F),
    the piece's own certified optimum must not beat ``u``."""
    if np.any(u <= d):
        _fail("nash", "a party gets no gain over its disagreement payoff")
    g = w / (u - d)
    value = float(w @ np.log(u - d))
    gap_tol = REL_TOL * float(w.sum())
    for piece in fs.pieces():
        sub = FeasibleSet(fs.points[piece], fs.directions, fs.caps, True)
        top = best_over_pieces(sub, g, ub=zone_ub(d))
        if top is None or top.value - g @ u <= gap_tol:
            continue
        if fs.lotteries:
            _fail("nash", f"the Nash product can rise (first-order gap {top.value - g @ u:.3g})")
        from sim.solvers.bargaining.nash import nash_gap, nash_solution

        other = nash_solution(sub, d, w)
        if other is None:
            continue
        if nash_gap(sub, d, w, other.payoffs) > gap_tol:
            _fail("nash", "a piece of the feasible set has no certified optimum")
        if float(w @ np.log(other.payoffs - d)) > value + gap_tol:
            _fail("nash", "another agreement with transfers has a larger Nash product")


def _check_ray(kind: str, gain: np.ndarray, ray: np.ndarray, tol: np.ndarray) -> float:
    step = float(gain @ ray / (ray @ ray))
    if np.any(np.abs(gain - step * ray) > tol) or step < -float(tol.max()):
        _fail(kind, f"the gains {gain} are not along the ray {ray}")
    return step


def _check_ray_end(
    fs: FeasibleSet, d: np.ndarray, ray: np.ndarray, step: float, tol: np.ndarray, kind: str
) -> None:
    """No point of F lies further along the ray (a feasibility LP with the step bounded below)."""
    moving = np.abs(ray) > 0
    if not moving.any():
        return
    beyond = step + 10.0 * float(np.max(tol[moving] / np.abs(ray[moving])))
    eq = (np.eye(fs.n), -ray, d)
    if best_over_pieces(fs, np.zeros(fs.n), eq=eq, s_bounds=(beyond, None)) is not None:
        _fail(kind, "a point further along the ray is feasible")


def _check_offers(
    fs: FeasibleSet,
    d: np.ndarray,
    discount: tuple[float, float] | None,
    proposals: tuple[np.ndarray, np.ndarray] | None,
    tol: np.ndarray,
) -> None:
    """Each proposal is the proposer's best point that the responder accepts.

    The responder accepts when it gets at least what proposing next round is
    worth to it now: ``d_j + delta_j (own proposal_j - d_j)``.
    """
    kind = "alternating_offers"
    if discount is None or proposals is None:
        raise ValueError("alternating offers are checked with the discount factors and proposals")
    x, y = (np.asarray(p, float) for p in proposals)
    for me, offer, other in ((0, x, y), (1, y, x)):
        you = 1 - me
        if np.any(offer < d - tol):
            _fail(kind, f"the proposal {offer} gives a party less than no deal")
        need = d[you] + discount[you] * (other[you] - d[you])
        if offer[you] < need - tol[you]:
            _fail(kind, f"the proposal {offer} would be refused")
        bound = np.zeros(2)
        bound[you] = -1.0
        best = best_over_pieces(
            fs, np.eye(2)[me], ub=(bound[None, :], np.zeros(1), np.array([-need]))
        )
        if best is None or best.value > offer[me] + tol[me]:
            _fail(kind, f"the proposer could ask for more than {offer[me]:.12g}")


def _fail(kind: str, message: str) -> None:
    name = kind.replace("_", " ")
    raise VerificationError(f"internal error: the {name} solution failed its check: {message}")
