"""The limiting logit equilibrium: the Nash equilibrium at the end of the QRE branch.

The principal branch of the logit QRE correspondence (traced by
:mod:`sim.solvers.qre.logit_qre`) converges in generic games to one Nash
equilibrium as the precision grows (McKelvey and Palfrey 1995): a principled
selection among several equilibria. Near the end of the branch the likely
support is read off, the indifference equations on it are solved by Newton's
method, and the result is accepted only if it passes the independent
best-response check, so that what is returned is always a Nash equilibrium
(Gambit's tracer can stop at a bifurcation and return a profile that is not).
"""

from __future__ import annotations

import numpy as np

from sim.concepts import nash_concept
from sim.errors import SimError
from sim.solvers.qre.logit_qre import LogitQREError, _Game, _Tracer
from sim.solvers.result import Equilibrium
from sim.solvers.verify import check_equilibrium, expected_payoffs

__all__ = ["limit_along", "limiting_logit_equilibrium"]

_LIMIT_CHECKPOINTS = (1e4, 1e5, 1e6, 1e7)  # lam * R at which the limit is polished
_SUPPORT_THRESHOLDS = (1e-3, 1e-5, 1e-7, 1e-9)
_MAX_POLISH_DISTANCE = 1e-2  # polished equilibrium vs branch point (max abs)
_SNAP = 1e-6  # polished probabilities below this are tried at 0 first


def _polish(game: _Game, sig: np.ndarray, supp: np.ndarray) -> np.ndarray | None:
    """Solve the indifference equations on the support ``supp`` by Newton's method.

    Unknowns: supported probabilities and a value ``v_i`` per player; equations
    ``U_i(a) = v_i`` (``a`` supported) and ``sum_a sigma_i(a) = 1``. The system is
    square; least-squares steps cope with degenerate games. Returns the stacked
    profile, or None if a probability comes out negative or non-finite.
    """
    k, n = int(supp.sum()), game.n
    if k == n:  # one move per player: the pure profile
        return supp.astype(np.float64)
    own, cur = game.blocks[supp], game.normalised(np.where(supp, sig, 0.0))
    z = np.append(cur[supp], np.add.reduceat(cur * game.contract(cur)[1], game.first))
    jac = np.zeros((k + n, k + n))
    jac[np.arange(k), k + own] = -1.0
    jac[k + own, np.arange(k)] = 1.0
    for _ in range(50):
        cur[supp] = z[:k]
        mats, vals = game.contract(cur)
        f = np.append(vals[supp] - z[k + own], np.add.reduceat(cur, game.first) - 1.0)
        jac[:k, :k] = mats[np.ix_(supp, supp)]
        dz = np.linalg.lstsq(jac, -f, rcond=None)[0]
        z += dz
        if np.abs(dz).max() <= 1e-15 and np.abs(f).max() <= 1e-13:
            break
    if not np.all(np.isfinite(z)) or z[:k].min() < -1e-12:
        return None
    cur[supp] = np.maximum(z[:k], 0.0)
    return game.normalised(cur)


def _limit_from(game: _Game, x: np.ndarray, tol: float) -> Equilibrium | None:
    """A verified Nash equilibrium polished from the branch point ``x``, or None.

    Supports ``{a: sigma_i(a) >= theta}`` for the thresholds in
    ``_SUPPORT_THRESHOLDS`` are tried in turn; a polished profile must lie
    within ``_MAX_POLISH_DISTANCE`` of ``sigma`` and pass ``check_equilibrium``.
    """
    sig = game.normalised(np.exp(x[:-1]))
    top = np.maximum.reduceat(sig, game.first)[game.blocks]
    for supp in {tuple(sig >= np.minimum(th, top)): None for th in _SUPPORT_THRESHOLDS}:
        prof = _polish(game, sig, np.array(supp))
        if prof is None or np.abs(prof - sig).max() > _MAX_POLISH_DISTANCE:
            continue
        for cand in (game.normalised(np.where(prof >= _SNAP, prof, 0.0)), prof):
            strategies = game.strategies(cand)
            try:
                regret = check_equilibrium(game.u, strategies, tol)
            except SimError:
                continue
            pure = np.count_nonzero(cand) == game.n
            concept = nash_concept(pure)
            pay = expected_payoffs(game.u, strategies)
            return Equilibrium(strategies, pay, concept, "logit_limit", regret)
    return None


def limit_along(game: _Game, tracer: _Tracer, tol: float) -> Equilibrium | None:
    """Advance ``tracer`` to the checkpoints and return the first verified limit, or None."""
    checkpoints = list(_LIMIT_CHECKPOINTS)
    while checkpoints:
        moved = tracer.advance()
        if not moved or tracer.x[-1] >= checkpoints[0]:
            eq = _limit_from(game, tracer.x, tol)
            if eq is not None:
                return eq
            if not moved:
                break
            checkpoints = [c for c in checkpoints if c > tracer.x[-1]]
    return None


def limiting_logit_equilibrium(
    payoffs: np.ndarray,
    *,
    tol: float = 1e-9,
    step: float = 0.03,
    max_points: int = 10_000,
    max_accel: float = 2.0,
) -> Equilibrium:
    """The Nash equilibrium at the end of the principal logit QRE branch.

    The branch is traced (see :func:`trace_logit_branch`); at ``lam R = 1e4,
    1e5, 1e6, 1e7`` (``R`` the payoff range) the supports
    ``{a : sigma_i(a) >= theta}``, ``theta = 1e-3, 1e-5, 1e-7, 1e-9``, are tried
    in turn: the indifference equations on the support are solved by Newton's
    method (a pure support gives the pure profile), probabilities below 1e-6
    are tried at 0 first, and the result is accepted if it lies within 1e-2 of
    the branch point and passes :func:`~sim.solvers.verify.check_equilibrium`
    with ``tol``; otherwise tracing continues. In degenerate games whose branch
    ends in a continuum of equilibria the answer is a verified equilibrium
    near the branch end, not necessarily the exact limit.

    Returns
    -------
    Equilibrium
        Concept ``"pure_nash"`` or ``"mixed_nash"``, method ``"logit_limit"``,
        with its verified scaled regret (at most ``tol``).

    Raises
    ------
    LogitQREError
        If no checkpoint yields a verified equilibrium, or tracing stops first.
    """
    game = _Game(payoffs)
    tracer = _Tracer(game, step, 1e-10, max_accel, max_points)
    eq = limit_along(game, tracer, tol)
    if eq is not None:
        return eq
    why = tracer.terminated or "max_lambda"
    raise LogitQREError(
        f"no verified Nash equilibrium at the end of the logit branch "
        f"(tracing stopped: {why}, lambda = {tracer.x[-1] / game.scale:g})"
    )
