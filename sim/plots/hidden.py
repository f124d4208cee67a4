"""Plots of the sensitivity of games with hidden information (:mod:`sim.analysis.hidden`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.analysis.hidden import HiddenFlip, HiddenOdds, HiddenPoint
from sim.plots.common import (
    heading,
    label_lines,
    line_style,
    new_figure,
    outcome_colour,
    plot_style,
)

__all__ = ["plot_hidden_odds", "plot_hidden_sweep"]

_SUBTITLE = "perfect Bayesian equilibria; analyst's probabilities, averaged over equilibria"


def plot_hidden_sweep(
    name: str,
    points: Sequence[HiddenPoint],
    flips: Sequence[HiddenFlip] = (),
    *,
    ax: Axes | None = None,
    figure: Figure | None = None,
) -> Axes:
    """The probability of each outcome as one parameter moves, flip points dashed.

    Parameters
    ----------
    name
        The parameter swept.
    points
        From :func:`sim.analysis.hidden.hidden_sweep`.
    flips
        From :func:`sim.analysis.hidden.hidden_thresholds` (optional).
    ax, figure
        Axes to draw on, or an empty figure (a new one if neither).

    Returns
    -------
    matplotlib.axes.Axes
    """
    own = ax is None
    with plot_style():
        if ax is None:
            ax = new_figure(figsize=(8, 4.5), figure=figure)[0]
        x = np.array([p.parameters[name] for p in points], float)
        names = sorted({k for p in points for k in p.outcomes})
        for k, outcome in enumerate(names):
            y = np.array([p.outcomes.get(outcome, 0.0) for p in points])
            ax.plot(
                x, y, color=outcome_colour(k), ls=line_style(k), lw=2, label=label_lines(outcome)
            )
        for flip in flips:
            ax.axvline(flip.value, color="0.4", ls="--", lw=1)
        ax.set_xlabel(name)
        ax.set_ylabel("probability")
        ax.set_ylim(-0.02, 1.02)
        if names:
            ax.legend(loc="best", fontsize="small")
        heading(ax, f"Outcomes as {name} moves", _SUBTITLE, own_figure=own)
    return ax


def plot_hidden_odds(
    odds: Sequence[HiddenOdds], *, ax: Axes | None = None, figure: Figure | None = None
) -> Axes:
    """Mean probability of each outcome over the Monte Carlo draws, with 95% intervals.

    Returns
    -------
    matplotlib.axes.Axes
    """
    own = ax is None
    with plot_style():
        if ax is None:
            ax = new_figure(figsize=(8, 1 + 0.5 * max(len(odds), 1)), figure=figure)[0]
        ys = np.arange(len(odds))[::-1]
        means = np.array([o.mean for o in odds])
        err = np.array([[o.mean - o.low for o in odds], [o.high - o.mean for o in odds]])
        colours = [outcome_colour(k) for k in range(len(odds))]
        ax.barh(ys, means, xerr=err if len(odds) else None, color=colours, capsize=3)
        ax.set_yticks(ys, [label_lines(o.outcome) for o in odds])
        ax.set_xlim(0, 1)
        ax.set_xlabel("mean probability (95% interval)")
        heading(ax, "Outcome odds under uncertain parameters", _SUBTITLE, own_figure=own)
    return ax
