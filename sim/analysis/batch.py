"""Solve a simultaneous scenario at a whole batch of parameter points at once.

The payoff tensors of all points are built in one pass (each payoff expression
is evaluated once on arrays), every pure Nash equilibrium of every point is
found by one vectorised best-response test, and the pure equilibria are
re-checked by an independent batched deviation test. Mixed equilibria are
computed point by point only where they are asked for, or where a point has
no pure equilibrium (so that every point has a prediction).

Sequential scenarios (games of perfect information) are solved by
:func:`sim.analysis.sequential_batch.solve_sequential_batch` instead:
:func:`solve_batch` dispatches on the scenario's kind. Both results satisfy
:class:`SolvedBatch`, the little that sweeps, flip points, grids, Monte Carlo
and tornado runs need of a solved batch.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Protocol, TypeAlias

import numpy as np

from sim.analysis.selection import select
from sim.concepts import (
    MIXED_NASH,
    PURE_NASH,
    SEQUENTIAL_BATCH,
    SIMULTANEOUS_BATCH,
    check_concepts,
)
from sim.errors import VerificationError
from sim.scenario.model import Scenario
from sim.scenario.parameters import parameter_env
from sim.scenario.payoffs import outcome_label, payoff_tensor
from sim.solvers.nash.dispatch import nash_equilibria
from sim.solvers.nash.pure_nash import pure_nash_mask_batch
from sim.solvers.result import Equilibrium, outcome_distribution
from sim.solvers.verify import pure_regrets_batch, verified

if TYPE_CHECKING:
    from sim.analysis.predict import Predictions
    from sim.analysis.sequential_batch import SequentialBatch

__all__ = [
    "AnyBatch",
    "BatchSolution",
    "SolvedBatch",
    "default_concepts",
    "equilibrium_key",
    "mixed_equilibria",
    "solve_batch",
]


class SolvedBatch(Protocol):
    """What the sensitivity analyses need of a batch solved at many parameter points.

    Satisfied by :class:`BatchSolution` (simultaneous games) and
    :class:`~sim.analysis.sequential_batch.SequentialBatch` (sequential games).
    """

    @property
    def scenario(self) -> Scenario:
        """The scenario solved."""
        ...

    @property
    def size(self) -> int:
        """Number of parameter points."""
        ...

    @property
    def concepts(self) -> tuple[str, ...]:
        """The solution concepts solved (names of :mod:`sim.concepts`)."""
        ...

    def equilibrium_keys(self, point: int) -> frozenset[Hashable]:
        """Identities of the equilibria at one point, comparable across points."""
        ...

    def selected_payoffs(self, point: int, rule: str) -> np.ndarray | None:
        """Payoffs of the equilibrium selected by ``rule`` (None when there is none)."""
        ...

    def outcome_probability(self, point: int, rule: str, outcome: str) -> float:
        """Probability that the selected equilibrium ends in the named outcome (NaN if none)."""
        ...

    def predictions(self, rule: str) -> Predictions:
        """The predicted outcome of every point under ``rule``."""
        ...


#: The two kinds of solved batch.
AnyBatch: TypeAlias = "BatchSolution | SequentialBatch"


def equilibrium_key(eq: Equilibrium, threshold: float = 1e-9) -> tuple[tuple[int, ...], ...]:
    """The supports of an equilibrium (a pure one: one move per player)."""
    return tuple(tuple(int(k) for k in np.flatnonzero(s > threshold)) for s in eq.strategies)


def default_concepts(scenario: Scenario, concepts: Sequence[str] | None = None) -> tuple[str, ...]:
    """The concepts of a batch: ``concepts`` checked against the scenario's kind, or its default.

    Simultaneous games: ``pure_nash`` (default), optionally with ``mixed_nash``.
    Sequential games: ``subgame_perfect`` (the only choice).
    """
    if scenario.kind == "sequential":
        where = (
            f"the sensitivity analyses of {scenario.name!r}, a sequential game followed "
            "by its subgame-perfect equilibria"
        )
        return check_concepts(concepts or SEQUENTIAL_BATCH, SEQUENTIAL_BATCH, where)
    where = "the sensitivity analyses of simultaneous games"
    return check_concepts(concepts or (PURE_NASH,), SIMULTANEOUS_BATCH, where)


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
    pure_regret
        The independent check's regret of every pure equilibrium (each
        player's best deviation gain over its own payoff scale, the largest
        over players), in the order of ``numpy.argwhere(pure_mask)``.
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
    pure_regret: np.ndarray

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

    @cached_property
    def _pure_offsets(self) -> np.ndarray:
        """Where each point's pure equilibria start in :attr:`pure_regret` (and end)."""
        counts = self.pure_mask.reshape(self.size, -1).sum(axis=1)
        return np.concatenate(([0], np.cumsum(counts)))

    def pure_regrets(self, point: int) -> np.ndarray:
        """The checked regrets of the pure equilibria at one point (as :meth:`pure_profiles`)."""
        start, stop = self._pure_offsets[point : point + 2]
        return self.pure_regret[int(start) : int(stop)]

    def equilibria(self, point: int) -> list[Equilibrium]:
        """Every equilibrium found at one point: pure ones first, then mixed ones."""
        u = self.payoffs[point]
        found = []
        regrets = self.pure_regrets(point)
        for i, profile in enumerate(self.pure_profiles(point)):
            strategies = tuple(np.eye(m)[k] for m, k in zip(self.shape, profile, strict=True))
            pays = u[(slice(None), *profile)].astype(float)
            found.append(
                Equilibrium(
                    strategies,
                    pays,
                    PURE_NASH,
                    "best_response_enumeration",
                    float(regrets[i]),
                )
            )
        return found + list(self.mixed[point])

    def profile_label(self, profile: tuple[int, ...]) -> str:
        """The outcome name of a pure profile (its label, else its moves)."""
        moves = {p.name: p.moves[k] for p, k in zip(self.scenario.players, profile, strict=True)}
        return outcome_label(self.scenario, moves) or " / ".join(moves.values())

    # -- the SolvedBatch interface --

    def equilibrium_keys(self, point: int) -> frozenset[Hashable]:
        """The supports of every equilibrium at one point."""
        return frozenset(equilibrium_key(eq) for eq in self.equilibria(point))

    def selected(self, point: int, rule: str) -> Equilibrium | None:
        """The equilibrium selected by ``rule`` (``all`` counts as ``payoff_dominant``)."""
        eqs = self.equilibria(point)
        idx = select(eqs, self.payoffs[point], "payoff_dominant" if rule == "all" else rule)
        return eqs[idx] if idx is not None and eqs else None

    def selected_payoffs(self, point: int, rule: str) -> np.ndarray | None:
        """Payoffs of the selected equilibrium (None when there is none)."""
        eq = self.selected(point, rule)
        return None if eq is None else np.asarray(eq.payoffs, float)

    def predictions(self, rule: str) -> Predictions:
        """The predicted outcome of every point under ``rule`` (grouped by pure equilibria)."""
        from sim.analysis.predict import simultaneous_predictions

        return simultaneous_predictions(self, rule)

    def outcome_probability(self, point: int, rule: str, outcome: str) -> float:
        """Probability that the selected equilibrium leads to the named outcome (NaN if none)."""
        eq = self.selected(point, rule)
        if eq is None:
            return float("nan")
        return sum(
            prob
            for profile, prob in outcome_distribution(eq.strategies)
            if self.profile_label(profile) == outcome
        )


def solve_batch(
    scenario: Scenario,
    points: Mapping[str, np.ndarray],
    *,
    base: Mapping[str, float] | None = None,
    concepts: Sequence[str] | None = None,
    tol: float = 1e-9,
    progress=None,  # type: ignore[no-untyped-def]
) -> AnyBatch:
    """Solve ``scenario`` at every point of a batch.

    A sequential scenario is solved by
    :func:`~sim.analysis.sequential_batch.solve_sequential_batch` (its
    subgame-perfect equilibria); the rest of this docstring is about
    simultaneous games.

    Parameters
    ----------
    points
        Parameter name -> array of values (all the same length): the batch.
    base
        Fixed overrides for other parameters (``--set``).
    concepts
        ``pure_nash`` (the default) is always computed; with ``mixed_nash``
        the mixed equilibria of every point are computed too (else only at
        points without a pure equilibrium).
    tol
        Tie tolerance relative to each point's payoff range.
    progress
        Optional callable ``progress(done, total)`` for long runs.
    """
    chosen = default_concepts(scenario, concepts)
    if scenario.kind == "sequential":
        from sim.analysis.sequential_batch import solve_sequential_batch

        return solve_sequential_batch(
            scenario, points, base=base, concepts=chosen, tol=tol, progress=progress
        )
    return _solve_simultaneous(scenario, points, base, chosen, tol, progress)


def _solve_simultaneous(
    scenario: Scenario,
    points: Mapping[str, np.ndarray],
    base: Mapping[str, float] | None,
    concepts: tuple[str, ...],
    tol: float,
    progress,  # type: ignore[no-untyped-def]
) -> BatchSolution:
    overrides: dict[str, float | np.ndarray] = dict(base or {})
    overrides.update({k: np.asarray(v, dtype=float) for k, v in points.items()})
    size = len(next(iter(points.values())))
    env = {
        k: np.broadcast_to(np.asarray(v, dtype=float), (size,))
        for k, v in parameter_env(scenario.parameters, overrides).items()
    }
    tensor = payoff_tensor(scenario, env)
    if tensor.ndim == len(scenario.players) + 1:
        tensor = np.broadcast_to(tensor, (size, *tensor.shape)).copy()
    mask = pure_nash_mask_batch(tensor, tol=tol)
    regret = _verify_pure(tensor, mask, tol)
    want_all = MIXED_NASH in concepts
    need = np.asarray(np.ones(size, bool) if want_all else ~mask.reshape(size, -1).any(axis=1))
    mixed, complete = _mixed_where(tensor, need, tol, progress)
    return BatchSolution(
        scenario, env, tensor, mask, mixed, need, tuple(concepts), tol, complete, regret
    )


def _verify_pure(tensor: np.ndarray, mask: np.ndarray, tol: float) -> np.ndarray:
    """Re-check every reported pure equilibrium with an independent deviation test
    (:func:`sim.solvers.verify.pure_regrets_batch`); return their regrets."""
    hits = np.argwhere(mask)
    if hits.size == 0:
        return np.zeros(0)
    regrets = pure_regrets_batch(tensor, hits[:, 0], hits[:, 1:])
    worst = int(np.argmax(regrets))
    if regrets[worst] > max(tol, 1e-9):
        raise VerificationError(
            f"internal error: a pure equilibrium at point {int(hits[worst, 0])} fails the "
            f"best-response check (regret {regrets[worst]:.3g})"
        )
    return regrets


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
    """Every equilibrium of one game, by the policy of :func:`nash_equilibria`, verified.

    Returns the equilibria and whether the list is known to be complete.
    """
    result = nash_equilibria(payoffs, tol=tol)
    return list(verified(result.equilibria, payoffs, tol=1e-9)), bool(result.complete)
