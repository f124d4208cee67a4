"""The parties' payoff plane: agreements, feasible set, frontier, zone and solutions.

Two parties: one panel. More: one panel per pair of parties, each showing the
projection of everything onto that pair (the zone drawn is the projection of
the pair's own condition ``u >= d`` on the projected feasible set, so it is a
guide, not the exact multi-party zone).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.analysis.bargain import BargainAnalysis
from sim.plots.common import heading, new_figure, plot_style, wrap

__all__ = ["plot_bargain"]

MARKERS = {
    "nash": ("*", "#D55E00"),
    "kalai_smorodinsky": ("D", "#0072B2"),
    "egalitarian": ("s", "#009E73"),
    "utilitarian": ("^", "#CC79A7"),
    "alternating_offers": ("P", "#E69F00"),
}
NAMES = {
    "nash": "Nash",
    "kalai_smorodinsky": "Kalai-Smorodinsky",
    "egalitarian": "egalitarian",
    "utilitarian": "utilitarian",
    "alternating_offers": "alternating offers",
}


def _hull(points: np.ndarray) -> np.ndarray:
    """Convex hull of 2-D points, counter-clockwise (monotone chain; degenerate sets allowed)."""
    pts = sorted({(round(float(x), 12), round(float(y), 12)) for x, y in points})
    if len(pts) <= 2:
        return np.array(pts)

    def cross(o, a, b) -> float:  # type: ignore[no-untyped-def]
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list = []
    upper: list = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return np.array(lower[:-1] + upper[:-1])


def _clip(poly: np.ndarray, axis: int, bound: float) -> np.ndarray:
    """The part of a convex polygon with coordinate ``axis`` at least ``bound``."""
    out = []
    n = len(poly)
    for k in range(n):
        a, b = poly[k], poly[(k + 1) % n]
        ina, inb = a[axis] >= bound, b[axis] >= bound
        if ina:
            out.append(a)
        if ina != inb and n > 1:
            t = (bound - a[axis]) / (b[axis] - a[axis])
            out.append(a + t * (b - a))
    return np.array(out) if out else np.zeros((0, 2))


def _generators(analysis: BargainAnalysis, piece: np.ndarray, pair: tuple[int, int]) -> np.ndarray:
    fs = analysis.feasible
    pts = fs.points[piece][:, list(pair)]
    span = float(np.ptp(np.vstack([fs.points, analysis.disagreement[None, :]]))) + 1.0
    corners = [np.zeros(2)]
    for direction, cap in zip(fs.directions[:, list(pair)], fs.caps, strict=True):
        size = min(float(cap), 2 * span)
        corners = corners + [c + size * direction for c in corners]
    return np.array([p + c for p in pts for c in corners])


def _frontier(poly: np.ndarray) -> np.ndarray:
    """Vertices of a convex polygon not dominated by another of its points (upper right)."""
    if len(poly) < 2:
        return poly
    keep = [
        v
        for v in poly
        if not np.any(np.all(poly >= v - 1e-12, axis=1) & np.any(poly > v + 1e-12, axis=1))
    ]
    return np.array(sorted(keep, key=lambda v: (v[0], -v[1])))


def _labels(ax: Axes, analysis: BargainAnalysis, pts: np.ndarray) -> None:
    """Label the agreements once per point; a label close to the previous one goes below."""
    span = np.maximum(np.ptp(pts, axis=0), 1e-9)
    placed: list[np.ndarray] = []
    seen: set[tuple[float, float]] = set()
    order = np.lexsort((pts[:, 0], pts[:, 1]))
    for k in order:
        g, p = analysis.agreements[k], pts[k]
        key = (round(float(p[0]), 9), round(float(p[1]), 9))
        if not g.label or key in seen:
            continue
        seen.add(key)
        near = any(
            abs(q[1] - p[1]) < 0.06 * span[1] and abs(q[0] - p[0]) < 0.35 * span[0] for q in placed
        )
        placed.append(p)
        ax.annotate(
            wrap(g.label, 22),
            (p[0], p[1]),
            xytext=(4, -14 if near else 4),
            textcoords="offset points",
            fontsize=8,
            color="#333333",
        )


def _panel(ax: Axes, analysis: BargainAnalysis, pair: tuple[int, int]) -> None:
    fs, d = analysis.feasible, analysis.disagreement
    for piece in fs.pieces():
        poly = _hull(_generators(analysis, piece, pair))
        if len(poly) >= 3:
            ax.fill(poly[:, 0], poly[:, 1], color="#BBBBBB", alpha=0.35, lw=0)
            zone = _clip(_clip(poly, 0, d[pair[0]]), 1, d[pair[1]])
            if len(zone) >= 3 and analysis.zone_open:
                ax.fill(zone[:, 0], zone[:, 1], color="#56B4E9", alpha=0.45, lw=0)
        elif len(poly) == 2:
            ax.plot(poly[:, 0], poly[:, 1], color="#999999", lw=2)
        front = _frontier(poly)
        if len(front) >= 2:
            ax.plot(front[:, 0], front[:, 1], color="#333333", lw=2)
    pts = fs.points[:, list(pair)]
    ax.scatter(pts[:, 0], pts[:, 1], s=28, color="#333333", zorder=3)
    _labels(ax, analysis, pts)
    ax.scatter([d[pair[0]]], [d[pair[1]]], marker="X", s=90, color="black", zorder=4)
    ax.annotate(
        "no deal",
        (d[pair[0]], d[pair[1]]),
        xytext=(-6, -14),
        textcoords="offset points",
        fontsize=8,
        ha="right",
        fontweight="bold",
    )
    for rank, (kind, s) in enumerate(analysis.solutions.items()):
        if s is not None:
            marker, colour = MARKERS[kind]
            u = s.point.payoffs[list(pair)]
            size = 480 if rank == 0 else 240 - 40 * rank
            ax.scatter(
                [u[0]],
                [u[1]],
                marker=marker,
                s=size,
                color=colour,
                edgecolor="black",
                linewidth=0.6,
                zorder=5 + rank,
                label=NAMES[kind],
            )
    ax.set_xlabel(f"{analysis.parties[pair[0]]}'s payoff")
    ax.set_ylabel(f"{analysis.parties[pair[1]]}'s payoff")


def plot_bargain(
    analysis: BargainAnalysis,
    *,
    axes: Sequence[Axes] | Axes | None = None,
    figure: Figure | None = None,
) -> list[Axes]:
    """Draw the payoff plane(s) of a bargaining analysis; return the axes (one per pair).

    Grey: the feasible set (lotteries of agreements plus transfers); dark line:
    its Pareto frontier; blue: the zone of possible agreement (at least the
    disagreement payoff for both); X: the disagreement point; dots: the pure
    agreements (labelled); coloured markers: the bargaining solutions.
    """
    pairs = list(itertools.combinations(range(len(analysis.parties)), 2))
    with plot_style():
        own = axes is None
        if axes is None:
            cols = min(len(pairs), 3)
            rows = -(-len(pairs) // cols)
            found = new_figure(rows, cols, figsize=(6.4 * cols, 5.6 * rows), figure=figure)
        else:
            found = [axes] if isinstance(axes, Axes) else list(axes)
            if len(found) != len(pairs):
                raise ValueError(f"plot_bargain needs {len(pairs)} axes; got {len(found)}")
        for ax, pair in zip(found, pairs, strict=False):
            _panel(ax, analysis, pair)
        subtitle = "deal zone (blue), frontier (dark line), agreements and solutions"
        if not analysis.zone_open:
            subtitle = "no deal zone: no agreement gives every party more than no deal"
        heading(found[0], analysis.scenario, subtitle, own_figure=own)
        handles, labels = found[0].get_legend_handles_labels()
        if handles:
            found[0].legend(handles, labels, loc="best", fontsize=9)
    return found
