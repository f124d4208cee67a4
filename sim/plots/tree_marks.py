"""The leaves (payoffs, outcome names) and the key of a game-tree figure."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from sim.formatting import format_number
from sim.games.extensive import CHANCE, ExtensiveGame, PointValues
from sim.plots.common import OKABE_ITO, PALETTE, line, wrap
from sim.plots.tree_layout import LEAF_LABEL_WIDTH, LEAF_LABELS_ACROSS, TreeLayout

__all__ = ["PATH_COLOUR", "TREE_PALETTE", "leaves", "legend"]

#: Colour of the equilibrium path.
PATH_COLOUR = OKABE_ITO["vermillion"]
_PATH = PATH_COLOUR
#: Player colours in a tree: the Okabe-Ito colours other than the path's (and orange, near it).
TREE_PALETTE = tuple(c for c in PALETTE if c not in (PATH_COLOUR, OKABE_ITO["orange"]))


def leaves(
    ax: Axes, game: ExtensiveGame, values: PointValues, layout: TreeLayout, size: float
) -> None:
    many = len(game.leaves) > LEAF_LABELS_ACROSS
    for leaf in np.asarray(game.leaves, int):
        row = int(game.leaf_row[leaf])
        pos = (layout.x[leaf], -float(layout.level[leaf]))
        for p, value in enumerate(values.payoffs[row]):
            ax.annotate(
                format_number(float(value), 3),
                pos,
                xytext=(0, -8 - (size + 2) * p),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=size,
                fontweight="bold",
                color=TREE_PALETTE[p % len(TREE_PALETTE)],
                zorder=6,
            )
        label = game.leaf_label(int(leaf))
        if label:  # across under few leaves; read upwards, one or two lines, under many
            ax.annotate(
                wrap(label, LEAF_LABEL_WIDTH if many else 12),
                pos,
                xytext=(0, -10 - (size + 2) * game.n_players),
                textcoords="offset points",
                ha="center",
                va="top",
                rotation=90 if many else 0,
                fontsize=size - 1.5,
                style="italic",
                color="#444444",
                zorder=6,
            )


def legend(ax: Axes, game: ExtensiveGame, highlighted: bool) -> None:
    handles = [
        line(
            TREE_PALETTE[p % len(TREE_PALETTE)],
            f"{name} (node; payoff at leaves)",
            "none",
            marker="o",
            ms=10,
            mec="black",
        )
        for p, name in enumerate(game.players)
    ]
    if (game.kind == CHANCE).any():
        handles.append(
            line("white", "Chance (p = probability)", "none", marker="D", ms=9, mec="black")
        )
    if any(len(h.nodes) > 1 for h in game.infosets):
        handles.append(
            line("#444444", "information set (mover cannot tell these apart)", (0, (5, 3)), lw=1.6)
        )
    if highlighted:
        handles.append(line(_PATH, "equilibrium path", lw=4.5))
        handles.append(line(_PATH, "equilibrium choice off the path", (0, (4, 2)), lw=2.2))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncols=2, frameon=True)
