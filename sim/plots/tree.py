"""Draw a game tree with its information sets, payoffs and an equilibrium path.

The layout and the figure size are in :mod:`sim.plots.tree_layout`; the
leaves (payoffs and outcome names) and the key in :mod:`sim.plots.tree_marks`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch

from sim.analysis.sequential import SequentialAnalysis, SequentialEquilibrium
from sim.concepts import SUBGAME_PERFECT
from sim.errors import RequestError
from sim.formatting import format_number
from sim.games.extensive import CHANCE, DECISION, LEAF, ExtensiveGame, PointValues
from sim.plots.common import (
    figure_inches,
    heading,
    new_figure,
    plot_style,
    wrap_name,
)
from sim.plots.tree_layout import (
    LEAF_LABELS_ACROSS,
    TreeLayout,
    leaf_label_room,
    tree_figsize,
    tree_layout,
)
from sim.plots.tree_marks import PATH_COLOUR as _PATH
from sim.plots.tree_marks import TREE_PALETTE, legend
from sim.plots.tree_marks import leaves as draw_leaves

__all__ = ["MAX_LEAVES", "TREE_PALETTE", "TreeLayout", "plot_tree", "tree_layout"]

#: Larger trees are refused: their labels could not be read (use ``sim show``).
MAX_LEAVES = 200
_EDGE = "#8C8C8C"
_TINY = 1e-12


def plot_tree(
    source: ExtensiveGame | SequentialAnalysis,
    values: PointValues | None = None,
    profile: SequentialEquilibrium | Sequence[np.ndarray] | None = None,
    *,
    equilibrium: int = 0,
    ax: Axes | None = None,
) -> Axes:
    """Draw a game tree and highlight an equilibrium.

    Decision nodes are coloured by player, chance nodes are white diamonds;
    edges carry their moves (with the probability on chance edges and on
    mixed choices); leaves list every player's payoff (in the player's
    colour) and the outcome's label; nodes of one information set are joined
    by a dashed line. With a profile, the edges the profile reaches with
    positive probability (the equilibrium path) are drawn thick in colour,
    and its choices at nodes off the path are drawn dashed in the same colour.

    Parameters
    ----------
    source
        The game, or a :class:`~sim.analysis.sequential.SequentialAnalysis`
        (from :func:`~sim.analysis.sequential.solve_sequential`), which
        supplies ``values`` and, by default, its ``equilibrium``-th
        equilibrium (subgame-perfect ones come first).
    values
        Payoffs and chance probabilities at one parameter point (required
        with a bare game).
    profile
        An equilibrium, or a behaviour profile (one probability vector per
        information set); None draws the bare tree (with an analysis: its
        ``equilibrium``-th equilibrium, if it has one).
    equilibrium
        Which of the analysis's equilibria to highlight.
    ax
        Axes to draw on (new figure if None).

    Returns
    -------
    Axes

    Raises
    ------
    RequestError
        If the tree has more than :data:`MAX_LEAVES` leaves, or
        ``equilibrium`` is out of range.
    """
    game, values, profile, note = _inputs(source, values, profile, equilibrium)
    leaves = len(game.leaves)
    if leaves > MAX_LEAVES:
        raise RequestError(
            f"the game tree has {leaves} leaves, too many to draw legibly (at most "
            f"{MAX_LEAVES}); print it as text instead"
        )
    layout = tree_layout(game)
    depth = int(layout.level.max()) if game.n_nodes else 0
    with plot_style():
        own = ax is None
        size = 11.0 if leaves <= 6 else 10.0 if leaves <= 12 else 9.0 if leaves <= 24 else 8.0
        labels = [game.leaf_label(int(leaf)) for leaf in game.leaves]
        room = leaf_label_room(labels, leaves, size - 1.5)  # points below the payoffs
        if ax is None:
            ax = new_figure(figsize=tree_figsize(leaves, depth, game.n_players, room))[0]
        reach = _reach(game, values, profile)
        margin = 0.7 if leaves <= LEAF_LABELS_ACROSS else 1.0  # room for the outer labels
        ax.set_xlim(-margin, max(leaves - 1, 0) + margin)
        box = ax.get_position()
        fig_w, fig_h = figure_inches(ax)
        levels = depth + 1.0 + 0.13 * game.n_players
        span = box.height * fig_h * 72  # points of height
        extra = room * levels / max(span - room, 0.25 * span)  # levels taken by leaf labels
        ax.set_ylim(-(depth + 0.55 + 0.13 * game.n_players + extra), 0.45)
        ax.set_axis_off()
        x_pts = box.width * fig_w * 72 / (leaves + 0.4)
        y_pts = span / (levels + extra)
        chars = int(np.clip(0.7 * x_pts / (0.6 * size), 6, 16))
        _edges(ax, game, values, profile, reach, layout, size, (x_pts, y_pts, chars))
        _infosets(ax, game, layout)
        _nodes(ax, game, layout, size)
        draw_leaves(ax, game, values, layout, size)
        legend(ax, game, profile is not None)
        heading(ax, game.title, note, own_figure=own)
    return ax


def _inputs(
    source: ExtensiveGame | SequentialAnalysis,
    values: PointValues | None,
    profile: SequentialEquilibrium | Sequence[np.ndarray] | None,
    index: int,
) -> tuple[ExtensiveGame, PointValues, tuple[np.ndarray, ...] | None, str]:
    """The game, its values, the behaviour profile and a sentence saying what is shown."""
    if isinstance(source, SequentialAnalysis):
        game, values = source.game, values or source.values
        if profile is None and source.equilibria:
            if not 0 <= index < len(source.equilibria):
                raise RequestError(
                    f"equilibrium {index} does not exist: there are {len(source.equilibria)}"
                )
            profile = source.equilibria[index]
    else:
        game = source
    if values is None:
        raise ValueError("plot_tree needs the game's values (payoffs and chance probabilities)")
    if profile is None:
        return game, values, None, "Game tree (no equilibrium highlighted)"
    if isinstance(profile, SequentialEquilibrium):
        pays = ", ".join(
            f"{p} {format_number(float(v), 4)}"
            for p, v in zip(game.players, profile.payoffs, strict=True)
        )
        note = f"Highlighted: {_describe(profile)}; expected payoffs {pays}"
        behaviour = tuple(np.asarray(b, float) for b in profile.behaviour)
    else:
        note = "Highlighted: the given behaviour profile"
        behaviour = tuple(np.asarray(b, float) for b in profile)
    if len(behaviour) != len(game.infosets) or any(
        b.shape != (len(h.moves),) for b, h in zip(behaviour, game.infosets, strict=True)
    ):
        raise ValueError("the profile needs one probability vector per information set")
    return game, values, behaviour, note


def _describe(eq: SequentialEquilibrium) -> str:
    kind = "pure" if eq.is_pure else "mixed"
    if eq.concept == SUBGAME_PERFECT:
        return f"{kind} subgame-perfect equilibrium"
    if eq.subgame_perfect:
        return f"{kind} Nash equilibrium (also subgame perfect)"
    return f"{kind} Nash equilibrium, NOT subgame perfect"


def _edge_prob(
    game: ExtensiveGame,
    values: PointValues,
    profile: tuple[np.ndarray, ...] | None,
    node: int,
    k: int,
) -> float | None:
    """Probability of the ``k``-th move at ``node`` (None: a decision without a profile)."""
    if game.kind[node] == CHANCE:
        return float(values.probs[game.children[node][k]])
    if profile is None:
        return None
    return float(profile[int(game.infoset[node])][k])


def _reach(
    game: ExtensiveGame, values: PointValues, profile: tuple[np.ndarray, ...] | None
) -> np.ndarray:
    """Probability that play reaches each node under the profile (zeros without one)."""
    reach = np.zeros(game.n_nodes)
    if profile is None:
        return reach
    reach[0] = 1.0
    for node in range(game.n_nodes):
        for k, kid in enumerate(game.children[node]):
            prob = _edge_prob(game, values, profile, node, k)
            reach[kid] = reach[node] * (prob or 0.0)
    return reach


def _edges(
    ax: Axes,
    game: ExtensiveGame,
    values: PointValues,
    profile: tuple[np.ndarray, ...] | None,
    reach: np.ndarray,
    layout: TreeLayout,
    size: float,
    scale: tuple[float, float, int],
) -> None:
    """Edges, highlighted by the profile, with their labels (``scale``: points per
    unit of x and of y, and characters per line of a label)."""
    x, y = layout.x, -layout.level.astype(float)
    for node in range(game.n_nodes):
        for k, kid in enumerate(game.children[node]):
            xs, ys = [x[node], x[kid]], [y[node], y[kid]]
            prob = _edge_prob(game, values, profile, node, k)
            ax.plot(xs, ys, color=_EDGE, lw=1.4, zorder=1, solid_capstyle="round")
            if reach[kid] > _TINY:
                ax.plot(xs, ys, color=_PATH, lw=4.5, zorder=2, solid_capstyle="round")
            elif game.kind[node] == DECISION and prob is not None and prob > _TINY:
                ax.plot(xs, ys, color=_PATH, lw=2.2, ls=(0, (4, 2)), zorder=2)
            _edge_label(ax, game, node, k, prob, xs, ys, size, scale)


def _edge_label(
    ax: Axes,
    game: ExtensiveGame,
    node: int,
    k: int,
    prob: float | None,
    xs: list[float],
    ys: list[float],
    size: float,
    scale: tuple[float, float, int],
) -> None:
    """The move (and its probability) beside its edge, on the outer side.

    The label's corner nearest the edge is put a few points off the edge along
    its normal, so the text never crosses the edge whatever its slope.
    """
    x_pts, y_pts, chars = scale
    text = wrap_name(game.node_moves[node][k], chars)
    chance = game.kind[node] == CHANCE
    if prob is not None and (chance or _TINY < prob < 1 - _TINY):
        text += f"\np = {format_number(prob, 3)}"
    dx, dy = (xs[1] - xs[0]) * x_pts, (ys[1] - ys[0]) * y_pts
    side = 0 if abs(dx) < 1e-6 else (1 if dx > 0 else -1)
    # crowded: labels of edges going right sit lower than those going left, so the
    # labels of neighbouring subtrees that face each other are at different heights
    t = 0.5 if x_pts > 70 or side == 0 else 0.36 if side < 0 else 0.64
    mid = (xs[0] + t * (xs[1] - xs[0]), ys[0] + t * (ys[1] - ys[0]))
    if side == 0:
        offset, ha, va = (7.0, 0.0), "left", "center"
    else:
        norm = float(np.hypot(dx, dy)) or 1.0
        offset = (6.0 * side * abs(dy) / norm, 6.0 * abs(dx) / norm)
        ha, va = ("left" if side > 0 else "right"), "bottom"
    ax.annotate(
        text,
        mid,
        xytext=offset,
        textcoords="offset points",
        ha=ha,
        va=va,
        fontsize=size - 0.5,
        style="italic" if chance else "normal",
        color="#222222",
        zorder=6,
    )


def _infosets(ax: Axes, game: ExtensiveGame, layout: TreeLayout) -> None:
    """Join the nodes of each information set by a dashed line (bowed upwards where
    another node lies between two of them on their level)."""
    x, level = layout.x, layout.level
    for h in game.infosets:
        if len(h.nodes) < 2:
            continue
        nodes = sorted(h.nodes, key=lambda v: x[v])
        for a, b in itertools.pairwise(nodes):
            between = (level == level[a]) & (x > x[a]) & (x < x[b])
            bow = -0.18 if level[a] == level[b] and between.any() else 0.0
            ax.add_patch(
                FancyArrowPatch(
                    (x[a], -float(level[a])),
                    (x[b], -float(level[b])),
                    arrowstyle="-",
                    connectionstyle=f"arc3,rad={bow}",
                    color="#444444",
                    lw=1.6,
                    linestyle=(0, (5, 3)),
                    zorder=3,
                    shrinkA=0,
                    shrinkB=0,
                )
            )


def _nodes(ax: Axes, game: ExtensiveGame, layout: TreeLayout, size: float) -> None:
    x, y = layout.x, -layout.level.astype(float)
    for node in range(game.n_nodes):
        kind = game.kind[node]
        if kind == LEAF:
            ax.plot(x[node], y[node], "o", color="black", ms=4, zorder=4)
            continue
        if kind == CHANCE:
            ax.plot(x[node], y[node], "D", mfc="white", mec="black", mew=1.4, ms=12, zorder=5)
            name, colour = "Chance", "#333333"
        else:
            colour = TREE_PALETTE[int(game.owner[node]) % len(TREE_PALETTE)]
            ax.plot(x[node], y[node], "o", mfc=colour, mec="black", mew=1.0, ms=13, zorder=5)
            name = game.players[int(game.owner[node])]
        parent = int(game.parent[node])
        side = 0 if parent < 0 else (-1 if x[node] < x[parent] else 1)
        if side == 0:
            where = {"xytext": (0, 11), "ha": "center", "va": "bottom"}
        else:
            where = {"xytext": (9 * side, 7), "ha": "left" if side > 0 else "right", "va": "bottom"}
        ax.annotate(
            name,
            (x[node], y[node]),
            textcoords="offset points",
            fontsize=size,
            fontweight="bold",
            color=colour,
            zorder=6,
            **where,  # type: ignore[arg-type]
        )
