"""Square multilinear polynomial systems given by coefficient tensors.

The unknowns are split into *groups* (one per mixing player in
:mod:`sim.solvers.nash.indifference_system`) and every equation has degree 0 or 1
in each group. Equations come in *blocks* that involve the same groups; a
block of ``E`` equations in groups ``(g_1, ..., g_k)`` is a tensor ``W`` of
shape ``(E, s_{g_1}, ..., s_{g_k})`` and equation ``e`` reads

.. math::

    f_e(x) = \\sum_{a_1, \\dots, a_k} W_{e a_1 \\dots a_k} x_{g_1 a_1} \\cdots x_{g_k a_k}.

Such a system is homogeneous of degree one in each involved group, so the
groups are homogeneous coordinates (Sommese & Wampler 2005, "The Numerical
Solution of Systems of Polynomials", sec. 3.7 and 8.4; McKelvey & McLennan
1996, "Computation of equilibria in finite games", sec. 6). This module
evaluates batches of such systems and their Jacobians with numpy and counts
their multihomogeneous Bezout number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

__all__ = ["MultilinearStructure", "bezout_assignments", "evaluate", "values"]

_LETTERS = "abcdfghijklmnoqrstuvwxyz"  # no "p" (paths) or "e" (equations)


@dataclass(frozen=True)
class MultilinearStructure:
    """Groups and equation blocks of a square multilinear system.

    Attributes
    ----------
    group_sizes
        Number of homogeneous coordinates of each group (at least 2).
    block_rows
        Number of equations of each block.
    block_groups
        Groups (increasing) in which the equations of each block have degree one.
    """

    group_sizes: tuple[int, ...]
    block_rows: tuple[int, ...]
    block_groups: tuple[tuple[int, ...], ...]

    def __post_init__(self) -> None:
        if sum(self.block_rows) != sum(s - 1 for s in self.group_sizes):
            raise ValueError("a square system needs sum(s_g - 1) equations")

    @property
    def n_vars(self) -> int:
        """Total number of homogeneous coordinates ``N``."""
        return sum(self.group_sizes)

    @property
    def n_rows(self) -> int:
        """Number of equations ``M = N - n_groups``."""
        return sum(self.block_rows)

    @property
    def is_linear(self) -> bool:
        """True when no equation involves more than one group."""
        return all(len(groups) <= 1 for groups in self.block_groups)

    @cached_property
    def slices(self) -> tuple[slice, ...]:
        """Columns of each group."""
        ends = np.cumsum(self.group_sizes)
        return tuple(slice(int(e) - s, int(e)) for e, s in zip(ends, self.group_sizes, strict=True))

    @cached_property
    def row_slices(self) -> tuple[slice, ...]:
        """Rows of each block."""
        ends = np.cumsum(self.block_rows)
        return tuple(slice(int(e) - r, int(e)) for e, r in zip(ends, self.block_rows, strict=True))

    @cached_property
    def row_groups(self) -> tuple[tuple[int, ...], ...]:
        """Groups involved by each equation."""
        return tuple(
            g for g, r in zip(self.block_groups, self.block_rows, strict=True) for _ in range(r)
        )


def bezout_assignments(structure: MultilinearStructure) -> list[tuple[int, ...]]:
    """Every way to give each equation one of its groups, ``s_g - 1`` equations per group.

    Their number is the multihomogeneous Bezout number of the structure
    (Sommese & Wampler 2005, sec. 8.4.2): an upper bound on the number of
    isolated solutions (in the product of projective spaces) of every system
    with this structure. It is zero when some set of equations involves too
    few unknowns; such a system has no isolated solution at all.
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


def _partials(w: np.ndarray, xs: list[np.ndarray]) -> list[np.ndarray]:
    """For each ``j``: ``w`` ``(P, E, s_1..s_k)`` contracted with every ``xs[i]``, ``i != j``."""
    k = len(xs)
    if k == 1:
        return [w]
    if k == 2:
        first = np.matmul(w, xs[1][:, None, :, None])[..., 0]
        second = np.matmul(xs[0][:, None, None, :], w)[:, :, 0, :]
        return [first, second]
    letters = _LETTERS[:k]
    out = []
    for skip in range(k):
        specs = ["pe" + letters] + ["p" + letters[j] for j in range(k) if j != skip]
        operands = [w] + [xs[j] for j in range(k) if j != skip]
        out.append(np.einsum(",".join(specs) + "->pe" + letters[skip], *operands))
    return out


def evaluate(
    structure: MultilinearStructure, coeffs: Sequence[np.ndarray], x: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Values ``(P, M)`` and Jacobians ``(P, M, N)`` of ``P`` systems at ``P`` points.

    Parameters
    ----------
    structure
        Shape of the systems.
    coeffs
        Per block, ``(P, E, s_...)`` (or ``(1, E, s_...)`` for one system for all).
    x
        ``(P, N)`` points, real or complex.
    """
    groups = [x[:, sl] for sl in structure.slices]
    dtype = np.result_type(x, *coeffs)
    vals = np.empty((x.shape[0], structure.n_rows), dtype=dtype)
    jac = np.zeros((x.shape[0], structure.n_rows, x.shape[1]), dtype=dtype)
    for w, rows, involved in zip(coeffs, structure.row_slices, structure.block_groups, strict=True):
        if not involved:
            vals[:, rows] = w
            continue
        blocks = _partials(w, [groups[g] for g in involved])
        for g, block in zip(involved, blocks, strict=True):
            jac[:, rows, structure.slices[g]] = block
        vals[:, rows] = np.matmul(blocks[-1], groups[involved[-1]][:, :, None])[..., 0]
    return vals, jac


def values(
    structure: MultilinearStructure, coeffs: Sequence[np.ndarray], x: np.ndarray
) -> np.ndarray:
    """Values ``(P, M)`` only (cheaper than :func:`evaluate`)."""
    groups = [x[:, sl] for sl in structure.slices]
    dtype = np.result_type(x, *coeffs)
    vals = np.empty((x.shape[0], structure.n_rows), dtype=dtype)
    for w, rows, involved in zip(coeffs, structure.row_slices, structure.block_groups, strict=True):
        t = w
        for g in reversed(involved):
            xg = groups[g].reshape((x.shape[0],) + (1,) * (t.ndim - 3) + (-1, 1))
            t = np.matmul(t, xg)[..., 0]
        vals[:, rows] = t
    return vals
