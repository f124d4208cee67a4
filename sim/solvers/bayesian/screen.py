"""Screening every pure behaviour profile at once: the checks on the equilibrium path, vectorised.

A pure profile can be a perfect Bayesian equilibrium only if, at every
information set it reaches (from the smallest proper subgame containing
the set, under the mover's own chance probabilities), the move it plays is
a best reply to the Bayes belief. :func:`screen` evaluates this for a whole
block of profiles with numpy (node values and reach probabilities for all
profiles in one pass per tree level), so that only the few survivors are
assessed one by one, off-path beliefs included
(:func:`sim.solvers.bayesian.assess.assess`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np

from sim.games.extensive import CHANCE, DECISION, ExtensiveGame, FloatArray, IntArray, PointValues
from sim.solvers.bayesian.assess import REACH_TOL, player_spans, smallest_roots

__all__ = ["screen"]

#: Profiles screened per numpy block.
BLOCK = 4096


def _blocks(sizes: list[int]) -> Iterator[IntArray]:
    it = itertools.product(*(range(k) for k in sizes))
    while True:
        chunk = list(itertools.islice(it, BLOCK))
        if not chunk:
            return
        yield np.array(chunk, np.int64).reshape(len(chunk), len(sizes))


def _weights(game: ExtensiveGame, values: PointValues, choices: IntArray) -> FloatArray:
    """``(n_profiles, n_nodes, n_players)``: probability of the move into each node, per player."""
    n = choices.shape[0]
    w = np.ones((n, game.n_nodes, game.n_players))
    child = np.arange(1, game.n_nodes)
    up = game.parent[child]
    dec = child[game.kind[up] == DECISION]
    picked = choices[:, game.infoset[game.parent[dec]]] == game.edge[dec][None, :]
    w[:, dec, :] = picked[:, :, None]
    chance = child[game.kind[up] == CHANCE]
    for i in range(game.n_players):
        w[:, chance, i] = values.probs_of(i)[chance][None, :]
    return w


def _node_values(game: ExtensiveGame, values: PointValues, w: FloatArray) -> FloatArray:
    out = np.zeros(w.shape)
    out[:, game.leaves, :] = values.payoffs[game.leaf_row[game.leaves]][None]
    for level in game.levels():
        level = level[level > 0]
        np.add.at(out, (slice(None), game.parent[level]), w[:, level] * out[:, level])  # type: ignore[arg-type]
    return out


def _reach_from(game: ExtensiveGame, w: FloatArray, root: int, player: int) -> FloatArray:
    out = np.zeros(w.shape[:2])
    out[:, root] = 1.0
    for level in reversed(game.levels()):
        level = level[(level > root) & (level < game.end[root])]
        if level.size:
            out[:, level] = out[:, game.parent[level]] * w[:, level, player]
    return out


def screen(game: ExtensiveGame, values: PointValues, tol: float) -> Iterator[tuple[int, ...]]:
    """Yield the pure profiles (a move index per information set) that pass the on-path checks.

    Examples
    --------
    >>> from sim.scenario.loader import load_scenario
    >>> from sim.games.extensive_build import build_extensive
    >>> from sim.games.extensive import evaluate
    >>> game = build_extensive(load_scenario("seltens_horse"))
    >>> len(list(screen(game, evaluate(game, {}).point(0), 1e-9))) <= 8
    True
    """
    sizes = [len(h.moves) for h in game.infosets]
    spans = player_spans(game, values)
    roots = smallest_roots(game)
    for choices in _blocks(sizes):
        w = _weights(game, values, choices)
        vals = _node_values(game, values, w)
        ok = np.ones(choices.shape[0], bool)
        reaches: dict[tuple[int, int], FloatArray] = {}
        for index, h in enumerate(game.infosets):
            i = h.player
            if (roots[index], i) not in reaches:
                reaches[(roots[index], i)] = _reach_from(game, w, roots[index], i)
            reach = reaches[(roots[index], i)][:, list(h.nodes)]
            total = reach.sum(axis=1)
            kids = np.array([game.children[x] for x in h.nodes])  # (nodes, moves)
            q = vals[:, kids, i]  # (profiles, nodes, moves)
            expected = np.einsum("pn,pnm->pm", reach, q)
            played = expected[np.arange(choices.shape[0]), choices[:, index]]
            fine = played >= expected.max(axis=1) - tol * float(spans[i]) * total
            ok &= fine | (total <= REACH_TOL)
        for row in choices[ok]:
            yield tuple(int(c) for c in row)
