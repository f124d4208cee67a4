"""Plot a Monte Carlo run: outcome odds with intervals, and the parameters they hang on."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.analysis.montecarlo import MonteCarloResult
from sim.plots.annotate import outcome_colours, selection_text
from sim.plots.common import (
    OKABE_ITO,
    axes_list,
    heading,
    label_lines,
    new_figure,
    plot_style,
)

__all__ = ["plot_montecarlo", "signed_influence"]


def plot_montecarlo(
    result: MonteCarloResult,
    *,
    axes: Sequence[Axes] | None = None,
    figure: Figure | None = None,
) -> list[Axes]:
    """Outcome frequencies with 95% intervals, and each drawn parameter's influence.

    The first panel has one horizontal bar per predicted outcome (most
    frequent on top, in the outcome's colour of every sensitivity figure) with
    its 95% Wilson interval as an error bar; the second has one bar per drawn
    parameter: its Spearman rank correlation, with its sign, with the outcome
    it moves most (largest in absolute value on top), that outcome named at
    the bar. A positive correlation means the outcome is predicted more often
    as the parameter grows.

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
            f"How often each outcome is predicted ({selection_text(result.batch, result.rule)})",
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
    palette = outcome_colours(result.batch, [o.name for o in odds])
    colours = [palette[o.name] for o in odds]
    ax.barh(y, freq, color=colours, edgecolor="#444444", linewidth=0.6, height=0.7, zorder=2)
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


def signed_influence(result: MonteCarloResult) -> list[tuple[str, float, str]]:
    """``(parameter, rho, outcome)``: each drawn parameter's signed rank correlation
    with the outcome it moves most, largest ``|rho|`` first."""
    best: dict[str, tuple[float, str]] = {}
    for o in result.outcomes:
        for name, rho in o.correlations:
            if name not in best or abs(rho) > abs(best[name][0]):
                best[name] = (float(rho), o.name)
    rows = [(name, rho, outcome) for name, (rho, outcome) in best.items()]
    return sorted(rows, key=lambda r: -abs(r[1]))


def _influence(ax: Axes, result: MonteCarloResult) -> None:
    items = signed_influence(result)
    if not items:
        ax.text(0.5, 0.5, "no parameter was drawn", ha="center", va="center")
        ax.set_axis_off()
        return
    y = np.arange(len(items))[::-1]
    rho = np.array([r for _, r, _ in items])
    colours = [OKABE_ITO["blue"] if r >= 0 else OKABE_ITO["vermillion"] for r in rho]
    ax.barh(y, rho, color=colours, edgecolor="#333333", linewidth=0.6, height=0.65, zorder=2)
    for yi, r, (_, _, outcome) in zip(y, rho, items, strict=True):
        # the value and the outcome, right of the bar (right of zero for a negative bar)
        ax.text(max(r, 0.0) + 0.02, yi, f"{r:+.2f}  {outcome}", va="center", fontsize=9)
    ax.axvline(0, color="#333333", lw=1.0, zorder=3)
    ax.set_yticks(y, [name for name, _, _ in items])
    ax.set_xlim(-1.05, 2.0)
    ax.set_xticks([-1, -0.5, 0, 0.5, 1])
    ax.set_xlabel(
        "Spearman rank correlation with the outcome it moves most\n"
        "(> 0: that outcome is predicted more often as the parameter grows; < 0: less often)"
    )
    ax.grid(axis="y", visible=False)
    ax.set_title("Which assumptions the odds hang on", fontweight="normal")
