"""Shared plotting helpers: palette, classroom style, figure creation and atomic saving.

Figures are built on :class:`matplotlib.figure.Figure` directly (no pyplot
state), so plotting never opens a window and works on any backend. Colours
follow Okabe & Ito (2008), "Color universal design", extended by Paul Tol's
"muted" scheme: both remain distinguishable with the common forms of colour
blindness.
"""

from __future__ import annotations

import contextlib
import os
import re
import textwrap
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import matplotlib as mpl
from cycler import cycler
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import ScaledTranslation

from sim.atomic_write import write_atomic
from sim.errors import RequestError
from sim.textsafe import escape_text

__all__ = [
    "FORMATS",
    "LINE_STYLES",
    "OKABE_ITO",
    "PALETTE",
    "axes_list",
    "figure_inches",
    "heading",
    "label_lines",
    "legend_below",
    "line_style",
    "new_figure",
    "outcome_colour",
    "plot_style",
    "rule_text",
    "save_figure",
    "side_legend",
    "wrap",
    "wrap_name",
]

#: Okabe-Ito colours, by name.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}

#: Line colours (players, equilibria, moves), most distinct first.
PALETTE = (
    OKABE_ITO["blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["green"],
    OKABE_ITO["purple"],
    OKABE_ITO["orange"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["black"],
    OKABE_ITO["yellow"],
)

#: Area colours (outcome regions): Okabe-Ito, then Tol's muted scheme.
_AREA = (
    OKABE_ITO["sky_blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["green"],
    OKABE_ITO["yellow"],
    OKABE_ITO["purple"],
    OKABE_ITO["blue"],
    OKABE_ITO["vermillion"],
    "#999999",
    "#88CCEE",
    "#DDCC77",
    "#44AA99",
    "#CC6677",
    "#AA4499",
    "#117733",
    "#332288",
    "#999933",
    "#882255",
)

#: Line styles that tell equilibria apart (then cycled).
LINE_STYLES: tuple[str | tuple[float, tuple[float, ...]], ...] = (
    "-",
    (0, (6, 2)),
    (0, (1, 1.5)),
    (0, (6, 2, 1, 2)),
    (0, (3, 1, 1, 1, 1, 1)),
    (0, (10, 3)),
)

#: File suffix -> matplotlib format.
FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}

_RULES = {
    "all": "all equilibria shown, none selected",
    "payoff_dominant": "payoff-dominant equilibrium selected",
    "risk_dominant": "risk-dominant equilibrium selected",
    "logit_limit": "limiting logit equilibrium selected",
}

_STYLE: dict[str, Any] = {
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 9.5,
    "legend.title_fontsize": 10,
    "legend.framealpha": 0.92,
    "figure.titlesize": 14,
    "figure.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.35,
    "grid.linewidth": 0.7,
    "lines.linewidth": 2.2,
    "axes.prop_cycle": cycler(color=list(PALETTE)),
    "svg.hashsalt": "sim",
    "text.parse_math": False,  # names from a file are text, never TeX
}


@contextlib.contextmanager
def plot_style() -> Iterator[None]:
    """Context in which artists get the classroom style (large fonts, light grid)."""
    with mpl.rc_context(_STYLE):  # type: ignore[arg-type]
        yield


def outcome_colour(index: int) -> str:
    """Area colour of the ``index``-th outcome (cycled after 17)."""
    return _AREA[index % len(_AREA)]


def line_style(index: int) -> str | tuple[float, tuple[float, ...]]:
    """Line style of the ``index``-th equilibrium (cycled)."""
    return LINE_STYLES[index % len(LINE_STYLES)]


def rule_text(rule: str) -> str:
    """A plain phrase for an equilibrium selection rule."""
    return _RULES.get(rule, f"selection rule '{rule}'")


def wrap(text: str, width: int = 28) -> str:
    """Break a long label into lines of at most ``width`` characters (at spaces).

    Control and bidi characters from a file are escaped first (:mod:`sim.textsafe`).
    """
    text = escape_text(text)
    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    return "\n".join(lines) or text


def label_lines(name: str, width: int = 28) -> str:
    """An outcome name on lines: one equilibrium per line (``A | B``), each wrapped."""
    return " |\n".join(wrap(part, width) for part in name.split(" | "))


def new_figure(
    nrows: int = 1,
    ncols: int = 1,
    *,
    figsize: tuple[float, float],
    sharex: bool = False,
    height_ratios: Sequence[float] | None = None,
    figure: Figure | None = None,
) -> list[Axes]:
    """Axes, row by row, on ``figure`` (which must be empty) or on a fresh pyplot-free
    figure of size ``figsize`` with constrained layout."""
    if figure is None:
        figure = Figure(figsize=figsize, layout="constrained")
    elif figure.axes:
        raise ValueError("figure= must be an empty figure; pass axes= to draw on existing axes")
    grid = figure.subplots(nrows, ncols, sharex=sharex, squeeze=False, height_ratios=height_ratios)
    return [ax for row in grid for ax in row]


def axes_list(
    axes: Sequence[Axes] | Axes | None, count: int, name: str, figure: Figure | None = None
) -> list[Axes] | None:
    """Validate caller-supplied axes: ``count`` of them, or None to make new ones."""
    if axes is not None and figure is not None:
        raise ValueError(f"{name} takes axes= or figure=, not both")
    if axes is None:
        return None
    found = [axes] if isinstance(axes, Axes) else list(axes)
    if len(found) != count:
        raise ValueError(f"{name} needs {count} axes; got {len(found)}")
    return found


def patch(colour: str, label: str, *, alpha: float = 1.0) -> Patch:
    """A legend entry for a coloured area."""
    return Patch(facecolor=colour, edgecolor="#555555", alpha=alpha, label=label, linewidth=0.6)


def line(colour: str, label: str, style: object = "-", **kw: object) -> Line2D:
    """A legend entry for a line."""
    return Line2D([], [], color=colour, linestyle=style, label=label, **kw)  # type: ignore[arg-type]


def side_legend(ax: Axes, handles: Sequence[Artist], title: str, **kw: object) -> None:
    """A legend to the right of ``ax``; a second one goes below the first (lower right)."""
    old = ax.get_legend()
    if old is not None:
        ax.add_artist(old)
    ax.legend(
        handles=handles,
        title=title,
        loc="lower left" if old is not None else "upper left",
        bbox_to_anchor=(1.01, 0.0) if old is not None else (1.01, 1.0),
        **kw,
    )


def figure_inches(ax: Axes) -> tuple[float, float]:
    """Width and height of the figure (or subfigure) holding ``ax``, in inches."""
    fig = ax.figure
    return float(fig.bbox.width / fig.dpi), float(fig.bbox.height / fig.dpi)


def legend_below(
    ax: Axes,
    handles: Sequence[Artist],
    title: str | None = None,
    *,
    gap: float = 0.52,
    **kw: Any,
) -> None:
    """A legend centred ``gap`` inches under the axes (below tick labels and the x label),
    keeping a legend the axes already has."""
    kept = ax.get_legend()
    if kept is not None:
        ax.add_artist(kept)
    shift = ScaledTranslation(0, -gap, ax.figure.dpi_scale_trans)
    ax.legend(
        handles=handles,
        title=title,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        bbox_transform=ax.transAxes + shift,
        **kw,
    )


def wrap_name(name: str, width: int) -> str:
    """Break an identifier into lines of about ``width`` characters, after spaces or
    underscores (``continue_enrichment`` -> ``continue_`` / ``enrichment``)."""
    parts = re.findall(r"[^_\s]+(?:_+|\s+|$)|_+", name)
    lines: list[str] = []
    for part in parts:
        if lines and len(lines[-1]) + len(part.rstrip()) <= width:
            lines[-1] += part
        else:
            lines.append(part)
    return "\n".join(s.rstrip() for s in lines) or name


def heading(ax: Axes, title: str, subtitle: str, *, own_figure: bool) -> None:
    """Scenario name and what the plot shows: a figure title when the figure is ours.

    Lines are wrapped to the width of the figure (or of the axes).
    """
    fig = ax.figure
    width = figure_inches(ax)[0]
    whole = max(40, int(width * 72 / (0.62 * 14)))
    chars = max(40, int(width * ax.get_position().width * 72 / (0.55 * 12)))
    if own_figure:
        fig.suptitle(wrap(title, whole))
        ax.set_title(wrap(subtitle, chars), fontweight="normal")
    else:
        ax.set_title(f"{wrap(title, chars)}\n{wrap(subtitle, chars)}")


def save_figure(
    fig: Figure, path: str | os.PathLike[str], *, dpi: int = 150, replace: bool = True
) -> Path:
    """Write ``fig`` to ``path`` atomically; the format comes from the suffix.

    The figure is written to a temporary file in the same directory, which
    is then published in one step (:func:`sim.atomic_write.write_atomic`): a
    reader never sees a half-written file and a failure never leaves one
    behind. With ``replace=False`` an existing ``path`` (even one created by
    another process meanwhile, or a dangling link) is never replaced.

    Parameters
    ----------
    fig
        The figure (e.g. ``axes[0].figure`` of a plot function's result).
    path
        Destination ending in ``.png``, ``.svg`` or ``.pdf`` (any case).
    dpi
        Resolution of raster output (dots per inch).
    replace
        Whether an existing file may be replaced.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    RequestError
        For another suffix, a directory that does not exist, a file that
        exists (with ``replace=False``) or cannot be written.
    """
    target = Path(path)
    shown = escape_text(str(target))[:200]
    fmt = FORMATS.get(target.suffix.lower())
    if fmt is None:
        suffix = escape_text(target.suffix)[:20]
        what = f"'{suffix}'" if target.suffix else "no suffix"
        raise RequestError(
            f"cannot save a plot as '{shown}' ({what}): use a file name ending in "
            f"{', '.join(FORMATS)}"
        )
    folder = target.parent
    if not folder.is_dir():
        raise RequestError(f"cannot save a plot as '{shown}': directory does not exist")
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}.get(fmt)

    def draw(fh: BinaryIO) -> None:
        with mpl.rc_context({"svg.hashsalt": "sim"}):
            fig.savefig(fh, format=fmt, dpi=dpi, metadata=metadata, facecolor="white")

    try:
        write_atomic(target, draw, replace=replace)
    except FileExistsError:
        raise RequestError(f"{shown} already exists (written by another run meanwhile)") from None
    except OSError as exc:
        raise RequestError(f"cannot save a plot as '{shown}': {exc.strerror or exc}") from None
    return target
