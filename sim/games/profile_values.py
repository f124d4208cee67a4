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

    Returns
    -------
    numpy.ndarray
        Shape ``(n_nodes, n_players)``; rows outside the region are 0.
    """
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
