"""All Nash equilibria of a small N-player game by support enumeration.

Every Nash equilibrium has a support profile ``S = (S_1, ..., S_n)`` (the
moves each player uses with positive probability) and solves that profile's
*indifference system*: each player is indifferent between the moves of
``S_i`` and weakly prefers them to the others (McKelvey & McLennan 1996,
"Computation of equilibria in finite games", Handbook of Computational
Economics vol. 1, sec. 6; Datta 2003, "Using computer algebra to find Nash
equilibria", ISSAC). The algorithm:

1. removes moves strictly dominated by another pure move, iteratively
   (they are never played in equilibrium);
2. enumerates the support profiles of the remaining moves, smallest total
   size first and balanced sizes first (Porter, Nudelman & Shoham 2008,
   "Simple search methods for finding a Nash equilibrium", GEB 63), and
   skips a profile when a move of some ``S_i`` is strictly dominated by
   another move of player ``i`` against every pure profile of ``S_-i``
   (conditional dominance, PNS 2008 sec. 3);
3. solves each remaining system for *all* its isolated solutions
   (:mod:`sim.solvers.nash.support_solutions`): linear systems directly, three
   bilinear equations in closed form (:mod:`sim.solvers.nash.bilinear_elimination`),
   everything else by multihomogeneous homotopy continuation
   (:mod:`sim.solvers.nash.homotopy`, Sommese & Wampler 2005, "The Numerical
   Solution of Systems of Polynomials");
4. keeps the real solutions in the product of simplices that pass the
   outside-support inequalities, removes duplicates (the copy on the
   smallest support wins) and verifies each with
   :func:`sim.solvers.verify.check_equilibrium`.

Completeness and degeneracy. In a generic game every equilibrium is a regular
isolated root of its support system, so when every path of every system ends
(at a root or at infinity, with no two paths at one regular root) the list
is complete: ``complete=True``. Ties can create positive-dimensional solution
sets (continua of equilibria) and singular roots. They are detected by a
system with an identically vanishing equation or with too few unknowns for
some equations (multihomogeneous Bezout number zero), by a singular Jacobian
at a finite path endpoint or at a polished equilibrium, or by an equilibrium
with an unused best reply. Then ``degenerate=True``, ``complete=False`` and
a note says that only some points of the equilibrium set are listed.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from sim.concepts import nash_concept
from sim.scales import player_scales
from sim.solvers.nash.indifference_system import build_batch
from sim.solvers.nash.pure_nash import pure_nash_profiles
from sim.solvers.nash.support_pruning import ConditionalDominance, Support, undominated
from sim.solvers.nash.support_solutions import Candidate, solve_batch
from sim.solvers.result import Equilibrium, EquilibriumSet
from sim.solvers.verify import deviation_payoffs, expected_payoffs, payoff_range, verified

__all__ = ["METHOD", "all_equilibria"]

METHOD = "support_enumeration_homotopy"
#: Seed of the random start systems and gamma constants (results are reproducible).
SEED = 20_240_917
#: Search budget in seconds for one equilibrium of a game too large to enumerate.
FALLBACK_SECONDS = 10.0
#: Largest number of support profiles solved in one vectorised batch.
_CHUNK = 512
_INCOMPLETE = "the list may be incomplete"
_CONTINUUM = "the game has a continuum of equilibria, of which only some points are listed"
_SINGULAR = (
    "the game is not generic (some support systems have singular solutions): equilibria "
    "may form continua, of which only some points are listed"
)
_TIES = (
    "the game is degenerate (an equilibrium has an unused best reply): equilibria may "
    "form continua, of which only some points are listed"
)


@dataclass
class _Search:
    """Accumulated state of one enumeration."""

    candidates: list[Candidate] = field(default_factory=list)
    failed: int = 0
    singular: int = 0
    solved: int = 0
    timed_out: bool = False


def all_equilibria(
    payoffs: np.ndarray,
    *,
    tol: float = 1e-9,
    max_profiles: int = 64,
    time_limit: float | None = None,
) -> EquilibriumSet:
    """All Nash equilibria of a small normal-form game with any number of players.

    Parameters
    ----------
    payoffs
        Payoff tensor, shape ``(n_players, m_1, ..., m_n)``, finite.
    tol
        Largest accepted regret relative to the payoff range; also the
        tolerance for probabilities (entries at most ``tol`` are zero), for
        payoff ties in dominance tests and for identically vanishing
        equations (relative to each player's payoff range).
    max_profiles
        Enumerate only when the game, after iterated removal of strictly
        dominated moves, has at most this many pure profiles.
    time_limit
        Wall-clock budget in seconds (``None``: no limit when enumerating,
        :data:`FALLBACK_SECONDS` when the game is too large).

    Returns
    -------
    EquilibriumSet
        Method ``"support_enumeration_homotopy"``. Pure equilibria have
        concept ``"pure_nash"``, the others ``"mixed_nash"``; all are verified
        and sorted by support size. ``complete`` is True only when every
        support system was solved (all homotopy paths accounted for), no time
        limit was hit and the game showed no degeneracy. For a game with more
        than ``max_profiles`` profiles the result holds all pure equilibria,
        or if there are none the first equilibrium a small-supports-first
        search finds within the budget (possibly none), with
        ``complete=False`` and a note that the list may be incomplete;
        combine it with another method (e.g. QRE tracing) in that case.

    Notes
    -----
    Of a positive-dimensional set of equilibria only the points found are
    listed (isolated roots on smaller supports, a Gauss-Newton projection of
    a singular path endpoint, or of a point of the supports' interior), minus
    those payoff-equivalent to a listed equilibrium on a smaller support;
    ``degenerate`` is then True and a note says so.

    Typical times (one core): 2x2x2 about 0.02 s, 3x3x3 about 0.6 s, 4x4x4
    about 7 s.

    Raises
    ------
    ValueError
        If the payoff tensor is malformed, empty or not finite.
    """
    u = _checked(payoffs)
    start = time.monotonic()
    scaled = _rescaled(u)
    alive = undominated(scaled, tol)
    n_profiles = math.prod(len(a) for a in alive)
    if n_profiles > max_profiles:
        budget = FALLBACK_SECONDS if time_limit is None else time_limit
        return _too_large(u, scaled, alive, tol, n_profiles, max_profiles, start + budget)
    deadline = None if time_limit is None else start + time_limit
    search = _enumerate(u, scaled, alive, tol, deadline, stop_at_first=False)
    return _result(u, search, tol, notes=(), enumerated=True)


def _checked(payoffs: np.ndarray) -> np.ndarray:
    u = np.asarray(payoffs, dtype=np.float64)
    if u.ndim < 2 or u.shape[0] != u.ndim - 1:
        raise ValueError(f"payoff tensor must have shape (n_players, m_1, ..., m_n); got {u.shape}")
    if min(u.shape[1:]) < 1:
        raise ValueError(f"every player needs at least one move; got {u.shape[1:]}")
    if not np.all(np.isfinite(u)):
        raise ValueError("payoffs must be finite")
    return u


def _rescaled(u: np.ndarray) -> np.ndarray:
    """Each player's payoffs mapped affinely onto ``[0, 1]`` (zeros if constant)."""
    flat = u.reshape(u.shape[0], -1)
    low, span = flat.min(axis=1), player_scales(u)
    shape = (-1,) + (1,) * (u.ndim - 1)
    return (u - low.reshape(shape)) / span.reshape(shape)


def _size_vectors(counts: list[int]) -> list[tuple[int, ...]]:
    """Support size vectors, smallest total first, then most balanced (PNS 2008)."""
    vectors = itertools.product(*(range(1, c + 1) for c in counts))
    return sorted(vectors, key=lambda s: (sum(s), max(s) - min(s), s))


def _chunks(
    dominance: ConditionalDominance, sizes: tuple[int, ...], deadline: float | None
) -> Iterator[list[Support]]:
    """Surviving support profiles of one size vector, in chunks of at most ``_CHUNK``.

    Stops early (after yielding what it has) once ``deadline`` has passed.
    """
    alive = dominance.alive
    choices = [itertools.combinations(a.tolist(), s) for a, s in zip(alive, sizes, strict=True)]
    chunk: list[Support] = []
    for count, support in enumerate(itertools.product(*choices)):
        if count % 4096 == 4095 and deadline is not None and time.monotonic() > deadline:
            break
        if not dominance.prunes(support):
            chunk.append(support)
            if len(chunk) == _CHUNK:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def _enumerate(
    u: np.ndarray,
    scaled: np.ndarray,
    alive: list[np.ndarray],
    tol: float,
    deadline: float | None,
    *,
    stop_at_first: bool,
) -> _Search:
    """Solve the support systems in PNS order; stop early if asked or out of time."""
    search = _Search()
    dominance = ConditionalDominance(scaled, alive, tol)

    def late() -> bool:
        search.timed_out = deadline is not None and time.monotonic() > deadline
        return search.timed_out

    for sizes in _size_vectors([len(a) for a in alive]):
        if late():
            return search
        for chunk in _chunks(dominance, sizes, deadline):
            if late():
                return search
            moves = [np.array([s[i] for s in chunk], dtype=np.intp) for i in range(len(sizes))]
            batch = build_batch(scaled, sizes, moves)
            outcome = solve_batch(u, batch, tol=tol, seed=SEED, deadline=deadline)
            search.candidates.extend(outcome.candidates)
            search.failed += outcome.failed
            search.singular += outcome.singular
            search.solved += len(chunk)
            if stop_at_first and search.candidates:
                return search
    return search


def _too_large(
    u: np.ndarray,
    scaled: np.ndarray,
    alive: list[np.ndarray],
    tol: float,
    n_profiles: int,
    max_profiles: int,
    deadline: float,
) -> EquilibriumSet:
    """Pure equilibria, or else the first equilibrium found, of a game too large to enumerate."""
    note = (
        f"the game has {n_profiles} pure profiles after removing strictly dominated moves, "
        f"more than max_profiles={max_profiles}: only "
    )
    profiles = pure_nash_profiles(u, tol)
    if profiles:
        search = _Search(candidates=[_pure_candidate(u.shape[1:], p) for p in profiles])
        note += "the pure equilibria are listed"
    else:
        search = _enumerate(u, scaled, alive, tol, deadline, stop_at_first=True)
        note += (
            "a small-supports-first search was run and stopped at the first equilibrium"
            if search.candidates
            else "a small-supports-first search was run and found no equilibrium in time"
        )
    return _result(u, search, tol, notes=(note + "; " + _INCOMPLETE,), enumerated=False)


def _pure_candidate(shape: tuple[int, ...], profile: tuple[int, ...]) -> Candidate:
    strategies = []
    for m, k in zip(shape, profile, strict=True):
        s = np.zeros(m)
        s[k] = 1.0
        strategies.append(s)
    return Candidate(tuple(strategies), isolated=True)


def _support_key(strategies: tuple[np.ndarray, ...]) -> tuple[int, tuple[int, ...]]:
    flags = np.concatenate([s > 0 for s in strategies])
    return int(flags.sum()), tuple(int(v) for v in np.flatnonzero(flags))


def _distinct(candidates: list[Candidate], tol: float) -> list[Candidate]:
    """Drop duplicates (same support, strategies within ``1e3 * tol``); isolated points first."""
    radius = max(1e3 * tol, 1e-8)
    groups: dict[tuple[int, ...], list[np.ndarray]] = {}
    kept: list[Candidate] = []
    for cand in sorted(candidates, key=lambda c: not c.isolated):
        flat = np.concatenate(cand.strategies)
        same = groups.setdefault(_support_key(cand.strategies)[1], [])
        if not same or np.min(np.max(np.abs(np.asarray(same) - flat), axis=1)) > radius:
            same.append(flat)
            kept.append(cand)
    return kept


def _payoff_equivalent_dropped(u: np.ndarray, kept: list[Candidate], tol: float) -> list[Candidate]:
    """Drop continuum points that add nothing: same payoffs as a listed smaller-support point.

    A point of a positive-dimensional solution set is dropped when an
    equilibrium already listed has its support inside the point's support and
    gives every player the same expected payoff (within ``tol`` times the
    payoff range). In a game with all payoffs equal, for example, only the
    pure profiles remain.
    """
    scale = payoff_range(u)
    listed: list[tuple[set[int], np.ndarray]] = []
    out = []
    for cand in sorted(kept, key=lambda c: (not c.isolated, _support_key(c.strategies)[0])):
        support = set(_support_key(cand.strategies)[1])
        value = expected_payoffs(u, cand.strategies)
        same = any(s <= support and np.max(np.abs(v - value)) <= tol * scale for s, v in listed)
        if cand.isolated or not same:
            out.append(cand)
            listed.append((support, value))
    return out


def _has_unused_best_reply(u: np.ndarray, strategies: tuple[np.ndarray, ...], tol: float) -> bool:
    scale = payoff_range(u)
    for p, s in enumerate(strategies):
        dev = deviation_payoffs(u, strategies, p)
        unused = s <= 0.0
        if np.any(unused) and np.max(dev[unused]) >= np.max(dev) - tol * scale:
            return True
    return False


def _equilibrium(u: np.ndarray, strategies: tuple[np.ndarray, ...]) -> Equilibrium:
    pure = all(np.count_nonzero(s) == 1 for s in strategies)
    return Equilibrium(
        strategies=strategies,
        payoffs=expected_payoffs(u, strategies),
        concept=nash_concept(pure),
        method=METHOD,
    )


def _sort_key(eq: Equilibrium) -> tuple[int, tuple[int, ...], tuple[float, ...]]:
    size, support = _support_key(eq.strategies)
    return size, support, tuple(-np.concatenate(eq.strategies))


def _degeneracy_note(continuum: bool, singular: bool, ties: bool) -> str | None:
    if continuum:
        return _CONTINUUM
    if singular:
        return _SINGULAR
    return _TIES if ties else None


def _result(
    u: np.ndarray, search: _Search, tol: float, notes: tuple[str, ...], *, enumerated: bool
) -> EquilibriumSet:
    """Deduplicate, verify and sort the candidates; decide completeness and degeneracy."""
    kept = _distinct(search.candidates, tol)
    continuum = any(not c.isolated for c in kept)
    listed = _payoff_equivalent_dropped(u, kept, tol)
    ties = any(_has_unused_best_reply(u, c.strategies, tol) for c in listed)
    eqs = verified(sorted((_equilibrium(u, c.strategies) for c in listed), key=_sort_key), u, tol)
    extra = list(notes)
    note = _degeneracy_note(continuum, search.singular > 0, ties)
    if note:
        extra.append(note)
    if search.failed:
        extra.append(f"{search.failed} support systems could not be solved reliably; {_INCOMPLETE}")
    if search.timed_out and enumerated:
        extra.append(f"time limit reached after {search.solved} support profiles; {_INCOMPLETE}")
    return EquilibriumSet(
        equilibria=eqs,
        method=METHOD,
        tol=tol,
        complete=enumerated and not (search.failed or search.timed_out or note),
        degenerate=note is not None,
        notes=tuple(extra),
        stopped_early=search.timed_out or not enumerated,
        fell_back=not enumerated,
    )
