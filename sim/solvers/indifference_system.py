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
profiles of one size vector, evaluates the equations and Jacobians of any
of them at complex or real points (for :mod:`sim.solvers.homotopy`), and
polishes real solutions with Gauss-Newton steps in float64.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

from sim.solvers.homotopy import MultilinearStructure

__all__ = ["IndifferenceBatch", "Polished", "build_batch", "polish"]

IArray = npt.NDArray[np.intp]
_LETTERS = "cdefghijklmnopqrstuvwxyz"


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
        Per mixing player ``i``: ``(B, s_i - 1, s_j for mixing j != i)``
        coefficients of ``u_i(k, .) - u_i(k_0, .)`` with pure players fixed.
    """

    sizes: tuple[int, ...]
    moves: tuple[IArray, ...]
    mixing: tuple[int, ...]
    coeffs: tuple[npt.NDArray[np.float64], ...]
    _cache: dict[bytes, tuple[np.ndarray, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def n_systems(self) -> int:
        """Number of support profiles ``B``."""
        return int(self.moves[0].shape[0])

    @cached_property
    def structure(self) -> MultilinearStructure:
        """Group sizes and the groups each equation involves."""
        rows: list[tuple[int, ...]] = []
        for g, i in enumerate(self.mixing):
            others = tuple(h for h in range(len(self.mixing)) if h != g)
            rows.extend([others] * (self.sizes[i] - 1))
        return MultilinearStructure(tuple(self.sizes[i] for i in self.mixing), tuple(rows))

    def zero_rows(self, tol: float) -> npt.NDArray[np.bool_]:
        """``(B,)`` True where some equation vanishes identically (within ``tol``)."""
        out = np.zeros(self.n_systems, dtype=bool)
        for w in self.coeffs:
            flat = np.abs(w).reshape(w.shape[0], w.shape[1], -1)
            out |= np.any(flat.max(axis=2) <= tol, axis=1)
        return out

    def _gathered(self, owner: IArray) -> tuple[np.ndarray, ...]:
        """``coeffs[g][owner]`` for every group, cached for the last ``owner`` seen."""
        key = owner.tobytes()
        hit = self._cache.get(key)
        if hit is None:
            hit = tuple(w[owner] for w in self.coeffs)
            self._cache.clear()
            self._cache[key] = hit
        return hit

    def evaluate(self, x: np.ndarray, owner: IArray) -> tuple[np.ndarray, np.ndarray]:
        """Equation values ``(P, M)`` and Jacobians ``(P, M, N)`` at points ``x`` ``(P, N)``.

        ``x`` holds the strategies of the mixing players on their supports,
        concatenated in the order of :attr:`mixing`; ``owner[p]`` selects the
        support profile of row ``p``. Works for real and complex ``x``.
        """
        slices = self.structure.slices
        groups = [x[:, sl] for sl in slices]
        n_rows = len(self.structure.row_groups)
        values = np.empty((x.shape[0], n_rows), dtype=x.dtype)
        jac = np.zeros((x.shape[0], n_rows, x.shape[1]), dtype=x.dtype)
        row = 0
        for g, wp in enumerate(self._gathered(owner)):
            others = [h for h in range(len(groups)) if h != g]
            rows = slice(row, row + wp.shape[1])
            row += wp.shape[1]
            if not others:
                values[:, rows] = wp
                continue
            blocks = _partials(wp, [groups[h] for h in others])
            for h, block in zip(others, blocks, strict=True):
                jac[:, rows, slices[h]] = block
            values[:, rows] = np.matmul(blocks[-1], groups[others[-1]][:, :, None])[..., 0]
        return values, jac

    def affine(self, x: np.ndarray, owner: IArray) -> tuple[np.ndarray, np.ndarray]:
        """Residuals and Jacobians of the real system with ``sum(x_j) = 1`` rows."""
        f, jf = self.evaluate(x, owner)
        structure = self.structure
        n_groups = len(self.mixing)
        sums = np.zeros((x.shape[0], n_groups), dtype=x.dtype)
        ones = np.zeros((n_groups, x.shape[1]))
        for g in range(n_groups):
            cols = structure.columns(g)
            sums[:, g] = x[:, cols].sum(axis=1) - 1.0
            ones[g, cols] = 1.0
        jac = np.concatenate([jf, np.broadcast_to(ones, (x.shape[0], *ones.shape))], axis=1)
        return np.concatenate([f, sums], axis=1), jac


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


def build_batch(
    payoffs: np.ndarray, sizes: tuple[int, ...], moves: list[IArray]
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
        moves[j].reshape((n_sys,) + tuple(sizes[j] if q == j else 1 for q in range(n)))
        for j in range(n)
    )
    mixing = tuple(i for i in range(n) if sizes[i] >= 2)
    coeffs = []
    for i in mixing:
        sub = np.moveaxis(payoffs[i][index], i + 1, 1)
        diff = sub[:, 1:] - sub[:, :1]
        pure_axes = tuple(2 + pos for pos, j in enumerate(q for q in range(n) if q != i)
                          if sizes[j] == 1)
        coeffs.append(np.ascontiguousarray(diff.squeeze(axis=pure_axes)))
    return IndifferenceBatch(tuple(sizes), tuple(np.asarray(m) for m in moves), mixing,
                             tuple(coeffs))


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
    batch: IndifferenceBatch, x: np.ndarray, owner: IArray, *, iterations: int = 40
) -> Polished:
    """Gauss-Newton on the real affine system until the steps stop shrinking.

    Steps use the pseudo-inverse with singular values below ``1e-10`` of the
    largest ignored, so a start near a positive-dimensional solution set moves
    to a nearby point of it, and a regular root is reached quadratically.
    """
    x = np.array(np.real(x), dtype=np.float64)
    for _ in range(iterations):
        r, jac = batch.affine(x, owner)
        dx = np.einsum("pij,pj->pi", np.linalg.pinv(jac, rcond=1e-10), r)
        dx = np.where(np.isfinite(dx), dx, 0.0)
        x = x - dx
        if np.max(np.abs(dx), initial=0.0) <= 1e-15:
            break
    r, jac = batch.affine(x, owner)
    sv = np.linalg.svd(jac, compute_uv=False)
    top = np.maximum(sv[:, 0], 1e-300)
    return Polished(x=x, residual=np.max(np.abs(r), axis=1), rcond=sv[:, -1] / top)
