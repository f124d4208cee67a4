"""Plot a Monte Carlo run: outcome odds with intervals, and the parameters they hang on."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.analysis.montecarlo import MonteCarloResult
from sim.plots.common import (
    OKABE_ITO,
    axes_list,
    heading,
    label_lines,
    new_figure,
    plot_style,
    rule_text,
)

__all__ = ["plot_montecarlo"]


def plot_montecarlo(
    result: MonteCarloResult,
    *,
    axes: Sequence[Axes] | None = None,
    figure: Figure | None = None,
) -> list[Axes]:
    """Outcome frequencies with 95% intervals, and each drawn parameter's influence.

    The first panel has one horizontal bar per predicted outcome (most
    frequent on top) with its 95% Wilson interval as an error bar; the second
    has one bar per drawn parameter: its largest absolute Spearman rank
    correlation with any outcome (largest on top).

    Parameters
    ----------
    result
        From :func:`sim.analysis.montecarlo.monte_carlo`.
    axes
        Two axes to draw on (new figure if None).
    figure
        An empty figure to draw the panels in, instead of a new one.

    Returns
    -------
    list of Axes
        The frequency panel and the influence panel.
    """
    with plot_style():
        found = axes_list(axes, 2, "plot_montecarlo", figure)
        own = found is None
        if found is None:
            rows = len(result.outcomes) + len(result.influence)
            height = max(5.5, 1.6 + 0.42 * rows + 1.2)
            fig_axes = new_figure(
                2, 1, figsize=(10.5, height), height_ratios=_ratios(result), figure=figure
            )
            found = fig_axes
        _frequencies(found[0], result)
        _influence(found[1], result)
        seed = "unseeded" if result.seed is None else f"seed {result.seed}"
        heading(
            found[0],
            f"{result.batch.scenario.name}: Monte Carlo over {result.samples:,} "
            f"parameter draws ({seed})",
            f"How often each outcome is predicted ({rule_text(result.rule)})",
            own_figure=own,
        )
    return found


def _ratios(result: MonteCarloResult) -> list[float]:
    return [max(len(result.outcomes), 1) + 1.5, max(len(result.influence), 1) + 1.5]


def _frequencies(ax: Axes, result: MonteCarloResult) -> None:
    odds = sorted(result.outcomes, key=lambda o: -o.frequency)
    y = np.arange(len(odds))[::-1]
    freq = np.array([o.frequency for o in odds]) * 100
    low = np.array([o.low for o in odds]) * 100
    high = np.array([o.high for o in odds]) * 100
    ax.barh(
        y, freq, color=OKABE_ITO["orange"], edgecolor="#444444", linewidth=0.6, height=0.7, zorder=2
    )
    ax.errorbar(
        freq,
        y,
        xerr=np.vstack([freq - low, high - freq]),
        fmt="none",
        ecolor="black",
        elinewidth=1.4,
        capsize=5,
        zorder=3,
    )
    for yi, f, lo, hi in zip(y, freq, low, high, strict=True):
        ax.text(
            hi + 1.0,
            yi,
            f"{f:.1f}%  [{lo:.1f}, {hi:.1f}]",
            va="center",
            fontsize=9.5,
        )
    ax.set_yticks(y, [label_lines(o.name, 30) for o in odds])
    top = float(high.max()) if high.size else 100.0
    ax.set_xlim(0, min(100.0, top * 1.05) + 0.32 * max(top, 10.0))
    ax.set_xlabel("Share of draws in which the outcome is predicted (%), with 95% interval")
    ax.grid(axis="y", visible=False)


def _influence(ax: Axes, result: MonteCarloResult) -> None:
    items = sorted(result.influence, key=lambda kv: -kv[1])
    if not items:
        ax.text(0.5, 0.5, "no parameter was drawn", ha="center", va="center")
        ax.set_axis_off()
        return
    y = np.arange(len(items))[::-1]
    rho = np.array([abs(v) for _, v in items])
    ax.barh(
        y,
        rho,
        color=OKABE_ITO["blue"],
        edgecolor="#333333",
        linewidth=0.6,
        height=0.65,
        zorder=2,
    )
    for yi, r in zip(y, rho, strict=True):
        ax.text(r + 0.01, yi, f"{r:.2f}", va="center", fontsize=9.5)
    ax.set_yticks(y, [name for name, _ in items])
    ax.set_xlim(0, 1.08)
    ax.set_xlabel("|Spearman rank correlation| between the parameter and an outcome (largest)")
    ax.grid(axis="y", visible=False)
    ax.set_title("Which assumptions the odds hang on", fontweight="normal")
