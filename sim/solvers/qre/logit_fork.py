"""Forks of the principal logit QRE branch, and the equilibrium each arm leads to.

In symmetric games the principal branch of the logit QRE correspondence
(McKelvey and Palfrey 1995) can meet a pitchfork bifurcation: in Chicken the
symmetric branch goes on to the symmetric mixed equilibrium while two
asymmetric arms split off towards the two pure equilibria. A fork is found
where the determinant of the Jacobian of the QRE equations in the strategies
(at fixed precision) changes sign along the traced branch while the precision
keeps growing (at a turning point it changes sign too, but the precision
turns back). The fork is located by bisection on the branch; each new arm is
entered by Newton's method on a hyperplane a step along the Jacobian's null
vector, and traced (Allgower and Georg 2003, ch. 8, branch switching) to its
limit, which must pass the independent best-response check. Nothing is
reported for an arm whose limit is not a verified Nash equilibrium.

Examples
--------
>>> import numpy as np
>>> a = np.array([[0.0, -1.0], [1.0, -10.0]])  # Chicken: swerve, straight
>>> forks = logit_forks(np.stack([a, a.T]))
>>> [round(f.lam, 2) for f in forks]
[0.49]
>>> sorted(tuple(int(s[0]) for s in arm.strategies) for arm in forks[0].arms)
[(0, 1), (1, 0)]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.solvers.qre.logit_limit import limit_along
from sim.solvers.qre.logit_qre import _correct, _Game, _tangent, _Tracer
from sim.solvers.result import Equilibrium

__all__ = ["LogitFork", "logit_forks"]

METHOD = "jacobian_sign_change+branch_switching"
_MAX_DIM = 24  # stacked moves; larger games are not searched
_MAX_NU = 1e3  # forks are searched for up to lam * R = this
_OFFSETS = (0.05, 0.1, 0.2, 0.4, 0.8)  # steps off the branch along the null vector


@dataclass(frozen=True)
class LogitFork:
    """A fork of the principal logit branch.

    Attributes
    ----------
    lam
        Precision (original payoff units) where the branch forks.
    arms
        The verified Nash equilibria the new arms lead to (the principal
        branch's own limit is not repeated here).
    method
        How the fork and its arms were found.
    """

    lam: float
    arms: tuple[Equilibrium, ...]
    method: str = METHOD


def _det_sign(game: _Game, x: np.ndarray) -> float:
    return float(np.sign(np.linalg.det(game.system(x)[1][:, :-1])))


def _locate(game: _Game, xa: np.ndarray, xb: np.ndarray, tol: float) -> np.ndarray:
    """Bisect the segment ``xa``-``xb`` (corrected onto the branch) for the sign change."""
    sa = _det_sign(game, xa)
    for _ in range(30):
        chord = xb - xa
        length = float(np.linalg.norm(chord))
        if length < 1e-9:
            break
        mid = _correct(game, xa + 0.5 * chord, chord / length, tol)
        if mid is None:
            break
        if _det_sign(game, mid[0]) == sa:
            xa = mid[0]
        else:
            xb = mid[0]
    return 0.5 * (xa + xb)


def _arm_starts(game: _Game, fork: np.ndarray, tol: float) -> list[np.ndarray]:
    """Points on the new arms near ``fork``, one per side of the null vector.

    Newton's method runs on the hyperplane through ``fork + s v`` orthogonal
    to the null vector ``v`` (precision free), so it cannot fall back onto
    the branch it left, where the component along ``v`` is zero.
    """
    jac = game.system(fork)[1][:, :-1]
    null = np.append(np.linalg.svd(jac)[2][-1], 0.0)
    starts: list[np.ndarray] = []
    for sign in (1.0, -1.0):
        for offset in _OFFSETS:
            res = _correct(game, fork + sign * offset * null, null, tol, max_iter=50)
            if res is None or res[0][-1] <= 0 or game.residual(res[0]) > 1e-8:
                continue
            starts.append(res[0])
            break
    return starts


def _trace_arm(game: _Game, start: np.ndarray, tol: float) -> Equilibrium | None:
    tracer = _Tracer(game, 0.03, 1e-10, 2.0, 10_000)
    t = _tangent(game.system(start)[1])
    tracer.x, tracer.prev, tracer.t = start, start, (t if t[-1] > 0 else -t)
    return limit_along(game, tracer, tol)


def logit_forks(
    payoffs: np.ndarray, *, tol: float = 1e-9, max_forks: int = 3
) -> tuple[LogitFork, ...]:
    """Forks of the principal logit branch and the verified limits of their new arms.

    Parameters
    ----------
    payoffs
        Payoff tensor, shape ``(n, m_1, ..., m_n)``.
    tol
        Scaled regret tolerance of the best-response check of each arm's limit.
    max_forks
        Most forks reported.

    Returns
    -------
    tuple of LogitFork
        In order of precision; empty for games with more than 24 moves in all,
        when the branch does not fork before ``lam R = 1000``, or when no arm
        reaches a verified equilibrium.
    """
    game = _Game(payoffs)
    if game.dim > _MAX_DIM or game.n < 2:
        return ()
    tracer = _Tracer(game, 0.03, 1e-10, 2.0, 10_000)
    forks: list[LogitFork] = []
    sign, rising = _det_sign(game, tracer.x), True
    while len(forks) < max_forks and tracer.x[-1] < _MAX_NU and tracer.advance():
        new_sign = _det_sign(game, tracer.x)
        still_rising = bool(tracer.t[-1] > 0 and tracer.x[-1] > tracer.prev[-1])
        turning = not (rising and still_rising)
        rising = still_rising
        if new_sign != sign and new_sign != 0 and not turning:
            fork = _locate(game, tracer.prev, tracer.x, 1e-12)
            arms = [_trace_arm(game, s, tol) for s in _arm_starts(game, fork, 1e-12)]
            found = tuple(a for a in arms if a is not None)
            if found:
                forks.append(LogitFork(float(fork[-1]) / game.scale, found))
        sign = new_sign if new_sign != 0 else sign
    return tuple(forks)
