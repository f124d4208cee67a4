"""Vertices and labels of a best-response polytope, by vectorised basis enumeration.

The polytope is ``{z in R^d : z >= 0, M^T z <= 1}`` for a matrix ``M`` of shape
``(d, e)`` with positive entries, so it is bounded (von Stengel 2002,
"Computing equilibria for two-person games", Handbook of Game Theory vol. 3).
A vertex ``z != 0`` with support ``S`` (``|S| = k``) is the unique solution of
``M[S, T]^T z_S = 1`` for some set ``T`` of ``k`` tight columns, so every
vertex is found by solving, for each support size ``k``, all ``k x k``
systems ``(S, T)`` and keeping the feasible solutions with
``z_S > tol`` (basis enumeration, cf. Avis, Rosenberg, Savani & von Stengel
2010, "Enumeration of Nash equilibria for two-player games", Economic Theory
42). In a degenerate polytope a vertex is the solution of several
bases; vertices are identified by their full label sets, so those merge.

For each support, all bases are solved at once from Grassmann-Plücker
coordinates (:mod:`sim.solvers.nash.basic_solutions`). Supports where that is not
numerically safe (rank-deficient rows, as with tied payoffs) and the square
case ``k = e`` fall back to one LAPACK solve per basis, skipping the bases that
contain a column strictly dominated on ``S`` (such a column is never tight for
a vector with support ``S``).

The origin, the trivial vertex, is not returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import combinations

import numpy as np

from sim.arrays import BoolArray, FloatArray, IntArray
from sim.solvers.nash.basic_solutions import basic_solutions

__all__ = ["MAX_LABELS", "IntArray", "Vertices", "bit_indices", "polytope_vertices"]

#: Labels are int64 bitmasks: at most this many labels in all.
MAX_LABELS = 62
#: Largest number of ``k x k`` systems solved in one batch.
_BATCH = 1 << 15


@dataclass(frozen=True)
class Vertices:
    """The nonzero vertices of ``{z >= 0 : M^T z <= 1}``, one row each.

    Attributes
    ----------
    coords
        Vertex coordinates, shape ``(v, d)`` (float, unpolished).
    zero
        Bitmask over the ``d`` coordinates: bit ``i`` set when ``z_i = 0``.
    tight
        Bitmask over the ``e`` columns: bit ``j`` set when ``(M^T z)_j = 1``.
    """

    coords: FloatArray
    zero: IntArray
    tight: IntArray


def polytope_vertices(mat: FloatArray, tol: float) -> Vertices:
    """Enumerate the nonzero vertices of ``{z >= 0 : mat^T z <= 1}`` with labels.

    Parameters
    ----------
    mat
        Shape ``(d, e)``, entries in ``[1, 2]`` (payoffs rescaled), so that
        ``tol`` is relative to the payoff range.
    tol
        A coordinate ``<= tol`` counts as zero; a constraint within ``tol`` of
        1 counts as tight; violations up to ``tol`` count as feasible.

    Returns
    -------
    Vertices
        Each vertex once, ordered by its label bitmask.
    """
    d, e = mat.shape
    if d + e > MAX_LABELS:
        raise ValueError(f"at most {MAX_LABELS} labels are supported, got {d + e}")
    found = _concatenate(
        [
            _vertices_of_support_size(mat, k, rows, tol)
            for k in range(1, min(d, e) + 1)
            for rows in _row_chunks(d, e, k)
        ],
        d,
    )
    _, first = np.unique(found.zero | (found.tight << d), return_index=True)
    return Vertices(coords=found.coords[first], zero=found.zero[first], tight=found.tight[first])


def bit_indices(mask: int) -> list[int]:
    """Positions of the set bits of ``mask``, ascending."""
    return [i for i in range(mask.bit_length()) if (mask >> i) & 1]


@cache
def _combinations(size: int, k: int) -> IntArray:
    """All ``k``-subsets of ``range(size)`` as rows, lexicographic (cached)."""
    combos = np.array(list(combinations(range(size), k)), dtype=np.int64)
    combos.setflags(write=False)
    return combos


def _masks(combos: IntArray) -> IntArray:
    mask: IntArray = np.sum(np.left_shift(1, combos), axis=1, dtype=np.int64)
    return mask


def _row_chunks(d: int, e: int, k: int) -> list[IntArray]:
    """Supports of size ``k``, split so that a chunk has at most ``_BATCH`` systems."""
    supports = _combinations(d, k)
    per_chunk = max(1, _BATCH // len(_combinations(e, k)))
    return [supports[i : i + per_chunk] for i in range(0, len(supports), per_chunk)]


def _vertices_of_support_size(mat: FloatArray, k: int, supports: IntArray, tol: float) -> Vertices:
    """Vertices whose support is one of ``supports`` (each of size ``k``)."""
    by_column = np.ascontiguousarray(np.swapaxes(mat[supports], 1, 2))  # (s, e, k)
    parts = []
    if k < mat.shape[1]:
        z, handled = basic_solutions(by_column)
        s_idx, b_idx = np.nonzero(z.min(axis=1) > tol)  # NaN (singular) compares False
        parts.append(_feasible(mat, supports[handled][s_idx], z[s_idx, :, b_idx], tol))
        supports, by_column = supports[~handled], by_column[~handled]
    if len(supports):
        parts.append(_vertices_one_basis_at_a_time(mat, supports, by_column, tol))
    return _concatenate(parts, mat.shape[0])


def _vertices_one_basis_at_a_time(
    mat: FloatArray, supports: IntArray, by_column: FloatArray, tol: float
) -> Vertices:
    """Fallback: solve each undominated basis ``(S, T)`` with LAPACK (batched)."""
    bases = _combinations(mat.shape[1], supports.shape[1])
    s_idx, t_idx = _candidate_bases(by_column, bases, tol)
    # systems[b, c, a] = mat[support a, tight column c] of basis b.
    z = _solve_batch(by_column[s_idx[:, None], bases[t_idx]])
    positive = z.min(axis=1, initial=np.inf) > tol
    return _feasible(mat, supports[s_idx[positive]], z[positive], tol)


def _feasible(mat: FloatArray, rows: IntArray, z: FloatArray, tol: float) -> Vertices:
    """Keep the positive solutions ``z`` (on supports ``rows``) with ``mat^T z <= 1``."""
    d, e = mat.shape
    coords = np.zeros((len(z), d))
    np.put_along_axis(coords, rows, z, axis=1)
    lhs = coords @ mat
    ok = lhs.max(axis=1, initial=-np.inf) <= 1.0 + tol
    bits = np.left_shift(1, np.arange(e, dtype=np.int64))
    tight = (np.abs(lhs[ok] - 1.0) <= tol) @ bits
    zero = ((1 << d) - 1) & ~_masks(rows[ok])
    return Vertices(coords=coords[ok], zero=zero.astype(np.int64), tight=tight.astype(np.int64))


def _concatenate(parts: list[Vertices], d: int) -> Vertices:
    if not parts:
        return Vertices(np.zeros((0, d)), np.zeros(0, np.int64), np.zeros(0, np.int64))
    return Vertices(
        coords=np.concatenate([p.coords for p in parts]),
        zero=np.concatenate([p.zero for p in parts]),
        tight=np.concatenate([p.tight for p in parts]),
    )


def _candidate_bases(
    by_column: FloatArray, bases: IntArray, tol: float
) -> tuple[IntArray, IntArray]:
    """Index pairs (support, column set) with no column strictly dominated on the support.

    ``by_column[s, j]`` is column ``j`` of the matrix restricted to support ``s``.
    """
    dominated = _dominated_columns(by_column, 5.0 * tol)
    allowed = _masks_from_bool(~dominated)
    fits = (_masks(bases)[None, :] & ~allowed[:, None]) == 0
    s_idx, t_idx = np.nonzero(fits)
    return s_idx.astype(np.int64), t_idx.astype(np.int64)


def _dominated_columns(by_column: FloatArray, margin: float) -> BoolArray:
    """Flag columns strictly dominated (by more than ``margin``) on every row.

    ``by_column`` has shape ``(s, e, k)``: the ``e`` columns restricted to the
    ``k`` rows of each of ``s`` supports. Entries lie in ``[1, 2]``, so for
    ``margin = 5 tol`` a flagged column has slack above ``tol`` at any vertex
    with that support (whose coordinates sum to at least ``(1 - tol) / 2``): it
    is never tight there, and dropping the bases that contain it loses no vertex.
    """
    # gap[s, j, i]: smallest amount by which column i beats column j on the rows.
    gap = np.min(by_column[:, None, :, :] - by_column[:, :, None, :], axis=3)
    flagged: BoolArray = np.any(gap > margin, axis=2)
    return flagged


def _masks_from_bool(flags: BoolArray) -> IntArray:
    bits = np.left_shift(1, np.arange(flags.shape[-1], dtype=np.int64))
    mask: IntArray = (flags @ bits).astype(np.int64)
    return mask


def _solve_batch(systems: FloatArray) -> FloatArray:
    """Solve ``systems[b] @ z = 1`` for every ``b``; rows of singular systems are NaN."""
    rhs = np.ones((*systems.shape[:2], 1))
    if len(systems) == 0:
        return np.zeros(systems.shape[:2])
    try:
        solved = np.asarray(np.linalg.solve(systems, rhs)[..., 0], dtype=np.float64)
        return solved
    except np.linalg.LinAlgError:
        pass
    sign, _ = np.linalg.slogdet(systems)
    regular = np.abs(sign) > 0.5
    z = np.full(systems.shape[:2], np.nan)
    if np.any(regular):
        z[regular] = _solve_each(systems[regular], rhs[regular])
    return z


def _solve_each(systems: FloatArray, rhs: FloatArray) -> FloatArray:
    """Batched solve that falls back to one system at a time on a singular one."""
    try:
        solved = np.asarray(np.linalg.solve(systems, rhs)[..., 0], dtype=np.float64)
        return solved
    except np.linalg.LinAlgError:
        z = np.full(systems.shape[:2], np.nan)
        for b, (system, right) in enumerate(zip(systems, rhs, strict=True)):
            try:
                z[b] = np.linalg.solve(system, right)[:, 0]
            except np.linalg.LinAlgError:
                continue
        return z
