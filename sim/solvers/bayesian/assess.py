"""Beliefs and sequential rationality of one behaviour profile (the solver's side).

Given a behaviour profile, :func:`assess` finds the belief system that makes
it a perfect Bayesian equilibrium, or shows there is none:

* at an information set of player ``i`` reached with positive probability
  from the smallest proper subgame containing it (under the profile and
  ``i``'s own chance probabilities), the belief is given by Bayes' rule;
* elsewhere (off the path) any belief is allowed that respects chance
  (histories that differ only in chance moves keep the odds the mover's own
  chance probabilities give them: a necessary condition for consistency,
  Kreps & Wilson 1982), and the set of beliefs under which the profile's
  moves are best replies is computed as a linear feasibility problem
  (:mod:`sim.solvers.bayesian.belief_lp`);
* at every information set the moves played must be best replies to the
  belief, given the continuation play (sequential rationality, checked
  agent by agent: one-shot deviations, Hendon, Jacobsen & Sloth 1996).

Requiring Bayes' rule in every subgame makes every such assessment subgame
perfect (Fudenberg & Tirole 1991, *Game Theory*, sec. 8.2; for games with
non-common priors each player updates its own prior, Morris 1995).
Tolerances are scaled by each player's own payoff range.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.games.extensive import CHANCE, DECISION, ExtensiveGame, FloatArray, PointValues
from sim.games.profile_values import node_values, reach
from sim.solvers.bayesian.belief_lp import supported_somewhere, supporting_beliefs
from sim.solvers.extensive.subgames import subgame_roots

__all__ = ["InfoSetBelief", "assess", "belief_groups", "player_spans", "smallest_roots"]

#: Reach probabilities below this count as zero (off the path).
REACH_TOL = 1e-12


@dataclass(frozen=True)
class InfoSetBelief:
    """The belief at one information set.

    Attributes
    ----------
    on_path
        True when Bayes' rule fixes the belief.
    belief
        On the path: the Bayes belief. Off it: one supporting belief (the
        midpoint of the witnesses).
    low, high
        Range of each node's probability over the supporting beliefs (equal
        to ``belief`` on the path).
    witnesses
        Off the path: supporting beliefs attaining each ``low`` and ``high``.
    """

    on_path: bool
    belief: FloatArray
    low: FloatArray
    high: FloatArray
    witnesses: tuple[FloatArray, ...] = ()


def player_spans(game: ExtensiveGame, values: PointValues) -> FloatArray:
    """Each player's payoff range (1.0 where all its payoffs are equal)."""
    if values.payoffs.size == 0:
        return np.ones(game.n_players)
    span = np.ptp(values.payoffs, axis=0)
    return np.where(span > 1e-300, span, 1.0)


def smallest_roots(game: ExtensiveGame) -> tuple[int, ...]:
    """For each information set, the root of the smallest proper subgame containing it."""
    cached = game._cache.get("bayes_smallest_roots")
    if isinstance(cached, tuple):
        return cached
    roots = [int(r) for r in subgame_roots(game)]
    out = []
    for h in game.infosets:
        first, last = min(h.nodes), max(h.nodes)
        inside = [r for r in roots if r <= first and game.end[r] > last]
        out.append(max(inside))
    result = tuple(out)
    game._cache["bayes_smallest_roots"] = result
    return result


def _signature(game: ExtensiveGame, x: int) -> tuple[tuple[int, int], ...]:
    """The players' moves (information set, move) on the path to ``x``, chance left out."""
    out = []
    while game.parent[x] >= 0:
        up = int(game.parent[x])
        if game.kind[up] == DECISION:
            out.append((int(game.infoset[up]), int(game.edge[x])))
        x = up
    return tuple(reversed(out))


def _chance_weight(game: ExtensiveGame, probs: FloatArray, x: int) -> float:
    """Product of the chance probabilities on the path to ``x``."""
    w = 1.0
    while game.parent[x] >= 0:
        if game.kind[int(game.parent[x])] == CHANCE:
            w *= float(probs[x])
        x = int(game.parent[x])
    return w


def belief_groups(game: ExtensiveGame, values: PointValues, index: int) -> FloatArray:
    """``(n_nodes, n_groups)``: the chance-consistent belief vertices of an information set.

    Nodes reached by the same players' moves form a group; its column gives
    them the odds of the mover's own chance probabilities. Groups the mover
    thinks impossible are dropped (unless all are; then any belief is allowed).
    """
    h = game.infosets[index]
    probs = values.probs_of(h.player)
    by_sig: dict[tuple[tuple[int, int], ...], list[int]] = {}
    for k, x in enumerate(h.nodes):
        by_sig.setdefault(_signature(game, x), []).append(k)
    weights = np.array([_chance_weight(game, probs, x) for x in h.nodes])
    columns = []
    for members in by_sig.values():
        total = float(weights[members].sum())
        if total > REACH_TOL:
            col = np.zeros(len(h.nodes))
            col[members] = weights[members] / total
            columns.append(col)
    return np.array(columns).T if columns else np.eye(len(h.nodes))


def assess(
    game: ExtensiveGame,
    values: PointValues,
    behaviour: Sequence[FloatArray],
    tol: float = 1e-9,
) -> tuple[InfoSetBelief, ...] | None:
    """The beliefs that make ``behaviour`` a perfect Bayesian equilibrium, or ``None``.

    Parameters
    ----------
    game, values
        The game and its numbers at one parameter point.
    behaviour
        A probability vector per information set.
    tol
        A move is a best reply when it is within ``tol`` times its player's
        payoff range of the best; moves with probability above ``tol`` must be.

    Returns
    -------
    tuple of InfoSetBelief or None
        Indexed like ``game.infosets``; ``None`` when some information set
        has no belief under which its moves are best replies. Every
        information set is screened first (Bayes' rule, or a supporting
        belief exists); only then are off-path ranges computed.

    Examples
    --------
    Beer-quiche: both types drink beer, the bully duels only after quiche.

    >>> from sim.scenario.loader import load_scenario
    >>> from sim.games.extensive_build import build_extensive
    >>> from sim.games.extensive import evaluate
    >>> game = build_extensive(load_scenario("beer_quiche"))
    >>> values = evaluate(game, {"p_strong": 0.9}).point(0)
    >>> beliefs = assess(game, values, game.pure_behaviour([0, 1, 0, 0]))
    >>> quiche = beliefs[game.infoset_by_key("Bully@Patron=quiche")]
    >>> quiche.on_path, [float(x) for x in quiche.high]
    (False, [0.5, 1.0])
    """
    vals = node_values(game, values, behaviour)
    spans = player_spans(game, values)
    roots = smallest_roots(game)
    reaches: dict[tuple[int, int], FloatArray] = {}
    screened: list[tuple[FloatArray, FloatArray, list[int], float]] = []
    for index, h in enumerate(game.infosets):  # pass 1: the cheap checks on the path
        i = h.player
        key = (roots[index], i)
        if key not in reaches:
            reaches[key] = reach(game, values.as_seen_by(i), behaviour, roots[index])
        w = reaches[key][list(h.nodes)]
        q = np.array([[vals[game.children[x][a], i] for a in range(len(h.moves))] for x in h.nodes])
        support = [a for a, p in enumerate(behaviour[index]) if p > tol]
        slack = tol * float(spans[i])
        if float(w.sum()) > REACH_TOL:
            expected = (w / w.sum()) @ q
            if any(expected[a] < expected.max() - slack for a in support):
                return None
        screened.append((q, w, support, slack))
    for index, (q, w, support, slack) in enumerate(screened):  # pass 2: off the path
        groups = belief_groups(game, values, index) if float(w.sum()) <= REACH_TOL else None
        if groups is not None and not supported_somewhere(q, groups, support, slack):
            return None
    out = []
    for index, (q, w, support, slack) in enumerate(screened):
        found = _belief(q, w, support, slack, game, values, index)
        if found is None:
            return None
        out.append(found)
    return tuple(out)


def _belief(
    q: FloatArray,
    w: FloatArray,
    support: list[int],
    slack: float,
    game: ExtensiveGame,
    values: PointValues,
    index: int,
) -> InfoSetBelief | None:
    total = float(w.sum())
    if total > REACH_TOL:
        mu = w / total
        return InfoSetBelief(True, mu, mu, mu)
    if q.shape[0] == 1:
        one = np.ones(1)
        return InfoSetBelief(False, one, one, one, (one, one))
    rng = supporting_beliefs(q, support, slack, belief_groups(game, values, index))
    if rng is None:
        return None
    middle = np.mean(rng.witnesses, axis=0)
    return InfoSetBelief(False, middle, rng.low, rng.high, rng.witnesses)
