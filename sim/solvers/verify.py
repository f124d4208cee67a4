"""Independent best-response check of reported equilibria.

Every equilibrium a solver reports is passed through :func:`check_equilibrium`
before it reaches a user. The check is the definition of a Nash equilibrium
(Nisan et al., *Algorithmic Game Theory*, 2007, sec. 2.2; Maschler, Solan &
Zamir, *Game Theory*, 2013, def. 5.9 and thm. 5.18): a mixed profile is an
equilibrium iff no player gains by switching to any *pure* move against the
others' mixed strategies. This module deliberately shares no code with the
solvers, so a bug in a solver cannot hide itself here.

Conventions: ``payoffs`` has shape ``(n_players, m_1, ..., m_n)``; a profile is
one probability vector per player. Each player's regret is divided by that
player's own payoff scale (:func:`sim.scales.player_scales`), so that
one tolerance suits games in any unit, including games where one player's
payoffs are in billions and another's in points.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

import numpy as np

from sim.errors import VerificationError
from sim.scales import payoff_span, player_scales
from sim.solvers.result import Equilibrium

__all__ = [
    "check_equilibrium",
    "deviation_payoffs",
    "expected_payoffs",
    "max_regret",
    "payoff_range",
    "pure_regrets_batch",
    "regrets",
    "scaled_regrets",
    "verified",
]


def _game(payoffs: np.ndarray) -> np.ndarray:
    """Return ``payoffs`` as float64 after checking its shape."""
    u = np.asarray(payoffs, dtype=np.float64)
    if u.ndim < 2 or u.shape[0] != u.ndim - 1:
        raise ValueError(f"payoff tensor must have shape (n_players, m_1, ..., m_n); got {u.shape}")
    return u


def _profile(u: np.ndarray, strategies: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Return the strategies as float64 vectors after checking their lengths."""
    n = u.shape[0]
    if len(strategies) != n:
        raise VerificationError(f"profile has {len(strategies)} strategies for {n} players")
    out = [np.asarray(s, dtype=np.float64) for s in strategies]
    for p, s in enumerate(out):
        if s.shape != (u.shape[p + 1],):
            raise VerificationError(
                f"player {p}: strategy has shape {s.shape}, expected ({u.shape[p + 1]},)"
            )
    return out


def expected_payoffs(payoffs: np.ndarray, strategies: Sequence[np.ndarray]) -> np.ndarray:
    """Expected payoff of every player under a mixed profile.

    Parameters
    ----------
    payoffs
        Payoff tensor, shape ``(n, m_1, ..., m_n)``.
    strategies
        One probability vector per player.

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)``; entry ``p`` is ``sum_a prod_q x_q(a_q) u_p(a)``,
        computed by contracting one player axis at a time (``tensordot``).
    """
    u = _game(payoffs)
    t, prof = _on_supports(u, _profile(u, strategies), axis0=1)
    for s in prof:
        t = np.tensordot(t, s, axes=([1], [0]))
    return np.asarray(t, dtype=np.float64)


def _on_supports(
    t: np.ndarray, prof: Sequence[np.ndarray], axis0: int, keep: int | None = None
) -> tuple[np.ndarray, list[np.ndarray]]:
    """``t`` cut to the moves played with nonzero probability, and the strategies cut alike.

    Axis ``axis0 + q`` of ``t`` belongs to player ``q``; player ``keep`` keeps
    every move. Moves of probability exactly 0 add exactly 0 to an expected
    payoff, so the result is the same, but a pure profile of a large game
    costs a few entries instead of the whole tensor.
    """
    supports = [np.flatnonzero(s) if q != keep else np.arange(s.size) for q, s in enumerate(prof)]
    if all(len(i) == s.size for i, s in zip(supports, prof, strict=True)):
        return t, list(prof)
    lead = (slice(None),) * axis0
    cut = [s[i] for i, s in zip(supports, prof, strict=True)]
    return t[lead + np.ix_(*supports)], cut


def deviation_payoffs(
    payoffs: np.ndarray, strategies: Sequence[np.ndarray], player: int
) -> np.ndarray:
    """Payoff of each pure move of ``player`` against the others' mixed strategies.

    Returns
    -------
    numpy.ndarray
        Shape ``(m_player,)``: ``u_player(k, x_-player)`` for every move ``k``.
    """
    u = _game(payoffs)
    prof = _profile(u, strategies)
    if not 0 <= player < u.shape[0]:
        raise ValueError(f"player {player} out of range for {u.shape[0]} players")
    t, prof = _on_supports(u[player], prof, axis0=0, keep=player)
    # Contract from the last axis backwards so earlier axis numbers stay valid.
    for q in reversed(range(len(prof))):
        if q != player:
            t = np.tensordot(t, prof[q], axes=([q], [0]))
    return np.asarray(t, dtype=np.float64)


def payoff_range(payoffs: np.ndarray) -> float:
    """Largest minus smallest payoff of the whole game (1.0 when they are all equal).

    A game-wide unit; regrets are measured per player (:func:`scaled_regrets`).
    """
    return payoff_span(np.asarray(payoffs, dtype=np.float64))


def regrets(payoffs: np.ndarray, strategies: Sequence[np.ndarray]) -> np.ndarray:
    """Each player's best gain from a pure deviation (>= 0 up to rounding).

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)``: ``max_k u_p(k, x_-p) - u_p(x)`` in payoff units.
    """
    u = _game(payoffs)
    prof = _profile(u, strategies)
    out = np.empty(len(prof))
    for p, s in enumerate(prof):
        dev = deviation_payoffs(u, prof, p)
        out[p] = dev.max() - float(dev @ s)
    return out


def scaled_regrets(payoffs: np.ndarray, strategies: Sequence[np.ndarray]) -> np.ndarray:
    """Each player's regret (floored at 0) divided by that player's payoff scale."""
    u = _game(payoffs)
    return np.maximum(regrets(u, strategies), 0.0) / player_scales(u)


def max_regret(
    payoffs: np.ndarray, strategies: Sequence[np.ndarray], relative: bool = True
) -> float:
    """Largest regret over players, floored at 0; each divided by its player's payoff
    scale if ``relative``."""
    if relative:
        return float(scaled_regrets(payoffs, strategies).max())
    return max(float(regrets(payoffs, strategies).max()), 0.0)


def _check_probabilities(prof: Sequence[np.ndarray], tol: float, names: Sequence[str]) -> None:
    """Raise :class:`VerificationError` unless every vector is a distribution."""
    for p, s in enumerate(prof):
        if not np.all(np.isfinite(s)):
            raise VerificationError(f"{names[p]}: strategy contains non-finite values")
        if s.min() < -tol:
            k = int(np.argmin(s))
            raise VerificationError(f"{names[p]}: probability of move {k} is {s[k]:.3g} < 0")
        if abs(float(s.sum()) - 1.0) > tol:
            raise VerificationError(f"{names[p]}: probabilities sum to {float(s.sum())!r}")


def check_equilibrium(
    payoffs: np.ndarray,
    strategies: Sequence[np.ndarray],
    tol: float = 1e-9,
    *,
    player_names: Sequence[str] | None = None,
    move_names: Sequence[Sequence[str]] | None = None,
) -> float:
    """Check that a mixed profile is a Nash equilibrium; return its scaled regret.

    Parameters
    ----------
    payoffs
        Payoff tensor, shape ``(n, m_1, ..., m_n)``.
    strategies
        One probability vector per player.
    tol
        Largest accepted regret as a fraction of the deviating player's payoff
        scale, and the accepted error in each probability and in each
        probability sum.
    player_names, move_names
        Optional labels used in the error message (default: indices).

    Returns
    -------
    float
        The largest over players of the regret divided by the player's scale.

    Raises
    ------
    VerificationError
        If a strategy is not a probability vector, or some player gains more
        than ``tol`` (scaled) by a pure deviation; the message names the
        player and the move.
    """
    u = _game(payoffs)
    prof = _profile(u, strategies)
    names = list(player_names) if player_names else [f"player {p}" for p in range(len(prof))]
    _check_probabilities(prof, tol, names)
    gains = regrets(u, prof)
    relative = np.maximum(gains, 0.0) / player_scales(u)
    worst = int(np.argmax(relative))
    scaled = float(relative[worst])
    if scaled > tol:
        dev = deviation_payoffs(u, prof, worst)
        k = int(np.argmax(dev))
        move = move_names[worst][k] if move_names else f"move {k}"
        raise VerificationError(
            f"not an equilibrium: {names[worst]} gains {gains[worst]:.6g} "
            f"(scaled {scaled:.3g} > tol {tol:g}) by deviating to {move}"
        )
    return scaled


def verified(
    equilibria: Iterable[Equilibrium], payoffs: np.ndarray, tol: float = 1e-9
) -> tuple[Equilibrium, ...]:
    """Check every equilibrium and return copies with ``regret`` filled in.

    Besides the best-response test of :func:`check_equilibrium`, the reported
    ``payoffs`` of each equilibrium must equal the expected payoffs of its
    strategies within ``tol`` times each player's payoff scale.

    Raises
    ------
    VerificationError
        On the first equilibrium that fails.
    """
    u = _game(payoffs)
    scale = player_scales(u)
    out = []
    for i, eq in enumerate(equilibria):
        regret = check_equilibrium(u, eq.strategies, tol)
        exp = expected_payoffs(u, eq.strategies)
        reported = np.asarray(eq.payoffs, dtype=np.float64)
        if reported.shape != exp.shape or np.any(np.abs(reported - exp) > tol * scale):
            raise VerificationError(
                f"equilibrium {i} ({eq.method}): reported payoffs {reported.tolist()} "
                f"differ from expected payoffs {exp.tolist()}"
            )
        out.append(dataclasses.replace(eq, regret=regret))
    return tuple(out)


def pure_regrets_batch(
    payoffs_batch: np.ndarray, points: np.ndarray, profiles: np.ndarray
) -> np.ndarray:
    """Scaled regret of pure profiles in a batch of games, by explicit deviations.

    Parameters
    ----------
    payoffs_batch
        Shape ``(batch, n, m_1, ..., m_n)``.
    points
        Index into the batch of each profile to check, shape ``(k,)``.
    profiles
        The pure profiles, shape ``(k, n)``.

    Returns
    -------
    numpy.ndarray
        For each profile, the largest gain of a unilateral pure deviation over
        all players, each player's gain divided by that player's payoff scale
        in that game; shape ``(k,)``.

    Notes
    -----
    Independent of the solvers: each player's payoffs at every one of its own
    moves are gathered by fancy indexing at the profile and compared with the
    payoff at the profile.
    """
    u = np.asarray(payoffs_batch, dtype=np.float64)
    n = u.shape[1]
    scales = player_scales(u, player_axis=1)[points]
    worst = np.zeros(len(points))
    for p in range(n):
        index = [points, np.full(len(points), p)] + [profiles[:, q] for q in range(n)]
        current = u[tuple(index)]
        best = current.copy()
        for k in range(u.shape[2 + p]):
            index[2 + p] = np.full(len(points), k)
            best = np.maximum(best, u[tuple(index)])
        worst = np.maximum(worst, (best - current) / scales[:, p])
    return worst
