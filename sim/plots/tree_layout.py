"""Geometry of a drawn game tree: node positions and a readable figure size.

Layout: leaves are evenly spaced left to right in preorder (moves in file
order), each inner node sits midway between its first and last child, and
depth grows downwards; the nodes of one information set are put on one
level (the deepest of them), so the dashed line joining them is level.

The figure is as wide as the leaves need up to :data:`MAX_WIDTH` inches
(2,400 pixels at 150 dpi) for trees of up to :data:`WIDE_LEAVES` leaves;
under more than :data:`LEAF_LABELS_ACROSS` leaves the outcome names are
written upwards, and the figure grows downwards to hold them.

>>> tree_figsize(20, 5, 3, leaf_label_room(["Deal invoked - shield switched on"] * 20, 20, 7.5))
(16.0, 11.2)
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.games.extensive import ExtensiveGame

__all__ = [
    "LEAF_LABELS_ACROSS",
    "LEAF_LABEL_WIDTH",
    "MAX_WIDTH",
    "WIDE_LEAVES",
    "TreeLayout",
    "leaf_label_room",
    "tree_figsize",
    "tree_layout",
]

#: Widest figure (inches) for trees of up to WIDE_LEAVES leaves.
MAX_WIDTH = 16.0
#: Beyond this many leaves the figure may grow wider (up to 40 inches), to stay legible.
WIDE_LEAVES = 24
#: Up to this many leaves, outcome names are written across under each leaf.
LEAF_LABELS_ACROSS = 12
#: Characters per line of an outcome name written upwards (at most two lines).
LEAF_LABEL_WIDTH = 26


@dataclass(frozen=True)
class TreeLayout:
    """Node positions: ``x[node]`` (leaves at 0, 1, 2, ...) and ``level[node]`` (root 0)."""

    x: np.ndarray
    level: np.ndarray


def tree_layout(game: ExtensiveGame) -> TreeLayout:
    """Positions of the nodes of ``game`` (see the module docstring)."""
    n = game.n_nodes
    x = np.zeros(n)
    x[np.asarray(game.leaves, int)] = np.arange(len(game.leaves))
    for node in range(n - 1, -1, -1):  # preorder: children come after their parent
        kids = game.children[node]
        if kids:
            x[node] = (x[kids[0]] + x[kids[-1]]) / 2
    level = np.zeros(n, int)
    for _ in range(n + 1):
        before = level.copy()
        for node in range(1, n):
            level[node] = max(level[node], level[int(game.parent[node])] + 1)
        for h in game.infosets:
            nodes = list(h.nodes)
            level[nodes] = level[nodes].max()
        if np.array_equal(before, level):
            break
    return TreeLayout(x, level)


def leaf_label_room(labels: Sequence[str | None], leaves: int, size: float) -> float:
    """Points needed under the payoffs for the outcome names (written upwards when many)."""
    named = [label for label in labels if label]
    if not named:
        return 0.0
    if leaves <= LEAF_LABELS_ACROSS:
        lines = max(len(textwrap.wrap(label, 12)) for label in named)
        return lines * 1.25 * size + 4.0
    longest = max(
        max(len(line) for line in textwrap.wrap(label, LEAF_LABEL_WIDTH)) for label in named
    )
    return longest * 0.62 * size + 8.0


def tree_figsize(leaves: int, depth: int, players: int, room: float) -> tuple[float, float]:
    """Width and height (inches) of a tree figure; ``room``: points for leaf names."""
    if leaves <= WIDE_LEAVES:
        width = float(np.clip(0.8 * leaves + 3.5, 8.0, MAX_WIDTH))
    else:
        width = float(np.clip(0.55 * leaves + 3.0, MAX_WIDTH, 40.0))
    per_level = 1.45 if depth <= 4 else 1.1
    height = per_level * depth + 3.6 + 0.2 * players + room / 72.0
    return width, round(height, 1)
