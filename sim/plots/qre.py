"""Plot the principal branch of the logit quantal response equilibrium."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator

from sim.plots.common import (
    PALETTE,
    axes_list,
    legend_below,
    line,
    line_style,
    new_figure,
    plot_style,
    wrap,
)
from sim.solvers.qre.logit_qre import QREBranch
from sim.solvers.result import Equilibrium

__all__ = ["plot_qre"]

#: Use a symmetric-log lambda axis when the largest lambda exceeds the
#: smallest positive one by this factor.
LOG_SPAN = 100.0


def plot_qre(
    branch: QREBranch,
    player_names: Sequence[str],
    move_names: Sequence[Sequence[str]],
    *,
    limit: Equilibrium | None = None,
    title: str | None = None,
    axes: Sequence[Axes] | None = None,
    figure: Figure | None = None,
) -> list[Axes]:
    """Each player's move probabilities along the logit QRE branch, against lambda.

    One panel per player, one line per move. Lambda (the precision: 0 is
    uniform random play, large values are nearly best responses) is drawn on a
    symmetric-log axis when it spans more than two decades: linear up to
    ``1 / R`` (``R`` the payoff range), logarithmic beyond. The limiting
    equilibrium is marked with stars at the right end.

    Parameters
    ----------
    branch
        From :func:`sim.solvers.qre.logit_qre.trace_logit_branch`.
    player_names, move_names
        Names of the players and of each player's moves.
    limit
        The limiting logit equilibrium
        (:func:`~sim.solvers.qre.logit_limit.limiting_logit_equilibrium`); default:
        the branch's last point.
    title
        Scenario name for the title.
    axes
        One axes per player (new figure if None).
    figure
        An empty figure to draw the panels in, instead of a new one.

    Returns
    -------
    list of Axes
        One per player.
    """
    n = len(player_names)
    if len(move_names) != n or not branch.points:
        raise ValueError("plot_qre needs one list of move names per player and a non-empty branch")
    with plot_style():
        found = axes_list(axes, n, "plot_qre", figure)
        own = found is None
        if found is None:
            cols = min(n, 3)
            rows = math.ceil(n / cols)
            size = (4.6 * cols + 2.2, 3.9 * rows + 1.0)
            made = new_figure(rows, cols, figsize=size, figure=figure)
            for extra in made[n:]:
                extra.set_visible(False)
            found = made[:n]
        lam = np.array([pt.lam for pt in branch.points])
        final = limit.strategies if limit is not None else branch.points[-1].strategies
        right = _right_end(branch, lam, final)
        linthresh = _linthresh(branch, lam[lam <= right], right)
        for p, ax in enumerate(found):
            moves = list(move_names[p])
            probs = np.array([pt.strategies[p] for pt in branch.points])
            for m in range(len(moves)):
                colour = PALETTE[m % len(PALETTE)]
                ax.plot(lam, probs[:, m], color=colour, ls=line_style(m), lw=_width(m), zorder=3)
                ax.plot(
                    [right],
                    [final[p][m]],
                    marker="*",
                    ms=15,
                    color=colour,
                    mec="black",
                    mew=0.8,
                    clip_on=False,
                    zorder=5,
                )
            if linthresh is not None:
                ax.set_xscale("symlog", linthresh=linthresh, linscale=0.6)
                ax.xaxis.set_minor_locator(NullLocator())
            ax.set_xlim(0, right)
            ax.set_ylim(-0.04, 1.04)
            ax.set_title(player_names[p], color=PALETTE[p % len(PALETTE)])
            ax.set_xlabel("λ, precision (1 / payoff unit)")
            ax.set_ylabel(f"P({player_names[p]} plays move)")
            handles = [line(PALETTE[m % len(PALETTE)], wrap(mv, 24)) for m, mv in enumerate(moves)]
            handles.append(
                line(
                    "#777777",
                    "limiting equilibrium" if limit is not None else "end of branch",
                    "none",
                    marker="*",
                    ms=13,
                    mec="black",
                )
            )
            legend_below(ax, handles, ncols=2, handlelength=2.4)
        name = f"{title}: " if title else ""
        scale = "; symmetric-log λ axis" if linthresh is not None else ""
        stop = (
            "" if branch.terminated == "max_lambda" else f"; tracing stopped: {branch.terminated}"
        )
        head = f"{name}logit quantal response equilibrium (principal branch)"
        sub = f"From random play (λ = 0) towards a Nash equilibrium as λ grows{scale}{stop}"
        if own:
            found[0].figure.suptitle(f"{wrap(head, 100)}\n{wrap(sub, 110)}", fontweight="normal")
        else:
            found[0].set_title(f"{wrap(head, 60)}\n{wrap(sub, 70)}\n{player_names[0]}")
    return found


def _width(move: int) -> float:
    """Earlier moves get wider lines, so moves with equal probabilities all stay visible."""
    return max(1.5, 3.8 - 0.9 * move)


def _payoff_range(branch: QREBranch) -> float:
    span = dict(branch.settings).get("payoff_range", 1.0)
    return float(span) if isinstance(span, int | float) and span > 0 else 1.0


def _right_end(branch: QREBranch, lam: np.ndarray, final: Sequence[np.ndarray]) -> float:
    """Right end of the lambda axis: ten times the lambda after which the branch stays
    within 0.002 of its limit (at least ``10 / R``), or the branch's end."""
    far = np.array(
        [
            max(float(np.abs(s - f).max()) for s, f in zip(pt.strategies, final, strict=True))
            for pt in branch.points
        ]
    )
    outside = np.flatnonzero(far >= 2e-3)
    if not outside.size:
        settled = 0.0
    elif outside[-1] + 1 >= lam.size:
        return float(lam.max())
    else:
        settled = float(lam[outside[-1] + 1])
    return float(min(lam.max(), max(10.0 * settled, 10.0 / _payoff_range(branch))))


def _linthresh(branch: QREBranch, lam: np.ndarray, right: float) -> float | None:
    """The linear range of a symmetric-log axis, or None for a linear axis."""
    positive = lam[lam > 0]
    if positive.size == 0 or right / positive.min() < LOG_SPAN:
        return None
    return 10.0 ** math.floor(math.log10(1.0 / _payoff_range(branch)))
