"""The machine-readable result of ``sim solve --json`` (SCENARIO_FORMAT.md).

The document holds the scenario name, its kind, the parameter values used,
the players and one entry per equilibrium with its strategies, expected
payoffs and the outcomes it leads to. Keys beyond the contract (``method``,
``regret``, ``notes`` ...) are optional extensions.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sim.concepts import QRE
from sim.games.normal_form import NormalFormGame, outcome_label
from sim.scenario.model import Scenario
from sim.solvers.result import Equilibrium, outcome_distribution

if TYPE_CHECKING:
    from sim.analysis.solve import GameAnalysis
    from sim.solvers.qre.logit_qre import QREPoint

__all__ = ["dumps", "equilibrium_entry", "solve_document"]


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
    if analysis.zero_sum is not None:
        z = analysis.zero_sum
        doc["zero_sum"] = {
            "value": z.value,
            "strategies": {
                game.players[0]: dict(zip(game.moves[0], map(float, z.row_strategy), strict=True)),
                game.players[1]: dict(zip(game.moves[1], map(float, z.col_strategy), strict=True)),
            },
        }
    return doc


def _as_equilibrium(point: QREPoint) -> Equilibrium:
    """A QRE point in the shape of an equilibrium entry (concept ``qre``)."""
    return Equilibrium(point.strategies, point.payoffs, QRE, "logit_path_following")


def dumps(doc: Mapping[str, Any]) -> str:
    """Serialise with stable formatting; NaN is never produced (payoffs are checked finite)."""
    return json.dumps(doc, indent=2, allow_nan=False)
