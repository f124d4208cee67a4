"""Independent check that a behaviour profile is subgame perfect.

Every subgame-perfect equilibrium is passed through
:func:`check_subgame_perfect` before it is reported. The check shares no code
with the solvers' value computations: it recomputes expected payoffs, finds
the proper subgames by counting, for every information set, how many of its
nodes each ancestor has below it, and then tests, in the smallest subgame
containing each information set, that its player gains nothing by a
**one-shot deviation** there: switching to another move at that information
set only, measured from the subgame's root (the one-shot deviation principle;
Osborne & Rubinstein 1994, lemma 98.2 for perfect information; Hendon, Jacobsen
& Sloth 1996 for perfect recall). A gain measured from a larger subgame is
the gain from the smallest one times a reach probability, so testing the
smallest suffices.

In a subgame with imperfect information a profile can pass every one-shot
test and still not be a Nash equilibrium there (a player may gain only by
changing two choices at once). Such subgames are therefore also checked with
:func:`sim.solvers.verify.check_equilibrium` on their reduced strategic form,
the subgames below replaced by the profile's payoffs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim.errors import VerificationError
from sim.games.extensive import CHANCE, LEAF, ExtensiveGame, FloatArray, IntArray, PointValues
from sim.games.reduced_form import mixed_from_behaviour, reduced_form
from sim.scales import leaf_scales
from sim.solvers.verify import check_equilibrium

__all__ = ["check_subgame_perfect", "proper_subgames"]


def proper_subgames(game: ExtensiveGame) -> list[int]:
    """Roots of proper subgames, by counting.

    Independent of :mod:`sim.solvers.extensive.subgames`, which it checks.
    """
    broken = np.zeros(game.n_nodes, bool)
    for h in game.infosets:
        if len(h.nodes) == 1:
            continue
        counts: dict[int, int] = {}
        for x in h.nodes:
            a = x
            while a >= 0:
                counts[a] = counts.get(a, 0) + 1
                a = int(game.parent[a])
        for a, c in counts.items():
            if c < len(h.nodes):
                broken[a] = True
    return np.flatnonzero((game.kind != LEAF) & ~broken).tolist()


@dataclass(frozen=True)
class _Layout:
    """Structure the check needs, computed once per game."""

    roots: list[int]
    single: IntArray
    others: list[tuple[int, int]]


def _layout(game: ExtensiveGame) -> _Layout:
    cached = game._cache.get("spe_check_layout")
    if isinstance(cached, _Layout):
        return cached
    roots = proper_subgames(game)
    root_set = set(roots)
    single, others = [], []
    for index, h in enumerate(game.infosets):
        if len(h.nodes) == 1 and h.nodes[0] in root_set:
            single.append(h.nodes[0])
        else:
            others.append((index, _smallest_root(game, h.nodes, root_set)))
    layout = _Layout(roots, np.array(single, np.int64), others)
    game._cache["spe_check_layout"] = layout
    return layout


def _values(game: ExtensiveGame, values: PointValues, profile: Sequence[FloatArray]) -> FloatArray:
    """Expected payoffs at every node: leaves up, one level of the tree at a time."""
    sizes = [len(h.moves) for h in game.infosets]
    start = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    flat = np.concatenate([np.asarray(b, float) for b in profile]) if sizes else np.zeros(0)
    child = np.arange(1, game.n_nodes)
    up = game.parent[child]
    move_prob = np.ones(game.n_nodes)
    by_chance = game.kind[up] == CHANCE
    move_prob[child[by_chance]] = values.probs[child[by_chance]]
    chosen = ~by_chance
    move_prob[child[chosen]] = flat[start[game.infoset[up[chosen]]] + game.edge[child[chosen]]]
    out = np.zeros((game.n_nodes, game.n_players))
    leaves = np.flatnonzero(game.kind == LEAF)
    out[leaves] = values.payoffs[game.leaf_row[leaves]]
    for level in game.levels():
        level = level[level > 0]
        np.add.at(out, game.parent[level], move_prob[level][:, None] * out[level])
    return out


def _reach_from(
    game: ExtensiveGame, values: PointValues, profile: Sequence[FloatArray], root: int
) -> dict[int, float]:
    rho = {root: 1.0}
    for x in range(root, int(game.end[root])):
        if game.kind[x] == LEAF or x not in rho:
            continue
        kids = game.children[x]
        w = values.probs[list(kids)] if game.kind[x] == CHANCE else profile[int(game.infoset[x])]
        for c, p in zip(kids, w, strict=True):
            if p > 0:
                rho[c] = rho[x] * float(p)
    return rho


def _check_distributions(game: ExtensiveGame, profile: Sequence[FloatArray], tol: float) -> None:
    if len(profile) != len(game.infosets):
        raise VerificationError(
            f"profile has {len(profile)} entries for {len(game.infosets)} information sets"
        )
    sizes = [len(h.moves) for h in game.infosets]
    if [np.shape(b) for b in profile] != [(k,) for k in sizes]:
        raise VerificationError("behaviour vectors do not match the information sets' moves")
    if not sizes:
        return
    flat = np.concatenate([np.asarray(b, float) for b in profile])
    sums = np.add.reduceat(flat, np.concatenate([[0], np.cumsum(sizes)[:-1]]))
    bad = np.flatnonzero(
        (np.abs(sums - 1.0) > tol)
        | (np.minimum.reduceat(flat, np.concatenate([[0], np.cumsum(sizes)[:-1]])) < -tol)
    )
    if bad.size or not np.all(np.isfinite(flat)):
        h = game.infosets[int(bad[0]) if bad.size else 0]
        raise VerificationError(f"behaviour at {h.key} is not a probability vector")


def check_subgame_perfect(
    game: ExtensiveGame,
    values: PointValues,
    profile: Sequence[FloatArray],
    tol: float = 1e-9,
    *,
    nash_in_subgames: bool = True,
) -> float:
    """Check subgame perfection; return the largest one-shot gain divided by the payoff range.

    Parameters
    ----------
    game, values
        The game and its numbers at one parameter point.
    profile
        Behaviour at every information set (indexed like ``game.infosets``).
    tol
        Largest accepted gain, relative to the deviating player's payoff scale; also the accepted
        error of each probability vector.
    nash_in_subgames
        Also run the strategic-form Nash check in every subgame that has an
        information set with several nodes.

    Raises
    ------
    VerificationError
        Naming the player, the information set and the profitable move.
    """
    _check_distributions(game, profile, tol)
    vals = _values(game, values, profile)
    span = leaf_scales(values.payoffs[..., None])[:, 0]  # each player's own scale
    layout = _layout(game)
    reaches: dict[int, dict[int, float]] = {}
    worst = _singleton_gains(game, layout.single, vals, span, tol)
    for index, r in layout.others:
        h = game.infosets[index]
        if r not in reaches:
            reaches[r] = _reach_from(game, values, profile, r)
        rho = reaches[r]
        i = h.player
        base = sum(rho.get(n, 0.0) * vals[n, i] for n in h.nodes)
        for a, move in enumerate(h.moves):
            dev = sum(rho.get(n, 0.0) * vals[game.children[n][a], i] for n in h.nodes)
            gain = (dev - base) / span[i]
            if gain > tol:
                raise VerificationError(
                    f"not subgame perfect: {game.players[i]} gains {dev - base:.6g} by playing "
                    f"{move} at {h.key} (in the subgame starting at node {r})"
                )
            worst = max(worst, gain)
    if nash_in_subgames:
        _nash_in_subgames(game, values, profile, layout.roots, vals, tol)
    return worst


def _singleton_gains(
    game: ExtensiveGame, nodes: IntArray, vals: FloatArray, span: FloatArray, tol: float
) -> float:
    """One-shot gains at one-node information sets that start subgames (vectorised)."""
    if not nodes.size:
        return 0.0
    kids = game.kids_matrix()[nodes]
    own = game.owner[nodes]
    after = np.where(kids >= 0, vals[np.maximum(kids, 0), own[:, None]], -np.inf)
    gains = (after.max(axis=1) - vals[nodes, own]) / span[own]
    worst = int(np.argmax(gains))
    if gains[worst] > tol:
        h = game.infosets[int(game.infoset[nodes[worst]])]
        move = h.moves[int(np.argmax(after[worst]))]
        gain = gains[worst] * span[own[worst]]
        raise VerificationError(
            f"not subgame perfect: {game.players[h.player]} gains {gain:.6g} by "
            f"playing {move} at {h.key}"
        )
    return max(float(gains[worst]), 0.0)


def _smallest_root(game: ExtensiveGame, nodes: Sequence[int], roots: set[int]) -> int:
    last = max(nodes)
    a = int(nodes[0])
    while not (a in roots and game.end[a] > last):
        a = int(game.parent[a])
    return a


def _nash_in_subgames(
    game: ExtensiveGame,
    values: PointValues,
    profile: Sequence[FloatArray],
    roots: list[int],
    vals: FloatArray,
    tol: float,
) -> None:
    owners: dict[int, int] = {}
    for h in game.infosets:
        if len(h.nodes) > 1:
            owners[_smallest_root(game, h.nodes, set(roots))] = 1
    for r in sorted(owners):
        inner = [s for s in roots if r < s < game.end[r]]
        cut: Mapping[int, FloatArray] = {s: vals[s] for s in inner}
        rf = reduced_form(game, values, r, cut)
        mixed = mixed_from_behaviour(game, rf, profile)
        names = [game.players[p] for p in rf.players]
        try:
            check_equilibrium(rf.payoffs, mixed, tol, player_names=names)
        except VerificationError as exc:
            raise VerificationError(
                f"not subgame perfect in the subgame at node {r}: {exc}"
            ) from None
