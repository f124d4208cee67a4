"""Solve a simultaneous scenario at a whole batch of parameter points at once.

The payoff tensors of all points are built in one pass (each payoff expression
is evaluated once on arrays), every pure Nash equilibrium of every point is
found by one vectorised best-response test, and the pure equilibria are
re-checked by an independent batched deviation test. Mixed equilibria are
computed point by point only where they are asked for, or where a point has
no pure equilibrium (so that every point has a prediction).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim.errors import VerificationError
from sim.scenario.model import Scenario
from sim.scenario.parameters import parameter_env
from sim.scenario.payoffs import outcome_label, payoff_tensor
from sim.solvers.pure_nash import pure_nash_mask_batch
from sim.solvers.result import Equilibrium
from sim.solvers.verify import pure_regrets_batch, verified

__all__ = ["BatchSolution", "mixed_equilibria", "solve_batch"]


@dataclass(frozen=True, eq=False)
class BatchSolution:
    """Equilibria of one simultaneous scenario at many parameter points.

    Attributes
    ----------
    scenario
        The scenario solved.
    values
        Parameter name -> values at each point, shape ``(batch,)``.
    payoffs
        Payoff tensors, shape ``(batch, n_players, m_1, ..., m_n)``.
    pure_mask
        ``pure_mask[b, a]`` is True where profile ``a`` is a pure Nash
        equilibrium at point ``b``; verified.
    mixed
        Per point, the verified equilibria that are not pure (empty where
        not computed).
    mixed_computed
        Per point, whether mixed equilibria were computed there.
    concepts, tol
        The settings used.
    complete
        Per point, whether the list holds every equilibrium asked for.
    """

    scenario: Scenario
    values: Mapping[str, np.ndarray]
    payoffs: np.ndarray
    pure_mask: np.ndarray
    mixed: tuple[tuple[Equilibrium, ...], ...]
    mixed_computed: np.ndarray
    concepts: tuple[str, ...]
    tol: float
    complete: np.ndarray

    @property
    def size(self) -> int:
        """Number of parameter points."""
        return int(self.payoffs.shape[0])

    @property
    def shape(self) -> tuple[int, ...]:
        """Moves per player."""
        return tuple(self.payoffs.shape[2:])

    def pure_profiles(self, point: int) -> list[tuple[int, ...]]:
        """Pure equilibrium profiles at one point, in lexicographic order."""
        return [tuple(int(k) for k in idx) for idx in np.argwhere(self.pure_mask[point])]

    def equilibria(self, point: int) -> list[Equilibrium]:
        """Every equilibrium found at one point: pure ones first, then mixed ones."""
        u = self.payoffs[point]
        found = []
        for profile in self.pure_profiles(point):
            strategies = tuple(np.eye(m)[k] for m, k in zip(self.shape, profile, strict=True))
            pays = u[(slice(None), *profile)].astype(float)
            found.append(Equilibrium(strategies, pays, "pure_nash", "best_response_enumeration"))
        return found + list(self.mixed[point])

    def profile_label(self, profile: tuple[int, ...]) -> str:
        """The outcome name of a pure profile (its label, else its moves)."""
        moves = {p.name: p.moves[k] for p, k in zip(self.scenario.players, profile, strict=True)}
        return outcome_label(self.scenario, moves) or " / ".join(moves.values())


def solve_batch(
    scenario: Scenario,
    points: Mapping[str, np.ndarray],
    *,
    base: Mapping[str, float] | None = None,
    concepts: Sequence[str] = ("pure_nash",),
    tol: float = 1e-9,
    progress=None,  # type: ignore[no-untyped-def]
) -> BatchSolution:
    """Solve ``scenario`` at every point of a batch.

    Parameters
    ----------
    points
        Parameter name -> array of values (all the same length): the batch.
    base
        Fixed overrides for other parameters (``--set``).
    concepts
        ``pure_nash`` is always computed; with ``mixed_nash`` the mixed
        equilibria of every point are computed too (else only at points
        without a pure equilibrium).
    tol
        Tie tolerance relative to each point's payoff range.
    progress
        Optional callable ``progress(done, total)`` for long runs.
    """
    overrides: dict[str, float | np.ndarray] = dict(base or {})
    overrides.update({k: np.asarray(v, dtype=float) for k, v in points.items()})
    env = parameter_env(scenario.parameters, overrides)
    size = len(next(iter(points.values())))
    env = {k: np.broadcast_to(np.asarray(v, dtype=float), (size,)) for k, v in env.items()}
    tensor = payoff_tensor(scenario, env)
    if tensor.ndim == len(scenario.players) + 1:
        tensor = np.broadcast_to(tensor, (size, *tensor.shape)).copy()
    mask = pure_nash_mask_batch(tensor, tol=tol)
    _verify_pure(tensor, mask, tol)
    want_all = "mixed_nash" in concepts
    need = np.ones(size, bool) if want_all else ~mask.reshape(size, -1).any(axis=1)
    mixed, complete = _mixed_where(tensor, need, tol, progress)
    return BatchSolution(scenario, env, tensor, mask, mixed, need, tuple(concepts), tol, complete)


def _verify_pure(tensor: np.ndarray, mask: np.ndarray, tol: float) -> None:
    """Re-check every reported pure equilibrium with an independent deviation test."""
    hits = np.argwhere(mask)
    if hits.size == 0:
        return
    regrets = pure_regrets_batch(tensor, hits[:, 0], hits[:, 1:])
    worst = int(np.argmax(regrets))
    if regrets[worst] > max(tol, 1e-9):
        raise VerificationError(
            f"internal error: a pure equilibrium at point {int(hits[worst, 0])} fails the "
            f"best-response check (regret {regrets[worst]:.3g})"
        )


def _mixed_where(
    tensor: np.ndarray,
    need: np.ndarray,
    tol: float,
    progress,  # type: ignore[no-untyped-def]
) -> tuple[tuple[tuple[Equilibrium, ...], ...], np.ndarray]:
    out: list[tuple[Equilibrium, ...]] = [()] * len(need)
    complete = np.ones(len(need), bool)
    todo = np.flatnonzero(need)
    for done, b in enumerate(todo, start=1):
        eqs, whole = mixed_equilibria(tensor[b], tol)
        out[b] = tuple(eq for eq in eqs if not eq.is_pure)
        complete[b] = whole
        if progress is not None:
            progress(done, len(todo))
    return tuple(out), complete


def mixed_equilibria(payoffs: np.ndarray, tol: float = 1e-9) -> tuple[list[Equilibrium], bool]:
    """Every equilibrium of one game with the best method for its size, verified.

    Returns the equilibria and whether the list is known to be complete.
    """
    if payoffs.shape[0] == 2:
        from sim.solvers.vertex_enumeration import extreme_equilibria

        result = extreme_equilibria(payoffs[0], payoffs[1], tol=tol)
    else:
        from sim.solvers.support_enumeration import all_equilibria

        result = all_equilibria(payoffs, tol=tol)
    return list(verified(result.equilibria, payoffs, tol=1e-9)), bool(result.complete)
