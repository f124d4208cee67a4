"""JSON and CSV of sweeps of sequential games, and their tie notes.

The sweep document is ``{"parameter": NAME, "select": RULE, "concept":
"subgame_perfect", "points": [{"value": x, "equilibria": [ENTRY],
"predicted": NAME, "outcome_probabilities": {...}, "ties": [...]}]}``, where
ENTRY is an equilibrium entry exactly as in ``sim solve --json`` for a
sequential game (:mod:`sim.report.sequential_json`): strategies per
information set, expected payoffs, and the complete histories reached with
their probabilities, labels and payoffs. ``ties`` lists the information sets
where several moves are equally good at that point (other subgame-perfect
equilibria exist there); where those equilibria end differently,
``equilibrium_outcomes`` names the outcome of each (the first is the
entry's). Entries are assembled from pieces serialised once (strategies per
plan, histories per leaf), so that a 10,000-point sweep is written in a
fraction of a second.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence

import numpy as np

from sim.analysis.sequential_batch import MIN_OUTCOME_PROBABILITY, SequentialBatch, plan_codes
from sim.analysis.sweep import SweepResult
from sim.concepts import SUBGAME_PERFECT
from sim.formatting import format_number
from sim.textsafe import SafeCsvWriter

__all__ = [
    "SequentialEntries",
    "sequential_sweep_csv",
    "sequential_sweep_json",
    "tie_note",
]


def _num(x: float) -> str:
    value = float(x)
    return repr(0.0 if value == 0.0 else value)


class SequentialEntries:
    """Serialises the equilibrium entry of each point of a sequential batch."""

    def __init__(self, batch: SequentialBatch) -> None:
        self.batch = batch
        game = batch.game
        self.players = [json.dumps(p) for p in game.players]
        self.codes = plan_codes(batch)
        self.plans: dict[int, str] = {}
        self.leaves = [
            (
                f'"moves": {json.dumps(game.history_dict(int(x)))}, '
                f'"label": {json.dumps(game.leaf_label(int(x)))}'
            )
            for x in game.leaves
        ]
        self.reach = np.ascontiguousarray(batch.leaf_reach().T)
        self.payoffs = np.moveaxis(batch.payoffs, -1, 0)

    def strategies(self, point: int) -> str:
        code = int(self.codes[point])
        if code not in self.plans:
            game = self.batch.game
            out: dict[str, dict[str, dict[str, float]]] = {p: {} for p in game.players}
            for h, k in zip(game.infosets, self.batch.plans[:, point], strict=True):
                out[game.players[h.player]][h.key] = {
                    m: (1.0 if j == int(k) else 0.0) for j, m in enumerate(h.moves)
                }
            self.plans[code] = json.dumps(out)
        return self.plans[code]

    def _pays(self, values: Sequence[float]) -> str:
        return ", ".join(f"{n}: {_num(v)}" for n, v in zip(self.players, values, strict=True))

    def entry(self, point: int) -> str:
        """The JSON text of the point's subgame-perfect equilibrium entry."""
        batch = self.batch
        reach = self.reach[point]
        hit = np.flatnonzero(reach > MIN_OUTCOME_PROBABILITY)
        order = sorted(hit.tolist(), key=lambda r: (-reach[r], r))
        pays = self.payoffs[point]
        outcomes = ", ".join(
            f'{{{self.leaves[r]}, "probability": {_num(reach[r])}, '
            f'"payoffs": {{{self._pays(pays[r].tolist())}}}}}'
            for r in order
        )
        return (
            f'{{"concept": "{SUBGAME_PERFECT}", "strategies": {self.strategies(point)}, '
            f'"payoffs": {{{self._pays(batch.expected[:, point].tolist())}}}, '
            f'"outcomes": [{outcomes}], "method": {json.dumps(batch.method)}, '
            f'"regret": {_num(batch.regret[point])}, "subgame_perfect": true}}'
        )

    def extras(self, point: int) -> str:
        """``"outcome_probabilities"`` and ``"ties"`` of one point (JSON members)."""
        batch = self.batch
        odds = ", ".join(
            f"{json.dumps(name)}: {_num(p)}"
            for name, p in zip(batch.outcome_names, batch.outcome_probs[:, point], strict=True)
            if p > MIN_OUTCOME_PROBABILITY
        )
        ties = json.dumps([batch.game.infosets[h].key for h in batch.tied_infosets(point)])
        text = f'"outcome_probabilities": {{{odds}}}, "ties": {ties}'
        if point in batch.alternatives:
            text += f', "equilibrium_outcomes": {json.dumps(list(batch.alternatives[point]))}'
        return text


def sequential_sweep_json(result: SweepResult) -> str:
    """The sweep document of a sequential game (compact JSON, one point per line)."""
    batch = result.batch
    assert isinstance(batch, SequentialBatch)
    entries = SequentialEntries(batch)
    lines = []
    for b, value in enumerate(result.values):
        predicted = json.dumps(result.predictions.names[b])
        lines.append(
            f'{{"value": {float(value)!r}, "equilibria": [{entries.entry(b)}], '
            f'"predicted": {predicted}, {entries.extras(b)}}}'
        )
    head = (
        f'{{"parameter": {json.dumps(result.parameter)}, '
        f'"select": {json.dumps(result.predictions.rule)}, "concept": "{SUBGAME_PERFECT}", '
        f'"players": {json.dumps(list(batch.game.players))}, '
    )
    return head + '"points": [\n' + ",\n".join(lines) + "\n]}\n"


def sequential_sweep_csv(result: SweepResult) -> str:
    """One row per point: value, prediction, the move at every information set, expected
    payoffs, the probability of each outcome, and the information sets with ties."""
    batch = result.batch
    assert isinstance(batch, SequentialBatch)
    game = batch.game
    header = [result.parameter, "predicted"]
    header += [h.key for h in game.infosets]
    header += [f"payoff({p})" for p in game.players]
    header += [f"P({name})" for name in batch.outcome_names]
    header += ["ties"]
    buf = io.StringIO()
    writer = SafeCsvWriter(buf)
    writer.writerow(header)
    moves = [np.array(h.moves, dtype=object) for h in game.infosets]
    chosen = [m[batch.plans[i]] for i, m in enumerate(moves)]
    pays = batch.expected
    odds = batch.outcome_probs
    tied = np.asarray(batch.ties.any(axis=0), bool)
    for b, value in enumerate(result.values):
        ties = ""
        if tied[b]:
            ties = " ".join(game.infosets[h].key for h in batch.tied_infosets(b))
        writer.writerow(
            [f"{float(value):.12g}", result.predictions.names[b]]
            + [c[b] for c in chosen]
            + [f"{float(x):.12g}" for x in pays[:, b]]
            + [f"{float(x):.12g}" for x in odds[:, b]]
            + [ties]
        )
    return buf.getvalue()


def tie_note(result: SweepResult, limit: int = 8) -> str | None:
    """A sentence naming the sweep values where moves tie (other SPE exist), or None."""
    batch = result.batch
    if not isinstance(batch, SequentialBatch):
        return None
    points = batch.tie_points()
    if not points.size:
        return None
    values = ", ".join(format_number(result.values[b]) for b in points[:limit])
    more = f" and {points.size - limit} more points" if points.size > limit else ""
    keys = [batch.game.infosets[h].key for h in np.flatnonzero(batch.ties.any(axis=1))]
    where = ", ".join(keys[:4]) + (f" and {len(keys) - 4} more" if len(keys) > 4 else "")
    return (
        f"At {result.parameter} = {values}{more} several moves are equally good (at {where}): "
        "other subgame-perfect equilibria exist there. Where they end in different outcomes "
        "the prediction names each (A | B); the plan, payoffs and odds shown are those of the "
        "first best move in file order."
    )
