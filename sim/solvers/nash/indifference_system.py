"""Indifference equations of a support profile, batched over many supports.

For a support profile ``S = (S_1, ..., S_n)`` a Nash equilibrium with exactly
these supports solves, for every player ``i`` with ``|S_i| >= 2``,

.. math::

    u_i(k, x_{-i}) - u_i(k_0, x_{-i}) = 0 \\qquad (k \\in S_i \\setminus \\{k_0\\}),

where ``k_0`` is the first move of ``S_i`` and ``x_j`` is restricted to
``S_j`` (McKelvey & McLennan 1996, "Computation of equilibria in finite
games", sec. 6; Datta 2003, "Using computer algebra to find Nash
equilibria"). Each equation is homogeneous of degree one in the strategy of
every other mixing player and of degree zero in ``x_i``: the strategies are
homogeneous coordinates and ``sum(x_j) = 1`` picks the affine chart. Players
with a one-move support are fixed and drop out.

:class:`IndifferenceBatch` holds the coefficient tensors of many support
profiles of one size vector, in the block form of
:mod:`sim.solvers.nash.multilinear` (one block per mixing player), and
:func:`polish` refines real solutions with Newton or Gauss-Newton steps in
float64.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from sim.arrays import IndexArray
from sim.solvers.nash.multilinear import MultilinearStructure, evaluate

__all__ = ["IndifferenceBatch", "Polished", "build_batch", "polish"]


@dataclass(frozen=True)
class IndifferenceBatch:
    """Indifference systems of ``B`` support profiles with one size vector.

    Attributes
    ----------
    sizes
        Support size of every player.
    moves
        Per player, ``(B, s_i)`` move indices of the supports.
    mixing
        Players with two or more moves in their support (the variable groups,
        in this order).
    coeffs
        Per mixing player ``i`` (one block each): ``(B, s_i - 1, s_j for
        mixing j != i)`` coefficients of ``u_i(k, .) - u_i(k_0, .)`` with the
        pure players' moves fixed.
    """

    sizes: tuple[int, ...]
    moves: tuple[IndexArray, ...]
    mixing: tuple[int, ...]
    coeffs: tuple[npt.NDArray[np.float64], ...]

    @property
    def n_systems(self) -> int:
        """Number of support profiles ``B``."""
        return int(self.moves[0].shape[0])

    @cached_property
    def structure(self) -> MultilinearStructure:
        """Groups = mixing players; block ``g`` involves every other group."""
        n = len(self.mixing)
        return MultilinearStructure(
            group_sizes=tuple(self.sizes[i] for i in self.mixing),
            block_rows=tuple(self.sizes[i] - 1 for i in self.mixing),
            block_groups=tuple(tuple(h for h in range(n) if h != g) for g in range(n)),
        )

    def zero_rows(self, tol: float) -> npt.NDArray[np.bool_]:
        """``(B,)`` True where some equation vanishes identically (within ``tol``)."""
        out = np.zeros(self.n_systems, dtype=bool)
        for w in self.coeffs:
            flat = np.abs(w).reshape(w.shape[0], w.shape[1], -1)
            out |= np.any(flat.max(axis=2) <= tol, axis=1)
        return out

    def affine(self, x: np.ndarray, owner: IndexArray) -> tuple[np.ndarray, np.ndarray]:
        """Residuals and Jacobians of the real systems with ``sum(x_j) = 1`` rows.

        ``x`` ``(K, N)`` holds the mixing players' strategies on their supports,
        concatenated in the order of :attr:`mixing`; row ``k`` belongs to
        support profile ``owner[k]``.
        """
        structure = self.structure
        f, jf = evaluate(structure, [w[owner] for w in self.coeffs], x)
        n_groups = len(self.mixing)
        sums = np.zeros((x.shape[0], n_groups), dtype=x.dtype)
        ones = np.zeros((n_groups, x.shape[1]))
        for g, cols in enumerate(structure.slices):
            sums[:, g] = x[:, cols].sum(axis=1) - 1.0
            ones[g, cols] = 1.0
        jac = np.concatenate([jf, np.broadcast_to(ones, (x.shape[0], *ones.shape))], axis=1)
        return np.concatenate([f, sums], axis=1), jac


def build_batch(
    payoffs: np.ndarray, sizes: tuple[int, ...], moves: list[IndexArray]
) -> IndifferenceBatch:
    """Coefficient tensors of the indifference systems of many support profiles.

    Parameters
    ----------
    payoffs
        Payoff tensor ``(n, m_1, ..., m_n)`` (already rescaled by the caller).
    sizes
        Support size of every player.
    moves
        Per player, ``(B, s_i)`` sorted move indices.
    """
    n = len(sizes)
    n_sys = moves[0].shape[0]
    index = tuple(
        moves[j].reshape((n_sys, *(sizes[j] if q == j else 1 for q in range(n)))) for j in range(n)
    )
    mixing = tuple(i for i in range(n) if sizes[i] >= 2)
    coeffs = []
    for i in mixing:
        sub = np.moveaxis(payoffs[i][index], i + 1, 1)
        diff = sub[:, 1:] - sub[:, :1]
        pure_axes = tuple(
            2 + pos for pos, j in enumerate(q for q in range(n) if q != i) if sizes[j] == 1
        )
        coeffs.append(np.ascontiguousarray(diff.squeeze(axis=pure_axes)))
    return IndifferenceBatch(
        tuple(sizes), tuple(np.asarray(m) for m in moves), mixing, tuple(coeffs)
    )


@dataclass(frozen=True)
class Polished:
    """Result of :func:`polish`.

    Attributes
    ----------
    x
        ``(K, N)`` polished real points (concatenated mixing strategies).
    residual
        ``(K,)`` largest absolute residual of the affine system.
    rcond
        ``(K,)`` smallest over largest singular value of its Jacobian.
    """

    x: npt.NDArray[np.float64]
    residual: npt.NDArray[np.float64]
    rcond: npt.NDArray[np.float64]


def polish(
    batch: IndifferenceBatch, x: np.ndarray, owner: IndexArray, *, iterations: int = 30
) -> Polished:
    """Refine real points of the affine systems ``(F = 0, sum(x_j) = 1)``.

    Gauss-Newton steps with the pseudo-inverse, singular values below
    ``1e-10`` of the largest ignored: Newton's method at a regular root, and
    from a start near a positive-dimensional solution set a move to a nearby
    point of it. A point stops once its step is below ``1e-15``, or once its
    residual stops shrinking (by less than 10% in a step, while above
    ``1e-12``): then no solution is near.
    """
    x = np.array(np.real(x), dtype=np.float64)
    live = np.arange(x.shape[0])
    before = np.full(x.shape[0], np.inf)
    for _ in range(iterations):
        r, jac = batch.affine(x[live], owner[live])
        size = np.max(np.abs(r), axis=1)
        moving = (size <= 1e-12) | (size < 0.9 * before[live])
        before[live] = size
        live, r, jac = live[moving], r[moving], jac[moving]
        if live.size == 0:
            break
        dx = np.einsum("pij,pj->pi", np.linalg.pinv(jac, rcond=1e-10), r)
        dx = np.where(np.isfinite(dx), dx, 0.0)
        x[live] -= dx
        live = live[np.max(np.abs(dx), axis=1) > 1e-15]
        if live.size == 0:
            break
    r, jac = batch.affine(x, owner)
    sv = np.linalg.svd(jac, compute_uv=False)
    top = np.maximum(sv[:, 0], 1e-300)
    return Polished(x=x, residual=np.max(np.abs(r), axis=1), rcond=sv[:, -1] / top)
