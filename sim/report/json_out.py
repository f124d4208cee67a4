"""The machine-readable result of ``sim solve --json`` (SCENARIO_FORMAT.md).

The document holds the scenario name, its kind, the parameter values used,
the players and one entry per equilibrium with its strategies, expected
payoffs and the outcomes it leads to. Keys beyond the contract (``method``,
``regret``, ``notes``, ``pareto_optimal`` per equilibrium, ``logit_forks``
with ``qre`` (where the logit branch forks and the verified equilibrium each
new arm leads to), and the
``dominance``, ``security_levels`` and ``pareto_optimal_outcomes`` of
:mod:`sim.report.structure_json`) are optional extensions.

Computed floats are written with at most :data:`SIGNIFICANT_DIGITS`
significant digits, so that ``-3.7999999999999994`` reads ``-3.8``; the
parameter values, which the user wrote, are written as given.

>>> import json
>>> json.loads(dumps({"parameters": {"a": 0.1234567890123456}, "x": [-3.7999999999999994]}))
{'parameters': {'a': 0.1234567890123456}, 'x': [-3.8]}
>>> round_floats([1 / 3, 2.0, "text"])
[0.333333333333, 2.0, 'text']
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sim.concepts import QRE
from sim.games.normal_form import NormalFormGame, outcome_label
from sim.report.structure_json import structure_document
from sim.scenario.model import Scenario
from sim.solvers.result import Equilibrium, outcome_distribution

if TYPE_CHECKING:
    from sim.analysis.solve import GameAnalysis
    from sim.solvers.qre.logit_qre import QREPoint

__all__ = ["SIGNIFICANT_DIGITS", "dumps", "equilibrium_entry", "round_floats", "solve_document"]

#: Significant digits of computed floats in JSON documents (float noise is dropped).
SIGNIFICANT_DIGITS = 12


def equilibrium_entry(scenario: Scenario, game: NormalFormGame, eq: Equilibrium) -> dict[str, Any]:
    """One entry of the ``equilibria`` list."""
    strategies = {
        player: {move: float(prob) for move, prob in zip(moves, s, strict=True)}
        for player, moves, s in zip(game.players, game.moves, eq.strategies, strict=True)
    }
    outcomes = []
    for profile, prob in outcome_distribution(eq.strategies):
        moves = game.profile_moves(profile)
        outcomes.append(
            {"moves": moves, "probability": prob, "label": outcome_label(scenario, moves)}
        )
    entry: dict[str, Any] = {
        "concept": eq.concept,
        "strategies": strategies,
        "payoffs": {p: float(v) for p, v in zip(game.players, eq.payoffs, strict=True)},
        "outcomes": outcomes,
        "method": eq.method,
        "regret": float(eq.regret),
    }
    return entry


def solve_document(scenario: Scenario, analysis: GameAnalysis) -> dict[str, Any]:
    """The whole ``sim solve --json`` document for a simultaneous game."""
    game = analysis.game
    doc: dict[str, Any] = {
        "scenario": scenario.name,
        "kind": scenario.kind,
        "parameters": dict(game.parameters),
        "players": list(game.players),
        "equilibria": [equilibrium_entry(scenario, game, eq) for eq in analysis.equilibria],
        "complete": analysis.complete,
        "degenerate": analysis.degenerate,
        "payoff_scale": scenario.payoff_scale,
        "notes": list(analysis.notes)
        + (
            ["Payoffs are ordinal (ranks): mixed equilibria of ranks carry no cardinal meaning."]
            if scenario.ordinal
            else []
        )
        + list(analysis.qre_notes),
    }
    for entry, optimal in zip(doc["equilibria"], analysis.pareto_equilibria, strict=False):
        entry["pareto_optimal"] = bool(optimal)
    if analysis.total_equilibria is not None:
        doc["equilibria_total"] = analysis.total_equilibria
        doc["equilibria_listed"] = len(analysis.equilibria)
    for point in analysis.qre:
        entry = equilibrium_entry(scenario, game, _as_equilibrium(point))
        entry["lambda"] = float(point.lam)
        del entry["regret"]
        doc["equilibria"].append(entry)
    if analysis.qre_limit is not None:
        limit = analysis.qre_limit
        doc["logit_limit"] = {
            "strategies": equilibrium_entry(scenario, game, limit)["strategies"],
            "payoffs": {p: float(v) for p, v in zip(game.players, limit.payoffs, strict=True)},
        }
    if analysis.qre_forks:
        doc["logit_forks"] = [
            {
                "lambda": fork.lam,
                "arms": [
                    {
                        "strategies": equilibrium_entry(scenario, game, arm)["strategies"],
                        "payoffs": dict(zip(game.players, map(float, arm.payoffs), strict=True)),
                    }
                    for arm in fork.arms
                ],
            }
            for fork in analysis.qre_forks
        ]
    if analysis.zero_sum is not None:
        z = analysis.zero_sum
        doc["zero_sum"] = {
            "value": z.value,
            "strategies": {
                game.players[0]: dict(zip(game.moves[0], map(float, z.row_strategy), strict=True)),
                game.players[1]: dict(zip(game.moves[1], map(float, z.col_strategy), strict=True)),
            },
        }
    doc.update(structure_document(scenario, analysis))
    return doc


def _as_equilibrium(point: QREPoint) -> Equilibrium:
    """A QRE point in the shape of an equilibrium entry (concept ``qre``)."""
    return Equilibrium(point.strategies, point.payoffs, QRE, "logit_path_following")


def round_floats(value: Any) -> Any:
    """Round every float in nested dicts and lists to :data:`SIGNIFICANT_DIGITS` digits."""
    if isinstance(value, float):
        return float(f"{value:.{SIGNIFICANT_DIGITS}g}") if math.isfinite(value) else value
    if isinstance(value, dict):
        return {k: round_floats(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [round_floats(v) for v in value]
    return value


def dumps(doc: Mapping[str, Any]) -> str:
    """Serialise with stable formatting and without float noise (parameters kept as given).

    NaN is never produced (payoffs are checked finite).
    """
    rounded = {k: v if k == "parameters" else round_floats(v) for k, v in doc.items()}
    return json.dumps(rounded, indent=2, allow_nan=False)
