"""Plot a two-parameter grid: a map of the predicted outcome."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm, ListedColormap
from scipy import ndimage

from sim.analysis.sweep import GridResult
from sim.plots.annotate import (
    current_values,
    mark_current_point,
    outcome_colours,
    parameter_label,
    selection_text,
)
from sim.plots.common import (
    figure_inches,
    heading,
    label_lines,
    new_figure,
    patch,
    plot_style,
    side_legend,
    wrap,
)

__all__ = ["cell_edges", "plot_grid", "region_anchors"]

#: Region labels use this font size (points).
LABEL_SIZE = 9.5


def cell_edges(values: np.ndarray) -> np.ndarray:
    """Edges of the cells centred on ``values`` (halfway between neighbours), length + 1."""
    v = np.asarray(values, float)
    if v.size == 1:
        return np.array([v[0] - 0.5, v[0] + 0.5])
    mid = (v[1:] + v[:-1]) / 2
    return np.concatenate([[2 * v[0] - mid[0]], mid, [2 * v[-1] - mid[-1]]])


def region_anchors(
    regions: np.ndarray, min_cells: int = 1
) -> list[tuple[int, float, float, float]]:
    """Where to write each connected region's label.

    Returns ``(label index, row, column, room)`` per connected region of at
    least ``min_cells`` cells: the cell deepest inside the region (largest
    distance to its border or the grid's edge, so the point lies inside even
    a curved region) and that distance, as a fraction of the grid's size.
    """
    rows, cols = regions.shape
    out = []
    for k in np.unique(regions):
        parts, count = ndimage.label(regions == k)
        for part in range(1, count + 1):
            mask = parts == part
            if mask.sum() < min_cells:
                continue
            padded = np.pad(mask, 1)
            depth = ndimage.distance_transform_edt(padded, sampling=(1 / rows, 1 / cols))[
                1:-1, 1:-1
            ]
            # among the deepest cells, the one nearest the region's centre of mass
            rr, cc = np.nonzero(depth >= 0.9 * depth.max())
            cr, cc0 = ndimage.center_of_mass(mask)
            best = int(np.argmin(((rr - cr) / rows) ** 2 + ((cc - cc0) / cols) ** 2))
            r, c = int(rr[best]), int(cc[best])
            out.append((int(k), float(r), float(c), float(depth[r, c])))
    return out


def plot_grid(result: GridResult, *, ax: Axes | None = None) -> Axes:
    """Map of the predicted outcome over two parameters.

    Each cell is coloured by its prediction (a discrete colour per outcome);
    every connected region large enough to hold its name is labelled at its
    innermost cell, and a legend names every outcome.

    Parameters
    ----------
    result
        A grid from :func:`sim.analysis.sweep.grid`.
    ax
        Axes to draw on (new figure if None).

    Returns
    -------
    Axes
    """
    with plot_style():
        own = ax is None
        if ax is None:
            ax = new_figure(figsize=(10.5, 6.2))[0]
        k = len(result.labels)
        palette = outcome_colours(result.batch, result.labels)
        colours = [palette[name] for name in result.labels]
        cmap = ListedColormap(colours)
        norm = BoundaryNorm(np.arange(k + 1) - 0.5, k)
        xe, ye = cell_edges(result.x_values), cell_edges(result.y_values)
        ax.pcolormesh(xe, ye, result.regions, cmap=cmap, norm=norm, alpha=0.85, rasterized=True)
        ax.grid(False)
        _label_regions(ax, result, xe, ye)
        ax.set_xlim(xe[0], xe[-1])
        ax.set_ylim(ye[0], ye[-1])
        scenario = result.batch.scenario
        ax.set_xlabel(parameter_label(scenario, result.x, 60))
        ax.set_ylabel(parameter_label(scenario, result.y, 30))
        now = current_values(result.batch, [result.x, result.y])
        mark_current_point(ax, now[result.x], now[result.y])
        handles = [
            patch(colours[i], label_lines(name, 30), alpha=0.85)
            for i, name in enumerate(result.labels)
        ]
        how = selection_text(result.batch, result.rule)
        side_legend(ax, handles, wrap(f"Predicted outcome ({how})", 30))
        heading(
            ax,
            scenario.name,
            f"Predicted outcome over {result.x} and {result.y} ({how})",
            own_figure=own,
        )
    return ax


def _label_regions(ax: Axes, result: GridResult, xe: np.ndarray, ye: np.ndarray) -> None:
    """Write each region's name at its innermost cell when the text fits inside it."""
    box = ax.get_position()
    fig_w, fig_h = figure_inches(ax)
    width_in, height_in = box.width * fig_w, box.height * fig_h
    rows, cols = result.regions.shape
    xc, yc = (xe[1:] + xe[:-1]) / 2, (ye[1:] + ye[:-1]) / 2
    for k, r, c, room in region_anchors(result.regions, min_cells=2):
        text = label_lines(result.labels[k], 18)
        lines = text.split("\n")
        # half the text's size as a fraction of the axes (0.6 em per character)
        half_w = max(len(s) for s in lines) * 0.6 * LABEL_SIZE / 72 / width_in / 2
        half_h = len(lines) * 1.25 * LABEL_SIZE / 72 / height_in / 2
        if room < max(half_w, half_h) + 0.5 / max(rows, cols):
            continue
        ax.text(
            xc[int(c)],
            yc[int(r)],
            text,
            ha="center",
            va="center",
            fontsize=LABEL_SIZE,
            bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": "none", "alpha": 0.75},
        )
