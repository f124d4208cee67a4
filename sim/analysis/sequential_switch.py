"""The exact value of a flip of a sequential game's subgame-perfect plan.

Split from :mod:`sim.analysis.sequential_batch`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from sim.analysis.sequential_batch import SequentialBatch
from sim.analysis.sequential_layout import (
    MIN_OUTCOME_PROBABILITY,
    evaluate_columns,
    game_naming,
    leaf_reach,
    outcome_probabilities,
    plan_values,
)
from sim.errors import ScenarioError
from sim.scenario.parameters import parameter_env

__all__ = ["switch_root"]


def switch_root(
    before: SequentialBatch,
    after: SequentialBatch,
    parameter: str,
    low: float,
    high: float,
    base: Mapping[str, float] | None = None,
) -> float | None:
    """Where payoffs are linear in ``parameter`` near a flip, its exact value; else None.

    ``before`` holds the point just below the flip (``low``) and ``after`` the
    point just above (``high``). With the plan of ``before`` fixed, the
    mover's payoff difference between its old and its new move at each
    information set that switches is a function of the parameter (where no
    move switches, the probability of each outcome that appears or
    disappears is); where it is linear (checked at four points around the
    bracket), its root inside ``[low, high]`` is the flip. ``base`` holds the
    other overrides.
    """
    game = before.game
    mid = (low + high) / 2
    step = 1e-3 * max(1.0, abs(mid))
    ts = np.array([low - step, mid, high + step, high + 2.5 * step])
    env = parameter_env(before.scenario.parameters, {**(base or {}), parameter: ts})
    env = {k: np.broadcast_to(np.asarray(v, dtype=float), ts.shape) for k, v in env.items()}
    try:
        payoffs, probs = evaluate_columns(game, env, ts.size, check=False)
    except ScenarioError:
        return None
    naming = game_naming(game)
    choice = np.full((game.n_nodes, ts.size), -1, before.plans.dtype)
    choice[naming.info_nodes] = before.plans[:, :1]
    curves = []
    switched = np.flatnonzero(before.plans[:, 0] != after.plans[:, 0])
    if switched.size:
        vals = plan_values(game, payoffs, probs, choice)
        for h in switched.tolist():
            x = int(naming.info_nodes[h])
            i = int(game.owner[x])
            old, new = int(before.plans[h, 0]), int(after.plans[h, 0])
            curves.append(vals[game.children[x][new], i] - vals[game.children[x][old], i])
    else:
        odds = outcome_probabilities(naming, leaf_reach(game, naming, choice, probs))
        seen = before.outcome_probs[:, 0] > MIN_OUTCOME_PROBABILITY
        now = after.outcome_probs[:, 0] > MIN_OUTCOME_PROBABILITY
        curves.extend(odds[k] for k in np.flatnonzero(seen != now))
    roots = []
    for d in curves:
        slope = (d[2] - d[0]) / (ts[2] - ts[0])
        line = d[0] + slope * (ts - ts[0])
        if slope == 0 or not np.allclose(d, line, rtol=1e-9, atol=1e-9 * (np.abs(d).max() + 1)):
            continue
        r = float(mid - d[1] / slope)
        if low - 1e-12 * max(1.0, abs(low)) <= r <= high + 1e-12 * max(1.0, abs(high)):
            roots.append(r)
    return min(roots, key=lambda r: abs(r - mid)) if roots else None
