"""Ties in sequential batches: the outcomes of every subgame-perfect equilibrium.

Backward induction on a batch (:mod:`sim.analysis.sequential_batch`) takes
the first best move in file order where several moves tie, so at such a
point it holds one subgame-perfect equilibrium (SPE) of several. This module
lists, at every point with a tie, the outcomes of *every* pure SPE
(:func:`sim.solvers.extensive.backward_induction.all_pure_spe`), so that a sweep says
"Deadlock at the UN | Arms race" where the US is indifferent between offering
a deal and deploying at once, not only the first of the two.

The work is one small backward induction per tie point; at most
:data:`MAX_TIE_POINTS` points are enumerated (beyond, the prediction says
that other equilibria exist without naming their outcomes), and at most
:data:`MAX_SPE` equilibria per point.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from sim.analysis.sequential_layout import (
    MIN_OUTCOME_PROBABILITY,
    Naming,
    leaf_reach,
    outcome_probabilities,
)
from sim.games.extensive import ExtensiveGame, FloatArray, PointValues
from sim.solvers.extensive.backward_induction import all_pure_spe

__all__ = ["MAX_SPE", "MAX_TIE_POINTS", "OTHERS", "label", "tie_outcome_sets", "tie_outcomes"]

#: Tie points whose equilibria are enumerated one by one.
MAX_TIE_POINTS = 5_000
#: Equilibria enumerated per point (per subgame).
MAX_SPE = 64
#: Appended to a prediction whose other equilibria were not enumerated.
OTHERS = "other equilibria (ties)"


def tie_outcome_sets(
    game: ExtensiveGame,
    payoffs: FloatArray,
    probs: FloatArray,
    points: Sequence[int],
    tol: float,
    reached: Callable[[Sequence[int], int], frozenset[int]],
) -> dict[int, tuple[frozenset[int], ...]]:
    """For each tie point, the outcome sets (indices of outcomes reached) of every pure SPE.

    Parameters
    ----------
    game
        The game tree (perfect information).
    payoffs, probs
        Node-major batch arrays ``(n_leaves, n_players, batch)`` and ``(n_nodes, batch)``.
    points
        The tie points to enumerate (at most :data:`MAX_TIE_POINTS` are).
    tol
        The tie tolerance of the batch.
    reached
        ``reached(choices, point) -> frozenset`` of outcome indices reached
        under one plan (move index per information set) at one point.

    Returns
    -------
    dict
        Point -> distinct outcome sets, in the order the equilibria are found
        (the first is the batch's own plan); a trailing empty set means the
        enumeration was cut (more equilibria than :data:`MAX_SPE`).
    """
    out: dict[int, tuple[frozenset[int], ...]] = {}
    for b in list(points)[:MAX_TIE_POINTS]:
        values = PointValues(
            np.ascontiguousarray(payoffs[:, :, b]), np.ascontiguousarray(probs[:, b])
        )
        found = all_pure_spe(game, values, tol=tol, limit=MAX_SPE)
        sets = list(dict.fromkeys(reached(eq.choices, b) for eq in found.equilibria))
        if not found.complete:
            sets.append(frozenset())
        out[int(b)] = tuple(sets)
    return out


def tie_outcomes(
    game: ExtensiveGame,
    naming: Naming,
    payoffs: FloatArray,
    probs: FloatArray,
    ties: np.ndarray,
    tol: float,
) -> dict[int, tuple[str, ...]]:
    """Point -> the outcome names of every pure SPE, at the points where moves tie and
    the equilibria lead to different outcomes (see :mod:`sim.analysis.sequential_ties`)."""
    points = np.flatnonzero(ties.any(axis=0))

    def reached(choices: Sequence[int], b: int) -> frozenset[int]:
        choice = np.full((game.n_nodes, 1), -1, np.int64)
        choice[naming.info_nodes, 0] = choices
        odds = outcome_probabilities(naming, leaf_reach(game, naming, choice, probs[:, b : b + 1]))
        return frozenset(np.flatnonzero(odds[:, 0] > MIN_OUTCOME_PROBABILITY).tolist())

    sets = tie_outcome_sets(game, payoffs, probs, points.tolist(), tol, reached)
    out: dict[int, tuple[str, ...]] = {}
    for b, found in sets.items():
        if len(found) > 1:
            out[b] = tuple(label(naming, sorted(s)) if s else OTHERS for s in found)
    for b in points[MAX_TIE_POINTS:].tolist():
        out[b] = ("", OTHERS)  # the first is filled in by _names
    return out


def label(naming: Naming, outcomes: Sequence[int]) -> str:
    """The name of a set of outcomes (indices), joined by ``" + "`` in the fixed order."""
    hit = [naming.names[int(i)] for i in outcomes]
    return " + ".join(hit) if hit else "No outcome"
