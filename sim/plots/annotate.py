"""What every sensitivity figure shares: axis names, the prediction rule, outcome
colours and a "you are here" marker at the current parameter values.

* :func:`parameter_label` names an axis by the parameter's description, with
  its name: "Russia's ties with Tehran (iran_ties)".
* :func:`selection_text` says how the prediction is made: the selection rule
  of a simultaneous game, or the subgame-perfect equilibrium a sequential
  game's sensitivity commands follow.
* :func:`outcome_colours` is the one colour map of outcome names: the
  scenario's own outcome names (labels, in the order written) come first, so
  an outcome keeps its colour in shading, lines and bars, in every figure.
* :func:`current_values`, :func:`mark_current_x` and :func:`mark_current_point`
  mark where the scenario stands now.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence

from matplotlib.axes import Axes
from matplotlib.transforms import blended_transform_factory

from sim.analysis.batch import BatchSolution
from sim.analysis.sequential_batch import SequentialBatch
from sim.plots.common import outcome_colour, rule_text, wrap
from sim.scenario.model import Scenario
from sim.scenario.parameters import parameter_env

__all__ = [
    "HERE_COLOUR",
    "current_values",
    "line_label",
    "mark_current_point",
    "mark_current_x",
    "outcome_colours",
    "parameter_label",
    "selection_text",
]

#: Colour of the "you are here" marker.
HERE_COLOUR = "#000000"
_CUT = (" (", ": ", "; ", ", ", " - ")
_PALETTE_SIZE = 17  # distinct area colours of sim.plots.common


def parameter_label(scenario: Scenario, name: str, width: int = 44) -> str:
    """The parameter's description (its first clause, wrapped) and its name.

    >>> from sim import load_scenario
    >>> parameter_label(load_scenario("missile_shield"), "iran_ties")
    "Russia's ties with Tehran\\n(iran_ties)"
    """
    param = next((p for p in scenario.parameters if p.name == name), None)
    text = " ".join((param.description if param is not None else "").split())
    for mark in _CUT:
        head = text.split(mark, 1)[0]
        if 12 <= len(head) < len(text):
            text = head
            break
    text = text.rstrip(".")
    if not text:
        return name
    return f"{wrap(text, width)}\n({name})"


def selection_text(batch: BatchSolution | SequentialBatch, rule: str) -> str:
    """How the prediction is made, for a subtitle or a legend title."""
    if isinstance(batch, SequentialBatch):
        return "following the subgame-perfect equilibrium"
    return rule_text(rule)


def _scenario_outcomes(batch: BatchSolution | SequentialBatch) -> list[str]:
    if isinstance(batch, SequentialBatch):
        return list(batch.outcome_names)
    scenario = batch.scenario
    names = [lab.name for lab in scenario.labels]
    names += [row.label for row in scenario.outcomes or () if row.label]
    return list(dict.fromkeys(names))


def outcome_colours(
    batch: BatchSolution | SequentialBatch, names: Iterable[str] = ()
) -> dict[str, str]:
    """Outcome name -> area colour.

    The scenario's own outcomes take the first colours in the order written;
    any other name (a set of equilibria ``A | B``, a chance mixture ``A + B``)
    takes a colour fixed by the name itself (a checksum), moved on to the next
    free colour only if two such names meet in one figure.
    """
    own = _scenario_outcomes(batch)
    colours = {name: outcome_colour(i) for i, name in enumerate(own)}
    slots = max(_PALETTE_SIZE - len(own), 1)
    used: set[int] = set()
    for name in sorted(set(names) - set(own)):
        slot = zlib.crc32(name.encode("utf-8")) % slots
        for _ in range(slots):
            if slot not in used:
                break
            slot = (slot + 1) % slots
        used.add(slot)
        colours[name] = outcome_colour(len(own) + slot)
    return colours


def current_values(
    batch: BatchSolution | SequentialBatch, names: Sequence[str]
) -> dict[str, float]:
    """The current value of each parameter in ``names``: its value in the scenario,
    with every other parameter at the batch's (fixed) value."""
    fixed = {
        k: float(v[0])
        for k, v in batch.values.items()
        if len(v) and float(v.min()) == float(v.max())
    }
    params = batch.scenario.parameters
    independent = {p.name for p in params if not p.derived}
    env = parameter_env(params, {k: v for k, v in fixed.items() if k in independent})
    return {name: float(env[name]) for name in names}


def mark_current_x(ax: Axes, value: float, *, text: bool = True) -> None:
    """A dotted vertical line at ``value``, labelled "now" near the bottom."""
    lo, hi = sorted(ax.get_xlim())
    if not lo <= value <= hi:
        return
    ax.axvline(value, color=HERE_COLOUR, ls=":", lw=1.6, zorder=6)
    if text:
        right = value - lo < 0.5 * (hi - lo)
        line_label(ax, value, f"now {value:.4g}", right=right, top=False, bold=True)


def line_label(
    ax: Axes, value: float, text: str, *, right: bool, top: bool, bold: bool = False
) -> None:
    """Upright text beside the vertical line at ``value``, at the top or the bottom."""
    ax.annotate(
        text,
        (value, 0.97 if top else 0.03),
        xycoords=blended_transform_factory(ax.transData, ax.transAxes),
        xytext=(3 if right else -3, 0),
        textcoords="offset points",
        rotation=90,
        ha="left" if right else "right",
        va="top" if top else "bottom",
        fontsize=9.5,
        fontweight="bold" if bold else "normal",
        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85},
        zorder=7 if bold else 5,
    )


def mark_current_point(ax: Axes, x: float, y: float) -> None:
    """A star at ``(x, y)`` labelled "you are here" with the two values."""
    (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
    if not (x0 <= x <= x1 and y0 <= y <= y1):
        return
    ax.plot([x], [y], marker="*", ms=18, color=HERE_COLOUR, mec="white", mew=1.5, zorder=8)
    right = x < (x0 + x1) / 2
    ax.annotate(
        f"you are here\n({x:.4g}, {y:.4g})",
        (x, y),
        xytext=(10 if right else -10, 8),
        textcoords="offset points",
        ha="left" if right else "right",
        fontsize=9.5,
        fontweight="bold",
        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85},
        zorder=8,
    )
