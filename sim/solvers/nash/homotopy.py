"""Multihomogeneous homotopy continuation for batches of multilinear systems.

Every system of a batch has the same :class:`~sim.solvers.nash.multilinear.MultilinearStructure`.
Each group of homogeneous coordinates is fixed to a random affine patch
``c_g . x_g = 1`` (Sommese & Wampler 2005, "The Numerical Solution of Systems
of Polynomials", sec. 3.7), so a solution at infinity of the chart
``sum(x_g) = 1`` is still a finite point of the patch and no path diverges.

Start system (linear-product homotopy, Sommese & Wampler 2005, sec. 8.4.3;
McKelvey & McLennan 1996, "Computation of equilibria in finite games",
Handbook of Computational Economics vol. 1, sec. 6): equation ``r`` becomes a
product of random linear forms, one per group in which it has degree one.
That product is itself multilinear (a rank-one coefficient tensor), so start
and target systems are evaluated by the same code. The start solutions make
one factor of each equation vanish, ``s_g - 1`` equations per group; there
are as many as the multihomogeneous Bezout number.

Homotopy ``H(x, t) = (1 - t) * gamma * G(x) + t * F(x)`` with a fixed random
complex ``gamma`` (the gamma trick, Sommese & Wampler 2005, sec. 7.1): with
probability one every path is smooth for ``t < 1`` and every isolated root of
``F`` ends a path. All paths of all systems of a batch are tracked together:
a fourth-order Runge-Kutta predictor, up to three Newton corrector steps that
must converge quadratically, and a step size per path. Endpoints get a few
Newton steps at ``t = 1``; the caller classifies them.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.arrays import ComplexArray, FloatArray, IndexArray
from sim.solvers.nash.multilinear import MultilinearStructure, bezout_assignments, evaluate, values

__all__ = ["PathEnds", "StartSystem", "TrackSettings", "refine", "start_system", "track"]

Blocks = Sequence[np.ndarray]


@dataclass(frozen=True)
class StartSystem:
    """A linear-product start system with its patch, gamma and solutions.

    Attributes
    ----------
    coeffs
        Per block, ``(1, E, s_...)`` rank-one coefficient tensors times ``gamma``.
    patch
        ``(n_groups, N)`` patch rows ``c_g`` (zero outside group ``g``).
    solutions
        ``(n_start, N)`` start solutions.
    """

    coeffs: tuple[ComplexArray, ...]
    patch: ComplexArray
    solutions: ComplexArray


def _complex_normal(rng: np.random.Generator, size: tuple[int, ...]) -> ComplexArray:
    return (rng.standard_normal(size) + 1j * rng.standard_normal(size)) / np.sqrt(2.0)


def start_system(structure: MultilinearStructure, rng: np.random.Generator) -> StartSystem:
    """Random linear-product start system for ``structure`` and all its solutions."""
    n_rows = structure.n_rows
    forms = [_complex_normal(rng, (n_rows, s)) for s in structure.group_sizes]
    patch = np.zeros((len(structure.group_sizes), structure.n_vars), dtype=np.complex128)
    for g, sl in enumerate(structure.slices):
        patch[g, sl] = _complex_normal(rng, (structure.group_sizes[g],))
    gamma = np.exp(2j * np.pi * rng.uniform())
    coeffs = []
    for rows, involved in zip(structure.row_slices, structure.block_groups, strict=True):
        w = np.ones((rows.stop - rows.start,), dtype=np.complex128)
        for g in involved:
            form = forms[g][rows]
            w = w[..., None] * form.reshape((form.shape[0], *(1,) * (w.ndim - 1), -1))
        coeffs.append(gamma * w[None])
    assignments = bezout_assignments(structure)
    solutions = np.zeros((len(assignments), structure.n_vars), dtype=np.complex128)
    for k, choice in enumerate(assignments):
        for g, sl in enumerate(structure.slices):
            chosen = [r for r, h in enumerate(choice) if h == g]
            mat = np.vstack([forms[g][chosen], patch[g, sl][None]])
            rhs = np.zeros(structure.group_sizes[g], dtype=np.complex128)
            rhs[-1] = 1.0
            solutions[k, sl] = np.linalg.solve(mat, rhs)
    return StartSystem(tuple(coeffs), patch, solutions)


@dataclass(frozen=True)
class TrackSettings:
    """Step-size control of the path tracker (steps in units of ``t``).

    Attributes
    ----------
    h_init, h_max, h_min
        First, largest and smallest step. A path whose step falls below
        ``h_min`` stops: it fails unless it is within ``endgame`` of ``t = 1``
        (a singular endpoint, refined and classified by the caller).
    corrector_tol
        Newton corrections must fall below this (relative to ``1 + |x|``).
    grow_after
        The step doubles after this many consecutive successes; it halves
        after every failure.
    max_iterations
        Cap on predictor-corrector rounds; unfinished paths fail.
    """

    h_init: float = 0.05
    h_max: float = 0.1
    h_min: float = 1e-13
    corrector_tol: float = 1e-8
    grow_after: int = 2
    endgame: float = 1e-4
    max_iterations: int = 4000


@dataclass(frozen=True)
class PathEnds:
    """Where the paths ended.

    Attributes
    ----------
    x
        ``(P, N)`` endpoints in patch coordinates.
    owner
        ``(P,)`` system index of each path (paths of a system are contiguous).
    failed
        ``(P,)`` True for a path that stopped before ``t = 1`` (step size
        underflow well before the end, iteration cap or deadline).
    """

    x: ComplexArray
    owner: IndexArray
    failed: npt.NDArray[np.bool_]


def _solve(mat: ComplexArray, rhs: ComplexArray) -> ComplexArray:
    """Batched ``mat^-1 rhs``; pseudo-inverse if some matrix is exactly singular."""
    try:
        out = np.linalg.solve(mat, rhs[..., None])[..., 0]
    except np.linalg.LinAlgError:
        out = np.einsum("pij,pj->pi", np.linalg.pinv(mat), rhs)
    return np.asarray(out, dtype=np.complex128)


class _Homotopy:
    """``H``, ``H_x`` and ``H_t`` for the paths of one batch."""

    def __init__(self, structure: MultilinearStructure, start: StartSystem) -> None:
        self.structure = structure
        self.start = start
        self.m = structure.n_rows

    def blend(self, target: Blocks, t: FloatArray) -> list[ComplexArray]:
        """Coefficients of ``H(., t)`` per path: ``t F + (1 - t) gamma G``."""
        out = []
        for f, g in zip(target, self.start.coeffs, strict=True):
            tt = t.reshape((-1,) + (1,) * (f.ndim - 1))
            out.append(tt * f + (1.0 - tt) * g)
        return out

    def system(self, coeffs: Blocks, x: ComplexArray) -> tuple[ComplexArray, ComplexArray]:
        """Values ``(P, N)`` and Jacobians ``(P, N, N)`` including the patch rows."""
        vals, jac_rows = evaluate(self.structure, coeffs, x)
        h = np.empty(x.shape, dtype=np.complex128)
        h[:, : self.m] = vals
        h[:, self.m :] = x @ self.start.patch.T - 1.0
        jac = np.empty((x.shape[0], x.shape[1], x.shape[1]), dtype=np.complex128)
        jac[:, : self.m] = jac_rows
        jac[:, self.m :] = self.start.patch
        return h, jac

    def velocity(
        self, target: Blocks, diff: Blocks, x: ComplexArray, t: FloatArray
    ) -> ComplexArray:
        """``dx/dt = -H_x^-1 H_t``; ``diff`` holds the coefficients ``F - gamma G`` of ``H_t``."""
        _, jac = self.system(self.blend(target, t), x)
        ht = np.zeros(x.shape, dtype=np.complex128)
        ht[:, : self.m] = values(self.structure, diff, x)
        return -_solve(jac, ht)


def _rk4(
    hom: _Homotopy, target: Blocks, x: ComplexArray, t: FloatArray, h: FloatArray
) -> ComplexArray:
    diff = [f - g for f, g in zip(target, hom.start.coeffs, strict=True)]
    hc = h[:, None]
    k1 = hom.velocity(target, diff, x, t)
    k2 = hom.velocity(target, diff, x + 0.5 * hc * k1, t + 0.5 * h)
    k3 = hom.velocity(target, diff, x + 0.5 * hc * k2, t + 0.5 * h)
    k4 = hom.velocity(target, diff, x + hc * k3, t + h)
    return x + hc * (k1 + 2.0 * k2 + 2.0 * k3 + k4) / 6.0


def _correct(
    hom: _Homotopy, target: Blocks, x: ComplexArray, t: FloatArray, tol: float
) -> tuple[ComplexArray, npt.NDArray[np.bool_]]:
    """Up to three Newton steps at fixed ``t``.

    A point is accepted when a correction falls below ``tol`` (relative to
    ``1 + |x|``) and every correction after the first is at most a quarter of
    the previous one (quadratic convergence, which keeps the corrector from
    jumping to a neighbouring path).
    """
    x = x.copy()
    ok = np.zeros(x.shape[0], dtype=bool)
    live = np.arange(x.shape[0])
    prev = np.full(x.shape[0], np.inf)
    coeffs = hom.blend(target, t)
    for k in range(3):
        h, jac = hom.system([c[live] for c in coeffs], x[live])
        dx = _solve(jac, h)
        x[live] -= dx
        d = np.linalg.norm(dx, axis=1)
        small = d <= tol * (1.0 + np.linalg.norm(x[live], axis=1))
        contracting = d <= 0.25 * prev[live] if k else np.ones(live.size, dtype=bool)
        done = small & contracting & np.all(np.isfinite(x[live]), axis=1)
        ok[live[done]] = True
        prev[live] = d
        live = live[~done & contracting]
        if live.size == 0:
            break
    return x, ok


def track(
    structure: MultilinearStructure,
    target: Blocks,
    start: StartSystem,
    *,
    settings: TrackSettings | None = None,
    deadline: float | None = None,
) -> PathEnds:
    """Track every start solution for each of the ``B`` target systems.

    Parameters
    ----------
    structure
        Common shape of the systems.
    target
        Per block, ``(B, E, s_...)`` coefficients of the target systems.
    start
        Start system built for ``structure``.
    settings
        Step-size control; defaults to :class:`TrackSettings`.
    deadline
        ``time.monotonic()`` value after which unfinished paths are failed.

    Returns
    -------
    PathEnds
        Endpoints at ``t = 1`` (or where a path stopped), not yet refined.
    """
    cfg = settings or TrackSettings()
    n_start, n_systems = start.solutions.shape[0], target[0].shape[0]
    x = np.tile(start.solutions, (n_systems, 1))
    owner = np.repeat(np.arange(n_systems, dtype=np.intp), n_start)
    t = np.zeros(x.shape[0])
    h = np.full(x.shape[0], cfg.h_init)
    streak = np.zeros(x.shape[0], dtype=np.intp)
    failed = np.zeros(x.shape[0], dtype=bool)
    active = np.ones(x.shape[0], dtype=bool)
    hom = _Homotopy(structure, start)
    for _ in range(cfg.max_iterations):
        idx = np.flatnonzero(active)
        if idx.size == 0 or (deadline is not None and time.monotonic() > deadline):
            break
        coeffs = [w[owner[idx]] for w in target]
        step = np.minimum(h[idx], 1.0 - t[idx])
        t1 = t[idx] + step
        pred = _rk4(hom, coeffs, x[idx], t[idx], step)
        new, ok = _correct(hom, coeffs, pred, t1, cfg.corrector_tol)
        good, bad = idx[ok], idx[~ok]
        x[good], t[good] = new[ok], t1[ok]
        streak[good] += 1
        grow = good[streak[good] >= cfg.grow_after]
        h[grow] = np.minimum(2.0 * h[grow], cfg.h_max)
        streak[grow] = 0
        h[bad] *= 0.5
        streak[bad] = 0
        active[good[t[good] >= 1.0]] = False
        stuck = bad[h[bad] < cfg.h_min]
        active[stuck] = False
        failed[stuck[t[stuck] < 1.0 - cfg.endgame]] = True
    failed |= active
    return PathEnds(x=x, owner=owner, failed=failed)


def refine(
    structure: MultilinearStructure,
    target: Blocks,
    start: StartSystem,
    ends: PathEnds,
    *,
    iterations: int = 4,
) -> ComplexArray:
    """Newton steps on ``F = 0`` plus the patch rows, at ``t = 1``.

    A point keeps its refinement only if the last correction is below
    ``1e-10`` (relative); points near singular roots, where Newton's method
    stalls or wanders, are returned unchanged for the caller to project.
    """
    hom = _Homotopy(structure, start)
    coeffs = [w[ends.owner] for w in target]
    y = ends.x.copy()
    d = np.full(y.shape[0], np.inf)
    for _ in range(iterations):
        h, jac = hom.system(coeffs, y)
        dx = _solve(jac, h)
        dx = np.where(np.isfinite(dx), dx, np.inf)
        y = y - dx
        d = np.linalg.norm(dx, axis=1)
    size = np.linalg.norm(np.where(np.isfinite(y), y, 0.0), axis=1)
    good = d <= 1e-10 * (1.0 + size)
    return np.where(good[:, None], y, ends.x)
