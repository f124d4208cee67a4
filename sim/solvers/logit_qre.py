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

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

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
# Nominal values for step adaptation (Allgower & Georg 2003, sec. 6.1); a step whose
# factor exceeds _MAX_FACTOR is rejected. Chosen so that no branch jumping was seen
# on thousands of random games (checked against much smaller nominal values).
_KAPPA_NOM, _DELTA_REL_NOM, _DELTA_ABS_NOM, _ALPHA_NOM = 0.1, 0.02, 0.05, 0.1
_MAX_FACTOR = 2.0
_EPS = float(np.finfo(np.float64).eps)
_H_OK = 1e-9  # accepted |H| when Newton is limited by rounding


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
    """Range-normalised game with the QRE system in log-probability coordinates.

    Vectors over all moves of all players are "stacked" (length ``dim``);
    ``blocks[k]`` is the player owning entry ``k``.
    """

    def __init__(self, payoffs: np.ndarray) -> None:
        u = np.asarray(payoffs, dtype=np.float64)
        if u.ndim < 2 or u.shape[0] != u.ndim - 1 or min(u.shape[1:]) < 1:
            raise ValueError(f"payoff tensor must have shape (n, m_1, ..., m_n); got {u.shape}")
        if not np.all(np.isfinite(u)):
            raise ValueError("payoffs must be finite")
        span = float(u.max() - u.min())
        self.u, self.lo, self.scale = u, float(u.min()), (span if span >= 1e-300 else 1.0)
        self.ut = (u - self.lo) / self.scale
        self.n, self.sizes = u.shape[0], u.shape[1:]
        self.offsets = np.concatenate([[0], np.cumsum(self.sizes)]).astype(int)
        self.first, self.dim = self.offsets[:-1], int(self.offsets[-1])
        self.sl = [slice(a, b) for a, b in itertools.pairwise(self.offsets)].__getitem__
        self.blocks = np.repeat(np.arange(self.n), self.sizes)
        # H = D y - nu D U + S sigma - e: D takes log-ratios to move 0, S sums.
        self.diff, self.sums = np.eye(self.dim), np.zeros((self.dim, self.dim))
        self.diff[self.first] = 0.0
        for r, m in zip(self.first, self.sizes, strict=True):
            self.diff[r + 1 : r + m, r] = -1.0
            self.sums[r, r : r + m] = 1.0
        self.e = self.sums.sum(axis=1) > 0
        letters = "abcdefghijklmnopqrstuvwxy"[: self.n]
        self.pairs = []
        for i, j in itertools.combinations(range(self.n), 2):
            ops = [f"z{letters}"] + [letters[k] for k in range(self.n) if k not in (i, j)]
            self.pairs.append((i, j, ",".join(ops) + f"->z{letters[i]}{letters[j]}"))

    def contract(self, sig: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Stacked pair matrix ``M`` and payoffs ``U`` of the normalised game.

        ``M[a, b] = ut_i(a, b, sigma_-ij)`` for move ``a`` of player ``i`` and
        ``b`` of player ``j != i`` (0 when ``i == j``); ``U = M sigma / (n - 1)``.
        One ``einsum`` per unordered pair of players; no loop over profiles.
        """
        if self.n == 1:
            return np.zeros((self.dim, self.dim)), self.ut[0].copy()
        mats = np.zeros((self.dim, self.dim))
        for i, j, spec in self.pairs:
            others = [sig[self.sl(k)] for k in range(self.n) if k not in (i, j)]
            t = np.einsum(spec, self.ut, *others)
            mats[self.sl(i), self.sl(j)], mats[self.sl(j), self.sl(i)] = t[i], t[j].T
        return mats, mats @ sig / (self.n - 1)

    def system(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Residual ``H(x)`` (length ``dim``) and Jacobian (``dim x (dim+1)``)."""
        y, nu = x[:-1], x[-1]
        sig = np.exp(y)
        mats, vals = self.contract(sig)
        dv = self.diff @ vals
        h = self.diff @ y - nu * dv + self.sums @ sig - self.e
        jac = np.empty((self.dim, self.dim + 1))
        jac[:, :-1] = self.diff + (self.sums - nu * (self.diff @ mats)) * sig
        jac[:, -1] = -dv
        return h, jac

    def softmax_residual(self, sig: np.ndarray, nu: float) -> float:
        """``max |sigma - softmax(nu * U(sigma))|`` over all players and moves."""
        z = nu * self.contract(sig)[1]
        e = np.exp(z - np.maximum.reduceat(z, self.first)[self.blocks])
        return float(np.abs(sig - e / np.add.reduceat(e, self.first)[self.blocks]).max())

    def residual(self, x: np.ndarray) -> float:
        """Fixed-point residual of the internal point ``x``."""
        return self.softmax_residual(np.exp(x[:-1]), float(x[-1]))

    def strategies(self, sig: np.ndarray) -> tuple[np.ndarray, ...]:
        """Per-player probability vectors (each renormalised) from a stacked vector."""
        return tuple(sig[self.sl(i)] / sig[self.sl(i)].sum() for i in range(self.n))

    def point(self, x: np.ndarray) -> QREPoint:
        """The :class:`QREPoint` at ``x`` in original units."""
        sig = np.exp(x[:-1])
        pay = np.add.reduceat(sig * self.contract(sig)[1], self.first)
        return QREPoint(float(x[-1]) / self.scale, self.strategies(sig), pay * self.scale + self.lo)


def _tangent(jac: np.ndarray) -> np.ndarray:
    """Unit vector spanning the null space of the ``n x (n+1)`` Jacobian (QR of ``J^T``)."""
    return np.linalg.qr(jac.T, mode="complete")[0][:, -1]


def _converged(dx: np.ndarray, x: np.ndarray, tol: float) -> bool:
    """Componentwise test ``|dx| <= tol * (1 + |x|)``."""
    return bool(np.all(np.abs(dx) <= tol * (1.0 + np.abs(x))))


def _correct(
    game: _Game, x_pred: np.ndarray, t: np.ndarray, tol: float, max_iter: int = 10
) -> tuple[np.ndarray, np.ndarray, float, float] | None:
    """Newton on the augmented system ``H(x) = 0, t . (x - x_pred) = 0``.

    Converged when the step passes :func:`_converged`, when ``|H|`` reaches
    the rounding floor ``100 eps (1 + |x|)``, or when Newton stops contracting
    with ``|H| <= 1e-9`` (ill-conditioned but accurate: large lambda near a
    mixed equilibrium). Returns ``(x, J, first step length, contraction)``.
    """
    x, sizes = x_pred.copy(), []
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
    return x, jac, first, (sizes[1] / sizes[0] if len(sizes) > 1 else 0.0)


def _step_factor(h: float, first: float, kappa: float, alpha: float) -> float:
    """Ratio of the current step to the step that would meet the nominal values.

    Allgower & Georg (2003, sec. 6.1): the first corrector step (relative and
    absolute), the Newton contraction and the tangent angle, each scaled by
    the power of ``h`` it grows with. The contraction is ignored when the
    predictor was already within ``1e-4 h`` of the branch (then slow Newton
    convergence means a near-singular Jacobian, not a bad predictor).
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
            factor = _step_factor(self.h, first, kappa, alpha)
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
    """Branch point at exactly ``nu`` on the branch segment between ``xa`` and ``xb``.

    Newton at fixed ``nu`` from the chord interpolant; the answer must lie
    within the segment's length of both ends. Otherwise the segment is
    bisected (midpoints corrected onto the branch) keeping the first crossing.
    """
    e_nu = np.zeros(game.dim + 1)
    e_nu[-1] = 1.0
    for _ in range(40):
        chord = xb - xa
        length = float(np.linalg.norm(chord))
        guess = xa + (nu - xa[-1]) / chord[-1] * chord
        res = _correct(game, guess, e_nu, tol)
        if res is not None and max(np.linalg.norm(res[0] - xa), np.linalg.norm(res[0] - xb)) <= (
            length
        ):
            return res[0]
        mid = _correct(game, xa + 0.5 * chord, chord / length, tol)
        if mid is None:
            break
        if (xa[-1] - nu) * (mid[0][-1] - nu) <= 0:
            xb = mid[0]
        else:
            xa = mid[0]
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
    settings += (*opts.items(), ("max_points", max_points))
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
    for k, x in found.items():
        if game.residual(x) > residual_tol:
            raise LogitQREError(f"point at lambda = {lambdas[k]:g} fails the fixed-point check")
    return tuple(game.point(found[k]) for k in range(len(nus)))


def _supports(game: _Game, sig: np.ndarray) -> list[np.ndarray]:
    """Candidate supports (boolean masks) from probability thresholds, largest first."""
    top = np.maximum.reduceat(sig, game.first)[game.blocks]
    out: list[np.ndarray] = []
    for theta in _SUPPORT_THRESHOLDS:
        mask = sig >= np.minimum(theta, top)
        if not any(np.array_equal(mask, m) for m in out):
            out.append(mask)
    return out


def _polish(game: _Game, sig: np.ndarray, supp: np.ndarray) -> np.ndarray | None:
    """Solve the indifference equations on the support ``supp`` by Newton's method.

    Unknowns: the supported probabilities and one value ``v_i`` per player.
    Equations: ``U_i(a) = v_i`` for supported ``a`` and ``sum_a sigma_i(a) = 1``
    (square system; least-squares steps cope with degenerate games). Returns
    the stacked profile, or None if Newton fails or a probability is negative.
    """
    k, n = int(supp.sum()), game.n
    if k == n:  # one move per player: the pure profile
        return supp.astype(np.float64)
    own = game.blocks[supp]
    cur = np.where(supp, sig, 0.0)
    cur /= np.add.reduceat(cur, game.first)[game.blocks]
    z = np.concatenate([cur[supp], np.add.reduceat(cur * game.contract(cur)[1], game.first)])
    jac = np.zeros((k + n, k + n))
    jac[np.arange(k), k + own] = -1.0
    jac[k + own, np.arange(k)] = 1.0
    for _ in range(50):
        cur[supp] = z[:k]
        mats, vals = game.contract(cur)
        f = np.concatenate([vals[supp] - z[k + own], np.add.reduceat(cur, game.first) - 1.0])
        jac[:k, :k] = mats[np.ix_(supp, supp)]
        dz = np.linalg.lstsq(jac, -f, rcond=None)[0]
        z += dz
        if np.abs(dz).max() <= 1e-15 and np.abs(f).max() <= 1e-13:
            break
    if not np.all(np.isfinite(z)) or z[:k].min() < -1e-12:
        return None
    cur[supp] = np.maximum(z[:k], 0.0)
    return cur / np.add.reduceat(cur, game.first)[game.blocks]


def _limit_from(game: _Game, x: np.ndarray, tol: float) -> Equilibrium | None:
    """A verified Nash equilibrium polished from the branch point ``x``, or None."""
    sig = np.exp(x[:-1])
    sig /= np.add.reduceat(sig, game.first)[game.blocks]
    for supp in _supports(game, sig):
        prof = _polish(game, sig, supp)
        if prof is None or np.abs(prof - sig).max() > _MAX_POLISH_DISTANCE:
            continue
        strategies = game.strategies(prof)
        try:
            regret = check_equilibrium(game.u, strategies, tol)
        except SimError:
            continue
        return Equilibrium(
            strategies=strategies,
            payoffs=expected_payoffs(game.u, strategies),
            concept="pure_nash" if int(supp.sum()) == game.n else "mixed_nash",
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
