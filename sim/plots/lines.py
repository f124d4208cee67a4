"""Lines of the sweep figures: jumps drawn as jumps, markers that keep equal lines
visible, and the small helpers the sweep panels share.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes

from sim.plots.common import PALETTE, line

__all__ = ["Jump", "draw", "jumps", "marks", "player_handle", "stepped", "width", "ylabel"]

Jump = tuple[int, float]


def jumps(x: np.ndarray, names: Sequence[str], flips: Sequence[float]) -> list[Jump]:
    """Where the prediction jumps, as ``(i, e)``: between samples ``i - 1`` and ``i``, at ``e``.

    ``e`` is a flip point in ``[x[i-1], x[i]]`` when there is one, else the
    midpoint; flip points where the prediction's name does not change (a plan
    changes off the path) jump in the interval ``(x[i-1], x[i]]``. Empty unless
    ``x`` increases.
    """
    x = np.asarray(x, float)
    if x.size < 2 or np.any(np.diff(x) <= 0):
        return []
    found: dict[int, float] = {}
    for i in range(1, x.size):
        if names[i] != names[i - 1]:
            inside = [f for f in flips if x[i - 1] <= f <= x[i]]
            found[i] = float(inside[0]) if inside else float(x[i - 1] + x[i]) / 2
    for f in flips:
        i = int(np.searchsorted(x, f, side="left"))
        if 1 <= i < x.size and i not in found and not any(e == f for e in found.values()):
            found[i] = float(f)
    return sorted(found.items())


def stepped(x: np.ndarray, y: np.ndarray, cuts: Sequence[Jump]) -> tuple[np.ndarray, np.ndarray]:
    """Draw each jump as a jump: hold ``y[i-1]`` up to ``e``, then start at ``y[i]``.

    >>> stepped(np.array([0.0, 1.0, 2.0]), np.array([0.0, 0.0, 1.0]), [(2, 1.5)])
    (array([0. , 1. , 1.5, 1.5, 2. ]), array([0., 0., 0., 1., 1.]))
    """
    xs, ys = [float(x[0])], [float(y[0])]
    at = dict(cuts)
    for i in range(1, len(x)):
        e = at.get(i)
        if e is not None and np.isfinite(y[i - 1]) and np.isfinite(y[i]):
            xs += [e, e]
            ys += [float(y[i - 1]), float(y[i])]
        xs.append(float(x[i]))
        ys.append(float(y[i]))
    return np.array(xs), np.array(ys)


#: Marker of each player's payoff line (lines with equal values stay visible).
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "h")


def marks(p: int, points: int, players: int = 4) -> dict[str, object]:
    """Markers for player ``p``, staggered so that equal lines show every player's."""
    every = max(1, points // 9)
    return {
        "marker": _MARKERS[p % len(_MARKERS)],
        "markevery": (min(points - 1, (p * every) // players), every),
        "ms": 6.5,
        "mec": "white",
        "mew": 0.8,
    }


def player_handle(p: int, name: str) -> Artist:
    colour = PALETTE[p % len(PALETTE)]
    return line(colour, name, marker=_MARKERS[p % len(_MARKERS)], ms=6.5, mec="white")


def draw(
    ax: Axes,
    x: np.ndarray,
    y: np.ndarray,
    colour: str,
    style: object,
    width: float,
    edges: Sequence[Jump] = (),
    shown: dict[str, object] | None = None,
) -> None:
    """A line that breaks where ``y`` is NaN and jumps at ``edges``; isolated points
    are drawn as dots; ``shown`` adds markers at the sample points (see :func:`marks`)."""
    sx, sy = stepped(x, y, edges) if edges else (x, y)
    ax.plot(sx, sy, color=colour, linestyle=style, lw=width, zorder=3)  # type: ignore[arg-type]
    if shown:
        every = shown["markevery"]
        assert isinstance(every, tuple)
        at = np.zeros(len(x), bool)
        at[every[0] :: every[1]] = True
        opts = {k: v for k, v in shown.items() if k != "markevery"}
        ax.plot(x[at], y[at], ls="none", color=colour, zorder=4, **opts)  # type: ignore[arg-type]
    ok = np.isfinite(y)
    prev = np.concatenate([[False], ok[:-1]])
    nxt = np.concatenate([ok[1:], [False]])
    lone = ok & ~prev & ~nxt
    if lone.any():
        ax.plot(x[lone], y[lone], "o", color=colour, ms=5, zorder=4)


def width(k: int) -> float:
    """Earlier equilibria are drawn wider, so lines lying on top of each other stay visible."""
    return max(1.6, 3.6 - 0.7 * k)


def ylabel(ax: Axes, text: str, colour: str) -> None:
    """A horizontal y label (readable without tilting one's head)."""
    ax.set_ylabel(text, color=colour, rotation=0, ha="right", va="center", labelpad=8)
