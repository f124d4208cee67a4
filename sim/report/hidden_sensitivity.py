"""Text and JSON for the sensitivity of games with hidden information (:mod:`sim.analysis.hidden`).

Every probability printed is the analyst's (``outcomes``), averaged over the
perfect Bayesian equilibria found at the point; payoffs are each player's
own expectation under its beliefs, averaged the same way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sim.analysis.hidden import HiddenFlip, HiddenOdds, HiddenPoint, InformationValue
from sim.report.table import format_number

__all__ = [
    "hidden_montecarlo_text",
    "hidden_points_json",
    "hidden_sweep_text",
    "hidden_thresholds_text",
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
    doc: dict[str, Any] = {"kind": kind, "concept": "perfect_bayesian", "note": NOTE}
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
