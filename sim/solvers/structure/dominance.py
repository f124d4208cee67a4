"""Dominated moves and iterated elimination of dominated moves.

A move ``j`` of player ``i`` is *strictly dominated* by a (possibly mixed)
strategy ``sigma`` if ``u_i(sigma, s_-i) > u_i(j, s_-i)`` for every profile
``s_-i`` of the opponents, and *weakly dominated* if ``>=`` holds everywhere
and ``>`` somewhere (Maschler, Solan & Zamir, *Game Theory*, 2013, sec. 4.5-4.6;
Fudenberg & Tirole, *Game Theory*, 1991, sec. 2.1). Because payoffs are
linear in the opponents' strategies it suffices to test their *pure*
profiles.

Pure dominators are found by one vectorised comparison of all pairs of
moves. Dominance by a mixture is a linear programme (solved with
``scipy.optimize.linprog``, HiGHS):

* strict: maximise ``eps`` s.t. ``sum_k sigma_k u(k, s) - u(j, s) >= eps`` for
  all ``s``, ``sigma`` on the simplex over the other surviving moves; strictly
  dominated iff ``eps > tol``;
* weak: maximise ``sum_s slack_s`` s.t. ``sum_k sigma_k u(k, s) - u(j, s) >=
  slack_s`` and ``slack_s >= 0``; weakly dominated iff the optimal mixture
  gains more than ``tol`` somewhere.

Unlike the pure test, which treats payoffs within ``tol`` as equal, the weak
mixed test allows no loss beyond the LP's own accuracy (``1e-9`` of the
payoff range): a mixture may trade a loss within ``tol`` in one column for an
arbitrarily larger gain in another, which would report a move lying exactly
on the hull of the others as dominated. Maximising the *total* slack finds a
mixture with a positive gain whenever one exists (exact for ``tol = 0``);
within the tolerance it can miss a mixture that gains more than ``tol`` in a
single column while another mixture gains more in total.

All tolerances are relative to the payoff range of the whole game; the LPs
run on payoffs rescaled to ``[0, 1]`` and every LP answer is re-checked on the
returned mixture before it is reported.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.scales import as_payoff_tensor, player_scales

__all__ = [
    "Dominance",
    "EliminationResult",
    "dominated_moves",
    "iterated_elimination",
    "restrict",
]

#: Accepted violation of an LP constraint, on payoffs scaled to [0, 1].
_LP_FEAS = 1e-9
#: Probabilities below this in an LP answer are set to zero.
_ZERO_PROB = 1e-12

Alive = tuple[np.ndarray, ...]


@dataclass(frozen=True)
class Dominance:
    """One dominated move and what dominates it.

    Attributes
    ----------
    player, move
        The dominated move (indices into the full game).
    dominator
        ``(move, probability)`` pairs of the dominating strategy; a single
        pair ``((k, 1.0),)`` for a pure dominator.
    strict
        True for strict dominance, False for weak dominance.
    by_mixed
        True when the dominator mixes two or more moves.
    """

    player: int
    move: int
    dominator: tuple[tuple[int, float], ...]
    strict: bool
    by_mixed: bool


@dataclass(frozen=True)
class EliminationResult:
    """Outcome of iterated elimination of dominated moves.

    Attributes
    ----------
    steps
        Eliminated moves in order; within a round, by player then move.
    surviving
        The surviving move indices of each player.
    strict, mixed, tol
        The settings used.
    method
        ``"iterated_strict_dominance"`` or ``"iterated_weak_dominance"``.
    rounds
        Round number (from 0) of each entry of ``steps``.
    notes
        Plain-language remarks for the report.
    """

    steps: tuple[Dominance, ...]
    surviving: tuple[tuple[int, ...], ...]
    strict: bool
    mixed: bool
    tol: float
    method: str
    rounds: tuple[int, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def solved(self) -> bool:
        """True when every player has exactly one surviving move."""
        return all(len(s) == 1 for s in self.surviving)


def _alive(u: np.ndarray, alive: Alive | None) -> Alive:
    """Surviving moves as sorted int arrays, all moves when ``alive`` is None."""
    sizes = u.shape[1:]
    if alive is None:
        return tuple(np.arange(m) for m in sizes)
    if len(alive) != len(sizes):
        raise ValueError(f"alive has {len(alive)} entries for {len(sizes)} players")
    out = tuple(np.unique(np.asarray(a, dtype=np.intp)) for a in alive)
    for p, (a, m) in enumerate(zip(out, sizes, strict=True)):
        if a.size == 0 or a[0] < 0 or a[-1] >= m:
            raise ValueError(f"player {p}: alive moves must be a non-empty subset of 0..{m - 1}")
    return out


def restrict(payoffs: np.ndarray, surviving: Alive | tuple[tuple[int, ...], ...]) -> np.ndarray:
    """The payoff tensor restricted to the surviving moves of every player."""
    u = as_payoff_tensor(payoffs)
    grids = np.ix_(*[np.asarray(s, dtype=np.intp) for s in surviving])
    return np.stack([up[grids] for up in u])


def _scaled_matrix(u: np.ndarray, player: int, alive: Alive) -> np.ndarray:
    """Player's payoffs scaled to [0, 1]: rows = alive moves, columns = opponent profiles."""
    lo, span = float(u[player].min()), float(player_scales(u)[player])
    sub = u[player][np.ix_(*alive)]
    mat = np.moveaxis(sub, player, 0).reshape(len(alive[player]), -1)
    return (mat - lo) / span


def _pure_dominators(mat: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Boolean ``[k, j]`` matrices: row move ``k`` strictly / weakly dominates ``j``."""
    diff = mat[:, None, :] - mat[None, :, :]
    lo, hi = diff.min(axis=2), diff.max(axis=2)
    strict = lo > tol
    weak = (lo >= -tol) & (hi > tol)
    np.fill_diagonal(strict, False)
    np.fill_diagonal(weak, False)
    return strict, weak


def _clean(sigma: np.ndarray) -> np.ndarray:
    """Clip an LP mixture to the simplex and drop negligible weights."""
    s = np.where(sigma > _ZERO_PROB, sigma, 0.0)
    return s / s.sum()


def _solve(
    c: np.ndarray, a_ub: np.ndarray, b_ub: np.ndarray, k: int, free_last: bool
) -> np.ndarray | None:
    """Minimise ``c @ x`` with HiGHS, ``x >= 0`` and ``sum(x[:k]) == 1``.

    With ``free_last`` the last variable is unbounded. Returns None on failure.
    """
    bounds: list[tuple[float | None, float | None]] = [(0.0, None)] * c.size
    if free_last:
        bounds[-1] = (None, None)
    a_eq = np.zeros((1, c.size))
    a_eq[0, :k] = 1.0
    from scipy.optimize import linprog  # lazy: keeps start-up light

    res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=[1.0], bounds=bounds, method="highs")
    return np.asarray(res.x) if res.status == 0 else None


def _record(
    player: int, move: int, moves: np.ndarray, sigma: np.ndarray, strict: bool
) -> Dominance:
    """Build a :class:`Dominance` from a mixture over ``moves`` (full-game indices)."""
    support = tuple((int(moves[i]), float(sigma[i])) for i in np.flatnonzero(sigma))
    return Dominance(player, move, support, strict, len(support) > 1)


Found = tuple[np.ndarray, np.ndarray, bool]


def _clear_best_somewhere(mat: np.ndarray, j: int, tol: float) -> bool:
    """True if row ``j`` beats every other row by more than ``tol`` in some column.

    Such a move cannot be dominated, not even weakly, so the LPs are skipped.
    """
    rivals = np.delete(mat, j, axis=0)
    return bool(np.any(mat[j] > rivals.max(axis=0) + tol))


def _strict_mixture(mat: np.ndarray, j: int, tol: float) -> Found | None:
    """A mixture of the other rows strictly dominating row ``j`` (max-margin LP), if any."""
    others = np.delete(np.arange(mat.shape[0]), j)
    k, cols = others.size, mat.shape[1]
    c = np.zeros(k + 1)
    c[-1] = -1.0  # maximise the margin eps, the last (free) variable
    a_ub = np.hstack([-mat[others].T, np.ones((cols, 1))])
    x = _solve(c, a_ub, -mat[j], k, free_last=True)
    if x is None:
        return None
    sigma = _clean(x[:k])
    if float(np.min(sigma @ mat[others] - mat[j])) > tol:
        return others, sigma, True
    return None


def _weak_mixture(mat: np.ndarray, j: int, tol: float) -> Found | None:
    """A mixture of the other rows weakly dominating row ``j`` (max-total-slack LP), if any."""
    others = np.delete(np.arange(mat.shape[0]), j)
    k, cols = others.size, mat.shape[1]
    c = np.concatenate([np.zeros(k), -np.ones(cols)])
    a_ub = np.hstack([-mat[others].T, np.eye(cols)])
    x = _solve(c, a_ub, -mat[j], k, free_last=False)
    if x is None:
        return None
    sigma = _clean(x[:k])
    gain = sigma @ mat[others] - mat[j]
    if float(gain.min()) >= -_LP_FEAS and float(gain.max()) > tol:
        return others, sigma, False
    return None


def _pure_found(rows: np.ndarray, column: np.ndarray, is_strict: bool) -> Found:
    """Record the lowest-index pure dominator flagged in ``column``."""
    return rows, (rows == int(np.argmax(column))).astype(np.float64), is_strict


def _dominance_of(
    mat: np.ndarray,
    j: int,
    pure: tuple[np.ndarray, np.ndarray],
    strict: bool,
    mixed: bool,
    tol: float,
) -> Found | None:
    """Best dominator of row ``j``: strict pure, strict mixed, weak pure, weak mixed."""
    strict_pure, weak_pure = pure
    rows = np.arange(mat.shape[0])
    if strict_pure[:, j].any():
        return _pure_found(rows, strict_pure[:, j], True)
    if strict and not mixed:
        return None
    if _clear_best_somewhere(mat, j, tol):
        return None
    found = _strict_mixture(mat, j, tol) if mixed else None
    if found is not None or strict:
        return found
    if weak_pure[:, j].any():
        return _pure_found(rows, weak_pure[:, j], False)
    return _weak_mixture(mat, j, tol) if mixed else None


def dominated_moves(
    payoffs: np.ndarray,
    player: int,
    *,
    strict: bool = True,
    mixed: bool = True,
    tol: float = 1e-9,
    alive: Alive | None = None,
) -> list[Dominance]:
    """Dominated moves of one player, given the surviving moves of everyone.

    Parameters
    ----------
    payoffs
        Payoff tensor, shape ``(n, m_1, ..., m_n)``.
    player
        Whose moves to test.
    strict
        Report only strictly dominated moves; if False, report weakly
        dominated moves too (``Dominance.strict`` tells which).
    mixed
        Also look for dominance by mixtures (LP); otherwise pure only.
    tol
        Margin relative to the game's payoff range: strict dominance needs a
        margin ``> tol`` everywhere; weak needs ``> tol`` somewhere and
        ``>= -tol`` everywhere for a pure dominator (no loss at all for a
        mixture, see the module docstring).
    alive
        Surviving move indices of each player (default: all moves). Only
        surviving moves are tested, dominate, or are dominated against.

    Returns
    -------
    list[Dominance]
        In increasing move order. Pure dominators are preferred (lowest
        index); strict dominance is reported before weak.
    """
    u = as_payoff_tensor(payoffs)
    if not 0 <= player < u.shape[0]:
        raise ValueError(f"player {player} out of range for {u.shape[0]} players")
    if tol < 0:
        raise ValueError("tol must be >= 0")
    live = _alive(u, alive)
    moves = live[player]
    if moves.size < 2:
        return []
    mat = _scaled_matrix(u, player, live)
    pure = _pure_dominators(mat, tol)
    out = []
    for j in range(moves.size):
        found = _dominance_of(mat, j, pure, strict, mixed, tol)
        if found is not None:
            rows, sigma, is_strict = found
            out.append(_record(player, int(moves[j]), moves[rows], sigma, is_strict))
    return out


def _one_round(
    u: np.ndarray, live: Alive, strict: bool, mixed: bool, tol: float
) -> tuple[list[Dominance], list[str]]:
    """Every move dominated given ``live``, keeping at least one move per player."""
    found: list[Dominance] = []
    notes: list[str] = []
    for p in range(u.shape[0]):
        dom = dominated_moves(u, p, strict=strict, mixed=mixed, tol=tol, alive=live)
        if dom and len(dom) == live[p].size:
            # Only possible for weak dominance within the tolerance: keep one move.
            notes.append(
                f"player {p}: all moves weakly dominated within tol; kept move {dom[0].move}"
            )
            dom = dom[1:]
        found.extend(dom)
    return found, notes


def iterated_elimination(
    payoffs: np.ndarray, *, strict: bool = True, mixed: bool = True, tol: float = 1e-9
) -> EliminationResult:
    """Iteratively eliminate dominated moves until none is left.

    Each round removes, simultaneously, every move of every player that is
    dominated given the moves that survived the previous round (Maschler,
    Solan & Zamir 2013, sec. 4.5; Fudenberg & Tirole 1991, sec. 2.1).

    For strict dominance the order of elimination does not matter: every
    order ends with the same surviving moves (Fudenberg & Tirole 1991,
    sec. 2.1.2). For *weak* dominance it does: the surviving set can depend
    on the order, and this function reports the result of the simultaneous
    all-at-once order only. Iterated weak elimination can also remove Nash
    equilibria; strict elimination never does.

    Parameters
    ----------
    payoffs
        Payoff tensor, shape ``(n, m_1, ..., m_n)``.
    strict, mixed, tol
        As in :func:`dominated_moves`.

    Returns
    -------
    EliminationResult
    """
    u = as_payoff_tensor(payoffs)
    live = _alive(u, None)
    steps: list[Dominance] = []
    rounds: list[int] = []
    notes: list[str] = []
    for r in range(sum(u.shape[1:])):
        found, extra = _one_round(u, live, strict, mixed, tol)
        notes.extend(extra)
        if not found:
            break
        steps.extend(found)
        rounds.extend([r] * len(found))
        gone = {(d.player, d.move) for d in found}
        live = tuple(
            np.array([k for k in a if (p, int(k)) not in gone], dtype=np.intp)
            for p, a in enumerate(live)
        )
    kind = "strict" if strict else "weak"
    return EliminationResult(
        steps=tuple(steps),
        surviving=tuple(tuple(int(k) for k in a) for a in live),
        strict=strict,
        mixed=mixed,
        tol=tol,
        method=f"iterated_{kind}_dominance",
        rounds=tuple(rounds),
        notes=tuple(notes),
    )
