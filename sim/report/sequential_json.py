"""The JSON document of a solved sequential game (SCENARIO_FORMAT.md, "kind": "sequential").

Each equilibrium entry holds ``strategies`` (player -> information-set key ->
move -> probability, every move listed), the expected ``payoffs`` and the
``outcomes``: the complete histories the equilibrium reaches, most likely
first, each with its probability and label.

History keys: in a ``sequence`` game the moves of a history are keyed by
stage id. In a ``tree`` game they are keyed by the name of the player who
moved (``"chance"`` for chance moves); when the same name moves again on the
path its later moves get ``#2``, ``#3``, ... (``{"P1": "pass", "P2": "pass",
"P1#2": "take"}``).

Keys beyond the contract (``method``, ``regret``, ``subgame_perfect``,
``credibility``, ``information_sets`` ...) are optional extensions.
``complete`` is true when both lists are complete; ``complete_subgame_perfect``
and ``complete_nash`` say it for each list.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sim.analysis.sequential import SequentialAnalysis, SequentialEquilibrium
from sim.games.extensive import ExtensiveGame, FloatArray, PointValues
from sim.games.profile_values import reach
from sim.scenario.model import Scenario
from sim.solvers.extensive.credibility import Finding

__all__ = ["MIN_OUTCOME_PROBABILITY", "equilibrium_outcomes", "sequential_document"]

#: Histories reached with less probability than this are not listed.
MIN_OUTCOME_PROBABILITY = 1e-12


def _float(x: float) -> float:
    value = float(x)
    return 0.0 if value == 0.0 else value


def equilibrium_outcomes(
    game: ExtensiveGame, values: PointValues, behaviour: Sequence[FloatArray]
) -> list[tuple[int, float]]:
    """Leaves reached with positive probability, as ``(node, probability)``, most likely first."""
    probs = reach(game, values, behaviour)
    rows = [(int(x), float(probs[x])) for x in game.leaves if probs[x] > MIN_OUTCOME_PROBABILITY]
    rows.sort(key=lambda r: (-r[1], r[0]))
    return rows


def _strategies(game: ExtensiveGame, behaviour: Sequence[FloatArray]) -> dict[str, Any]:
    out: dict[str, dict[str, dict[str, float]]] = {p: {} for p in game.players}
    for h, b in zip(game.infosets, behaviour, strict=True):
        out[game.players[h.player]][h.key] = {m: _float(p) for m, p in zip(h.moves, b, strict=True)}
    return out


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "player": f.player,
        "information_set": f.infoset,
        "kind": f.kind,
        "planned": {m: _float(p) for m, p in f.planned},
        "better_move": f.better,
        "planned_payoff": _float(f.planned_value),
        "deviation_payoff": _float(f.better_value),
        "text": f.text,
    }


def _entry(game: ExtensiveGame, values: PointValues, eq: SequentialEquilibrium) -> dict[str, Any]:
    outcomes = []
    for leaf, prob in equilibrium_outcomes(game, values, eq.behaviour):
        pays = values.payoffs[game.leaf_row[leaf]]
        outcomes.append(
            {
                "moves": game.history_dict(leaf),
                "probability": prob,
                "label": game.leaf_label(leaf),
                "payoffs": {p: _float(v) for p, v in zip(game.players, pays, strict=True)},
            }
        )
    entry: dict[str, Any] = {
        "concept": eq.concept,
        "strategies": _strategies(game, eq.behaviour),
        "payoffs": {p: _float(v) for p, v in zip(game.players, eq.payoffs, strict=True)},
        "outcomes": outcomes,
        "method": eq.method,
        "regret": _float(eq.regret),
        "subgame_perfect": bool(eq.subgame_perfect),
    }
    if eq.findings:
        entry["credibility"] = [_finding(f) for f in eq.findings]
    return entry


def sequential_document(scenario: Scenario, analysis: SequentialAnalysis) -> dict[str, Any]:
    """The whole ``sim solve --json`` document for a sequential game."""
    game, values = analysis.game, analysis.values
    return {
        "scenario": scenario.name,
        "kind": "sequential",
        "parameters": {k: _float(v) for k, v in analysis.parameters.items()},
        "players": list(game.players),
        "equilibria": [_entry(game, values, eq) for eq in analysis.equilibria],
        "complete": bool(analysis.complete),
        "complete_subgame_perfect": bool(analysis.spe_complete),
        "complete_nash": bool(analysis.nash_complete),
        "degenerate": bool(analysis.degenerate),
        "payoff_scale": scenario.payoff_scale,
        "notes": list(analysis.notes),
        "methods": dict(analysis.methods),
        "tolerance": analysis.tol,
        "perfect_information": bool(analysis.perfect_information),
        "proper_subgames": analysis.n_subgames,
        "reduced_strategic_form": list(analysis.reduced_shape) if analysis.reduced_shape else None,
        "information_sets": [
            {
                "key": h.key,
                "player": game.players[h.player],
                "moves": list(h.moves),
                "stage": h.stage,
                "nodes": len(h.nodes),
            }
            for h in game.infosets
        ],
    }
