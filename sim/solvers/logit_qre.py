"""Logit quantal response equilibria and the limiting logit equilibrium.

A logit QRE at precision ``lam`` is a profile ``sigma`` with
``sigma_i(a) = exp(lam * u_i(a, sigma_-i)) / sum_b exp(lam * u_i(b, sigma_-i))``
for every player ``i`` (McKelvey & Palfrey 1995, "Quantal response equilibria
for normal form games", GEB 10). The *principal branch* starts at ``lam = 0``
at the centroid and, for generic games, converges as ``lam -> inf`` to a Nash
equilibrium, the limiting logit equilibrium.

Method (Turocy 2005, "A dynamic homotopy interpretation of the logistic
quantal response equilibrium correspondence", GEB 51): unknowns are the
log-probabilities ``y_i(a) = log sigma_i(a)`` and ``nu``; the equations are
``sum_a exp(y_i(a)) = 1`` and ``y_i(a) - y_i(0) = nu * (U_i(a) - U_i(0))``,
with ``U`` the expected payoffs of the *range-normalised* game
``(u - min u) / R``, ``R = max u - min u`` (1 if ``R`` is 0). The branch is
followed by predictor-corrector continuation (Allgower & Georg 2003,
"Introduction to Numerical Continuation Methods", ch. 2 and 6): tangent from
the QR factorisation of the transposed ``n x (n+1)`` Jacobian, Euler
predictor, Moore-Penrose Newton corrector, step length adapted from the
corrector's first step, its contraction and the tangent angle. The tangent's
sign is chosen by its dot product with the previous tangent (not by a
determinant, which flips at simple bifurcations), so the tracer passes
turning points and continues straight through symmetry-breaking pitchforks.

Lambda convention: every reported ``lam`` is in the ORIGINAL payoff units,
``lam = nu / R``, so ``softmax(lam * u_i(., sigma_-i))`` with the caller's
payoffs is the fixed-point condition. Gambit's ``logit_solve_lambda`` uses the
same convention (it does not rescale payoffs), so points can be compared at
equal ``lam``. Every returned point is checked:
``max |sigma - softmax(lam * u(sigma))| <= residual_tol``.

Known behaviour: on McKelvey & McLennan's 2x2x2 game Gambit 16.7 stops at the
bifurcation ``lam ~ 0.5968`` and returns a non-equilibrium; here the branch
continues through the pitchfork along the invariant set ``sigma_1 = sigma_2 =
(1/2, 1/2)`` to the equilibrium ``((1/2,1/2), (1/2,1/2), (1,0))``. In a
symmetric coordination game such as ``[[1,0],[0,1]]`` the centroid solves the
QRE equations at every ``lam``; the branch passes the pitchfork at
``lam = 2`` and ends at the symmetric mixed equilibrium (the pure equilibria
lie on the bifurcating branches, which are not followed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.linalg import solve_triangular

from sim.errors import SimError
from sim.solvers.result import Equilibrium
from sim.solvers.verify import check_equilibrium, expected_payoffs

__all__ = [
    "LogitQREError",
    "QREBranch",
    "QREPoint",
    "limiting_logit_equilibrium",
    "logit_qre_at",
    "trace_logit_branch",
]

_METHOD = "logit_branch_predictor_corrector"
_DEFAULT_MAX_NU = 1e6  # default max lambda * payoff range for a branch
_LIMIT_CHECKPOINTS = (1e4, 1e5, 1e6, 1e7)  # lambda * range at which the limit is polished
_SUPPORT_THRESHOLDS = (1e-3, 1e-5, 1e-7, 1e-9)
_MAX_POLISH_DISTANCE = 1e-2
# Nominal values for step adaptation (Allgower & Georg 2003, sec. 6.1).
NOM = {'kappa': 0.25, 'rel': 0.05, 'abs': 1e9, 'alpha': 0.15}
_MAX_FACTOR = 2.0


class LogitQREError(SimError):
    """The principal branch could not be traced far enough or its limit not verified."""

    exit_status = 3


@dataclass(frozen=True, eq=False)
class QREPoint:
    """One point of the logit QRE correspondence.

    Attributes
    ----------
    lam
        Precision in the original payoff units.
    strategies
        One probability vector per player.
    payoffs
        Expected payoff of each player (original units), shape ``(n,)``.
    """

    lam: float
    strategies: tuple[np.ndarray, ...]
    payoffs: np.ndarray


@dataclass(frozen=True, eq=False)
class QREBranch:
    """Points of the principal branch in arc-length order (lam may turn back).

    ``terminated`` is ``"max_lambda"`` (last point is exactly at max lambda),
    ``"max_points"`` or ``"step_size_underflow"`` (the tracer stalled).
    """

    points: tuple[QREPoint, ...]
    method: str
    settings: tuple[tuple[str, object], ...]
    terminated: str


class _Game:
    """Range-normalised game with the QRE system in log-probability coordinates."""

    def __init__(self, payoffs: np.ndarray) -> None:
        u = np.asarray(payoffs, dtype=np.float64)
        if u.ndim < 2 or u.shape[0] != u.ndim - 1 or min(u.shape[1:]) < 1:
            raise ValueError(f"payoff tensor must have shape (n, m_1, ..., m_n); got {u.shape}")
        if not np.all(np.isfinite(u)):
            raise ValueError("payoffs must be finite")
        lo, span = float(u.min()), float(u.max() - u.min())
        self.u = u
        self.lo, self.scale = lo, (span if span >= 1e-300 else 1.0)
        self.ut = (u - lo) / self.scale
        self.sizes = u.shape[1:]
        self.n = u.shape[0]
        self.offsets = np.concatenate([[0], np.cumsum(self.sizes)]).astype(int)
        self.dim = int(self.offsets[-1])

    def split(self, vec: np.ndarray) -> list[np.ndarray]:
        """Split a length-``dim`` vector into one block per player."""
        return [vec[self.offsets[i] : self.offsets[i + 1]] for i in range(self.n)]

    def contract(self, sig: list[np.ndarray]) -> tuple[dict, list[np.ndarray]]:
        """Pair matrices ``M[i, j][a, b] = ut_i(a, b, sigma_-ij)`` and values ``U_i(a)``.

        One contraction chain of the stacked tensor per unordered pair ``{i, j}``
        serves both ``M[i, j]`` and ``M[j, i]``.
        """
        if self.n == 1:
            return {}, [self.ut[0]]
        mats = {}
        for i in range(self.n):
            for j in range(i + 1, self.n):
                t = self.ut
                for k in reversed(range(self.n)):
                    if k not in (i, j):
                        t = np.moveaxis(t, k + 1, -1) @ sig[k]
                mats[i, j], mats[j, i] = t[i], t[j].T
        return mats, [mats[i, 1 if i == 0 else 0] @ sig[1 if i == 0 else 0] for i in range(self.n)]

    def system(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Residual ``H(x)`` (length ``dim``) and Jacobian (``dim x (dim+1)``)."""
        nu, ys = x[-1], self.split(x[:-1])
        sig = [np.exp(y) for y in ys]
        mats, vals = self.contract(sig)
        h, jac = np.empty(self.dim), np.zeros((self.dim, self.dim + 1))
        for i, (y, s, v) in enumerate(zip(ys, sig, vals, strict=True)):
            r, m = self.offsets[i], self.sizes[i]
            rows = slice(r + 1, r + m)
            h[r] = s.sum() - 1.0
            h[rows] = y[1:] - y[0] - nu * (v[1:] - v[0])
            jac[r, r : r + m] = s
            jac[rows, r + 1 : r + m] = np.eye(m - 1)
            jac[rows, r] = -1.0
            jac[rows, -1] = v[0] - v[1:]
            for j in range(self.n):
                if j != i:
                    d = mats[i, j][1:] - mats[i, j][0]
                    jac[rows, self.offsets[j] : self.offsets[j + 1]] = -nu * d * sig[j]
        return h, jac

    def residual(self, x: np.ndarray) -> float:
        """Fixed-point residual ``max |sigma - softmax(nu * U(sigma))|``."""
        sig = [np.exp(y) for y in self.split(x[:-1])]
        worst = 0.0
        for s, v in zip(sig, self.contract(sig)[1], strict=True):
            z = x[-1] * v
            e = np.exp(z - z.max())
            worst = max(worst, float(np.abs(s - e / e.sum()).max()))
        return worst

    def point(self, x: np.ndarray) -> QREPoint:
        """The :class:`QREPoint` at ``x`` in original units."""
        sig = [np.exp(y) for y in self.split(x[:-1])]
        pay = [float(s @ v) for s, v in zip(sig, self.contract(sig)[1], strict=True)]
        return QREPoint(
            lam=float(x[-1]) / self.scale,
            strategies=tuple(s / s.sum() for s in sig),
            payoffs=np.asarray(pay) * self.scale + self.lo,
        )


def _tangent(jac: np.ndarray) -> np.ndarray:
    """Unit vector spanning the null space of the ``n x (n+1)`` Jacobian (QR of ``J^T``)."""
    return np.linalg.qr(jac.T, mode="complete")[0][:, -1]


def _converged(dx: np.ndarray, x: np.ndarray, tol: float) -> bool:
    """Componentwise test ``|dx| <= tol * (1 + |x|)``."""
    return bool(np.all(np.abs(dx) <= tol * (1.0 + np.abs(x))))


def _correct(
    game: _Game, x_pred: np.ndarray, t: np.ndarray, tol: float, max_iter: int = 12
) -> tuple[np.ndarray, np.ndarray, float, float] | None:
    """Newton on ``H(x) = 0, t . (x - x_pred) = 0``.

    Returns ``(x, J(x), first step length, contraction)``, or None on failure.
    """
    x, first, kappa, prev = x_pred.copy(), 0.0, 0.0, np.inf
    for k in range(max_iter):
        h, jac = game.system(x)
        try:
            dx = np.linalg.solve(np.vstack([jac, t]), -np.append(h, t @ (x - x_pred)))
        except np.linalg.LinAlgError:
            return None
        size = float(np.linalg.norm(dx))
        first, kappa = (size, kappa) if k == 0 else (first, max(kappa, size / (prev + 1e-300)))
        if k > 0 and size > 0.5 * prev and not _converged(dx, x, 1e3 * tol):
            return None
        x, prev = x + dx, size
        if _converged(dx, x, tol):
            return x, jac, first, (kappa if k > 1 else 0.0)
    return None


class _Tracer:
    """Predictor-corrector tracer of the principal branch in ``(y, nu)`` space."""

    def __init__(self, game: _Game, *, step: float, tol: float, max_accel: float) -> None:
        self.game, self.h, self.tol, self.max_accel = game, step, tol, max_accel
        self.x = np.concatenate([-np.log(np.repeat(game.sizes, game.sizes)), [0.0]])
        t = _tangent(game.system(self.x)[1])
        self.t = t if t[-1] > 0 else -t
        self.prev, self.count, self.terminated = self.x, 1, ""

    def advance(self, residual_tol: float) -> bool:
        """Move to the next accepted branch point; False (and set ``terminated``) if stuck."""
        while self.h >= 1e-12 * (1.0 + np.linalg.norm(self.x)):
            res = _correct(self.game, self.x + self.h * self.t, self.t, self.tol)
            if res is None:
                self.h *= 0.5
                continue
            x_new, jac, first, kappa = res
            t_new = _tangent(jac)
            cos = float(t_new @ self.t)
            alpha = float(np.arccos(min(abs(cos), 1.0)))
            factor = max(
                np.sqrt(kappa / NOM['kappa']), first / self.h / NOM['rel'], alpha / NOM['alpha'],
                np.sqrt(first / NOM['abs']),
            )
            if factor > _MAX_FACTOR or x_new[-1] < 0 or self.game.residual(x_new) > residual_tol:
                self.h *= 0.5
                continue
            self.prev, self.x, self.t = self.x, x_new, (t_new if cos >= 0 else -t_new)
            self.h /= max(factor, 1.0 / self.max_accel)
            self.count += 1
            return True
        self.terminated = "step_size_underflow"
        return False


def _at_nu(game: _Game, xa: np.ndarray, xb: np.ndarray, nu: float, tol: float) -> np.ndarray:
    """Branch point at exactly ``nu`` between accepted points ``xa`` and ``xb`` (fixed-nu Newton)."""
    w = (nu - xa[-1]) / (xb[-1] - xa[-1])
    x = xa + w * (xb - xa)
    x[-1] = nu
    for _ in range(30):
        h, jac = game.system(x)
        try:
            dy = np.linalg.solve(jac[:, :-1], -h)
        except np.linalg.LinAlgError:
            break
        x[:-1] += dy
        if _converged(dy, x[:-1], tol):
            return x
    raise LogitQREError(f"could not locate the branch point at lambda = {nu / game.scale:g}")


def _options(step: float, tol: float, max_accel: float) -> dict[str, float]:
    """Validate the common tracing options."""
    if not (step > 0 and tol > 0 and max_accel > 1):
        raise ValueError("step and tol must be positive and max_accel must exceed 1")
    return {"step": step, "tol": tol, "max_accel": max_accel}


def trace_logit_branch(
    payoffs: np.ndarray,
    *,
    max_lambda: float | None = None,
    step: float = 0.03,
    tol: float = 1e-10,
    max_points: int = 10_000,
    max_accel: float = 2.0,
    residual_tol: float = 1e-8,
) -> QREBranch:
    """Trace the principal branch of the logit QRE correspondence.

    Parameters
    ----------
    payoffs
        Payoff tensor, shape ``(n, m_1, ..., m_n)``.
    max_lambda
        Stop at this precision (original payoff units); the last point is
        exactly there. Default ``1e6 / R`` with ``R`` the payoff range.
    step
        Initial arc-length step in the internal ``(log sigma, lam * R)`` space.
    tol
        Componentwise relative tolerance of the Newton corrector.
    max_points
        Largest number of points returned (including the centroid).
    max_accel
        Largest factor by which one step may lengthen the next.
    residual_tol
        Every point satisfies ``max |sigma - softmax(lam * u(sigma))| <= residual_tol``.

    Returns
    -------
    QREBranch
        Points in arc-length order, starting at the centroid with ``lam = 0``.
    """
    game = _Game(payoffs)
    nu_max = _DEFAULT_MAX_NU if max_lambda is None else float(max_lambda) * game.scale
    if not nu_max > 0 or max_points < 2:
        raise ValueError("max_lambda must be positive and max_points at least 2")
    opts = _options(step, tol, max_accel)
    tracer = _Tracer(game, **opts)
    xs, terminated = [tracer.x], "max_points"
    while len(xs) < max_points:
        if not tracer.advance(residual_tol):
            terminated = tracer.terminated
            break
        if tracer.x[-1] >= nu_max:
            xs.append(_at_nu(game, tracer.prev, tracer.x, nu_max, tol))
            terminated = "max_lambda"
            break
        xs.append(tracer.x)
    settings = (("max_lambda", nu_max / game.scale), ("payoff_range", game.scale))
    settings += tuple(opts.items()) + (("max_points", max_points),)
    return QREBranch(tuple(game.point(x) for x in xs), _METHOD, settings, terminated)


def logit_qre_at(
    payoffs: np.ndarray,
    lambdas: Sequence[float],
    *,
    tol: float = 1e-10,
    step: float = 0.03,
    max_points: int = 10_000,
    max_accel: float = 2.0,
    residual_tol: float = 1e-8,
) -> tuple[QREPoint, ...]:
    """Points of the principal branch at exactly the given precisions.

    The branch is traced from ``lam = 0`` until it has crossed every requested
    ``lam`` (original payoff units); each point is then solved for at fixed
    ``lam`` by Newton's method from the bracketing branch segment. If turning
    points make the branch pass a ``lam`` several times, the FIRST crossing
    (smallest arc length) is returned. Results are in the order of ``lambdas``.

    Raises
    ------
    LogitQREError
        If the tracer stalls or uses ``max_points`` before reaching a ``lam``.
    """
    game = _Game(payoffs)
    nus = [float(lam) * game.scale for lam in lambdas]
    if any(not nu >= 0 for nu in nus):
        raise ValueError("lambdas must be non-negative")
    tracer = _Tracer(game, **_options(step, tol, max_accel))
    found = {k: tracer.x for k, nu in enumerate(nus) if nu == 0.0}
    while len(found) < len(nus):
        if tracer.count >= max_points or not tracer.advance(residual_tol):
            why = tracer.terminated or "max_points"
            raise LogitQREError(f"branch tracing stopped ({why}) at lambda = {tracer.x[-1]:g}")
        lo, hi = sorted((tracer.prev[-1], tracer.x[-1]))
        for k, nu in enumerate(nus):
            if k not in found and lo < nu <= hi:
                found[k] = _at_nu(game, tracer.prev, tracer.x, nu, tol)
    points = tuple(game.point(found[k]) for k in range(len(nus)))
    for p in points:
        if game.residual(_internal(game, p)) > residual_tol:
            raise LogitQREError(f"point at lambda = {p.lam:g} fails the fixed-point check")
    return points


def _internal(game: _Game, point: QREPoint) -> np.ndarray:
    """Internal ``(log sigma, nu)`` coordinates of a point."""
    logs = [np.log(np.maximum(s, 1e-320)) for s in point.strategies]
    return np.concatenate([*logs, [point.lam * game.scale]])


def _supports(sig: list[np.ndarray]) -> list[tuple[np.ndarray, ...]]:
    """Candidate supports from probability thresholds, largest threshold first."""
    out: list[tuple[np.ndarray, ...]] = []
    for theta in _SUPPORT_THRESHOLDS:
        cand = tuple(np.flatnonzero(s >= min(theta, s.max())) for s in sig)
        if not any(all(np.array_equal(a, b) for a, b in zip(c, cand, strict=True)) for c in out):
            out.append(cand)
    return out


def _polish(
    game: _Game, sig: list[np.ndarray], support: tuple[np.ndarray, ...]
) -> list[np.ndarray] | None:
    """Solve the indifference equations on ``support`` by Newton's method.

    Unknowns are the supported probabilities and one value per player;
    equations are ``U_i(a) = v_i`` for supported ``a`` and ``sum sigma_i = 1``.
    Returns None if Newton fails or a probability comes out negative.
    """
    if all(len(s) == 1 for s in support):
        return [np.eye(m)[s[0]] for m, s in zip(game.sizes, support, strict=True)]
    pos = np.concatenate([[0], np.cumsum([len(s) for s in support])]).astype(int)
    k, n = int(pos[-1]), game.n
    cur = [np.zeros(m) for m in game.sizes]
    for c, s, sp in zip(cur, sig, support, strict=True):
        c[sp] = s[sp] / s[sp].sum()
    vals = game.contract(cur)[1]
    z = np.concatenate([*(c[sp] for c, sp in zip(cur, support, strict=True)), np.zeros(n)])
    z[k:] = [float(c @ v) for c, v in zip(cur, vals, strict=True)]
    for _ in range(50):
        for i, sp in enumerate(support):
            cur[i] = np.zeros(game.sizes[i])
            cur[i][sp] = z[pos[i] : pos[i + 1]]
        f, jac = _indifference_system(game, cur, support, pos, z[k:])
        dz = np.linalg.lstsq(jac, -f, rcond=None)[0]
        z += dz
        if np.abs(dz).max() <= 1e-15 and np.abs(f).max() <= 1e-13:
            break
    probs = z[:k]
    if not np.all(np.isfinite(z)) or probs.min() < -1e-12:
        return None
    out = [np.zeros(m) for m in game.sizes]
    for i, sp in enumerate(support):
        out[i][sp] = np.maximum(probs[pos[i] : pos[i + 1]], 0.0)
        out[i] /= out[i].sum()
    return out


def _indifference_system(
    game: _Game,
    sig: list[np.ndarray],
    support: tuple[np.ndarray, ...],
    pos: np.ndarray,
    v: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Residual and Jacobian of the support indifference equations."""
    n, k = game.n, int(pos[-1])
    mats, vals = game.contract(sig)
    f, jac = np.zeros(k + n), np.zeros((k + n, k + n))
    for i, sp in enumerate(support):
        rows = slice(pos[i], pos[i + 1])
        f[rows] = vals[i][sp] - v[i]
        f[k + i] = sig[i][sp].sum() - 1.0
        jac[rows, k + i] = -1.0
        jac[k + i, rows] = 1.0
        for j, spj in enumerate(support):
            if j != i:
                jac[rows, pos[j] : pos[j + 1]] = mats[i, j][np.ix_(sp, spj)]
    return f, jac


def _limit_from(game: _Game, x: np.ndarray, tol: float) -> Equilibrium | None:
    """A verified Nash equilibrium polished from the branch point ``x``, or None."""
    sig = list(game.point(x).strategies)
    for support in _supports(sig):
        strat = _polish(game, sig, support)
        if strat is None:
            continue
        if max(float(np.abs(a - b).max()) for a, b in zip(strat, sig, strict=True)) > (
            _MAX_POLISH_DISTANCE
        ):
            continue
        try:
            regret = check_equilibrium(game.u, strat, tol)
        except SimError:
            continue
        pure = all(len(s) == 1 for s in support)
        return Equilibrium(
            strategies=tuple(strat),
            payoffs=expected_payoffs(game.u, strat),
            concept="pure_nash" if pure else "mixed_nash",
            method="logit_limit",
            regret=regret,
        )
    return None


def limiting_logit_equilibrium(
    payoffs: np.ndarray,
    *,
    tol: float = 1e-9,
    max_points: int = 10_000,
    step: float = 0.03,
    max_accel: float = 2.0,
) -> Equilibrium:
    """The Nash equilibrium at the end of the principal logit QRE branch.

    The branch is traced (see :func:`trace_logit_branch`); at
    ``lam * R = 1e4, 1e5, 1e6, 1e7`` (``R`` the payoff range) the supports
    ``{a : sigma_i(a) >= theta}`` for ``theta = 1e-3, 1e-5, 1e-7, 1e-9`` are
    tried in turn: the indifference equations on the support are solved by
    Newton's method (a pure support gives the pure profile), and the result is
    accepted if it lies within 1e-2 of the branch point and passes
    :func:`~sim.solvers.verify.check_equilibrium` with ``tol``. Otherwise
    tracing continues to the next checkpoint.

    Returns
    -------
    Equilibrium
        Concept ``"pure_nash"`` or ``"mixed_nash"``, method ``"logit_limit"``,
        with the verified scaled regret.

    Raises
    ------
    LogitQREError
        If no checkpoint yields a verified equilibrium or tracing stalls.
    """
    game = _Game(payoffs)
    tracer = _Tracer(game, **_options(step, 1e-10, max_accel))
    checkpoints = list(_LIMIT_CHECKPOINTS)
    while checkpoints:
        stuck = tracer.count >= max_points or not tracer.advance(1e-8)
        if stuck or tracer.x[-1] >= checkpoints[0]:
            eq = _limit_from(game, tracer.x, tol)
            if eq is not None:
                return eq
            if stuck:
                break
            checkpoints = [c for c in checkpoints if c > tracer.x[-1]]
    why = tracer.terminated or ("max_points" if tracer.count >= max_points else "max_lambda")
    raise LogitQREError(
        f"no verified Nash equilibrium at the end of the logit branch "
        f"(tracing stopped: {why}, lambda = {tracer.x[-1] / game.scale:g})"
    )
