"""Predicted outcomes at each point of a batch, and equilibrium identities across points.

An equilibrium's *key* identifies it across parameter points: a pure
equilibrium by its profile, a mixed one by its supports. The *prediction* at
a point is the name of the selected equilibrium's outcome (see
:mod:`sim.analysis.selection`), or the names of all of them under ``all``.

In a sequential batch (:mod:`sim.analysis.sequential_batch`) each point has
one subgame-perfect equilibrium (backward induction, first best move at
ties), so the rule has nothing to choose: the prediction is the names of the
outcomes that equilibrium reaches.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.analysis.batch import BatchSolution, SolvedBatch, equilibrium_key
from sim.analysis.selection import select
from sim.solvers.result import Equilibrium

__all__ = [
    "Predictions",
    "equilibrium_key",
    "equilibrium_name",
    "predict",
    "simultaneous_predictions",
]

Key = tuple[tuple[int, ...], ...]


def equilibrium_name(batch: BatchSolution, eq: Equilibrium) -> str:
    """Outcome name: a pure equilibrium's label; ``Mixed: ...`` for a mixed one."""
    key = equilibrium_key(eq)
    if all(len(s) == 1 for s in key):
        return batch.profile_label(tuple(s[0] for s in key))
    names = []
    for p, support in enumerate(key):
        moves = batch.scenario.players[p].moves
        if len(support) > 1:
            names.append(
                f"{batch.scenario.players[p].name} mixes {'/'.join(moves[k] for k in support)}"
            )
    return "Mixed: " + "; ".join(names)


@dataclass(frozen=True, eq=False)
class Predictions:
    """Predicted outcome at each point of a batch under one selection rule.

    Attributes
    ----------
    rule
        The selection rule used.
    names
        Predicted outcome name per point.
    selected
        Per point, the index (into ``BatchSolution.equilibria(point)``) of the
        selected equilibrium, or -1 under ``all``.
    """

    rule: str
    names: tuple[str, ...]
    selected: np.ndarray


def predict(batch: SolvedBatch, rule: str = "all") -> Predictions:
    """Predicted outcome names for every point of ``batch`` (its own ``predictions``).

    A sequential batch already holds them (one equilibrium per point); a
    simultaneous one uses :func:`simultaneous_predictions`.
    """
    return batch.predictions(rule)


def simultaneous_predictions(batch: BatchSolution, rule: str) -> Predictions:
    """Predictions of a simultaneous batch.

    Points are grouped by their set of pure equilibria (one ``np.unique`` over
    the packed masks); a group whose points need no payoff-dependent choice
    (one equilibrium, or rule ``all``) is named once. Only points with mixed
    equilibria or a real choice are handled one by one.
    """
    flat = batch.pure_mask.reshape(batch.size, -1)
    keys, inverse = np.unique(np.packbits(flat, axis=1), axis=0, return_inverse=True)
    inverse = inverse.ravel()
    counts = flat.sum(axis=1)
    has_mixed = np.array([bool(m) for m in batch.mixed])
    names = np.empty(batch.size, dtype=object)
    chosen = np.full(batch.size, -1)
    simple = ~has_mixed & ((counts <= 1) | (rule == "all"))
    for group in range(len(keys)):
        members = np.flatnonzero(simple & (inverse == group))
        if members.size:
            eqs = batch.equilibria(int(members[0]))
            names[members] = (
                _joined(batch, eqs) if len(eqs) != 1 else equilibrium_name(batch, eqs[0])
            )
            chosen[members] = -1 if len(eqs) != 1 or rule == "all" else 0
    for b in np.flatnonzero(~simple):
        eqs = batch.equilibria(int(b))
        idx = select(eqs, batch.payoffs[b], rule, batch.tol)
        names[b] = _joined(batch, eqs) if idx is None else equilibrium_name(batch, eqs[idx])
        chosen[b] = -1 if idx is None else idx
    return Predictions(rule, tuple(names.tolist()), chosen)


def _joined(batch: BatchSolution, eqs: list[Equilibrium]) -> str:
    if not eqs:
        return "No equilibrium found"
    return " | ".join(equilibrium_name(batch, eq) for eq in eqs)
