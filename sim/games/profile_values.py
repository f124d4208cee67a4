"""Expected payoffs and reach probabilities of behaviour profiles in a game tree.

A *region* is the subtree of a node ``root`` with some subtrees cut off: each
cut node is treated as a leaf worth a given payoff vector (the equilibrium
payoffs of a subgame already solved, as in backward induction over
subgames; Selten 1965, Osborne & Rubinstein 1994, sec. 6.2).

A behaviour profile maps information-set indices to probability vectors
(a tuple indexed by information set, or a dict); only the information sets of
the region are read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from sim.games.extensive import (
    CHANCE,
    DECISION,
    LEAF,
    ExtensiveGame,
    FloatArray,
    IntArray,
    PointValues,
)

__all__ = [
    "Cut",
    "Profile",
    "node_values",
    "reach",
    "region_nodes",
    "region_terminals",
]

Profile = Sequence[FloatArray] | Mapping[int, FloatArray]
Cut = Mapping[int, FloatArray]


def region_nodes(game: ExtensiveGame, root: int = 0, cut: Cut | None = None) -> IntArray:
    """Nodes of the region in preorder: the subtree of ``root`` without the inside of cut subtrees.

    Cut nodes themselves are included (as terminals).
    """
    cut = cut or {}
    out = []
    x, stop = root, int(game.end[root])
    while x < stop:
        out.append(x)
        x = int(game.end[x]) if (x in cut and x != root) else x + 1
    return np.array(out, dtype=np.int64)


def region_terminals(game: ExtensiveGame, root: int = 0, cut: Cut | None = None) -> IntArray:
    """Leaves and cut nodes of the region, in preorder."""
    cut = cut or {}
    nodes = region_nodes(game, root, cut)
    keep = [x for x in nodes if game.kind[x] == LEAF or (x in cut and x != root)]
    return np.array(keep, dtype=np.int64)


def node_values(
    game: ExtensiveGame,
    values: PointValues,
    profile: Profile,
    root: int = 0,
    cut: Cut | None = None,
) -> FloatArray:
    """Expected payoff vector at every node of the region under ``profile``.

    With non-common priors (``values.beliefs``) column ``i`` is player
    ``i``'s payoff expected under its own chance probabilities.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_nodes, n_players)``; rows outside the region are 0.
    """
    if values.beliefs is not None:
        columns = [
            node_values(game, values.as_seen_by(i), profile, root, cut)[:, i]
            for i in range(game.n_players)
        ]
        return np.stack(columns, axis=1)
    if _whole(game, profile, root, cut):
        return _all_values(game, values, profile)  # type: ignore[arg-type]
    cut = cut or {}
    out = np.zeros((game.n_nodes, game.n_players))
    for x in reversed(region_nodes(game, root, cut).tolist()):
        if x in cut and x != root:
            out[x] = cut[x]
        elif game.kind[x] == LEAF:
            out[x] = values.payoffs[game.leaf_row[x]]
        else:
            kids = list(game.children[x])
            weights = _weights(game, values, profile, x)
            out[x] = weights @ out[kids]
    return out


def _whole(game: ExtensiveGame, profile: Profile, root: int, cut: Cut | None) -> bool:
    """True when the vectorised whole-tree path applies."""
    return (
        root == 0
        and not cut
        and isinstance(profile, Sequence)
        and (len(profile) == len(game.infosets))
    )


def _all_values(
    game: ExtensiveGame, values: PointValues, profile: Sequence[FloatArray]
) -> FloatArray:
    """Whole-tree expected payoffs, one numpy pass per depth level."""
    w = game.edge_weights(values.probs, profile)
    out = np.zeros((game.n_nodes, game.n_players))
    out[game.leaves] = values.payoffs[game.leaf_row[game.leaves]]
    for level in game.levels():
        level = level[level > 0]
        np.add.at(out, game.parent[level], w[level][:, None] * out[level])
    return out


def _all_reach(
    game: ExtensiveGame, values: PointValues, profile: Sequence[FloatArray], ignore: int | None
) -> FloatArray:
    """Whole-tree reach probabilities, one numpy pass per depth level."""
    w = game.edge_weights(values.probs, profile)
    if ignore is not None:
        child = np.arange(1, game.n_nodes)
        up = game.parent[child]
        mine = (game.kind[up] == DECISION) & (game.owner[up] == ignore)
        w[child[mine]] = 1.0
    out = np.zeros(game.n_nodes)
    out[0] = 1.0
    for level in reversed(game.levels()):
        level = level[level > 0]
        out[level] = out[game.parent[level]] * w[level]
    return out


def _weights(game: ExtensiveGame, values: PointValues, profile: Profile, x: int) -> FloatArray:
    kids = list(game.children[x])
    if game.kind[x] == CHANCE:
        return values.probs[kids]
    return np.asarray(profile[int(game.infoset[x])], dtype=float)


def reach(
    game: ExtensiveGame,
    values: PointValues,
    profile: Profile,
    root: int = 0,
    cut: Cut | None = None,
    *,
    ignore_player: int | None = None,
) -> FloatArray:
    """Probability of reaching each node of the region from ``root``.

    With ``ignore_player`` the moves of that player count as certain: the
    result is the reach probability due to chance and the other players
    (von Stengel 2002, realisation probabilities).

    Returns
    -------
    numpy.ndarray
        Shape ``(n_nodes,)``; 0 outside the region.
    """
    if _whole(game, profile, root, cut):
        return _all_reach(game, values, profile, ignore_player)  # type: ignore[arg-type]
    cut = cut or {}
    out = np.zeros(game.n_nodes)
    out[root] = 1.0
    for x in region_nodes(game, root, cut).tolist():
        if game.kind[x] == LEAF or (x in cut and x != root) or out[x] == 0.0:
            continue
        kids = list(game.children[x])
        if game.kind[x] == DECISION and int(game.owner[x]) == ignore_player:
            out[kids] = out[x]
        else:
            out[kids] = out[x] * _weights(game, values, profile, x)
    return out
