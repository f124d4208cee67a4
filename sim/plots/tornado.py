"""Plot a tornado diagram: how far each single assumption moves one metric."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.analysis.tornado import TornadoBar, TornadoResult
from sim.plots.common import (
    OKABE_ITO,
    axes_list,
    heading,
    legend_below,
    line,
    new_figure,
    patch,
    plot_style,
    rule_text,
    wrap,
)

__all__ = ["plot_tornado", "plot_tornados"]

_LOW, _HIGH = OKABE_ITO["sky_blue"], OKABE_ITO["vermillion"]


def plot_tornado(
    result: TornadoResult, *, scenario_name: str | None = None, ax: Axes | None = None
) -> Axes:
    """A tornado diagram: one horizontal bar per parameter, largest swing on top.

    Each bar runs from the baseline (vertical line: the metric with every
    parameter at its value) to the metric with the parameter at the low end
    of its range (one colour) and at the high end (another); the ends are
    labelled with those parameter values. Where the metric moves further
    inside the range than at its ends, a thin black line shows the full
    spread (min to max).

    Parameters
    ----------
    result
        One metric's bars from :func:`sim.analysis.tornado.tornado`.
    scenario_name
        Shown in the title.
    ax
        Axes to draw on (new figure if None).

    Returns
    -------
    Axes
    """
    with plot_style():
        own = ax is None
        if ax is None:
            ax = new_figure(figsize=(10.5, max(4.5, 2.8 + 0.5 * len(result.bars))))[0]
        _draw(ax, result)
        _legend(ax, len(result.bars), None, result.baseline)
        name = f"{scenario_name}: " if scenario_name else ""
        heading(
            ax,
            f"{name}tornado diagram of {result.metric}",
            _settings(result),
            own_figure=own,
        )
    return ax


def plot_tornados(
    results: Sequence[TornadoResult],
    *,
    scenario_name: str | None = None,
    axes: Sequence[Axes] | None = None,
    figure: Figure | None = None,
) -> list[Axes]:
    """Tornado diagrams of several metrics (e.g. each player's payoff), stacked.

    Parameters
    ----------
    results
        From :func:`sim.analysis.tornado.tornado` (one per metric).
    scenario_name
        Shown in the title.
    axes
        One axes per result (new figure if None).
    figure
        An empty figure to draw the panels in, instead of a new one.

    Returns
    -------
    list of Axes
        One per result, in order.
    """
    if not results:
        raise ValueError("plot_tornados needs at least one result")
    with plot_style():
        found = axes_list(axes, len(results), "plot_tornados", figure)
        own = found is None
        if found is None:
            rows = [len(r.bars) + 2.5 for r in results]
            size = (10.5, 1.6 + 0.36 * sum(rows))
            found = new_figure(len(results), 1, figsize=size, height_ratios=rows, figure=figure)
        for ax, result in zip(found, results, strict=True):
            _draw(ax, result)
            metric = result.metric[0].upper() + result.metric[1:]
            ax.set_title(f"{metric} (baseline {result.baseline:.4g})", loc="left")
        _legend(found[-1], len(results[-1].bars), _settings(results[0]), None)
        name = f"{scenario_name}: " if scenario_name else ""
        title = f"{name}tornado diagrams"
        if own:
            found[0].figure.suptitle(title)
        else:
            found[0].set_title(f"{title}\n{found[0].get_title(loc='left')}", loc="left")
    return found


def _settings(result: TornadoResult) -> str:
    return (
        f"Each parameter moved across its range ({result.steps} steps) with the others "
        f"fixed; "
        + (
            "following the subgame-perfect equilibrium"
            if result.sequential
            else rule_text(result.rule)
        )
    )


def _draw(ax: Axes, result: TornadoResult) -> None:
    """The bars, the baseline and the axis labels of one metric."""
    bars = sorted(result.bars, key=lambda b: -b.swing if math.isfinite(b.swing) else 0.0)
    base = result.baseline
    span = _span(bars, base)
    lo, hi = min(base, *_ends(bars)), max(base, *_ends(bars))
    roomy = 1 if hi - base >= base - lo else -1
    for i, bar in enumerate(bars):
        _bar(ax, len(bars) - 1 - i, bar, base, span, roomy)
    ax.axvline(base, color="black", lw=1.6, zorder=4)
    ax.set_yticks(np.arange(len(bars))[::-1], [b.parameter for b in bars])
    ax.set_ylim(-0.7, len(bars) - 0.3)
    pad = 0.14 * (hi - lo if hi > lo else 1.0)
    ax.set_xlim(lo - pad, hi + pad)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(_axis_label(result.metric))
    ax.set_ylabel("Parameter\n(largest swing on top)")


def _legend(ax: Axes, bars: int, settings: str | None, baseline: float | None) -> None:
    handles = [
        patch(_LOW, "parameter at the low end of its range"),
        patch(_HIGH, "parameter at the high end of its range"),
        line("black", "full spread across the range", lw=1.0, marker="|", ms=9),
        line(
            "black",
            "baseline: every parameter at its value"
            + (f" ({baseline:.4g})" if baseline is not None else ""),
            lw=1.6,
        ),
    ]
    title = "Bar ends, labelled with the parameter's value"
    legend_below(ax, handles, f"{wrap(settings, 95)}\n{title}" if settings else title, ncols=2)


def _ends(bars: list[TornadoBar]) -> list[float]:
    vals = [v for b in bars for v in (b.metric_min, b.metric_max) if math.isfinite(v)]
    return vals or [0.0]


def _span(bars: list[TornadoBar], base: float) -> float:
    ends = [*_ends(bars), base]
    return max(max(ends) - min(ends), 1e-12)


def _bar(ax: Axes, y: float, bar: TornadoBar, base: float, span: float, roomy: int) -> None:
    ends = [(bar.metric_at_low, bar.low, _LOW), (bar.metric_at_high, bar.high, _HIGH)]
    # the longer segment first, so the shorter one stays visible on top of it
    ends.sort(key=lambda e: -abs(e[0] - base) if math.isfinite(e[0]) else 0.0)
    for value, _, colour in ends:
        if not math.isfinite(value):
            continue
        ax.barh(
            y,
            value - base,
            left=base,
            height=0.62,
            color=colour,
            edgecolor="#333333",
            linewidth=0.6,
            zorder=2,
        )
    if (
        math.isfinite(bar.metric_min)
        and math.isfinite(bar.metric_max)
        and (
            bar.metric_min < min(bar.metric_at_low, bar.metric_at_high, base)
            or bar.metric_max > max(bar.metric_at_low, bar.metric_at_high, base)
        )
    ):
        ax.plot([bar.metric_min, bar.metric_max], [y, y], color="black", lw=1.0, zorder=3)
        ax.plot([bar.metric_min, bar.metric_max], [y, y], "|", color="black", ms=12, zorder=3)
    _end_labels(ax, y, bar, base, span, roomy)


def _end_labels(ax: Axes, y: float, bar: TornadoBar, base: float, span: float, roomy: int) -> None:
    """Write the parameter's value beyond each end of its bar (and beyond the spread line).

    ``roomy`` is +1 or -1: the side of the baseline with more room, used for
    labels of ends that sit on the baseline.
    """
    tiny = 1e-9 * span
    items = [(v, p) for v, p in ((bar.metric_at_low, bar.low), (bar.metric_at_high, bar.high))]
    items = [(v, p) for v, p in items if math.isfinite(v)]
    if not items:
        _label(ax, base, y, "no equilibrium to measure", roomy)
        return
    if all(abs(v - base) <= tiny for v, _ in items) and bar.swing <= tiny:
        _label(ax, base, y, f"no effect over {bar.low:g} to {bar.high:g}", roomy)
        return
    if len(items) == 2 and abs(items[0][0] - items[1][0]) < 0.04 * span:
        side = 1 if items[0][0] >= base else -1
        text = f"{bar.low:g} & {bar.high:g}"
        _label(ax, _beyond(items[0][0], side, bar), y, text, side)
        return
    for k, (value, param) in enumerate(items):
        other = items[1 - k][0] if len(items) == 2 else base
        side = (1 if value > base else -1) if abs(value - base) > tiny else 0
        if side == 0:  # an end on the baseline: label it on the side away from the other end
            side = -1 if other > base else 1
            _label(ax, base, y, f"{param:g}", side)
        elif (value - base) * (other - base) > 0 and abs(value - base) < abs(other - base):
            # both ends on the same side: the nearer end's label goes above the bar
            _label(ax, value, y + 0.44, f"{param:g}", side)
        else:
            _label(ax, _beyond(value, side, bar), y, f"{param:g}", side)


def _beyond(value: float, side: int, bar: TornadoBar) -> float:
    """Where a label at ``value`` goes: past the spread line when that reaches further."""
    if side > 0 and math.isfinite(bar.metric_max):
        return max(value, bar.metric_max)
    if side < 0 and math.isfinite(bar.metric_min):
        return min(value, bar.metric_min)
    return value


def _label(ax: Axes, value: float, y: float, text: str, side: int) -> None:
    ax.annotate(
        text,
        (value, y),
        xytext=(4 * side, 0),
        textcoords="offset points",
        ha="left" if side > 0 else "right",
        va="center",
        fontsize=9.5,
        zorder=5,
    )


def _axis_label(metric: str) -> str:
    if metric.startswith("probability"):
        return f"{metric[0].upper()}{metric[1:]} (0 to 1)"
    return f"{metric[0].upper()}{metric[1:]} (payoff units)"
