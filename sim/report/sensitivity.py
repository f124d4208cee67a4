"""Text, CSV and JSON output of sweeps, flip points, grids, Monte Carlo and tornado runs.

The sweep JSON is ``{"parameter": NAME, "points": [{"value": x, "equilibria":
[...]}]}`` with equilibrium entries as in ``sim solve --json``. Entries of pure
equilibria are assembled from per-profile pieces serialised once, so that a
20,000-point sweep is written in a fraction of a second. Sweeps of sequential
games are written by :mod:`sim.report.sequential_sweep` (one subgame-perfect
equilibrium entry per point, as in ``sim solve --json`` for sequential games).
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.analysis.batch import AnyBatch, BatchSolution
from sim.analysis.sequential_batch import SequentialBatch
from sim.analysis.sweep import GridResult, SweepResult
from sim.analysis.thresholds import ThresholdResult, threshold_sentence
from sim.games.normal_form import NormalFormGame
from sim.report.json_out import equilibrium_entry
from sim.report.montecarlo_tornado import (
    SPE_SELECTION,
    montecarlo_document,
    montecarlo_text,
    selection_text,
    tornado_document,
    tornado_text,
)
from sim.report.sequential_sweep import (
    SequentialEntries,
    sequential_sweep_csv,
    sequential_sweep_json,
    tie_note,
)
from sim.report.table import format_number

if TYPE_CHECKING:
    pass


__all__ = [
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


class _PureEntries:
    """Serialises pure-equilibrium entries from cached per-profile pieces."""

    def __init__(self, batch: BatchSolution) -> None:
        self.batch = batch
        self.players = [json.dumps(p.name) for p in batch.scenario.players]
        self.cache: dict[tuple[int, ...], tuple[str, str]] = {}

    def pieces(self, profile: tuple[int, ...]) -> tuple[str, str]:
        if profile not in self.cache:
            scenario = self.batch.scenario
            strategies = {
                p.name: {m: (1.0 if k == profile[i] else 0.0) for k, m in enumerate(p.moves)}
                for i, p in enumerate(scenario.players)
            }
            moves = {p.name: p.moves[profile[i]] for i, p in enumerate(scenario.players)}
            from sim.scenario.payoffs import outcome_label

            outcome = [
                {"moves": moves, "probability": 1.0, "label": outcome_label(scenario, moves)}
            ]
            self.cache[profile] = (json.dumps(strategies), json.dumps(outcome))
        return self.cache[profile]

    def entry(self, point: int, profile: tuple[int, ...], regret: float) -> str:
        """The entry of one pure equilibrium; ``regret`` is its checked regret."""
        values = self.batch.payoffs[point][(slice(None), *profile)]
        return self.text(profile, values.tolist(), regret)

    def text(self, profile: tuple[int, ...], values: list[float], regret: float) -> str:
        strategies, outcomes = self.pieces(profile)
        pays = ", ".join(f"{n}: {float(v)!r}" for n, v in zip(self.players, values, strict=True))
        return (
            f'{{"concept": "pure_nash", "strategies": {strategies}, "payoffs": {{{pays}}}, '
            f'"outcomes": {outcomes}, "method": "best_response_enumeration", '
            f'"regret": {float(regret)!r}}}'
        )


def point_entries(batch: AnyBatch, point: int, pure: _PureEntries | None = None) -> list[str]:
    """JSON text of every equilibrium entry at one point."""
    if isinstance(batch, SequentialBatch):
        return [SequentialEntries(batch).entry(point)]
    pure = pure or _PureEntries(batch)
    regrets = batch.pure_regrets(point)
    out = [
        pure.entry(point, prof, float(r))
        for prof, r in zip(batch.pure_profiles(point), regrets, strict=True)
    ]
    if batch.mixed[point]:
        game = _game(batch, point)
        out.extend(
            json.dumps(equilibrium_entry(batch.scenario, game, eq)) for eq in batch.mixed[point]
        )
    return out


def _game(batch: BatchSolution, point: int) -> NormalFormGame:
    scenario = batch.scenario
    return NormalFormGame(
        scenario.player_names, tuple(p.moves for p in scenario.players), batch.payoffs[point]
    )


def _pure_entries_by_point(batch: BatchSolution, pure: _PureEntries) -> list[list[str]]:
    """Entries of every pure equilibrium of the batch, grouped by point.

    The equilibria and their payoffs are gathered with one ``argwhere`` and one
    fancy index over the whole batch; only the string formatting is per entry.
    """
    hits = np.argwhere(batch.pure_mask)  # the order of batch.pure_regret
    index = (hits[:, 0], slice(None), *hits[:, 1:].T)
    payoffs = batch.payoffs[index].tolist() if hits.size else []
    out: list[list[str]] = [[] for _ in range(batch.size)]
    regrets = batch.pure_regret.tolist()
    for row, values, regret in zip(hits.tolist(), payoffs, regrets, strict=True):
        out[row[0]].append(pure.text(tuple(row[1:]), values, regret))
    return out


def sweep_json(result: SweepResult) -> str:
    """The sweep document (compact JSON, one point per line)."""
    batch = result.batch
    if isinstance(batch, SequentialBatch):
        return sequential_sweep_json(result)
    pure = _PureEntries(batch)
    per_point = _pure_entries_by_point(batch, pure)
    lines = []
    for b, value in enumerate(result.values):
        found = per_point[b]
        if batch.mixed[b]:
            game = _game(batch, b)
            found = found + [
                json.dumps(equilibrium_entry(batch.scenario, game, eq)) for eq in batch.mixed[b]
            ]
        entries = ", ".join(found)
        predicted = json.dumps(result.predictions.names[b])
        lines.append(
            f'{{"value": {float(value)!r}, "equilibria": [{entries}], "predicted": {predicted}}}'
        )
    rule = json.dumps(result.predictions.rule)
    head = f'{{"parameter": {json.dumps(result.parameter)}, "select": {rule}, '
    return head + '"points": [\n' + ",\n".join(lines) + "\n]}\n"


def sweep_csv(result: SweepResult) -> str:
    """One row per equilibrium per point: value, prediction, probabilities, payoffs.

    For a sequential game: one row per point (:func:`sequential_sweep_csv`).
    """
    batch = result.batch
    if isinstance(batch, SequentialBatch):
        return sequential_sweep_csv(result)
    players = batch.scenario.players
    header = [result.parameter, "predicted", "equilibrium", "concept", "outcome"]
    header += [f"P({p.name}={m})" for p in players for m in p.moves]
    header += [f"payoff({p.name})" for p in players]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    from sim.analysis.predict import equilibrium_name

    for b, value in enumerate(result.values):
        for i, eq in enumerate(batch.equilibria(b)):
            probs = [f"{float(x):.12g}" for s in eq.strategies for x in s]
            pays = [f"{float(x):.12g}" for x in eq.payoffs]
            name = equilibrium_name(batch, eq)
            row = [f"{float(value):.12g}", result.predictions.names[b], i + 1, eq.concept, name]
            writer.writerow(row + probs + pays)
    return buf.getvalue()


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
        f"{selection_text(result.batch, result.predictions.rule)})",
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
    sequential = "subgame_perfect" in result.concepts
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
            "would not be seen (use --steps to look closer)."
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
    if "subgame_perfect" in result.concepts:
        doc["concept"] = "subgame_perfect"
        doc["outcome_probabilities"] = [
            {"outcome": name, "from": first, "to": last, "min": low, "max": high}
            for name, first, last, low, high in result.odds
        ]
    doc["thresholds"] = out
    return doc


def grid_text(result: GridResult, width: int = 60, height: int = 24) -> str:
    """A character map of the regions (rows: y from high to low) with a legend."""
    symbols = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    rows = np.linspace(len(result.y_values) - 1, 0, min(height, len(result.y_values))).round()
    cols = np.linspace(0, len(result.x_values) - 1, min(width, len(result.x_values))).round()
    how = selection_text(result.batch, result.rule)
    lines = [f"{result.batch.scenario.name}: predicted outcome ({how})"]
    lines.append(
        f"  y: {result.y} from {format_number(result.y_values[-1])} (top) to "
        f"{format_number(result.y_values[0])}; x: {result.x} from "
        f"{format_number(result.x_values[0])} (left) to {format_number(result.x_values[-1])}"
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
