"""Equilibrium candidates from the indifference systems of a batch of supports.

Each support profile's indifference system (:mod:`sim.solvers.nash.indifference_system`)
is solved in one of two ways:

* structurally square systems (positive multihomogeneous Bezout number and no
  equation that vanishes identically): linear ones (each equation involves
  one other player) by one least-squares step, three bilinear equations in
  three unknowns in closed form (:mod:`sim.solvers.nash.bilinear_elimination`),
  and all others by homotopy continuation
  (:mod:`sim.solvers.nash.homotopy`), which finds every isolated solution
  (Sommese & Wampler 2005, "The Numerical Solution of Systems of
  Polynomials", ch. 7-8; McKelvey & McLennan 1996, "Computation of equilibria
  in finite games", sec. 6). A system whose paths do not all end (or of which
  two paths end at the same regular root, a sign of path jumping) is tracked
  again with a new ``gamma`` and smaller steps, twice at most, and otherwise
  counted as failed;
* deficient systems (Bezout number zero or an identically vanishing equation,
  possible only with payoff ties) have no isolated solution; every solution
  lies on a positive-dimensional set. A few real Gauss-Newton projections
  (from the barycentre of the supports and two random interior points) find
  some of its points.

Real endpoints inside the product of simplices are polished in float64,
clipped, mapped to the full game and kept only when their regret, relative
to the payoff range, is at most ``tol`` (the outside-support inequalities).
A candidate is *isolated* when it is a regular root (Jacobian reciprocal
condition number above ``1e-8``) of a structurally square system.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from sim.arrays import BoolArray, IndexArray
from sim.scales import player_scales
from sim.solvers.nash import bilinear_elimination
from sim.solvers.nash.homotopy import StartSystem, TrackSettings, refine, start_system, track
from sim.solvers.nash.indifference_system import IndifferenceBatch, polish
from sim.solvers.nash.multilinear import bezout_assignments, evaluate

__all__ = ["BatchOutcome", "Candidate", "solve_batch"]

#: Reciprocal condition number below which a root counts as singular.
SINGULAR_RCOND = 1e-8
#: Relative size of ``sum(x_g)`` below which a homogeneous point is at infinity.
_AT_INFINITY = 1e-8
#: Largest imaginary part of a regular endpoint that is taken to be real.
_REAL_TOL = 1e-6
#: Two regular endpoints of one system closer than this mean path jumping.
_SAME_ROOT = 1e-6
_ATTEMPTS = 3
_SAMPLES = 3


@dataclass(frozen=True)
class Candidate:
    """A verified equilibrium found on one support profile.

    Attributes
    ----------
    strategies
        Full-game probability vectors (entries at most ``tol`` set to zero).
    isolated
        True for a regular root of a structurally square system; False for a
        point of a positive-dimensional (or singular) solution set.
    """

    strategies: tuple[npt.NDArray[np.float64], ...]
    isolated: bool


@dataclass
class BatchOutcome:
    """What one batch produced.

    Attributes
    ----------
    candidates
        Verified equilibria found.
    failed
        Systems whose paths could not all be accounted for (after retries).
    singular
        Finite homotopy endpoints with a singular Jacobian (multiple roots or
        points of positive-dimensional solution sets; none in a generic game).
    """

    candidates: list[Candidate] = field(default_factory=list)
    failed: int = 0
    singular: int = 0


@dataclass(frozen=True)
class _Context:
    payoffs: np.ndarray
    tol: float
    seed: int
    deadline: float | None


def solve_batch(
    payoffs: np.ndarray,
    batch: IndifferenceBatch,
    *,
    tol: float,
    seed: int,
    deadline: float | None,
) -> BatchOutcome:
    """Solve every support system of ``batch`` and return verified candidates.

    Parameters
    ----------
    payoffs
        Original payoff tensor (used for the regret check).
    batch
        Support profiles of one size vector, with coefficients built from the
        payoffs rescaled to ``[0, 1]`` per player.
    tol
        Regret tolerance (relative to the payoff range), probability and
        coefficient tolerance.
    seed
        Seed of the random start systems, patches and ``gamma``.
    deadline
        ``time.monotonic()`` limit; unfinished paths count as failures.
    """
    ctx = _Context(payoffs, tol, seed, deadline)
    out = BatchOutcome()
    if not batch.mixing:
        out.candidates.extend(_pure_candidates(ctx, batch))
        return out
    deficient = batch.zero_rows(tol)
    if not bezout_assignments(batch.structure):
        deficient[:] = True
    _sample(ctx, batch, np.flatnonzero(deficient), out)
    square = np.flatnonzero(~deficient)
    if batch.structure.is_linear:
        _linear(ctx, batch, square, out)
        return out
    if bilinear_elimination.applies(batch.structure.group_sizes):
        square = _eliminate(ctx, batch, square, out)
    _homotopy(ctx, batch, square, out)
    return out


def _eliminate(
    ctx: _Context, batch: IndifferenceBatch, systems: IndexArray, out: BatchOutcome
) -> IndexArray:
    """Closed-form solutions of three-bilinear systems; returns the systems left over."""
    if systems.size == 0:
        return systems
    points, owner, unresolved = bilinear_elimination.solve(tuple(w[systems] for w in batch.coeffs))
    regular = np.ones(owner.size, dtype=bool)
    out.candidates.extend(c for _, c in _harvest(ctx, batch, points, systems[owner], regular))
    return systems[unresolved]


def _barycentres(batch: IndifferenceBatch, count: int) -> np.ndarray:
    return np.concatenate(
        [np.full((count, size), 1.0 / size) for size in batch.structure.group_sizes], axis=1
    )


def _linear(
    ctx: _Context, batch: IndifferenceBatch, systems: IndexArray, out: BatchOutcome
) -> None:
    """Systems whose equations each involve one group are linear: one Gauss-Newton step."""
    if systems.size:
        x = _barycentres(batch, systems.size)
        regular = np.ones(systems.size, dtype=bool)
        out.candidates.extend(c for _, c in _harvest(ctx, batch, x, systems, regular))


def _pure_candidates(ctx: _Context, batch: IndifferenceBatch) -> list[Candidate]:
    owner = np.arange(batch.n_systems)
    profiles = _full_profiles(ctx.payoffs.shape[1:], batch, np.zeros((owner.size, 0)), owner, 0)
    good = _relative_regrets(ctx.payoffs, profiles) <= ctx.tol
    return [Candidate(tuple(p[b] for p in profiles), True) for b in np.flatnonzero(good)]


def _sample(
    ctx: _Context, batch: IndifferenceBatch, systems: IndexArray, out: BatchOutcome
) -> None:
    """Gauss-Newton projections from interior points of deficient systems.

    Starts from the barycentre of the supports, then from random interior
    points for systems still without a solution; one point per system is kept.
    """
    rng = np.random.default_rng([ctx.seed, 7, *batch.sizes])
    pending = systems
    for k in range(_SAMPLES):
        if pending.size == 0:
            return
        if k == 0:
            x = _barycentres(batch, pending.size)
        else:
            sizes = batch.structure.group_sizes
            x = np.concatenate([rng.dirichlet(np.ones(s), size=pending.size) for s in sizes], 1)
        found = _harvest(ctx, batch, x, pending, np.zeros(pending.size, dtype=bool))
        out.candidates.extend(c for _, c in found)
        pending = np.setdiff1d(pending, [b for b, _ in found])


def _homotopy(
    ctx: _Context, batch: IndifferenceBatch, systems: IndexArray, out: BatchOutcome
) -> None:
    """Track all paths of the square systems, retrying systems that misbehave."""
    pending = systems
    structure = batch.structure
    for attempt in range(_ATTEMPTS):
        if pending.size == 0:
            return
        rng = np.random.default_rng([ctx.seed, attempt, *batch.sizes])
        start = start_system(structure, rng)
        settings = TrackSettings(h_max=0.1 / 4**attempt, h_init=0.05 / 4**attempt)
        x, owner, failed = _track(ctx, batch, start, pending, settings)
        regular = _regular(batch, start, x, owner)
        bad = _misbehaving(batch.n_systems, start, x, owner, failed, regular)
        last = attempt == _ATTEMPTS - 1
        keep = ~bad[owner] if not last else np.ones(owner.size, dtype=bool)
        _harvest_endpoints(ctx, batch, x[keep], owner[keep], regular[keep], out)
        pending = np.flatnonzero(bad)
    out.failed += int(pending.size)


def _track(
    ctx: _Context,
    batch: IndifferenceBatch,
    start: StartSystem,
    systems: IndexArray,
    settings: TrackSettings,
) -> tuple[np.ndarray, IndexArray, BoolArray]:
    """Track and refine the paths of ``systems``; owners are batch indices."""
    target = [w[systems] for w in batch.coeffs]
    structure = batch.structure
    ends = track(structure, target, start, settings=settings, deadline=ctx.deadline)
    x = refine(structure, target, start, ends)
    return x, systems[ends.owner], ends.failed


def _jacobian_rcond(
    batch: IndifferenceBatch, start: StartSystem, x: np.ndarray, owner: IndexArray
) -> npt.NDArray[np.float64]:
    _, jf = evaluate(batch.structure, [w[owner] for w in batch.coeffs], x)
    patch = np.broadcast_to(start.patch, (x.shape[0], *start.patch.shape))
    sv = np.linalg.svd(np.concatenate([jf, patch], axis=1), compute_uv=False)
    return np.asarray(sv[:, -1] / np.maximum(sv[:, 0], 1e-300))


def _regular(
    batch: IndifferenceBatch, start: StartSystem, x: np.ndarray, owner: IndexArray
) -> BoolArray:
    finite = np.all(np.isfinite(x), axis=1)
    out = np.zeros(owner.size, dtype=bool)
    if np.any(finite):
        out[finite] = _jacobian_rcond(batch, start, x[finite], owner[finite]) > SINGULAR_RCOND
    return out


def _misbehaving(
    n_systems: int,
    start: StartSystem,
    x: np.ndarray,
    owner: IndexArray,
    failed: BoolArray,
    regular: BoolArray,
) -> BoolArray:
    """``(B,)`` True for systems with a failed path or two paths at one regular root."""
    bad = np.zeros(n_systems, dtype=bool)
    bad[owner[failed | ~np.all(np.isfinite(x), axis=1)]] = True
    n_start = start.solutions.shape[0]
    if n_start < 2:
        return bad
    xs = x.reshape(-1, n_start, x.shape[1])
    reg = regular.reshape(-1, n_start)
    scale = 1.0 + np.max(np.abs(xs), axis=2)
    dist = np.max(np.abs(xs[:, :, None] - xs[:, None, :]), axis=3) / scale[:, :, None]
    both = reg[:, :, None] & reg[:, None, :] & ~np.eye(n_start, dtype=bool)[None]
    bad[owner[::n_start][np.any(both & (dist < _SAME_ROOT), axis=(1, 2))]] = True
    return bad


def _affine(batch: IndifferenceBatch, x: np.ndarray) -> tuple[np.ndarray, BoolArray]:
    """Divide each group by its coordinate sum; flag points at infinity."""
    structure = batch.structure
    y = np.array(x, dtype=np.complex128)
    finite = np.all(np.isfinite(x), axis=1)
    for cols in structure.slices:
        total = x[:, cols].sum(axis=1)
        size = np.linalg.norm(x[:, cols], axis=1)
        ok = np.abs(total) > _AT_INFINITY * size
        finite &= ok
        y[:, cols] = x[:, cols] / np.where(ok, total, 1.0)[:, None]
    return y, finite


def _harvest_endpoints(
    ctx: _Context,
    batch: IndifferenceBatch,
    x: np.ndarray,
    owner: IndexArray,
    regular: BoolArray,
    out: BatchOutcome,
) -> None:
    """Candidates from homotopy endpoints: finite ones, real ones if regular."""
    y, finite = _affine(batch, x)
    realish = np.max(np.abs(y.imag), axis=1, initial=0.0) <= _REAL_TOL
    use = finite & (realish | ~regular)
    out.singular += int(np.count_nonzero(finite & ~regular))
    out.candidates.extend(c for _, c in _harvest(ctx, batch, y[use].real, owner[use], regular[use]))


def _harvest(
    ctx: _Context, batch: IndifferenceBatch, x: np.ndarray, owner: IndexArray, regular: BoolArray
) -> list[tuple[int, Candidate]]:
    """Polish real points and keep the equilibria as ``(system, candidate)`` pairs.

    A point is kept when the polished residual is at most ``max(tol, 1e-12)``,
    every probability is at least ``-tol`` and, after entries at most ``tol``
    are zeroed and the rest renormalised, its regret relative to the payoff
    range is at most ``tol``.
    """
    if owner.size == 0:
        return []
    pol = polish(batch, x, owner)
    ok = (pol.residual <= max(ctx.tol, 1e-12)) & (pol.x.min(axis=1) >= -ctx.tol)
    isolated = regular & (pol.rcond > SINGULAR_RCOND)
    idx = np.flatnonzero(ok)
    profiles = _full_profiles(ctx.payoffs.shape[1:], batch, pol.x[idx], owner[idx], ctx.tol)
    good = _relative_regrets(ctx.payoffs, profiles) <= ctx.tol
    return [
        (int(owner[k]), Candidate(tuple(p[row] for p in profiles), bool(isolated[k])))
        for row, k in enumerate(idx)
        if good[row]
    ]


def _full_profiles(
    shape: tuple[int, ...], batch: IndifferenceBatch, x: np.ndarray, owner: IndexArray, tol: float
) -> list[np.ndarray]:
    """Per player ``(K, m_i)`` full-game strategies; entries at most ``tol`` zeroed."""
    parts = dict(zip(batch.mixing, batch.structure.slices, strict=True))
    out = []
    for i, m in enumerate(shape):
        s = np.zeros((x.shape[0], m))
        cols = batch.moves[i][owner]
        if i in parts:
            q = x[:, parts[i]]
            q = np.where(q > tol, q, 0.0)
            total = q.sum(axis=1, keepdims=True)
            q = np.where(total > 0, q / np.where(total > 0, total, 1.0), 1.0 / q.shape[1])
            np.put_along_axis(s, cols, q, axis=1)
        else:
            np.put_along_axis(s, cols, 1.0, axis=1)
        out.append(s)
    return out


def _relative_regrets(payoffs: np.ndarray, profiles: list[np.ndarray]) -> np.ndarray:
    """``(K,)`` largest gain from a pure deviation, each divided by its player's payoff scale."""
    n = len(profiles)
    if profiles[0].shape[0] == 0:
        return np.zeros(0)
    letters = "abcdefghijklmnopqrstuvwxy"[:n]
    worst = np.zeros(profiles[0].shape[0])
    scales = player_scales(payoffs)
    for i in range(n):
        others = [j for j in range(n) if j != i]
        if others:
            spec = letters + "," + ",".join("z" + letters[j] for j in others) + "->z" + letters[i]
            dev = np.einsum(spec, payoffs[i], *(profiles[j] for j in others), optimize=True)
        else:  # a one-player game
            dev = np.broadcast_to(payoffs[i], profiles[i].shape)
        gain = dev.max(axis=1) - np.einsum("zk,zk->z", dev, profiles[i])
        worst = np.maximum(worst, gain / scales[i])
    return worst
