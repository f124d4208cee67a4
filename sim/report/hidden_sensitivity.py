"""Text and JSON for the sensitivity of games with hidden information (:mod:`sim.analysis.hidden`).

Every probability printed is the analyst's (``outcomes``), averaged over the
perfect Bayesian equilibria found at the point; payoffs are each player's
own expectation under its beliefs, averaged the same way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sim.analysis.hidden import HiddenBar, HiddenFlip, HiddenOdds, HiddenPoint, InformationValue
from sim.concepts import PERFECT_BAYESIAN
from sim.report.table import format_number

__all__ = [
    "hidden_grid_text",
    "hidden_montecarlo_text",
    "hidden_points_json",
    "hidden_sweep_text",
    "hidden_thresholds_text",
    "hidden_tornado_text",
    "information_text",
]

NOTE = (
    "Solved point by point for perfect Bayesian equilibria; outcome probabilities are the "
    "analyst's, averaged over the equilibria found at each point."
)


def _pct(p: float) -> str:
    return f"{100 * p:.3g}%"


def _prediction(point: HiddenPoint, limit: int = 4) -> str:
    if not point.equilibria:
        return "no equilibrium found" + ("" if point.complete else " (search cut off)")
    rows = sorted(point.outcomes.items(), key=lambda kv: -kv[1])
    shown = [f"{name} {_pct(p)}" for name, p in rows[:limit] if p > 1e-12]
    more = f", and {len(rows) - limit} more" if len(rows) > limit else ""
    eqs = f"{point.equilibria} equilibri{'um' if point.equilibria == 1 else 'a'}"
    return f"{', '.join(shown)}{more} ({eqs})"


def hidden_sweep_text(name: str, points: Sequence[HiddenPoint], players: Sequence[str]) -> str:
    """One line per value: the prediction and the averaged payoffs."""
    lines = [f"Sweep of {name} ({len(points)} points). {NOTE}", ""]
    for point in points:
        pays = ", ".join(
            f"{p} {format_number(v, 3)}" for p, v in zip(players, point.payoffs, strict=True)
        )
        value = format_number(point.parameters[name], 6)
        lines.append(f"{name} = {value}: {_prediction(point)}; payoffs {pays}")
    return "\n".join(lines)


def hidden_thresholds_text(
    name: str, flips: Sequence[HiddenFlip], start: float, stop: float
) -> str:
    """One sentence per flip."""
    span = f"from {format_number(start, 6)} to {format_number(stop, 6)}"
    if not flips:
        return f"The prediction does not change as {name} moves {span}. {NOTE}"
    lines = [f"The prediction changes {len(flips)} time(s) as {name} moves {span}. {NOTE}", ""]
    for flip in flips:
        lines.append(
            f"At {name} = {format_number(flip.value, 6)}: below, {_prediction(flip.before)}; "
            f"above, {_prediction(flip.after)}."
        )
    return "\n".join(lines)


def hidden_montecarlo_text(odds: Sequence[HiddenOdds], samples: int, seed: int) -> str:
    """Mean probability of each outcome with its 95% interval."""
    lines = [f"Monte Carlo: {samples} draws (seed {seed}). {NOTE}", ""]
    for o in odds:
        lines.append(f"{o.outcome}: {_pct(o.mean)} (95% interval {_pct(o.low)} to {_pct(o.high)})")
    return "\n".join(lines)


def _point(point: HiddenPoint, players: Sequence[str]) -> dict[str, Any]:
    return {
        "parameters": {k: float(v) for k, v in point.parameters.items()},
        "equilibria": point.equilibria,
        "complete": point.complete,
        "outcomes": {k: float(v) for k, v in point.outcomes.items()},
        "payoffs": dict(zip(players, point.payoffs, strict=True)) if point.equilibria else None,
    }


def hidden_points_json(kind: str, players: Sequence[str], **parts: Any) -> str:
    """A JSON document: ``points`` (sweep), ``thresholds`` or ``odds`` (Monte Carlo)."""
    doc: dict[str, Any] = {"kind": kind, "concept": PERFECT_BAYESIAN, "note": NOTE}
    if "points" in parts:
        doc["points"] = [_point(p, players) for p in parts["points"]]
    if "flips" in parts:
        doc["thresholds"] = [
            {
                "parameter": f.parameter,
                "value": f.value,
                "bracket": [f.low, f.high],
                "before": _point(f.before, players),
                "after": _point(f.after, players),
            }
            for f in parts["flips"]
        ]
    if "odds" in parts:
        doc["odds"] = [
            {"outcome": o.outcome, "mean": o.mean, "low": o.low, "high": o.high}
            for o in parts["odds"]
        ]
    return json.dumps(doc, indent=2, allow_nan=False)


def _settings(values: Mapping[str, float]) -> str:
    return ", ".join(f"{k}={format_number(v, 6)}" for k, v in values.items()) or "the defaults"


def information_text(result: InformationValue, players: Sequence[str]) -> str:
    """The three variants side by side, and what the signal is worth to each player."""
    lines = [f"Value of information. {NOTE}", ""]
    for variant, point in result.points.items():
        lines.append(f"{variant} ({_settings(result.settings[variant])}): {_prediction(point)}")
        pays = ", ".join(
            f"{p} {format_number(v, 4)}" for p, v in zip(players, point.payoffs, strict=True)
        )
        lines.append(f"  payoffs (each under its own beliefs): {pays}")
    lines.append("")
    for variant in ("as is", "perfect"):
        worth = result.worth(variant)
        parts = [f"{format_number(v, 3)} to {p}" for p, v in zip(players, worth, strict=True)]
        what = "The signal as it is" if variant == "as is" else "A perfect signal"
        lines.append(
            f"{what} is worth {', '.join(parts[:-1])} and {parts[-1]}, against a useless one."
        )
    return "\n".join(lines)


def _top(point: HiddenPoint) -> str:
    if not point.outcomes:
        return "(none)"
    return max(point.outcomes.items(), key=lambda kv: kv[1])[0]


def hidden_grid_text(x: str, y: str, rows: Sequence[Sequence[HiddenPoint]]) -> str:
    """A letter map of the most likely outcome, rows from the top (largest ``y``) down."""
    labels = sorted({_top(p) for row in rows for p in row})
    letter = {name: "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[k % 26] for k, name in enumerate(labels)}
    lines = [f"Most likely outcome over {x} (across) and {y} (down). {NOTE}", ""]
    for row in reversed(rows):
        value = format_number(row[0].parameters[y], 4) if row else ""
        lines.append(f"{value:>10} " + "".join(letter[_top(p)] for p in row))
    if rows and rows[0]:
        first, last = rows[0][0].parameters[x], rows[0][-1].parameters[x]
        lines.append(f"{'':>10} {format_number(first, 4)} .. {format_number(last, 4)}")
    lines.append("")
    lines.extend(f"  {letter[name]}: {name}" for name in labels)
    return "\n".join(lines)


def hidden_tornado_text(player: str, centre: float, bars: Sequence[HiddenBar]) -> str:
    """One line per parameter, largest swing first."""
    lines = [
        f"{player}'s expected payoff (under its own beliefs) is {format_number(centre, 4)} at the "
        f"base values; each parameter moved to the ends of its range. {NOTE}",
        "",
    ]
    for b in bars:
        lines.append(
            f"{b.parameter}: {format_number(b.at_low, 4)} at {format_number(b.low_value, 4)}, "
            f"{format_number(b.at_high, 4)} at {format_number(b.high_value, 4)} "
            f"(swing {format_number(b.swing, 4)})"
        )
    return "\n".join(lines)
