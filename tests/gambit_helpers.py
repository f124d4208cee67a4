"""Helpers for checking sequential-game results against a live pygambit (oracle tests and
``tests/fixtures/record_gambit.py``; the functions take the pygambit module as ``gbt``).

Our trees are written to Gambit's .efg format (:func:`sim.games.efg.to_efg`,
exact rational payoffs and probabilities), read back with pygambit, and our
behaviour profiles are converted to exact rational pygambit profiles, so that
Gambit computes regrets in exact arithmetic.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np
from gambit_corpus import exact, load_text, random_tree_scenario  # re-exported for older imports

from sim.games.efg import to_efg
from sim.games.extensive import ExtensiveGame, PointValues

__all__ = [
    "exact",
    "gambit_behaviour",
    "gambit_game",
    "gambit_profile",
    "gambit_subgame_roots",
    "load_text",
    "pure_profiles",
    "random_tree_scenario",
    "strategy_regret",
    "worst_subgame_regret",
]


def pure_profiles(gbt: Any, payoffs: np.ndarray) -> list[list[int]]:
    """Gambit's ``enumpure_solve`` answer for a payoff tensor, as move indices."""
    game = gbt.Game.from_arrays(*payoffs)
    found = []
    for eq in gbt.nash.enumpure_solve(game).equilibria:
        profile = []
        for player in game.players:
            probs = [float(eq[s]) for s in player.strategies]
            assert sorted(probs)[-1] == 1.0
            profile.append(probs.index(1.0))
        found.append(profile)
    return found


def strategy_regret(gbt: Any, game: Any, x: np.ndarray) -> float:
    """Gambit's ``max_regret`` of a flat mixed profile ``x`` of a strategic-form game."""
    profile = game.mixed_strategy_profile(rational=False)
    k = 0
    for player in game.players:
        for strategy in player.strategies:
            profile[strategy] = float(x[k])
            k += 1
    return float(profile.max_regret())


def gambit_game(gbt: Any, game: ExtensiveGame, values: PointValues, root: int = 0) -> Any:
    """The game (or the subgame at ``root``) as a pygambit game."""
    return gbt.read_efg(io.StringIO(to_efg(game, values, root)))


def gambit_profile(gbt: Any, g: Any, game: ExtensiveGame, behaviour: Sequence[np.ndarray]) -> Any:
    """Our behaviour profile as an exact pygambit MixedBehaviorProfile of ``g``."""
    prof = g.mixed_behavior_profile(rational=True)
    infosets = {(p.label, i.label): i for p in g.players for i in p.infosets}
    for index, h in enumerate(game.infosets):
        found = infosets.get((game.players[h.player], h.key))
        if found is None:
            continue
        probs = [exact(p) for p in behaviour[index]]
        assert sum(probs) == 1, (h.key, behaviour[index])
        for action, p in zip(found.actions, probs, strict=True):
            prof[action] = gbt.Rational(p.numerator, p.denominator)
    return prof


def gambit_subgame_roots(gbt: Any, game: ExtensiveGame, values: PointValues) -> list[int]:
    """Gambit's proper-subgame roots, as our node indices (both number nodes in preorder)."""
    g = gambit_game(gbt, game, values)
    nodes = list(g.nodes)
    assert len(nodes) == game.n_nodes
    return [k for k, n in enumerate(nodes) if n.is_subgame_root and not n.is_terminal]


def worst_subgame_regret(
    gbt: Any, game: ExtensiveGame, values: PointValues, behaviour: Sequence[np.ndarray]
) -> Fraction:
    """Largest max_regret (exact) of the profile over every proper subgame Gambit finds."""
    worst = Fraction(0)
    for root in gambit_subgame_roots(gbt, game, values):
        sub = gambit_game(gbt, game, values, root)
        regret = gambit_profile(gbt, sub, game, behaviour).max_regret()
        worst = max(worst, Fraction(regret.numerator, regret.denominator))
    return worst


def gambit_behaviour(game: ExtensiveGame, g: Any, prof: Any) -> list[np.ndarray]:
    """A pygambit behaviour profile as our per-infoset float vectors."""
    infosets = {(p.label, i.label): i for p in g.players for i in p.infosets}
    out = []
    for h in game.infosets:
        found = infosets[(game.players[h.player], h.key)]
        out.append(np.array([float(prof[a]) for a in found.actions]))
    return out
