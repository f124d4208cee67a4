"""Text and JSON for the sensitivity commands run with ``--measure``.

Examples
--------
>>> measure_phrase("zone_open")
'a deal zone'
>>> measure_phrase("nash:US")
"US's payoff in the Nash bargaining solution"
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from sim.analysis.measure_sweeps import MeasureOdds, MeasureSeries, MeasureThresholds

__all__ = [
    "measure_grid_document",
    "measure_grid_text",
    "measure_montecarlo_document",
    "measure_montecarlo_text",
    "measure_phrase",
    "measure_sweep_document",
    "measure_sweep_text",
    "measure_thresholds_document",
    "measure_thresholds_text",
    "measure_tornado_document",
    "measure_tornado_text",
]


def _num(x: float) -> str:
    if not math.isfinite(x):
        return "undefined"
    text = f"{x:.6g}"
    return "0" if text == "-0" else text


def _result(y: float) -> float | None:
    return None if not math.isfinite(y) else float(y)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def measure_phrase(name: str) -> str:
    """The measure in words."""
    kind, _, who = name.partition(":")
    if kind == "zone_open":
        return "a deal zone"
    if kind == "nash":
        return f"{who}'s payoff in the Nash bargaining solution"
    return f"{who}'s Shapley value"


def measure_sweep_document(series: MeasureSeries) -> dict[str, Any]:
    """``{"parameter", "measure", "points": [{"value", "result"}]}`` (the contract)."""
    return {
        "parameter": series.parameter,
        "measure": series.measure,
        "points": [
            {"value": float(x), "result": _result(y)}
            for x, y in zip(series.values, series.results, strict=True)
        ],
    }


def measure_sweep_text(series: MeasureSeries) -> str:
    """Runs of equal values (zone open or closed), or the range of a continuous measure."""
    lines = [f"{_cap(measure_phrase(series.measure))} as {series.parameter} moves:"]
    xs, ys = series.values, series.results
    start = 0
    for k in range(1, len(xs) + 1):
        if k == len(xs) or not _equal(ys[k], ys[start]):
            lo, hi = _num(xs[start]), _num(xs[k - 1])
            span = f"{series.parameter} = {lo}" if k - 1 == start else f"{lo} to {hi}"
            if series.measure == "zone_open":
                what = "open" if ys[start] > 0.5 else "closed"
                lines.append(f"  {span}: {what}")
            elif k - start > 1 or len(xs) <= 20:
                lines.append(f"  {span}: {_num(ys[start])}")
            start = k
    if series.measure != "zone_open" and len(lines) > 21:
        lines = lines[:1] + [f"  {_num(x)}: {_num(y)}" for x, y in _thin(xs, ys)]
    return "\n".join(lines) + "\n"


def _equal(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _thin(xs: np.ndarray, ys: np.ndarray, count: int = 11) -> list[tuple[float, float]]:
    idx = np.unique(np.linspace(0, len(xs) - 1, count).round().astype(int))
    return [(float(xs[i]), float(ys[i])) for i in idx]


def measure_thresholds_document(result: MeasureThresholds) -> dict[str, Any]:
    """``{"parameter", "measure", "thresholds": [{"value", "before", "after"}]}`` plus
    whether each value is exact or its tolerance."""
    return {
        "parameter": result.parameter,
        "measure": result.measure,
        "thresholds": [
            {
                "value": f.value,
                "before": _result(f.before),
                "after": _result(f.after),
                "exact": f.exact,
                "tolerance": f.tolerance,
            }
            for f in result.flips
        ],
        "from": result.start,
        "to": result.stop,
    }


def measure_thresholds_text(result: MeasureThresholds, current: float | None) -> str:
    """Each flip point as a sentence."""
    name, phrase = result.parameter, measure_phrase(result.measure)
    where = f"between {_num(result.start)} and {_num(result.stop)}"
    if not result.flips:
        return f"{_cap(phrase)} does not flip as {name} moves {where}.\n"
    lines = []
    for f in result.flips:
        how = "exact" if f.exact else f"to within {f.tolerance:.1g}"
        if result.measure == "zone_open":
            rise = "opens" if f.after > f.before else "closes"
            lines.append(f"A deal zone {rise} as {name} rises past {_num(f.value)} ({how}).")
        else:
            lines.append(
                f"{_cap(phrase)} jumps from {_num(f.before)} to {_num(f.after)} as "
                f"{name} rises past {_num(f.value)} ({how})."
            )
    if current is not None:
        lines.append(f"(now {name} = {_num(current)})")
    return "\n".join(lines) + "\n"


def measure_grid_document(
    measure: str, x: tuple[str, np.ndarray], y: tuple[str, np.ndarray], values: np.ndarray
) -> dict[str, Any]:
    """The grid of the measure: rows follow y, columns x."""
    return {
        "x": {"parameter": x[0], "values": [float(v) for v in x[1]]},
        "y": {"parameter": y[0], "values": [float(v) for v in y[1]]},
        "measure": measure,
        "values": [[_result(v) for v in row] for row in values],
    }


def measure_grid_text(
    measure: str, x: tuple[str, np.ndarray], y: tuple[str, np.ndarray], values: np.ndarray
) -> str:
    """A character map for ``zone_open`` (# open, . closed), else the range of values."""
    head = f"{_cap(measure_phrase(measure))} over {x[0]} (across) and {y[0]} (up):"
    if measure != "zone_open":
        finite = values[np.isfinite(values)]
        if not finite.size:
            return f"{head}\n  undefined everywhere\n"
        return f"{head}\n  from {_num(finite.min())} to {_num(finite.max())}\n"
    rows = ["".join("#" if v > 0.5 else "." for v in row) for row in values[::-1]]
    share = float(np.mean(values > 0.5))
    lines = [head, *rows, f"# open, . closed; open on {share:.1%} of the grid"]
    return "\n".join(lines) + "\n"


def measure_montecarlo_document(odds: MeasureOdds) -> dict[str, Any]:
    """Share of draws with an open zone (95% interval), or the distribution's summary."""
    doc: dict[str, Any] = {
        "measure": odds.measure,
        "samples": odds.samples,
        "seed": odds.seed,
        "parameters": list(odds.parameters),
    }
    if odds.share is not None and odds.interval is not None:
        doc["probability"] = odds.share
        doc["interval"] = [odds.interval[0], odds.interval[1]]
        return doc
    finite = odds.results[np.isfinite(odds.results)]
    doc["undefined"] = odds.undefined
    if finite.size:
        doc["mean"] = float(finite.mean())
        doc["quantiles"] = {f"{q}": float(np.quantile(finite, q / 100)) for q in (5, 50, 95)}
    return doc


def measure_montecarlo_text(odds: MeasureOdds) -> str:
    """The odds of a deal zone, or the spread of a continuous measure."""
    n = f"{odds.samples:,} draws (seed {odds.seed})"
    if odds.share is not None and odds.interval is not None:
        lo, hi = odds.interval
        return (
            f"A deal zone is open in {odds.share:.1%} of {n} (95% interval {lo:.1%} to {hi:.1%}).\n"
        )
    doc = measure_montecarlo_document(odds)
    phrase = _cap(measure_phrase(odds.measure))
    n = f"{n} (seed {odds.seed})"
    if "mean" not in doc:
        return f"{phrase} is undefined in every one of {n}.\n"
    q = doc["quantiles"]
    text = (
        f"{phrase} over {n}: mean {_num(doc['mean'])}, median {_num(q['50'])}, "
        f"90% of draws between {_num(q['5'])} and {_num(q['95'])}"
    )
    if odds.undefined:
        text += f"; undefined (no deal zone) in {odds.undefined:,}"
    return text + ".\n"


def measure_tornado_document(measure: str, bars: list[tuple]) -> dict[str, Any]:  # type: ignore[type-arg]
    """Each parameter's ends, the measure there and the swing, largest first."""
    return {
        "measure": measure,
        "bars": [
            {
                "parameter": name,
                "low": lo,
                "high": hi,
                "result_low": _result(y_lo),
                "result_high": _result(y_hi),
                "swing": swing,
            }
            for name, lo, hi, y_lo, y_hi, swing in bars
        ],
    }


def measure_tornado_text(measure: str, bars: list[tuple]) -> str:  # type: ignore[type-arg]
    """One line per parameter, largest swing first."""
    lines = [f"What moves {measure_phrase(measure)} most (each parameter across its range):"]
    for name, lo, hi, y_lo, y_hi, swing in bars:
        ends = f"{_num(y_lo)} at {_num(lo)}, {_num(y_hi)} at {_num(hi)}"
        lines.append(f"  {name}: {ends} (swing {_num(swing)})")
    return "\n".join(lines) + "\n"
