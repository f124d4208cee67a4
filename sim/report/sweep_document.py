"""The sweep document and table (``sim sweep --json`` / ``--csv``) of any batch.

The sweep JSON is ``{"parameter": NAME, "points": [{"value": x, "equilibria":
[...]}]}`` with equilibrium entries as in ``sim solve --json``. Entries of pure
equilibria are assembled from per-profile pieces serialised once, so that a
20,000-point sweep is written in a fraction of a second. Sweeps of sequential
games are written by :mod:`sim.report.sequential_sweep` (one subgame-perfect
equilibrium entry per point, as in ``sim solve --json`` for sequential games).
"""

from __future__ import annotations

import io
import json

import numpy as np

from sim.analysis.batch import AnyBatch, BatchSolution
from sim.analysis.sequential_batch import SequentialBatch
from sim.analysis.sweep import SweepResult
from sim.concepts import PURE_NASH
from sim.games.normal_form import NormalFormGame
from sim.report.json_out import equilibrium_entry
from sim.report.sequential_sweep import (
    SequentialEntries,
    sequential_sweep_csv,
    sequential_sweep_json,
)
from sim.scenario.payoffs import outcome_label
from sim.textsafe import SafeCsvWriter

__all__ = ["point_entries", "sweep_csv", "sweep_json"]


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
            f'{{"concept": "{PURE_NASH}", "strategies": {strategies}, "payoffs": {{{pays}}}, '
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
    writer = SafeCsvWriter(buf)
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
