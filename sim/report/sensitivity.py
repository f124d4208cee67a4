"""Text and JSON output of sweeps, flip points, grids, Monte Carlo and tornado runs.

The sweep document and table are written by :mod:`sim.report.sweep_document`
(re-exported here).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.analysis.batch import AnyBatch
from sim.analysis.sweep import GridResult, SweepResult
from sim.analysis.thresholds import ThresholdResult, threshold_sentence
from sim.analysis.tornado import TornadoResult
from sim.concepts import SUBGAME_PERFECT
from sim.formatting import format_number
from sim.report.sequential_sweep import tie_note
from sim.report.sweep_document import point_entries, sweep_csv, sweep_json

if TYPE_CHECKING:
    from sim.analysis.montecarlo import MonteCarloResult

#: How the prediction of a sequential game is made (in place of a selection rule).
SPE_SELECTION = "subgame-perfect equilibrium by backward induction"

__all__ = [
    "grid_document",
    "grid_text",
    "montecarlo_document",
    "montecarlo_text",
    "point_entries",
    "sweep_csv",
    "sweep_json",
    "sweep_text",
    "thresholds_document",
    "thresholds_text",
    "tornado_document",
    "tornado_text",
]


def _selection(batch: AnyBatch, rule: str) -> str:
    """``selection: RULE``, or how a sequential game's prediction is made."""
    return SPE_SELECTION if SUBGAME_PERFECT in batch.concepts else f"selection: {rule}"


def _runs(values: np.ndarray, names: tuple[str, ...]) -> list[tuple[float, float, str]]:
    runs: list[tuple[float, float, str]] = []
    for value, name in zip(values, names, strict=True):
        if runs and runs[-1][2] == name:
            runs[-1] = (runs[-1][0], float(value), name)
        else:
            runs.append((float(value), float(value), name))
    return runs


def sweep_text(
    result: SweepResult, thresholds: ThresholdResult | None, current: float | None
) -> str:
    """Where each outcome is predicted along the sweep, and the flip points in words."""
    scenario = result.batch.scenario
    lines = [
        f"{scenario.name}: sweep of {result.parameter} from {format_number(result.values[0])} "
        f"to {format_number(result.values[-1])} ({len(result.values)} points; "
        f"{_selection(result.batch, result.predictions.rule)})",
        "",
        "Predicted outcome:",
    ]
    for low, high, name in _runs(result.values, result.predictions.names):
        span = (
            f"{format_number(low)}"
            if low == high
            else f"{format_number(low)} .. {format_number(high)}"
        )
        lines.append(f"  {result.parameter} = {span}: {name}")
    note = tie_note(result)
    if note:
        lines.extend(["", note])
    if thresholds is not None:
        lines.append("")
        lines.append(thresholds_text(thresholds, current, header=False))
    return "\n".join(lines)


def thresholds_text(result: ThresholdResult, current: float | None, *, header: bool = True) -> str:
    """Flip points as sentences."""
    lines = []
    sequential = SUBGAME_PERFECT in result.concepts
    if header:
        how = SPE_SELECTION if sequential else f"selection: {result.rule}"
        lines.append(
            f"Flip points of {result.parameter} between {format_number(result.start)} and "
            f"{format_number(result.stop)} ({how}):"
        )
    where = f"{result.parameter} in [{format_number(result.start)}, {format_number(result.stop)}]"
    if not result.thresholds and not result.odds:
        what = "subgame-perfect plan and outcome hold" if sequential else "equilibria hold"
        lines.append(f"Nothing changes: the same {what} for every {where}.")
    elif not result.thresholds:
        lines.append(
            f"The subgame-perfect plan stays the same for every {where}, and so do the "
            "outcomes it can lead to, but chance makes them more or less likely:"
        )
    if result.odds:
        if result.thresholds:
            lines.append(f"  The odds of chance-driven outcomes also move across {where}:")
        for name, first, last, low, high in result.odds:
            extremes = ""
            if low < min(first, last) - 1e-9 or high > max(first, last) + 1e-9:
                extremes = f" (from {low:.1%} to {high:.1%} along the way)"
            lines.append(
                f"    {name}: {first:.1%} at {result.parameter} = {format_number(result.start)}, "
                f"{last:.1%} at {format_number(result.stop)}{extremes}"
            )
    for t in result.thresholds:
        mark = "" if t.exact else " ~"
        lines.append(f"  {threshold_sentence(result, t, current)}{mark}")
    if any(not t.exact for t in result.thresholds):
        cell = format_number(abs(result.stop - result.start) / max(result.steps - 1, 1))
        lines.append(
            f"  ~ a grid result: found between points of a {result.steps}-point grid (one step "
            f"= {cell}) and refined by bisection; a change that reverses within one step "
            "would not be seen (a finer grid looks closer)."
        )
    return "\n".join(lines)


def thresholds_document(result: ThresholdResult) -> dict[str, Any]:
    """``{"parameter": ..., "thresholds": [{"value", "before", "after", ...}]}``."""
    out = []
    for t in result.thresholds:
        out.append(
            {
                "value": t.value,
                "exact": t.exact,
                "before": [json.loads(e) for e in point_entries(t.before, 0)],
                "after": [json.loads(e) for e in point_entries(t.after, 0)],
                "before_outcome": t.before_name,
                "after_outcome": t.after_name,
                "sentence": threshold_sentence(result, t),
            }
        )
    doc: dict[str, Any] = {
        "parameter": result.parameter,
        "select": result.rule,
        "from": result.start,
        "to": result.stop,
        "method": result.method,
        "grid_steps": result.steps,
    }
    if SUBGAME_PERFECT in result.concepts:
        doc["concept"] = SUBGAME_PERFECT
        doc["outcome_probabilities"] = [
            {"outcome": name, "from": first, "to": last, "min": low, "max": high}
            for name, first, last, low, high in result.odds
        ]
    doc["thresholds"] = out
    return doc


def grid_document(result: GridResult) -> dict[str, Any]:
    """``{"x": {"parameter", "values"}, "y": {...}, "select", "labels", "regions"}``."""
    return {
        "x": {"parameter": result.x, "values": result.x_values.tolist()},
        "y": {"parameter": result.y, "values": result.y_values.tolist()},
        "select": result.rule,
        "labels": list(result.labels),
        "regions": result.regions.tolist(),
    }


def grid_text(result: GridResult, width: int = 60, height: int = 24) -> str:
    """A character map of the regions (rows: y from high to low) with a legend."""
    symbols = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    rows = np.linspace(len(result.y_values) - 1, 0, min(height, len(result.y_values))).round()
    cols = np.linspace(0, len(result.x_values) - 1, min(width, len(result.x_values))).round()
    how = _selection(result.batch, result.rule)
    lines = [f"{result.batch.scenario.name}: predicted outcome ({how})"]
    lines.append(
        f"  y: {result.y} from {format_number(result.y_values[-1])} (top) to "
        f"{format_number(result.y_values[0])}; x: {result.x} from "
        f"{format_number(result.x_values[0])} (left) to {format_number(result.x_values[-1])}"
    )
    ny, nx = len(result.y_values), len(result.x_values)
    if len(rows) < ny or len(cols) < nx:
        lines.append(
            f"  (the {nx} x {ny} grid is shown sampled as a {len(cols)} x {len(rows)} "
            "text map; the shares below count every point)"
        )
    for r in rows.astype(int):
        lines.append(
            "  " + "".join(symbols[result.regions[r, c] % len(symbols)] for c in cols.astype(int))
        )
    lines.append("")
    total = result.regions.size
    for i, label in enumerate(result.labels):
        share = float(np.mean(result.regions == i))
        lines.append(f"  {symbols[i % len(symbols)]} = {label} ({share:.0%} of the grid)")
    del total
    return "\n".join(lines)


def montecarlo_text(result: MonteCarloResult) -> str:
    """Outcome frequencies with intervals, and the parameters that move the odds most."""
    scenario = result.batch.scenario
    lines = [
        f"{scenario.name}: Monte Carlo, {result.samples:,} draws (seed {result.seed}); "
        f"drawn: {', '.join(result.drawn)}; {_selection(result.batch, result.rule)}",
        "",
    ]
    width = max([len(o.name) for o in result.outcomes] + [28])
    lines.append(f"  {'Predicted outcome'.ljust(width)} {'frequency':>9}   95% interval")
    for o in result.outcomes:
        lines.append(f"  {o.name.ljust(width)} {o.frequency:7.1%}   [{o.low:.1%}, {o.high:.1%}]")
    lines.extend(_overall_lines(result))
    lines.append("")
    lines.append("What moves the odds most (largest |Spearman rank correlation| with an outcome):")
    for name, rho in result.influence:
        driver = next(
            (
                o
                for o in result.outcomes
                if any(k == name and abs(v) == rho for k, v in o.correlations)
            ),
            None,
        )
        sign = ""
        if driver is not None and rho > 0.005:
            value = dict(driver.correlations)[name]
            sign = (
                f" (higher {name} makes '{driver.name}' {'more' if value > 0 else 'less'} likely)"
            )
        lines.append(f"  {name}: {rho:.2f}{sign}")
    return "\n".join(lines)


def _overall_lines(result: MonteCarloResult) -> list[str]:
    """The overall probability of each final outcome, with the selection caveat."""
    if not result.overall:
        return []
    lines = ["", "Overall probability of each final outcome (averaged over the draws):"]
    width = max(len(name) for name, _ in result.overall)
    for name, prob in result.overall:
        lines.append(f"  {name.ljust(width)} {prob:7.1%}")
    share = f"{result.choice_share:.1%}"
    if result.overall_rule == SUBGAME_PERFECT:
        if result.choice_share > 0:
            lines.append(
                f"  Note: at {share} of the draws moves tie and other subgame-perfect equilibria "
                "lead elsewhere; these odds follow the first best move there."
            )
    elif result.choice_share > 0:
        lines.append(
            f"  Note: {share} of the draws have several equilibria, and which one is played "
            f"changes these odds; they use the {result.overall_rule.replace('_', '-')} "
            "equilibrium (another selection rule gives other odds)."
        )
    return lines


def montecarlo_document(result: MonteCarloResult) -> dict[str, Any]:
    """Machine-readable Monte Carlo summary."""
    return {
        "samples": result.samples,
        "seed": result.seed,
        "select": result.rule,
        "drawn": list(result.drawn),
        "outcomes": [
            {
                "name": o.name,
                "count": o.count,
                "frequency": o.frequency,
                "interval95": [o.low, o.high],
                "rank_correlations": dict(o.correlations),
            }
            for o in result.outcomes
        ],
        "influence": dict(result.influence),
        "overall_probabilities": dict(result.overall),
        "overall_select": result.overall_rule,
        "share_with_several_equilibria": result.choice_share,
    }


def tornado_text(results: list[TornadoResult]) -> str:
    """Bars sorted by swing, as text."""
    lines = []
    for res in results:
        how = SPE_SELECTION if res.sequential else f"selection: {res.rule}"
        lines.append(f"{res.metric} (now {format_number(res.baseline, 4)}; {how}):")
        for bar in res.bars:
            lines.append(f"  {bar.parameter}: swing {format_number(bar.swing, 4)}")
            for value, metric, outcome in (
                (bar.low, bar.metric_at_low, bar.outcome_at_low),
                (bar.high, bar.metric_at_high, bar.outcome_at_high),
            ):
                where = f"at {bar.parameter} = {format_number(value)}"
                told = f" ({outcome})" if outcome else ""
                lines.append(f"    {where}: {format_number(metric, 4)}{told}")
        lines.append("")
    return "\n".join(lines).rstrip()


def tornado_document(results: list[TornadoResult]) -> dict[str, Any]:
    """Machine-readable tornado bars."""
    return {
        "tornado": [
            {
                "metric": r.metric,
                "baseline": r.baseline,
                "select": r.rule,
                "bars": [
                    {
                        "parameter": b.parameter,
                        "low": b.low,
                        "high": b.high,
                        "at_low": b.metric_at_low,
                        "at_high": b.metric_at_high,
                        "outcome_at_low": b.outcome_at_low,
                        "outcome_at_high": b.outcome_at_high,
                        "min": b.metric_min,
                        "max": b.metric_max,
                        "swing": b.swing,
                    }
                    for b in r.bars
                ],
            }
            for r in results
        ]
    }
