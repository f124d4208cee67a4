"""Logit quantal response equilibria (QRE) and the limiting logit equilibrium.

A logit QRE at precision ``lam`` is a profile with ``sigma_i(a) ∝ exp(lam u_i(a, sigma_-i))``
for every player (McKelvey & Palfrey 1995, "Quantal response equilibria for normal form
games", GEB 10). The *principal branch* starts at the centroid at ``lam = 0``; in generic
games it converges, as ``lam -> inf``, to one Nash equilibrium: the limiting logit equilibrium.

Method (Turocy 2005, "A dynamic homotopy interpretation of the logistic quantal response
equilibrium correspondence", GEB 51): unknowns ``y_i(a) = log sigma_i(a)`` and ``nu = lam R``
with ``R = max u - min u`` (1 if 0); equations ``sum_a exp(y_i(a)) = 1`` and
``y_i(a) - y_i(0) = nu (U_i(a) - U_i(0))``, ``U`` the move payoffs of the normalised game
``(u - min u) / R``. The curve is followed by predictor-corrector continuation (Allgower &
Georg 2003, "Introduction to Numerical Continuation Methods", ch. 2, 6): tangent = null
vector of the ``n x (n+1)`` Jacobian (QR of its transpose), Euler predictor, Newton on the
system augmented by the hyperplane through the predictor orthogonal to the tangent, step
length adapted to the first correction, the Newton contraction and the tangent angle. The
tangent's sign follows its dot product with the previous tangent (not a determinant sign,
which flips at simple bifurcations), so the tracer goes round turning points and straight
through pitchforks.

Lambda convention: every ``lam`` passed or returned is in ORIGINAL payoff units (the
fixed-point condition holds with the caller's ``u``); internally ``nu = lam R``. Gambit's
``logit_solve_lambda``/``logit_solve_branch`` use the same convention (no rescaling), so
points compare at equal ``lam``. Every returned point is checked:
``max |sigma - softmax(lam u(sigma))| <= 1e-8``.

Bifurcations. On McKelvey & McLennan's 2x2x2 game (9 equilibria) the branch lies in the
invariant set ``sigma_1 = sigma_2 = (1/2, 1/2)`` and meets a pitchfork at ``lam ~ 0.5968``;
Gambit 16.7 stalls there and returns that point, which is not an equilibrium. Here the
branch continues to the equilibrium ``((1/2, 1/2), (1/2, 1/2), (1, 0))``. In a symmetric
coordination game (``[[1, 0], [0, 1]]`` for both) the centroid is a QRE for every ``lam``:
the branch crosses the pitchfork at ``lam = 2`` and ends at the symmetric mixed
equilibrium; the pure equilibria lie on the bifurcating branches, which are not followed.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.errors import SimError
from sim.scales import payoff_span

__all__ = [
    "LogitQREError",
    "QREBranch",
    "QREPoint",
    "logit_qre_at",
    "trace_logit_branch",
]

_METHOD = "logit_branch_predictor_corrector"
_DEFAULT_MAX_NU = 1e6  # default end of a traced branch, in lam * R
# Nominal values for step adaptation (Allgower & Georg 2003, sec. 6.1); steps whose
# factor exceeds _MAX_FACTOR are rejected. With these no branch jumping was seen in
# thousands of random games (compared with tracing at 5-10x smaller nominal values).
_KAPPA_NOM, _DELTA_REL_NOM, _DELTA_ABS_NOM, _ALPHA_NOM, _MAX_FACTOR = 0.1, 0.02, 0.05, 0.1, 2.0
_EPS = float(np.finfo(np.float64).eps)
_H_OK = 1e-9  # accepted |H| when Newton is limited by rounding
_RESIDUAL_TOL = 1e-8  # every returned point: max |sigma - softmax(lam u(sigma))| <= this


class LogitQREError(SimError):
    """The principal branch could not be traced far enough or its limit not verified."""

    exit_status = 3


@dataclass(frozen=True, eq=False)
class QREPoint:
    """One logit QRE: precision ``lam`` (original payoff units), one probability
    vector per player, and each player's expected payoff (original units)."""

    lam: float
    strategies: tuple[np.ndarray, ...]
    payoffs: np.ndarray


@dataclass(frozen=True, eq=False)
class QREBranch:
    """Points of the principal branch in arc-length order (``lam`` may turn back).

    ``terminated`` is ``"max_lambda"`` (the last point is exactly at
    ``max_lambda``), ``"max_points"``, ``"step_size_underflow"`` (stalled) or
    ``"branch_point_not_located"`` (the point at ``max_lambda`` was not found
    on the last segment; the branch is returned up to that segment).
    """

    points: tuple[QREPoint, ...]
    method: str
    settings: tuple[tuple[str, object], ...]
    terminated: str


class _Game:
    """Range-normalised game; vectors over all moves of all players are stacked."""

    def __init__(self, payoffs: np.ndarray) -> None:
        u = np.asarray(payoffs, dtype=np.float64)
        if u.ndim < 2 or u.shape[0] != u.ndim - 1 or min(u.shape[1:]) < 1:
            raise ValueError(f"payoff tensor must have shape (n, m_1, ..., m_n); got {u.shape}")
        if not np.all(np.isfinite(u)):
            raise ValueError("payoffs must be finite")
        self.u, self.lo, self.scale = u, float(u.min()), payoff_span(u)
        self.ut = (u - self.lo) / self.scale
        self.n, self.sizes = u.shape[0], u.shape[1:]
        offsets = np.concatenate([[0], np.cumsum(self.sizes)]).astype(int)
        self.first, self.dim = offsets[:-1], int(offsets[-1])
        self.slices = [slice(a, b) for a, b in itertools.pairwise(offsets)]
        self.blocks = np.repeat(np.arange(self.n), self.sizes)  # owner of each entry
        # H = D y - nu D U + S sigma - e: D forms log-ratios to move 0, S sums sigma_i.
        self.diff, self.sums = np.eye(self.dim), np.zeros((self.dim, self.dim))
        self.diff[self.first] = 0.0
        for r, m in zip(self.first, self.sizes, strict=True):
            self.diff[r + 1 : r + m, r] = -1.0
            self.sums[r, r : r + m] = 1.0
        self.e = (self.sums.sum(axis=1) > 0).astype(np.float64)
        abc = "abcdefghijklmnopqrstuvwxy"[: self.n]
        self.pairs = []
        for i, j in itertools.combinations(range(self.n), 2):
            ops = [f"z{abc}", *(abc[k] for k in range(self.n) if k not in (i, j))]
            self.pairs.append((i, j, ",".join(ops) + f"->z{abc[i]}{abc[j]}"))

    def normalised(self, sig: np.ndarray) -> np.ndarray:
        """``sig`` divided by each player's total."""
        return sig / np.add.reduceat(sig, self.first)[self.blocks]

    def contract(self, sig: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Stacked pair matrix ``M`` and move payoffs ``U`` of the normalised game.

        ``M[a, b] = ut_i(a, b, sigma_-ij)`` for a move ``a`` of player ``i`` and
        ``b`` of player ``j != i`` (0 if ``i == j``), so ``U = M sigma / (n - 1)``.
        One ``einsum`` per pair of players; no loop over profiles.
        """
        if self.n == 1:
            return np.zeros((self.dim, self.dim)), self.ut[0].copy()
        mats, sl = np.zeros((self.dim, self.dim)), self.slices
        for i, j, spec in self.pairs:
            t = np.einsum(spec, self.ut, *(sig[sl[k]] for k in range(self.n) if k not in (i, j)))
            mats[sl[i], sl[j]], mats[sl[j], sl[i]] = t[i], t[j].T
        return mats, mats @ sig / (self.n - 1)

    def system(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Residual ``H(x)`` (length ``dim``) and its ``dim x (dim + 1)`` Jacobian."""
        y, nu = x[:-1], x[-1]
        sig = np.exp(y)
        mats, vals = self.contract(sig)
        dv = self.diff @ vals
        jac = np.empty((self.dim, self.dim + 1))
        jac[:, :-1] = self.diff + (self.sums - nu * (self.diff @ mats)) * sig
        jac[:, -1] = -dv
        return self.diff @ y - nu * dv + self.sums @ sig - self.e, jac

    def residual(self, x: np.ndarray) -> float:
        """Fixed-point residual ``max |sigma - softmax(nu U(sigma))|`` at ``x``."""
        sig = np.exp(x[:-1])
        z = x[-1] * self.contract(sig)[1]
        z -= np.maximum.reduceat(z, self.first)[self.blocks]
        return float(np.abs(sig - self.normalised(np.exp(z))).max())

    def strategies(self, sig: np.ndarray) -> tuple[np.ndarray, ...]:
        """Per-player probability vectors (renormalised) from a stacked vector."""
        return tuple(s / s.sum() for s in (sig[sl] for sl in self.slices))

    def point(self, x: np.ndarray) -> QREPoint:
        """The :class:`QREPoint` at ``x`` in original units."""
        sig = self.normalised(np.exp(x[:-1]))
        pay = np.add.reduceat(sig * self.contract(sig)[1], self.first) * self.scale + self.lo
        return QREPoint(float(x[-1]) / self.scale, self.strategies(sig), pay)


def _tangent(jac: np.ndarray) -> np.ndarray:
    """Unit null vector of the ``n x (n+1)`` Jacobian: last column of ``Q`` in ``J^T = QR``."""
    return np.linalg.qr(jac.T, mode="complete")[0][:, -1]


def _converged(dx: np.ndarray, x: np.ndarray, tol: float) -> bool:
    """Componentwise test ``|dx| <= tol (1 + |x|)``."""
    return bool(np.all(np.abs(dx) <= tol * (1.0 + np.abs(x))))


def _correct(
    game: _Game, x_pred: np.ndarray, t: np.ndarray, tol: float, max_iter: int = 10
) -> tuple[np.ndarray, np.ndarray, float, float] | None:
    """Newton on the augmented system ``H(x) = 0, t . (x - x_pred) = 0``.

    Converged when the step passes :func:`_converged`, when ``|H|`` reaches the
    rounding floor ``100 eps (1 + |x|)``, or when Newton stops contracting with
    ``|H| <= 1e-9`` (ill-conditioned but accurate, e.g. large ``lam`` near a
    degenerate equilibrium). Returns ``(x, J, first step, contraction)`` or None.
    """
    x, sizes = x_pred.copy(), list[float]()
    with np.errstate(over="ignore", invalid="ignore"):  # bad iterates are rejected below
        for _ in range(max_iter):
            h, jac = game.system(x)
            hn = float(np.abs(h).max())
            if not np.all(np.isfinite(jac)):
                return None
            if hn <= 100 * _EPS * (1.0 + np.abs(x).max()):
                break
            try:
                dx = np.linalg.solve(np.vstack([jac, t]), -np.append(h, t @ (x - x_pred)))
            except np.linalg.LinAlgError:
                return None
            size = float(np.linalg.norm(dx))
            if sizes and size > 0.75 * sizes[-1]:
                if hn <= _H_OK:
                    break
                return None
            sizes.append(size)
            x = x + dx
            if _converged(dx, x, tol):
                break
        else:
            return None
    first = sizes[0] if sizes else 0.0
    return x, jac, first, (sizes[1] / first if len(sizes) > 1 else 0.0)


def _step_factor(h: float, first: float, kappa: float, alpha: float) -> float:
    """Ratio of the step ``h`` to the step meeting the nominal values (AG 2003, sec. 6.1).

    Measures: first correction (relative to ``h`` and absolute), Newton
    contraction, tangent angle, each by the power of ``h`` it grows with. The
    contraction is ignored when the predictor was within ``1e-4 h`` of the
    branch: slow Newton convergence then means a near-singular Jacobian.
    """
    kappa = kappa if first > 1e-4 * h else 0.0
    return max(
        np.sqrt(kappa / _KAPPA_NOM),
        first / h / _DELTA_REL_NOM,
        np.sqrt(first / _DELTA_ABS_NOM),
        alpha / _ALPHA_NOM,
    )


class _Tracer:
    """Predictor-corrector tracer of the principal branch in ``(y, nu)`` space."""

    def __init__(self, game: _Game, step: float, tol: float, accel: float, points: int) -> None:
        if not (step > 0 and tol > 0 and accel > 1 and points >= 2):
            raise ValueError("need step > 0, tol > 0, max_accel > 1 and max_points >= 2")
        self.game, self.h, self.tol = game, step, tol
        self.max_accel, self.max_points = accel, points
        self.x = np.append(-np.log(np.repeat(game.sizes, game.sizes)), 0.0)
        t = _tangent(game.system(self.x)[1])
        self.t = t if t[-1] > 0 else -t
        self.prev, self.count, self.terminated = self.x, 1, ""

    def advance(self) -> bool:
        """Move to the next accepted branch point; False (and set ``terminated``) if unable."""
        if self.count >= self.max_points:
            self.terminated = "max_points"
            return False
        while self.h >= 1e-12 * (1.0 + np.linalg.norm(self.x)):
            res = _correct(self.game, self.x + self.h * self.t, self.t, self.tol)
            if res is None:
                self.h *= 0.5
                continue
            x_new, jac, first, kappa = res
            t_new = _tangent(jac)
            cos = float(t_new @ self.t)
            factor = _step_factor(self.h, first, kappa, float(np.arccos(min(abs(cos), 1.0))))
            bad = x_new[-1] < 0 or self.game.residual(x_new) > _RESIDUAL_TOL
            if bad or factor > _MAX_FACTOR:
                self.h *= 0.5
                continue
            self.prev, self.x, self.t = self.x, x_new, (t_new if cos >= 0 else -t_new)
            self.h /= max(factor, 1.0 / self.max_accel)
            self.count += 1
            return True
        self.terminated = "step_size_underflow"
        return False

    def at_nu(self, nu: float) -> np.ndarray:
        """Branch point at exactly ``nu`` on the last segment (``nu`` between its ends).

        Newton at fixed ``nu`` from the chord interpolant; the answer must lie
        within the segment's length of both ends, else the segment is bisected
        (midpoints corrected onto the branch), keeping the first crossing.
        """
        xa, xb, game = self.prev, self.x, self.game
        e_nu = np.eye(game.dim + 1)[-1]
        for _ in range(40):
            chord = xb - xa
            length = float(np.linalg.norm(chord))
            res = _correct(game, xa + (nu - xa[-1]) / chord[-1] * chord, e_nu, self.tol)
            if (
                res is not None
                and game.residual(res[0]) <= _RESIDUAL_TOL
                and max(np.linalg.norm(res[0] - xa), np.linalg.norm(res[0] - xb)) <= length
            ):
                return res[0]
            mid = _correct(game, xa + 0.5 * chord, chord / length, self.tol)
            if mid is None:
                break
            xa, xb = (xa, mid[0]) if (xa[-1] - nu) * (mid[0][-1] - nu) <= 0 else (mid[0], xb)
        raise LogitQREError(f"could not locate the branch point at lambda = {nu / game.scale:g}")


def trace_logit_branch(
    payoffs: np.ndarray,
    *,
    max_lambda: float | None = None,
    step: float = 0.03,
    tol: float = 1e-10,
    max_points: int = 10_000,
    max_accel: float = 2.0,
) -> QREBranch:
    """Trace the principal branch of the logit QRE correspondence from ``lam = 0``.

    Parameters
    ----------
    payoffs
        Payoff tensor, shape ``(n, m_1, ..., m_n)``.
    max_lambda
        Last precision, original payoff units (the last point is exactly
        there); default ``1e6 / R`` with ``R`` the payoff range.
    step
        First arc-length step, in the internal ``(log sigma, lam R)`` space.
    tol
        Componentwise relative tolerance of the Newton corrector.
    max_points
        Most points returned, the centroid included.
    max_accel
        Largest factor by which one step may lengthen the next.

    Returns
    -------
    QREBranch
        Points in arc-length order, starting at the centroid.
    """
    game = _Game(payoffs)
    nu_max = _DEFAULT_MAX_NU if max_lambda is None else float(max_lambda) * game.scale
    if not nu_max > 0:
        raise ValueError("max_lambda must be positive")
    tracer = _Tracer(game, step, tol, max_accel, max_points)
    xs = [tracer.x]
    while tracer.advance():
        if tracer.x[-1] >= nu_max:
            try:
                xs.append(tracer.at_nu(nu_max))
                tracer.terminated = "max_lambda"
            except LogitQREError:
                tracer.terminated = "branch_point_not_located"
            break
        xs.append(tracer.x)
    settings: tuple[tuple[str, object], ...] = (("max_lambda", nu_max / game.scale),)
    settings += (("payoff_range", game.scale), ("step", step))
    settings += (("tol", tol), ("max_points", max_points), ("max_accel", max_accel))
    return QREBranch(tuple(game.point(x) for x in xs), _METHOD, settings, tracer.terminated)


def logit_qre_at(
    payoffs: np.ndarray,
    lambdas: Sequence[float],
    *,
    tol: float = 1e-10,
    step: float = 0.03,
    max_points: int = 10_000,
    max_accel: float = 2.0,
) -> tuple[QREPoint, ...]:
    """Points of the principal branch at exactly the given precisions.

    The branch is traced (options as in :func:`trace_logit_branch`) until it
    has crossed every requested ``lam`` (original payoff units, >= 0); each
    point is then solved for at fixed ``lam`` from the bracketing segment. If
    turning points make the branch cross a ``lam`` several times, the FIRST
    crossing (smallest arc length) is returned. Results follow ``lambdas``.

    Raises
    ------
    LogitQREError
        If tracing stalls or uses ``max_points`` before crossing every ``lam``.
    """
    from sim.solvers.qre.qre_points import logit_qre_points

    res = logit_qre_points(
        payoffs, lambdas, tol=tol, step=step, max_points=max_points, max_accel=max_accel
    )
    if res.stopped is not None:
        raise LogitQREError(res.stopped)
    return tuple(p for p in res.points if p is not None)
