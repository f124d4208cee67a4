"""Choosing moves at information sets a player's own plan excludes.

A reduced strategy (plan) says nothing about an information set that the
player's own earlier moves rule out, and Kuhn's behaviour strategy is
undefined there (Kuhn 1953; Myerson 1991, sec. 2.3). Any choice there gives
a realisation-equivalent profile, so any choice keeps a Nash equilibrium an
equilibrium. This module makes the choice that is *sequentially sensible*:
the move that is best for the player at that information set, given the rest
of the profile, so that a report of non-credible threats only ever points at
choices the plan actually makes.

Rule: information sets are filled deepest first (by their first node, in
preorder); at each one, each move is scored by the player's expected payoff
after it, summing over the set's nodes weighted by the probability that
chance and the other players reach them (equal weights if that probability
is 0); the best move gets probability 1, ties going to the first move in file
order. When the game is too large for this (more than
:data:`MAX_COMPLETION_WORK` node visits) the first move is chosen instead.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from sim.games.extensive import ExtensiveGame, FloatArray, PointValues
from sim.games.profile_values import Cut, node_values, reach, region_nodes

__all__ = ["MAX_COMPLETION_WORK", "complete"]

#: Above this many node visits, excluded information sets get their first move.
MAX_COMPLETION_WORK = 5_000_000


def complete(
    game: ExtensiveGame,
    values: PointValues,
    partial: Mapping[int, FloatArray | None],
    root: int = 0,
    cut: Cut | None = None,
    *,
    tol: float = 1e-9,
) -> dict[int, FloatArray]:
    """Fill the ``None`` entries of a behaviour profile (see the module docstring).

    Parameters
    ----------
    game, values
        The game and its numbers at one parameter point.
    partial
        Information-set index -> behaviour, ``None`` where undefined.
    root, cut
        The region the profile lives in (see :mod:`sim.games.profile_values`).
    tol
        Ties between moves: within ``tol`` times the payoff range.
    """
    missing = sorted(
        (h for h, b in partial.items() if b is None), key=lambda h: -game.infosets[h].nodes[0]
    )
    profile: dict[int, FloatArray] = {
        h: (b if b is not None else _first(len(game.infosets[h].moves))) for h, b in partial.items()
    }
    if not missing:
        return profile
    size = region_nodes(game, root, cut).size
    if size * len(missing) > MAX_COMPLETION_WORK:
        return profile
    span = values.payoff_range
    for h in missing:
        info = game.infosets[h]
        vals = node_values(game, values, profile, root, cut)
        weights = reach(game, values, profile, root, cut, ignore_player=info.player)
        w = weights[list(info.nodes)]
        if w.sum() <= 0.0:
            w = np.ones(len(info.nodes))
        scores = (
            np.array(
                [
                    sum(
                        wn * vals[game.children[n][a], info.player]
                        for wn, n in zip(w, info.nodes, strict=True)
                    )
                    for a in range(len(info.moves))
                ]
            )
            / w.sum()
        )
        best = int(np.flatnonzero(scores >= scores.max() - tol * span)[0])
        profile[h] = _first(len(info.moves), best)
    return profile


def _first(k: int, index: int = 0) -> FloatArray:
    vec = np.zeros(k)
    vec[index] = 1.0
    return vec
