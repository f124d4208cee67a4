"""All extreme Nash equilibria of a bimatrix game by vertex enumeration.

The row player's payoffs are ``A`` and the column player's ``B`` (both
``m x n``). After a positive affine rescaling of each player's payoffs into
``[1, 2]`` (equilibria are invariant under it) the best-response polytopes are

.. math::

    P = \\{x \\in \\mathbb{R}^m : x \\ge 0,\\ B^\\top x \\le 1\\}, \\qquad
    Q = \\{y \\in \\mathbb{R}^n : y \\ge 0,\\ A y \\le 1\\}.

Label ``i`` (``0 <= i < m``) marks ``x_i = 0`` in ``P`` and ``(A y)_i = 1`` in
``Q``; label ``m + j`` marks ``(B^T x)_j = 1`` in ``P`` and ``y_j = 0`` in
``Q``. The extreme equilibria are exactly the pairs of vertices ``(x, y) !=
(0, 0)`` whose labels together cover all ``m + n`` labels, normalised to
probability vectors (von Stengel 2002, "Computing equilibria for two-person
games", Handbook of Game Theory vol. 3; Avis, Rosenberg, Savani &
von Stengel 2010, "Enumeration of Nash equilibria for two-player games",
Economic Theory 42; the vertex idea goes back to Mangasarian 1964). This holds
for degenerate games too, where a vertex may carry more labels than its
dimension and the equilibria form continua whose extreme points are listed.

Vertices are found by solving every basis in vectorised batches (see
:mod:`sim.solvers.nash.polytope_vertices`); each vertex is identified by its set of
labels (a bitmask), so the many bases of a degenerate vertex merge. The
vertices that take part in an equilibrium are then recomputed from their full
set of tight constraints -- exactly with :class:`fractions.Fraction` when all
payoffs are integers, by least squares otherwise -- so probabilities such as
1/3 come out to full double precision.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from sim.arrays import FloatArray
from sim.concepts import nash_concept
from sim.solvers.nash.polytope_vertices import (
    MAX_LABELS,
    IntArray,
    Vertices,
    bit_indices,
    polytope_vertices,
)
from sim.solvers.result import Equilibrium, EquilibriumSet

__all__ = ["METHOD", "extreme_equilibria", "is_degenerate"]

METHOD = "vertex_enumeration"
#: Integer payoffs up to this magnitude are handled in exact rational arithmetic.
_EXACT_LIMIT = 2**31
#: Largest number of label-mask pairs compared at once when matching vertices.
_PAIR_CHUNK = 1 << 22

_DEGENERATE_NOTE = (
    "the game is degenerate: equilibria may form continua (convex sets); "
    "only their extreme points are listed"
)


def extreme_equilibria(A: npt.ArrayLike, B: npt.ArrayLike, *, tol: float = 1e-9) -> EquilibriumSet:
    """Return all extreme Nash equilibria of the bimatrix game ``(A, B)``.

    Parameters
    ----------
    A, B
        Payoffs of the row and the column player, finite, same shape ``(m, n)``
        with ``m, n >= 1`` and ``m + n <= 62``.
    tol
        Tolerance, relative to each player's payoff range, used to decide
        whether a constraint of a best-response polytope is tight (a tie
        between best responses) and whether a probability is zero.
        Equilibria closer than ``tol`` in every probability are merged.

    Returns
    -------
    EquilibriumSet
        Every extreme equilibrium, each once, ordered by the row strategy,
        then the column strategy, lexicographically descending (as Gambit's
        ``enummixed`` usually lists them).
        ``complete`` is True; ``degenerate`` is True when some vertex of a
        best-response polytope has more labels than its dimension.

    Notes
    -----
    Pairs of completely labelled vertices of the best-response polytopes are
    the extreme equilibria (von Stengel 2002; Avis et al. 2010).
    Vertices come from :func:`sim.solvers.nash.polytope_vertices.polytope_vertices`.
    The tests compare the result with Gambit's ``enummixed`` on degenerate and
    generic games; Gambit may list one extreme equilibrium of a degenerate
    game more than once, this function lists it once.

    Regrets are reported relative to each player's payoff range (the larger
    of the two players' values).

    Raises
    ------
    ValueError
        If the payoff matrices are malformed, not finite, or too large.
    """
    a, b = _check_game(A, B)
    m, n = a.shape
    vp, vq = _both_polytopes(a, b, tol)
    degenerate = _has_degenerate_vertex(vp, m) or _has_degenerate_vertex(vq, n)
    p_labels = vp.zero | (vp.tight << m)
    q_labels = (vq.zero << m) | vq.tight
    pairs = _complementary_pairs(p_labels, q_labels, m + n)
    polisher = _Polisher(a, b, vp, vq, tol)
    found: list[Equilibrium] = []
    for ip, iq in pairs:
        x, y = polisher.row(ip), polisher.col(iq)
        if x is not None and y is not None:
            found.append(_make_equilibrium(a, b, x, y))
    equilibria = _sorted_unique(found, tol)
    notes = (_DEGENERATE_NOTE,) if degenerate else ()
    return EquilibriumSet(
        equilibria=tuple(equilibria),
        method=METHOD,
        tol=tol,
        complete=True,
        degenerate=degenerate,
        notes=notes,
    )


def is_degenerate(A: npt.ArrayLike, B: npt.ArrayLike, tol: float = 1e-9) -> bool:
    """Tell whether the bimatrix game ``(A, B)`` is degenerate.

    A game is nondegenerate when no mixed strategy with support of size ``k``
    has more than ``k`` pure best responses (von Stengel 2002),
    that is, when no vertex of ``P`` has more than ``m`` labels and no vertex
    of ``Q`` more than ``n``. Ties are decided with ``tol`` relative to each
    player's payoff range.
    """
    a, b = _check_game(A, B)
    vp, vq = _both_polytopes(a, b, tol)
    return _has_degenerate_vertex(vp, a.shape[0]) or _has_degenerate_vertex(vq, a.shape[1])


def _check_game(A: npt.ArrayLike, B: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    a = np.asarray(A, dtype=np.float64)
    b = np.asarray(B, dtype=np.float64)
    if a.ndim != 2 or a.shape != b.shape or min(a.shape) < 1:
        raise ValueError(f"payoff matrices must be 2-D of one shape, got {a.shape} and {b.shape}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("payoff matrices must be finite")
    if sum(a.shape) > MAX_LABELS:
        raise ValueError(f"game too large for vertex enumeration: m + n > {MAX_LABELS}")
    return a, b


def _rescaled(payoffs: FloatArray) -> FloatArray:
    """Map payoffs affinely into ``[1, 2]`` (all ones if they are constant)."""
    span = float(np.ptp(payoffs))
    if span > 0.0:
        return np.asarray(1.0 + (payoffs - payoffs.min()) / span, dtype=np.float64)
    return np.ones_like(payoffs)


def _both_polytopes(a: FloatArray, b: FloatArray, tol: float) -> tuple[Vertices, Vertices]:
    """Vertices of ``P`` (coordinates x, tight columns) and ``Q`` (y, tight rows)."""
    return polytope_vertices(_rescaled(b), tol), polytope_vertices(_rescaled(a).T, tol)


_BYTE_BITS = np.array([bin(i).count("1") for i in range(256)], dtype=np.int64)


def popcount_table(masks: IntArray) -> IntArray:
    """Number of set bits of each non-negative int64 label mask, by a byte table.

    The numpy 1.x stand-in for ``np.bitwise_count`` (numpy >= 2.0), which
    :func:`popcount` uses where it exists (about 50 times faster on large arrays).

    Examples
    --------
    >>> popcount_table(np.array([0, 1, 6, 2**62 - 1])).tolist()
    [0, 1, 2, 62]
    """
    as_bytes = np.ascontiguousarray(masks, dtype=np.int64).view(np.uint8)
    counts: IntArray = _BYTE_BITS[as_bytes.reshape(*np.shape(masks), 8)].sum(axis=-1)
    return counts


def popcount(masks: IntArray) -> IntArray:
    """Number of set bits of each label mask (``np.bitwise_count`` on numpy >= 2.0).

    Examples
    --------
    >>> popcount(np.array([0, 5, 2**40])).tolist()
    [0, 2, 1]
    """
    native = getattr(np, "bitwise_count", None)
    if native is None:
        return popcount_table(masks)
    return np.asarray(native(masks), dtype=np.int64)


def _has_degenerate_vertex(vertices: Vertices, dim: int) -> bool:
    labels = popcount(vertices.zero) + popcount(vertices.tight)
    return bool(np.any(labels > dim))


def _complementary_pairs(
    p_labels: IntArray, q_labels: IntArray, n_labels: int
) -> list[tuple[int, int]]:
    """Index pairs of vertices whose label sets together cover every label."""
    full = (1 << n_labels) - 1
    rows_per_chunk = max(1, _PAIR_CHUNK // max(1, len(q_labels)))
    pairs: list[tuple[int, int]] = []
    for start in range(0, len(p_labels), rows_per_chunk):
        chunk = p_labels[start : start + rows_per_chunk]
        ip, iq = np.nonzero((chunk[:, None] | q_labels[None, :]) == full)
        pairs.extend(zip((ip + start).tolist(), iq.tolist(), strict=True))
    return pairs


class _Polisher:
    """Recompute equilibrium vertices from their tight constraints, with a cache."""

    def __init__(
        self, a: FloatArray, b: FloatArray, vp: Vertices, vq: Vertices, tol: float
    ) -> None:
        exact = _is_small_integral(a) and _is_small_integral(b)
        self._tol = tol
        self._exact = exact
        self._mp = (b - b.min() + 1.0) if exact else _rescaled(b)
        self._mq = ((a - a.min() + 1.0) if exact else _rescaled(a)).T
        self._vp, self._vq = vp, vq
        self._cache: dict[tuple[int, int], FloatArray | None] = {}

    def row(self, index: int) -> FloatArray | None:
        """Normalised row strategy of vertex ``index`` of ``P``; None if not a vertex."""
        return self._get(0, index, self._mp, self._vp)

    def col(self, index: int) -> FloatArray | None:
        """Normalised column strategy of vertex ``index`` of ``Q``; None if not a vertex."""
        return self._get(1, index, self._mq, self._vq)

    def _get(self, side: int, index: int, mat: FloatArray, v: Vertices) -> FloatArray | None:
        key = (side, index)
        if key not in self._cache:
            self._cache[key] = self._polish(mat, int(v.zero[index]), int(v.tight[index]))
        return self._cache[key]

    def _polish(self, mat: FloatArray, zero: int, tight: int) -> FloatArray | None:
        dim = mat.shape[0]
        support = [i for i in range(dim) if not (zero >> i) & 1]
        tight_cols = bit_indices(tight)
        if len(tight_cols) < len(support):
            return None
        system = mat[np.ix_(support, tight_cols)].T
        solved = _exact_solve(system) if self._exact else None
        if solved is None:
            solved = _float_solve(system, self._tol)
        if solved is None or np.any(solved <= 0.0):
            return None
        z = np.zeros(dim)
        z[support] = solved / solved.sum()
        return z


def _is_small_integral(values: FloatArray) -> bool:
    """True when every entry is an integer (exactly) of moderate magnitude."""
    return bool(np.all(np.abs(values) < _EXACT_LIMIT) and np.array_equal(values, np.round(values)))


def _exact_solve(system: FloatArray) -> FloatArray | None:
    """Solve ``system @ z = 1`` exactly in rationals (integer entries).

    Returns the unique solution as floats, or None when the system is rank
    deficient or inconsistent (the float labels were then not exact ties).
    """
    rows = [[Fraction(int(v)) for v in row] + [Fraction(1)] for row in system]
    n_cols = system.shape[1]
    for c in range(n_cols):
        pivot = next((i for i in range(c, len(rows)) if rows[i][c] != 0), None)
        if pivot is None:
            return None
        rows[c], rows[pivot] = rows[pivot], rows[c]
        rows[c] = [v / rows[c][c] for v in rows[c]]
        for i, row in enumerate(rows):
            if i != c and row[c] != 0:
                factor = row[c]
                rows[i] = [v - factor * w for v, w in zip(row, rows[c], strict=True)]
    if any(row[-1] != 0 for row in rows[n_cols:]):
        return None
    return np.array([float(row[-1]) for row in rows[:n_cols]])


def _float_solve(system: FloatArray, tol: float) -> FloatArray | None:
    """Least-squares solution of ``system @ z = 1``; None if rank deficient."""
    u, s, vt = np.linalg.svd(system, full_matrices=False)
    if s[-1] <= tol * s[0]:
        return None
    solution: FloatArray = vt.T @ ((u.T @ np.ones(system.shape[0])) / s)
    return solution


def _make_equilibrium(a: FloatArray, b: FloatArray, x: FloatArray, y: FloatArray) -> Equilibrium:
    u_row = float(x @ a @ y)
    u_col = float(x @ b @ y)
    gain_row = float(np.max(a @ y)) - u_row
    gain_col = float(np.max(x @ b)) - u_col
    regret = max(_relative(gain_row, a), _relative(gain_col, b))
    pure = np.count_nonzero(x) == 1 and np.count_nonzero(y) == 1
    return Equilibrium(
        strategies=(x, y),
        payoffs=np.array([u_row, u_col]),
        concept=nash_concept(pure),
        method=METHOD,
        regret=regret,
    )


def _relative(gain: float, payoffs: FloatArray) -> float:
    span = float(np.ptp(payoffs))
    return max(gain, 0.0) / span if span > 0.0 else 0.0


def _sorted_unique(found: Sequence[Equilibrium], tol: float) -> list[Equilibrium]:
    """Sort descending lexicographically by (x, y) and drop duplicates within tol."""
    unique: list[Equilibrium] = []
    kept = np.zeros((0, 0))
    for eq in sorted(found, key=_sort_key):
        profile = np.concatenate(eq.strategies)
        if len(kept) and np.min(np.max(np.abs(kept - profile), axis=1)) <= tol:
            continue
        unique.append(eq)
        kept = np.vstack([kept, profile]) if len(kept) else profile[None, :]
    return unique


def _sort_key(eq: Equilibrium) -> tuple[float, ...]:
    return tuple(-np.round(np.concatenate(eq.strategies), 12))
