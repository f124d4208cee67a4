"""Independent check of a perfect Bayesian equilibrium (shares no code with the solver).

Given behaviour strategies and stated beliefs, :func:`check_pbe` recomputes
everything node by node, in plain Python:

* every behaviour vector is a probability vector;
* every stated belief (and every witness of an off-path range) is a
  probability vector that keeps the odds chance gives to histories reached
  by the same players' moves (under the mover's own chance probabilities);
  where the information set is reached with positive
  probability from the smallest proper subgame containing it (under the
  profile and the mover's own chance probabilities) the belief equals
  Bayes' rule;
* at every information set, every move played with positive probability is
  a best reply to the stated belief (and to every witness belief of an
  off-path range), given the continuation play: the mover's expected
  payoff, under its own chance probabilities, is within ``tol`` times its
  own payoff range of the best (sequential rationality; Kreps & Wilson
  1982; Fudenberg & Tirole 1991, sec. 8.2).

It returns the largest shortfall found, relative to each player's range,
and raises :class:`~sim.errors.VerificationError` naming the information
set when a condition fails.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.errors import VerificationError
from sim.games.extensive import CHANCE, LEAF, ExtensiveGame, FloatArray, InfoSet, PointValues

__all__ = ["check_pbe"]


def _probs(values: PointValues, player: int) -> FloatArray:
    return values.probs if values.beliefs is None else values.beliefs[player]


def _value(
    game: ExtensiveGame,
    values: PointValues,
    profile: Sequence[FloatArray],
    x: int,
    i: int,
    memo: dict,
) -> float:
    """Player ``i``'s expected payoff from node ``x`` under its own chance probabilities."""
    key = (x, i)
    if key in memo:
        return memo[key]
    if game.kind[x] == LEAF:
        out = float(values.payoffs[game.leaf_row[x], i])
    else:
        kids = game.children[x]
        if game.kind[x] == CHANCE:
            weights = [float(_probs(values, i)[c]) for c in kids]
        else:
            weights = [float(p) for p in profile[int(game.infoset[x])]]
        out = sum(
            w * _value(game, values, profile, c, i, memo)
            for w, c in zip(weights, kids, strict=True)
            if w
        )
    memo[key] = out
    return out


def _is_subgame_root(game: ExtensiveGame, r: int) -> bool:
    inside = range(r, int(game.end[r]))
    for h in game.infosets:
        flags = {n in inside for n in h.nodes}
        if len(flags) > 1:
            return False
    return True


def _reach(
    game: ExtensiveGame, values: PointValues, profile: Sequence[FloatArray], r: int, i: int, x: int
) -> float:
    """Probability of reaching ``x`` from ``r`` (``x`` inside ``r``'s subtree), ``i``'s prior."""
    p = 1.0
    while x != r:
        up = int(game.parent[x])
        if game.kind[up] == CHANCE:
            p *= float(_probs(values, i)[x])
        else:
            p *= float(profile[int(game.infoset[up])][int(game.edge[x])])
        x = up
    return p


def _is_distribution(vec: FloatArray, size: int, tol: float) -> bool:
    vec = np.asarray(vec, float)
    return (
        vec.shape == (size,)
        and bool(np.all(np.isfinite(vec)))
        and vec.min() >= -tol
        and abs(vec.sum() - 1) <= tol
    )


def _check_chance_odds(
    game: ExtensiveGame, values: PointValues, h: InfoSet, beliefs: Sequence[FloatArray], tol: float
) -> None:
    """Nodes reached by the same players' moves keep the odds chance gives them (mover's prior)."""
    moves_and_odds = []
    for x in h.nodes:
        own, odds, y = [], 1.0, x
        while game.parent[y] >= 0:
            up = int(game.parent[y])
            if game.kind[up] == CHANCE:
                odds *= float(_probs(values, h.player)[y])
            else:
                own.append((int(game.infoset[up]), int(game.edge[y])))
            y = up
        moves_and_odds.append((tuple(own), odds))
    for mu in beliefs:
        for a, (sig_a, odds_a) in enumerate(moves_and_odds):
            for b, (sig_b, odds_b) in enumerate(moves_and_odds):
                if (
                    a < b
                    and sig_a == sig_b
                    and abs(mu[a] * odds_b - mu[b] * odds_a) > 10 * max(tol, 1e-9)
                ):
                    raise VerificationError(
                        f"belief at {h.key} does not keep the odds chance gives to histories "
                        "that differ only in chance moves"
                    )


def check_pbe(
    game: ExtensiveGame,
    values: PointValues,
    behaviour: Sequence[FloatArray],
    beliefs: Sequence[tuple[bool, FloatArray, Sequence[FloatArray]]],
    tol: float = 1e-9,
) -> float:
    """Verify a perfect Bayesian equilibrium; return the largest relative shortfall.

    Parameters
    ----------
    behaviour
        A probability vector per information set.
    beliefs
        Per information set: ``(on_path, belief, witnesses)`` where
        ``belief`` is a probability over its nodes and ``witnesses`` further
        beliefs that must each support the moves played (off-path ranges).
    tol
        Tolerance, relative to each player's payoff range (and absolute for
        probabilities).

    Examples
    --------
    >>> from sim.scenario.loader import load_scenario
    >>> from sim.games.extensive_build import build_extensive
    >>> from sim.games.extensive import evaluate
    >>> game = build_extensive(load_scenario("seltens_horse"))
    >>> values = evaluate(game, {}).point(0)
    >>> across = game.pure_behaviour([0, 0, 1])  # both across, player 3 right
    >>> mu = np.array([0.8, 0.2])  # player 3 thinks player 2 went down
    >>> stated = [(True, np.ones(1), ()), (True, np.ones(1), ()), (False, mu, ())]
    >>> check_pbe(game, values, across, stated)
    0.0
    """
    if len(behaviour) != len(game.infosets) or len(beliefs) != len(game.infosets):
        raise VerificationError("one behaviour vector and one belief per information set needed")
    for h, b in zip(game.infosets, behaviour, strict=True):
        if not _is_distribution(b, len(h.moves), tol):
            raise VerificationError(f"behaviour at {h.key} is not a probability vector")
    spans = [
        max(float(np.ptp(values.payoffs[:, i])), 1e-300) if values.payoffs.size else 1.0
        for i in range(game.n_players)
    ]
    spans = [s if s > 1e-300 else 1.0 for s in spans]
    memo: dict = {}
    worst = 0.0
    for index, (h, (on_path, belief, witnesses)) in enumerate(
        zip(game.infosets, beliefs, strict=True)
    ):
        i = h.player
        r = max(
            a
            for a in range(min(h.nodes) + 1)
            if game.end[a] > max(h.nodes) and _is_subgame_root(game, a)
        )
        weights = [_reach(game, values, behaviour, r, i, x) for x in h.nodes]
        total = sum(weights)
        for mu in (belief, *witnesses):
            if not _is_distribution(mu, len(h.nodes), tol):
                raise VerificationError(f"belief at {h.key} is not a probability vector")
        if on_path and total <= 1e-12:
            raise VerificationError(f"{h.key} is said to be on the path but is not reached")
        if total > 1e-12:
            bayes = np.array(weights) / total
            if (
                not on_path
                or np.max(np.abs(np.asarray(belief, float) - bayes)) > max(tol, 1e-9) * 10
            ):
                raise VerificationError(
                    f"belief at {h.key} is not given by Bayes' rule: {list(bayes)}"
                )
        _check_chance_odds(game, values, h, (belief, *witnesses), tol)
        q = [
            [
                _value(game, values, behaviour, game.children[x][a], i, memo)
                for a in range(len(h.moves))
            ]
            for x in h.nodes
        ]
        for mu in (belief, *witnesses):
            expected = np.asarray(mu, float) @ np.array(q)
            for a, p in enumerate(behaviour[index]):
                if p > tol:
                    short = (float(expected.max()) - float(expected[a])) / spans[i]
                    if short > tol:
                        raise VerificationError(
                            f"not sequentially rational: {game.players[i]} gains "
                            f"{short * spans[i]:.6g} at {h.key} by not playing {h.moves[a]}"
                        )
                    worst = max(worst, short)
    return worst
