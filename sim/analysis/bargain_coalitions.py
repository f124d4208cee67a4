"""Commitment, linkage and coalitions in a bargaining analysis.

* One-sided commitment: a party commits alone to one of its moves (plans)
  first; everyone else, the other parties included, responds as the game
  predicts. Comparing the best such commitment with the package deal shows
  what linking the issues is worth.
* Coalitions: ``v(S)`` is the largest total payoff the players in ``S`` get
  by committing their moves jointly while the others respond as the game
  predicts (transfers inside ``S`` move payoff but cannot raise the total);
  ``v`` of the empty set is 0. From ``v``: the Shapley value (Shapley 1953)
  and the least core (Maschler, Peleg and Shapley 1979).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.analysis.bargain_responses import Response, SimultaneousResponses
from sim.games.reduced_form import reduced_form
from sim.solvers import bargaining as bg

__all__ = [
    "MAX_COALITION_PLAYERS",
    "MAX_COALITION_WORK",
    "CoalitionResult",
    "Commitment",
    "coalition_analysis",
    "coalition_work",
    "commitments",
]

#: Most responses computed for the coalition values (beyond: coalitions are skipped).
MAX_COALITION_WORK = 20_000
#: Most players for coalition values (2^n coalitions).
MAX_COALITION_PLAYERS = 10


@dataclass(frozen=True)
class Commitment:
    """A party commits alone to one plan; the others respond."""

    party: int
    plan: int
    name: str
    response: Response


@dataclass(frozen=True)
class CoalitionResult:
    """Coalition values (indexed by bit mask over all players), Shapley value, least core."""

    values: np.ndarray
    shapley: np.ndarray
    least_core: bg.LeastCore

    def value(self, members: tuple[int, ...]) -> float:
        """``v`` of the coalition of these player indices."""
        return float(self.values[sum(1 << i for i in members)])


def commitments(  # type: ignore[no-untyped-def]
    model, index: list[int], progress: Callable[[int], None] | None = None
) -> tuple[Commitment, ...]:
    """Every one-sided commitment of every party."""
    out = []
    for p in index:
        for k in range(len(model.plans(p))):
            out.append(Commitment(p, k, model.plan_name(p, k), model.respond({p: k})))
            if progress is not None:
                progress(1)
    return tuple(out)


def coalition_analysis(  # type: ignore[no-untyped-def]
    model, notes: list[str], progress: Callable[[int], None] | None = None
) -> CoalitionResult | None:
    """``v(S)`` for every coalition, the Shapley value and the least core (or ``None``)."""
    n = len(model.players)
    if n > MAX_COALITION_PLAYERS:
        notes.append(f"coalition values are computed for at most {MAX_COALITION_PLAYERS} players")
        return None
    counts = [len(model.plans(p)) for p in range(n)]
    work = coalition_work(model)
    if work > MAX_COALITION_WORK:
        notes.append(
            f"coalition values skipped: they need {work:,} responses of the game "
            f"(at most {MAX_COALITION_WORK:,})"
        )
        return None
    v = np.zeros(2**n)
    for mask in range(1, 2**n):
        members = [i for i in range(n) if mask >> i & 1]
        v[mask] = _grand(model) if len(members) == n else _value(model, members, counts, progress)
    return CoalitionResult(v, bg.shapley_value(v), bg.least_core(v))


def _value(model, members: list[int], counts: list[int], progress) -> float:  # type: ignore[no-untyped-def]
    best = -np.inf
    for combo in itertools.product(*(range(counts[i]) for i in members)):
        payoffs = model.respond(dict(zip(members, combo, strict=True)), detail=False).payoffs
        best = max(best, float(payoffs[members].sum()))
        if progress is not None:
            progress(1)
    return best


def _grand(model) -> float:  # type: ignore[no-untyped-def]
    """The grand coalition: the largest total over all pure profiles (plans)."""
    if isinstance(model, SimultaneousResponses):
        return float(model.game.payoffs.sum(axis=0).max())
    rf = reduced_form(model.game, model.values)
    return float(rf.values.sum(axis=0).max())


def coalition_work(model) -> int:  # type: ignore[no-untyped-def]
    """How many responses :func:`coalition_analysis` would compute."""
    n = len(model.players)
    counts = [len(model.plans(p)) for p in range(n)]
    return sum(
        math.prod(counts[i] for i in range(n) if mask >> i & 1) for mask in range(1, 2**n - 1)
    )
