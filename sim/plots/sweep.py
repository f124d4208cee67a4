"""Plot a one-parameter sweep: equilibrium strategies and payoffs against the parameter.

A sweep of a sequential game is drawn by :func:`plot_sequential_sweep`
(expected payoffs and the probability of each outcome under the
subgame-perfect equilibrium); :func:`plot_sweep` hands such sweeps to it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.analysis.sequential_batch import SequentialBatch
from sim.analysis.sweep import SweepResult, Track, tracks
from sim.analysis.thresholds import ThresholdResult
from sim.plots.annotate import (
    HERE_COLOUR,
    current_values,
    line_label,
    mark_current_x,
    outcome_colours,
    parameter_label,
)
from sim.plots.common import (
    PALETTE,
    axes_list,
    heading,
    legend_below,
    line,
    line_style,
    new_figure,
    patch,
    plot_style,
    rule_text,
    side_legend,
    wrap,
    wrap_name,
)
from sim.plots.lines import Jump, draw, jumps, marks, player_handle, stepped, width, ylabel

__all__ = ["jumps", "outcome_runs", "plot_sequential_sweep", "plot_sweep", "stepped"]

#: Opacity of the outcome shading behind the lines.
SHADE_ALPHA = 0.22
#: Colours of the moves of a player with more than two moves.
_MOVE_COLOURS = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#F0E442")


def outcome_runs(
    values: np.ndarray, names: Sequence[str], flips: Sequence[float] = ()
) -> list[tuple[float, float, str]]:
    """Runs of equal predictions as ``(start, stop, name)`` intervals of the parameter.

    A run ends halfway between the last point of one prediction and the first
    point of the next, or at a flip point in ``flips`` lying between them.
    """
    order = np.argsort(values, kind="stable")
    xs = np.asarray(values, float)[order]
    ns = [names[i] for i in order]
    if xs.size == 0:
        return []
    runs: list[tuple[float, float, str]] = []
    start = float(xs[0])
    for i in range(1, xs.size):
        if ns[i] == ns[i - 1]:
            continue
        inside = [f for f in flips if xs[i - 1] <= f <= xs[i]]
        edge = float(inside[0]) if inside else float(xs[i - 1] + xs[i]) / 2
        runs.append((start, edge, ns[i - 1]))
        start = edge
    runs.append((start, float(xs[-1]), ns[-1]))
    return runs


def plot_sweep(
    result: SweepResult,
    thresholds: ThresholdResult | None = None,
    *,
    axes: Sequence[Axes] | None = None,
    figure: Figure | None = None,
) -> list[Axes]:
    """Each player's equilibrium strategy and the equilibrium payoffs along a sweep.

    One panel per player shows its move probabilities in every equilibrium
    (for two moves, the probability of the first; else one colour per move),
    and a last panel shows each player's expected payoff. Equilibria are told
    apart by line style and named in the legend. The background is shaded by
    the predicted outcome under the sweep's selection rule, and flip points
    (from ``thresholds``) are marked by dashed vertical lines with their values.

    Parameters
    ----------
    result
        A sweep from :func:`sim.analysis.sweep.sweep`.
    thresholds
        Flip points of the same parameter (:func:`sim.analysis.thresholds.find_thresholds`).
    axes
        ``n_players + 1`` axes to draw on (new figure if None).
    figure
        An empty figure to draw the panels in, instead of a new one.

    Returns
    -------
    list of Axes
        The player panels, then the payoff panel (for a sequential game, the
        panels of :func:`plot_sequential_sweep`).
    """
    if isinstance(result.batch, SequentialBatch):
        return plot_sequential_sweep(result, thresholds, axes=axes, figure=figure)
    scenario = result.batch.scenario
    players = scenario.players
    n = len(players)
    with plot_style():
        found = axes_list(axes, n + 1, "plot_sweep", figure)
        if found is None:
            size = (10.5, 2.5 * (n + 1) + 1.2)
            found = new_figure(n + 1, 1, figsize=size, sharex=True, figure=figure)
        trk = tracks(result)
        x = np.asarray(result.values, float)
        flips = [t.value for t in thresholds.thresholds] if thresholds is not None else []
        runs = outcome_runs(x, result.predictions.names, flips)
        outcomes = list(dict.fromkeys(name for _, _, name in runs))
        palette = outcome_colours(result.batch, outcomes)
        _shade(found, runs, flips, palette)
        edges = jumps(x, result.predictions.names, flips)
        for p, player in enumerate(players):
            _player_panel(found[p], x, trk, p, player.name, tuple(player.moves), edges)
        _payoff_panel(found[n], x, trk, [pl.name for pl in players], edges)
        styles = [
            line("#333333", wrap(t.name, 34), line_style(k), lw=width(k)) for k, t in enumerate(trk)
        ]
        side_legend(found[0], styles, "Equilibrium (line style)", handlelength=3.5)
        _mark_flips(found[0], flips, result.parameter, (float(x.min()), float(x.max())))
        found[n].set_xlabel(parameter_label(scenario, result.parameter, 70))
        found[n].set_xlim(float(x.min()), float(x.max()))
        _mark_now(found, result)
        how = rule_text(result.predictions.rule)
        _outcome_legend(found[n], outcomes, palette, bool(flips), how)
        heading(
            found[0],
            scenario.name,
            f"Equilibria as {result.parameter} varies; shading: predicted outcome",
            own_figure=axes is None,
        )
    return found


def plot_sequential_sweep(
    result: SweepResult,
    thresholds: ThresholdResult | None = None,
    *,
    axes: Sequence[Axes] | None = None,
    figure: Figure | None = None,
) -> list[Axes]:
    """Expected payoffs and outcome probabilities along a sweep of a sequential game.

    The top panel shows each player's expected payoff in the subgame-perfect
    equilibrium at every point, the bottom panel the probability of each
    outcome it can end in (chance moves split the path; only outcomes reached
    somewhere in the sweep are drawn). The background is shaded by the
    predicted outcome, and flip points (from ``thresholds``: changes of plan,
    off the path included) are marked by dashed vertical lines with their
    values.

    Parameters
    ----------
    result
        A sweep of a sequential scenario (:func:`sim.analysis.sweep.sweep`).
    thresholds
        Flip points of the same parameter (:func:`sim.analysis.thresholds.find_thresholds`).
    axes
        Two axes to draw on (new figure if None).
    figure
        An empty figure to draw the panels in, instead of a new one.

    Returns
    -------
    list of Axes
        The payoff panel and the outcome panel.
    """
    batch = result.batch
    if not isinstance(batch, SequentialBatch):
        raise TypeError("plot_sequential_sweep() draws sweeps of sequential games")
    players = batch.game.players
    with plot_style():
        found = axes_list(axes, 2, "plot_sequential_sweep", figure)
        if found is None:
            found = new_figure(2, 1, figsize=(10.5, 7.4), sharex=True, figure=figure)
        x = np.asarray(result.values, float)
        flips = [t.value for t in thresholds.thresholds] if thresholds is not None else []
        runs = outcome_runs(x, result.predictions.names, flips)
        outcomes = list(dict.fromkeys(name for _, _, name in runs))
        palette = outcome_colours(batch, outcomes)
        _shade(found, runs, flips, palette)
        edges = jumps(x, result.predictions.names, flips)
        pays = found[0]
        for p in range(len(players)):
            colour = PALETTE[p % len(PALETTE)]
            draw(pays, x, batch.expected[p], colour, "-", width(p), edges, marks(p, len(x)))
        ylabel(pays, "Expected\npayoff\n(payoff\nunits)", "black")
        handles = [player_handle(p, nm) for p, nm in enumerate(players)]
        side_legend(pays, handles, "Player")
        odds = found[1]
        shown = [
            k for k in range(len(batch.outcome_names)) if np.any(batch.outcome_probs[k] > 1e-12)
        ]
        styles = []
        for j, k in enumerate(shown):
            colour = palette[batch.outcome_names[k]]
            draw(odds, x, batch.outcome_probs[k], colour, line_style(j), 2.6, edges)
            styles.append(line(colour, wrap(batch.outcome_names[k], 30), line_style(j)))
        ylabel(odds, "Probability\nof the\noutcome", "black")
        odds.set_ylim(-0.04, 1.04)
        odds.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
        _mark_flips(pays, flips, result.parameter, (float(x.min()), float(x.max())))
        odds.set_xlabel(parameter_label(batch.scenario, result.parameter, 70))
        odds.set_xlim(float(x.min()), float(x.max()))
        _mark_now(found, result)
        side_legend(odds, styles, "Outcome\n(probability lines)")
        how = "following the subgame-perfect equilibrium; A | B: several equilibria"
        _outcome_legend(odds, outcomes, palette, bool(flips), how, below_figure=axes is None)
        heading(
            pays,
            batch.scenario.name,
            f"Subgame-perfect equilibrium as {result.parameter} varies; shading: predicted outcome",
            own_figure=axes is None,
        )
    return found


def _outcome_legend(
    ax: Axes,
    outcomes: list[str],
    palette: dict[str, str],
    flips: bool,
    how: str,
    *,
    below_figure: bool = False,
) -> None:
    """Legend of the shading, under the x axis (keeping the axes' own legend), or under
    the whole figure when the axes already have a side legend of their own."""
    handles: list[Artist] = [patch(palette[name], wrap(name, 34), alpha=0.5) for name in outcomes]
    if flips:
        handles.append(line("#333333", "flip point", "--", lw=1.3))
    handles.append(line(HERE_COLOUR, "current value", ":", lw=1.6))
    title = f"Predicted outcome, shading ({how})"
    ncols = min(3, len(handles))
    if below_figure:  # laid out by the figure, so the axes' side legend keeps its room
        ax.figure.legend(handles=handles, title=title, loc="outside lower center", ncols=ncols)
        return
    gap = 0.52 + 0.2 * ax.get_xlabel().count("\n")  # below a label of several lines
    legend_below(ax, handles, title, gap=gap, ncols=ncols)


def _shade(
    found: Sequence[Axes],
    runs: list[tuple[float, float, str]],
    flips: list[float],
    palette: dict[str, str],
) -> None:
    """Shade every panel by the predicted outcome and draw the flip lines."""
    for ax in found:
        for start, stop, name in runs:
            ax.axvspan(start, stop, color=palette[name], alpha=SHADE_ALPHA, lw=0, zorder=0)
        for value in flips:
            ax.axvline(value, color="#333333", ls="--", lw=1.3, zorder=1)


def _mark_now(found: Sequence[Axes], result: SweepResult) -> None:
    """The current value of the swept parameter on every panel (labelled on the first)."""
    now = current_values(result.batch, [result.parameter])[result.parameter]
    for i, ax in enumerate(found):
        mark_current_x(ax, now, text=i == 0)


def _player_panel(
    ax: Axes,
    x: np.ndarray,
    trk: list[Track],
    p: int,
    name: str,
    moves: tuple[str, ...],
    edges: Sequence[Jump],
) -> None:
    colour = PALETTE[p % len(PALETTE)]
    if len(moves) == 2:
        for k, t in enumerate(trk):
            draw(ax, x, t.probabilities[p][:, 0], colour, line_style(k), width(k), edges)
        ylabel(ax, f"{name}\nP({wrap_name(moves[0], 14)})", colour)
    else:
        for k, t in enumerate(trk):
            for m in range(len(moves)):
                y = t.probabilities[p][:, m]
                colour = _MOVE_COLOURS[m % len(_MOVE_COLOURS)]
                draw(ax, x, y, colour, line_style(k), width(k), edges)
        ylabel(ax, f"{name}\nP(move)", colour)
        handles = [line(_MOVE_COLOURS[m % len(_MOVE_COLOURS)], mv) for m, mv in enumerate(moves)]
        side_legend(ax, handles, f"{name}'s moves")
    ax.set_ylim(-0.06, 1.06)
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])


def _payoff_panel(
    ax: Axes, x: np.ndarray, trk: list[Track], names: list[str], edges: Sequence[Jump]
) -> None:
    n = len(names)
    for k, t in enumerate(trk):
        for p in range(n):
            colour = PALETTE[p % len(PALETTE)]
            shown = marks(p, len(x), n)
            draw(ax, x, t.payoffs[:, p], colour, line_style(k), width(k), edges, shown)
    ylabel(ax, "Expected\npayoff\n(payoff\nunits)", "black")
    handles = [player_handle(p, nm) for p, nm in enumerate(names)]
    side_legend(ax, handles, "Player")


def _mark_flips(
    ax: Axes, flips: list[float], parameter: str, span: tuple[float, float] | None = None
) -> None:
    """Label each flip line with its value (to the right of a line at the left edge)."""
    lo, hi = span if span is not None else (min(flips, default=0.0), max(flips, default=0.0))
    for value in flips:
        left = span is not None and value - lo < 0.03 * (hi - lo)
        line_label(ax, value, f"{parameter} = {value:.4g}", right=left, top=True)
