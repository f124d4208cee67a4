"""Multihomogeneous homotopy continuation for square multilinear systems.

The systems solved here come in batches that share one *structure*: the
unknowns are split into groups of homogeneous coordinates ``x_g`` (one group
per mixing player, ``s_g`` coordinates each) and every equation has degree 0
or 1 in each group. Each group is fixed to a random affine patch
``c_g . x_g = 1`` (Sommese & Wampler 2005, "The Numerical Solution of Systems
of Polynomials", sec. 3.7), so a point at infinity of the affine chart
``sum(x_g) = 1`` is still a finite point of the patch and no path diverges.

Start system (Sommese & Wampler 2005, sec. 8.4.3 linear-product homotopies;
McKelvey & McLennan 1996, "Computation of equilibria in finite games",
Handbook of Computational Economics vol. 1, sec. 6): equation ``r`` becomes a
product of random linear forms, one per group in which it has degree one. Its
solutions are found by choosing, for each equation, the group whose factor
vanishes, with exactly ``s_g - 1`` equations per group; their number is the
multihomogeneous Bezout number, which bounds the number of isolated solutions
of every system with the structure.

Homotopy ``H(x, t) = (1 - t) * gamma * G(x) + t * F(x)`` with a fixed random
complex ``gamma`` (the "gamma trick", Sommese & Wampler 2005, sec. 7.1): with
probability one every path is smooth for ``t < 1`` and every isolated
solution of ``F`` ends some path. All paths of all systems of a batch are
tracked at once with numpy: a fourth-order Runge-Kutta predictor, three
Newton corrector steps and a step size per path. Endpoints are refined with
Gauss-Newton steps at ``t = 1``; the caller classifies them (finite or at
infinity, real or not, regular or singular).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

__all__ = [
    "MultilinearStructure",
    "PathEnds",
    "StartSystem",
    "TrackSettings",
    "refine",
    "start_system",
    "track",
]

CArray = npt.NDArray[np.complex128]
FArray = npt.NDArray[np.float64]
IArray = npt.NDArray[np.intp]
#: ``target(x, owner) -> (F, J)``: values ``(P, M)`` and Jacobians ``(P, M, N)``
#: of the equations of system ``owner[p]`` at ``x[p]``.
Target = Callable[[CArray, IArray], tuple[CArray, CArray]]


@dataclass(frozen=True)
class MultilinearStructure:
    """Shape of a square multilinear system in homogeneous coordinates.

    Attributes
    ----------
    group_sizes
        Number of homogeneous coordinates of each group (at least 2).
    row_groups
        For each equation, the groups in which it has degree one.
    """

    group_sizes: tuple[int, ...]
    row_groups: tuple[tuple[int, ...], ...]

    def __post_init__(self) -> None:
        if len(self.row_groups) != sum(s - 1 for s in self.group_sizes):
            raise ValueError("a square system needs sum(s_g - 1) equations")

    @property
    def n_vars(self) -> int:
        """Total number of homogeneous coordinates."""
        return sum(self.group_sizes)

    @property
    def is_linear(self) -> bool:
        """True when no equation involves more than one group."""
        return all(len(groups) <= 1 for groups in self.row_groups)

    @cached_property
    def slices(self) -> tuple[slice, ...]:
        """Columns of each group."""
        ends = np.cumsum(self.group_sizes)
        return tuple(slice(int(e) - s, int(e)) for e, s in zip(ends, self.group_sizes, strict=True))

    def columns(self, g: int) -> slice:
        """Columns of group ``g``."""
        return self.slices[g]


def bezout_assignments(structure: MultilinearStructure) -> list[tuple[int, ...]]:
    """Every way to give each equation one of its groups, ``s_g - 1`` equations per group.

    Their number is the multihomogeneous Bezout number of the structure
    (Sommese & Wampler 2005, sec. 8.4.2); it is zero when some set of
    equations involves too few unknowns, in which case a system with the
    structure has no isolated solution.
    """
    capacity = [s - 1 for s in structure.group_sizes]
    rows = structure.row_groups
    out: list[tuple[int, ...]] = []
    chosen: list[int] = []

    def extend(r: int) -> None:
        if r == len(rows):
            out.append(tuple(chosen))
            return
        for g in rows[r]:
            if capacity[g] > 0:
                capacity[g] -= 1
                chosen.append(g)
                extend(r + 1)
                chosen.pop()
                capacity[g] += 1

    extend(0)
    return out


@dataclass(frozen=True)
class StartSystem:
    """A linear-product start system, its patch, gamma and its solutions.

    Attributes
    ----------
    structure
        The structure the start system matches.
    forms
        ``(n_groups, M, N)``: the linear form of equation ``r`` in group ``g``
        (zero outside the group's columns, and zero if ``r`` does not involve ``g``).
    involved
        ``(M, n_groups)`` bool: equation ``r`` has degree one in group ``g``.
    patch
        ``(n_groups, N)``: patch rows ``c_g`` (zero outside the group).
    gamma
        The random complex constant of the gamma trick.
    solutions
        ``(n_start, N)`` start solutions.
    """

    structure: MultilinearStructure
    forms: CArray
    involved: npt.NDArray[np.bool_]
    patch: CArray
    gamma: complex
    solutions: CArray

    def evaluate(self, x: CArray) -> tuple[CArray, CArray]:
        """Values ``(P, M)`` and Jacobians ``(P, M, N)`` of the start equations."""
        n_groups, n_rows, n_vars = self.forms.shape
        lin = (x @ self.forms.reshape(-1, n_vars).T).reshape(-1, n_groups, n_rows)
        lin = np.where(self.involved.T[None], lin, 1.0)
        # others[:, g] = product of the factors of every group but g (prefix * suffix).
        others = np.empty_like(lin)
        acc = np.ones_like(lin[:, 0])
        for g in range(n_groups):
            others[:, g] = acc
            acc = acc * lin[:, g]
        values = acc
        acc = np.ones_like(lin[:, 0])
        for g in reversed(range(n_groups)):
            others[:, g] *= acc
            acc = acc * lin[:, g]
        jac = np.matmul(others.transpose(2, 0, 1), self.forms.transpose(1, 0, 2))
        return values, jac.transpose(1, 0, 2)


def start_system(structure: MultilinearStructure, rng: np.random.Generator) -> StartSystem:
    """Random linear-product start system for ``structure`` and all its solutions."""
    n_groups, n_vars, n_rows = len(structure.group_sizes), structure.n_vars, len(structure.row_groups)
    involved = np.zeros((n_rows, n_groups), dtype=bool)
    for r, groups in enumerate(structure.row_groups):
        involved[r, list(groups)] = True
    forms = np.zeros((n_groups, n_rows, n_vars), dtype=np.complex128)
    patch = np.zeros((n_groups, n_vars), dtype=np.complex128)
    for g in range(n_groups):
        cols = structure.columns(g)
        size = (n_rows, structure.group_sizes[g])
        forms[g][:, cols] = _complex_normal(rng, size) * involved[:, g : g + 1]
        patch[g, cols] = _complex_normal(rng, (structure.group_sizes[g],))
    gamma = complex(np.exp(2j * np.pi * rng.uniform()))
    assignments = bezout_assignments(structure)
    solutions = np.zeros((len(assignments), n_vars), dtype=np.complex128)
    for k, choice in enumerate(assignments):
        for g in range(n_groups):
            cols = structure.columns(g)
            rows = [r for r, h in enumerate(choice) if h == g]
            mat = np.vstack([forms[g][rows][:, cols], patch[g, cols][None]])
            rhs = np.zeros(structure.group_sizes[g], dtype=np.complex128)
            rhs[-1] = 1.0
            solutions[k, cols] = np.linalg.solve(mat, rhs)
    return StartSystem(structure, forms, involved, patch, gamma, solutions)


def _complex_normal(rng: np.random.Generator, size: tuple[int, ...]) -> CArray:
    return (rng.standard_normal(size) + 1j * rng.standard_normal(size)) / np.sqrt(2.0)


@dataclass(frozen=True)
class TrackSettings:
    """Step-size control of the path tracker (all in units of ``t``)."""

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
        ``(P,)`` system index of each path.
    failed
        ``(P,)`` True for a path that stopped before ``t = 1`` (step-size
        underflow well before the end, non-finite values, or time out).
    """

    x: CArray
    owner: IArray
    failed: npt.NDArray[np.bool_]


def _solve(mat: CArray, rhs: CArray) -> CArray:
    """Batched ``mat^-1 rhs``; pseudo-inverse where a matrix is singular."""
    try:
        return np.linalg.solve(mat, rhs[..., None])[..., 0]
    except np.linalg.LinAlgError:
        return np.einsum("pij,pj->pi", np.linalg.pinv(mat), rhs)


class _Homotopy:
    """``H(x, t)``, its Jacobian in ``x`` and its derivative in ``t``."""

    def __init__(self, target: Target, start: StartSystem) -> None:
        self.target = target
        self.start = start
        self.n_rows = start.forms.shape[1]

    def jacobian(self, x: CArray, t: FArray, owner: IArray) -> tuple[CArray, CArray, CArray]:
        """``H_x`` ``(P, N, N)`` and the equation parts of ``F`` and ``gamma * G``."""
        f, jf = self.target(x, owner)
        g, jg = self.start.evaluate(x)
        g *= self.start.gamma
        a = (1.0 - t)[:, None, None] * self.start.gamma
        jac = np.empty((x.shape[0], x.shape[1], x.shape[1]), dtype=np.complex128)
        jac[:, : self.n_rows] = a * jg + t[:, None, None] * jf
        jac[:, self.n_rows :] = self.start.patch
        return jac, f, g

    def residual(self, x: CArray, t: FArray, f: CArray, g: CArray) -> CArray:
        """``H(x, t)`` from the parts returned by :meth:`jacobian`."""
        h = np.empty(x.shape, dtype=np.complex128)
        h[:, : self.n_rows] = (1.0 - t)[:, None] * g + t[:, None] * f
        h[:, self.n_rows :] = x @ self.start.patch.T - 1.0
        return h

    def velocity(self, x: CArray, t: FArray, owner: IArray) -> CArray:
        """``dx/dt = -H_x^-1 H_t`` along the path."""
        jac, f, g = self.jacobian(x, t, owner)
        ht = np.zeros(x.shape, dtype=np.complex128)
        ht[:, : self.n_rows] = f - g
        return -_solve(jac, ht)


def _rk4(hom: _Homotopy, x: CArray, t: FArray, h: FArray, owner: IArray) -> CArray:
    hc = h[:, None]
    k1 = hom.velocity(x, t, owner)
    k2 = hom.velocity(x + 0.5 * hc * k1, t + 0.5 * h, owner)
    k3 = hom.velocity(x + 0.5 * hc * k2, t + 0.5 * h, owner)
    k4 = hom.velocity(x + hc * k3, t + h, owner)
    return x + hc * (k1 + 2.0 * k2 + 2.0 * k3 + k4) / 6.0


def _correct(
    hom: _Homotopy, x: CArray, t: FArray, owner: IArray, tol: float
) -> tuple[CArray, npt.NDArray[np.bool_]]:
    """Up to three Newton steps at fixed ``t``.

    A point is accepted when a Newton correction falls below ``tol`` (relative
    to ``1 + |x|``) and, from the second step on, each correction is at most a
    quarter of the previous one (quadratic convergence, which keeps the
    corrector from jumping to a neighbouring path).
    """
    x = x.copy()
    ok = np.zeros(x.shape[0], dtype=bool)
    live = np.arange(x.shape[0])
    prev = np.full(x.shape[0], np.inf)
    for k in range(3):
        jac, f, g = hom.jacobian(x[live], t[live], owner[live])
        dx = _solve(jac, hom.residual(x[live], t[live], f, g))
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
    target: Target,
    start: StartSystem,
    n_systems: int,
    *,
    settings: TrackSettings | None = None,
    deadline: float | None = None,
) -> PathEnds:
    """Track every start solution of ``start`` for each of ``n_systems`` targets.

    Parameters
    ----------
    target
        Evaluates the target equations (without patch rows) of the systems.
    start
        Start system built for the common structure.
    n_systems
        Number of target systems; path ``p`` belongs to ``p // n_start``.
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
    n_start = start.solutions.shape[0]
    x = np.tile(start.solutions, (n_systems, 1))
    owner = np.repeat(np.arange(n_systems, dtype=np.intp), n_start)
    n_paths = x.shape[0]
    t = np.zeros(n_paths)
    h = np.full(n_paths, cfg.h_init)
    streak = np.zeros(n_paths, dtype=np.intp)
    failed = np.zeros(n_paths, dtype=bool)
    active = np.ones(n_paths, dtype=bool)
    hom = _Homotopy(target, start)
    for _ in range(cfg.max_iterations):
        idx = np.flatnonzero(active)
        if idx.size == 0 or (deadline is not None and time.monotonic() > deadline):
            break
        step = np.minimum(h[idx], 1.0 - t[idx])
        t1 = t[idx] + step
        own = owner[idx]
        pred = _rk4(hom, x[idx], t[idx], step, own)
        new, ok = _correct(hom, pred, t1, own, cfg.corrector_tol)
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
    target: Target, start: StartSystem, x: CArray, owner: IArray, *, iterations: int = 4
) -> CArray:
    """Newton steps on ``F = 0`` plus the patch rows, at ``t = 1``.

    A point keeps its refinement only if the last Newton correction is below
    ``1e-10`` (relative); points near singular roots, where Newton's method
    stalls or wanders, are returned unchanged for the caller to project.
    """
    hom = _Homotopy(target, start)
    ones = np.ones(x.shape[0])
    y = x.copy()
    d = np.full(x.shape[0], np.inf)
    for _ in range(iterations):
        jac, f, g = hom.jacobian(y, ones, owner)
        dx = _solve(jac, hom.residual(y, ones, f, g))
        dx = np.where(np.isfinite(dx), dx, np.inf)
        y = y - dx
        d = np.linalg.norm(dx, axis=1)
    good = d <= 1e-10 * (1.0 + np.linalg.norm(np.where(np.isfinite(y), y, 0.0), axis=1))
    return np.where(good[:, None], y, x)
