"""Predicted outcomes at each point of a batch, and equilibrium identities across points.

An equilibrium's *key* identifies it across parameter points: a pure
equilibrium by its profile, a mixed one by its supports. The *prediction* at
a point is the name of the selected equilibrium's outcome (see
:mod:`sim.analysis.selection`), or the names of all of them under ``all``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.analysis.batch import BatchSolution
from sim.analysis.selection import select
from sim.solvers.result import Equilibrium

__all__ = ["Predictions", "equilibrium_key", "equilibrium_name", "predict"]

Key = tuple[tuple[int, ...], ...]


def equilibrium_key(eq: Equilibrium, threshold: float = 1e-9) -> Key:
    """The supports of an equilibrium (a pure one: one move per player)."""
    return tuple(tuple(int(k) for k in np.flatnonzero(s > threshold)) for s in eq.strategies)


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


def predict(batch: BatchSolution, rule: str = "all") -> Predictions:
    """Predicted outcome names for every point of ``batch``.

    Pure-only points are named from a per-profile cache, so a sweep of many
    points costs little more than its distinct equilibrium sets.
    """
    names: list[str] = []
    chosen = np.full(batch.size, -1)
    cache: dict[tuple, tuple[str, int]] = {}
    flat = batch.pure_mask.reshape(batch.size, -1)
    for b in range(batch.size):
        if not batch.mixed[b] and rule in ("all",):
            key = tuple(np.flatnonzero(flat[b]))
            if key not in cache:
                eqs = batch.equilibria(b)
                cache[key] = (_joined(batch, eqs), -1)
            name, idx = cache[key]
        else:
            eqs = batch.equilibria(b)
            idx_opt = select(eqs, batch.payoffs[b], rule, batch.tol)
            idx = -1 if idx_opt is None else idx_opt
            name = _joined(batch, eqs) if idx < 0 else equilibrium_name(batch, eqs[idx])
        names.append(name)
        chosen[b] = idx
    return Predictions(rule, tuple(names), chosen)


def _joined(batch: BatchSolution, eqs: list[Equilibrium]) -> str:
    if not eqs:
        return "No equilibrium found"
    return " | ".join(equilibrium_name(batch, eq) for eq in eqs)
