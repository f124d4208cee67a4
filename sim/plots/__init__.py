"""Plots of analysis results (matplotlib, imported only when a plot is asked for).

Only this package imports matplotlib; importing :mod:`sim` or any module
outside ``sim.plots`` never does. Every function draws on the axes it is
given (or on a new pyplot-free :class:`~matplotlib.figure.Figure`), returns
the axes, and never shows a window; :func:`save_figure` writes a figure
atomically as PNG, SVG or PDF::

    from sim.plots import plot_sweep, save_figure
    axes = plot_sweep(result, thresholds)
    save_figure(axes[0].figure, "sweep.png")

Colours are the Okabe-Ito palette (safe for colour-blind readers); equilibria
are also told apart by line style.
"""

from sim.plots.bargain import plot_bargain
from sim.plots.common import save_figure
from sim.plots.grid import plot_grid
from sim.plots.montecarlo import plot_montecarlo
from sim.plots.qre import plot_qre
from sim.plots.sweep import plot_sweep
from sim.plots.tornado import plot_tornado, plot_tornados
from sim.plots.tree import plot_tree

__all__ = [
    "plot_bargain",
    "plot_grid",
    "plot_montecarlo",
    "plot_qre",
    "plot_sweep",
    "plot_tornado",
    "plot_tornados",
    "plot_tree",
    "save_figure",
]
