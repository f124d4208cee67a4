"""Whose beliefs drive which choice, in a game with non-common priors.

For a perfect Bayesian equilibrium and a player ``i`` that holds its own
chance probabilities, :func:`belief_drivers` asks, at each information set
of ``i`` that ``i`` expects to reach: would ``i`` choose differently if it
held another view - the analyst's ``outcomes`` or another player's beliefs -
with everything else (the other players' strategies, ``i``'s later moves)
unchanged? Each such information set gives a :class:`BeliefDriver`, which
the report turns into a sentence ("Russia plays veto because under its own
estimate (capability: advanced 5%) ...; under the US estimate it would play
support"). Beliefs at the information set follow Bayes' rule under the view
used (Harsanyi 1967-68; Morris 1995).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.games.extensive import CHANCE, ExtensiveGame, FloatArray, PointValues
from sim.games.profile_values import node_values, reach

__all__ = ["BeliefDriver", "belief_drivers", "estimate_text"]

#: Reach probabilities at or below this count as zero.
_TINY = 1e-12


@dataclass(frozen=True)
class BeliefDriver:
    """``player`` plays ``move`` at ``infoset``; under ``view`` it would play ``alternative``.

    ``own`` and ``other`` describe the two estimates (chance outcome
    probabilities at the chance moves where they differ).
    """

    player: str
    infoset: str
    move: str
    view: str
    alternative: str
    own: str
    other: str


def estimate_text(game: ExtensiveGame, mine: FloatArray, theirs: FloatArray) -> str:
    """``"capability: advanced 5%, limited 95%"`` at the chance moves where two views differ."""
    parts = []
    seen: set[str] = set()
    for x in np.flatnonzero(game.kind == CHANCE):
        kids = list(game.children[int(x)])
        if np.allclose(mine[kids], theirs[kids], atol=1e-12, rtol=0):
            continue
        name = game.movers[int(x)]
        text = ", ".join(
            f"{m} {100 * float(mine[c]):.3g}%"
            for m, c in zip(game.node_moves[int(x)], kids, strict=True)
        )
        entry = f"{name}: {text}"
        if entry not in seen:
            seen.add(entry)
            parts.append(entry)
    return "; ".join(parts[:3]) + ("; ..." if len(parts) > 3 else "")


def _views(game: ExtensiveGame, values: PointValues) -> list[tuple[int, str, FloatArray]]:
    """(player index or -1, name, chance probabilities) of every view."""
    assert values.beliefs is not None
    views = [(-1, "the analyst's view", values.probs)]
    views += [(i, f"the {p} estimate", values.beliefs[i]) for i, p in enumerate(game.players)]
    return views


def belief_drivers(
    game: ExtensiveGame, values: PointValues, behaviour: Sequence[FloatArray], tol: float = 1e-9
) -> tuple[BeliefDriver, ...]:
    """The information sets where a player's own beliefs decide its (pure) choice.

    Only information sets the player expects to reach (under its own
    beliefs) and where it does not mix are examined; for each, the first
    other view (the analyst's, then each player's) under which the player
    would strictly prefer another move gives one :class:`BeliefDriver`.


    Examples
    --------
    >>> from sim.scenario.loader import load_scenario
    >>> from sim.scenario.parameters import parameter_env
    >>> from sim.games.extensive_build import build_extensive
    >>> from sim.games.extensive import evaluate
    >>> from sim.solvers.bayesian import perfect_bayesian
    >>> scenario = load_scenario("missile_shield_verification")
    >>> game = build_extensive(scenario)
    >>> env = parameter_env(scenario.parameters, None)
    >>> values = evaluate(game, env).point(0, env)
    >>> (eq,) = perfect_bayesian(game, values).equilibria
    >>> drivers = belief_drivers(game, values, eq.behaviour)
    >>> [(d.player, d.move, d.view, d.alternative) for d in drivers]
    [('Russia', 'veto_sanctions', 'the US estimate', 'support_sanctions')]
    """
    if values.beliefs is None:
        return ()
    out = []
    for i, player in enumerate(game.players):
        mine = values.beliefs[i]
        others = [
            (name, probs)
            for j, name, probs in _views(game, values)
            if j != i and not np.allclose(probs, mine, atol=1e-12, rtol=0)
        ]
        if not others:
            continue
        own_reach = reach(game, values.as_seen_by(i), behaviour)
        for index, h in enumerate(game.infosets):
            if h.player != i or float(np.max(behaviour[index])) < 1 - tol:
                continue
            if float(own_reach[list(h.nodes)].sum()) <= _TINY:
                continue
            played = int(np.argmax(behaviour[index]))
            for name, probs in others:
                alt = _best_under(game, values, behaviour, i, index, probs, tol)
                if alt is None:
                    continue
                own, other = estimate_text(game, mine, probs), estimate_text(game, probs, mine)
                move, moves = h.moves[played], h.moves[alt]
                out.append(BeliefDriver(player, h.key, move, name, moves, own, other))
                break
    return tuple(out)


def _best_under(
    game: ExtensiveGame,
    values: PointValues,
    behaviour: Sequence[FloatArray],
    i: int,
    index: int,
    probs: FloatArray,
    tol: float,
) -> int | None:
    """The move ``i`` would strictly prefer at ``index`` believing ``probs`` (else ``None``)."""
    assert values.beliefs is not None
    beliefs = values.beliefs.copy()
    beliefs[i] = probs
    other = PointValues(values.payoffs, values.probs, values.parameters, beliefs)
    h = game.infosets[index]
    w = reach(game, other.as_seen_by(i), behaviour)[list(h.nodes)]
    if float(w.sum()) <= _TINY:
        return None
    vals = node_values(game, other, behaviour)[:, i]
    q = np.array([[vals[game.children[x][a]] for a in range(len(h.moves))] for x in h.nodes])
    expected = (w / w.sum()) @ q
    span = float(np.ptp(values.payoffs[:, i])) or 1.0
    played = int(np.argmax(behaviour[index]))
    best = int(np.argmax(expected))
    if expected[best] > expected[played] + max(tol, 1e-9) * span:
        return best
    return None
