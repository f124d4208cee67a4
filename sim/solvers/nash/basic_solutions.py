"""All basic solutions of ``G[T] x = 1`` at once, through Grassmann-Plücker coordinates.

For a matrix ``G`` of shape ``(e, k)`` and every ``k``-subset ``T`` of its rows
(a *basis*), :func:`basic_solutions` returns the solution of ``G[T] x = 1``;
it does so for a whole stack of matrices. This is the inner step of basis
enumeration for the vertices of a best-response polytope (Avis, Rosenberg,
Savani & von Stengel 2010, "Enumeration of Nash equilibria for two-player
games", Economic Theory 42; von Stengel 2002, "Computing equilibria for
two-person games", Handbook of Game Theory vol. 3).

Method. With ``W = [G | -1]`` (shape ``(e, k + 1)``) the vector ``(x, 1)`` spans
the kernel of ``W[T]``. Pick ``k + 1`` reference rows by partial pivoting, put
them first, and write ``W = V R`` with ``R`` the reference block, so that
``V = W R^{-1} = [I; N]``. For a basis ``T`` with ``r`` rows outside the
reference block, the kernel of ``V[T]`` is supported on the ``r + 1`` columns
``D`` of the identity block that ``T`` misses, with entries the signed
``r x r`` minors of ``N[T \\ ref, D]`` (the generalised cross product); the
kernel of ``W[T]`` is ``R^{-1}`` times it. All minors of ``N`` are built
together by Laplace expansion, so no basis needs its own factorisation: the
work is a few vectorised passes instead of one LAPACK call per basis.

A stack entry whose pivots fall below ``pivot_tol`` (``W`` of rank below
``k + 1``, as in games with many ties) is reported as not handled; the caller
solves its bases one by one instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import combinations

import numpy as np

from sim.arrays import BoolArray, FloatArray, IntArray

__all__ = ["basic_solutions"]


@dataclass(frozen=True)
class _Expansion:
    """Laplace expansion of all ``r x r`` minors along their first row."""

    first: IntArray  # (n_rowsets,) first row of each row subset
    sub_rows: IntArray  # (n_rowsets,) index of the remaining rows at level r - 1
    cols: IntArray  # (n_colsets, r) column subsets
    sub_cols: IntArray  # (n_colsets, r) index of the subset without column p, level r - 1
    signs: FloatArray  # (r,) alternating signs


@dataclass(frozen=True)
class _Scatter:
    """Where the minors of level ``r`` go in the kernel vectors of the bases."""

    basis: IntArray  # basis index
    column: IntArray  # kernel coordinate
    rows: IntArray  # row-subset index at level r
    cols: IntArray  # column-subset index at level r
    sign: FloatArray


@dataclass(frozen=True)
class _Tables:
    expansions: tuple[_Expansion, ...]  # levels 1 .. r_max
    scatters: tuple[_Scatter, ...]  # levels 0 .. r_max
    n_bases: int


def basic_solutions(g: FloatArray, pivot_tol: float = 1e-6) -> tuple[FloatArray, BoolArray]:
    """Solve ``g[s][T] x = 1`` for every stack entry ``s`` and every ``k``-subset ``T``.

    Parameters
    ----------
    g
        Shape ``(s, e, k)`` with ``e > k >= 1``.
    pivot_tol
        Entries whose reference block has a pivot of absolute value at most
        this are not handled (the rows of ``g`` should be of order one).

    Returns
    -------
    x
        Shape ``(h, k, b)``: for each of the ``h`` handled entries, the solutions
        (as columns) for all ``b = C(e, k)`` bases, in an order that may differ
        between entries. Singular bases give non-finite or meaningless values, which
        the caller must reject by checking the result against the constraints.
    handled
        Shape ``(s,)``, True for the entries solved here.
    """
    s, e, k = g.shape
    if e <= k:
        raise ValueError(f"need more rows than columns, got {e} x {k}")
    w = np.concatenate([g, -np.ones((s, e, 1))], axis=2)
    first, handled = _reference_rows(w, pivot_tol)
    order = np.argsort(~first[handled], axis=1, kind="stable")  # reference rows first
    w = np.take_along_axis(w[handled], order[:, :, None], axis=1)
    tables = _tables(e, k)
    reference_inv = np.linalg.inv(w[:, : k + 1])
    minors = _all_minors(w[:, k + 1 :] @ reference_inv, tables.expansions)
    kernel = np.zeros((len(w), k + 1, tables.n_bases))  # [entry, coordinate, basis]
    for level, scatter in zip(minors, tables.scatters, strict=True):
        kernel[:, scatter.column, scatter.basis] = (
            scatter.sign * level[:, scatter.rows, scatter.cols]
        )
    homogeneous = reference_inv @ kernel
    with np.errstate(divide="ignore", invalid="ignore"):
        x = homogeneous[:, :k, :] / homogeneous[:, k:, :]
    return x, handled


def _reference_rows(w: FloatArray, pivot_tol: float) -> tuple[BoolArray, BoolArray]:
    """Rows chosen by Gauss-Jordan elimination with partial pivoting, and which entries qualify.

    Returns a mask of the ``k + 1`` pivot rows of each entry of ``w`` (shape
    ``(s, e, k + 1)``) and whether all its pivots exceed ``pivot_tol``.
    """
    s, e, c = w.shape
    a = w.copy()
    stack = np.arange(s)
    chosen = np.zeros((s, e), dtype=bool)
    ok = np.ones(s, dtype=bool)
    for j in range(c):
        p = np.argmax(np.where(chosen, -1.0, np.abs(a[:, :, j])), axis=1)
        chosen[stack, p] = True
        pivot_row = a[stack, p]  # (s, c)
        ok &= np.abs(pivot_row[:, j]) > pivot_tol
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(chosen, 0.0, a[:, :, j]) / pivot_row[:, j, None]
        a -= factor[:, :, None] * pivot_row[:, None, :]
    return chosen, ok


def _all_minors(n: FloatArray, expansions: tuple[_Expansion, ...]) -> list[FloatArray]:
    """Minors of every order of ``n`` (stacked), indexed ``[stack, row subset, col subset]``."""
    levels = [np.ones((len(n), 1, 1))]
    for exp in expansions:
        below = levels[-1]
        total = np.zeros((len(n), len(exp.first), len(exp.cols)))
        for p, sign in enumerate(exp.signs):
            entry = n[:, exp.first[:, None], exp.cols[None, :, p]]
            total += sign * entry * below[:, exp.sub_rows[:, None], exp.sub_cols[None, :, p]]
        levels.append(total)
    return levels


@cache
def _tables(e: int, k: int) -> _Tables:
    """Index tables for a stack of ``(e, k)`` matrices (cached)."""
    c = k + 1
    r_max = min(e - c, k)
    row_sets = [list(combinations(range(e - c), r)) for r in range(r_max + 1)]
    col_sets = [list(combinations(range(c), r)) for r in range(r_max + 1)]
    expansions = tuple(
        _expansion(row_sets[r], row_sets[r - 1], col_sets[r], col_sets[r - 1])
        for r in range(1, r_max + 1)
    )
    bases = list(combinations(range(e), k))
    return _Tables(expansions, _scatters(bases, c, row_sets, col_sets), len(bases))


def _expansion(
    rows: list[tuple[int, ...]],
    rows_below: list[tuple[int, ...]],
    cols: list[tuple[int, ...]],
    cols_below: list[tuple[int, ...]],
) -> _Expansion:
    row_index = {rs: i for i, rs in enumerate(rows_below)}
    col_index = {cs: i for i, cs in enumerate(cols_below)}
    r = len(cols[0])
    sub_cols = [[col_index[cs[:p] + cs[p + 1 :]] for p in range(r)] for cs in cols]
    return _Expansion(
        first=np.array([rs[0] for rs in rows], dtype=np.int64),
        sub_rows=np.array([row_index[rs[1:]] for rs in rows], dtype=np.int64),
        cols=np.array(cols, dtype=np.int64),
        sub_cols=np.array(sub_cols, dtype=np.int64).reshape(len(cols), r),
        signs=np.array([(-1.0) ** p for p in range(r)]),
    )


def _scatters(
    bases: list[tuple[int, ...]],
    c: int,
    row_sets: list[list[tuple[int, ...]]],
    col_sets: list[list[tuple[int, ...]]],
) -> tuple[_Scatter, ...]:
    """For basis ``T``: kernel entry ``D[q]`` is ``(-1)^q`` times minor ``(T - ref, D - D[q])``."""
    row_index = [{rs: i for i, rs in enumerate(level)} for level in row_sets]
    col_index = [{cs: i for i, cs in enumerate(level)} for level in col_sets]
    entries: list[list[tuple[int, int, int, int, float]]] = [[] for _ in row_sets]
    for t, basis in enumerate(bases):
        outside = tuple(i - c for i in basis if i >= c)
        missed = tuple(j for j in range(c) if j not in basis)
        r = len(outside)
        for q, column in enumerate(missed):
            rest = missed[:q] + missed[q + 1 :]
            entries[r].append((t, column, row_index[r][outside], col_index[r][rest], (-1.0) ** q))
    return tuple(_scatter(level) for level in entries)


def _scatter(entries: list[tuple[int, int, int, int, float]]) -> _Scatter:
    table = np.array(entries, dtype=np.float64).reshape(len(entries), 5)
    ints = table[:, :4].astype(np.int64)
    return _Scatter(ints[:, 0], ints[:, 1], ints[:, 2], ints[:, 3], table[:, 4])
