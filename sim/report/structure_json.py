"""Dominance, security levels and Pareto optimality in ``sim solve --json``.

Optional keys beyond the contract (SCENARIO_FORMAT.md), matching what the text
report says:

* ``"dominance"``: ``{"strictly_dominated": [STEP], "surviving": {player: [moves]},
  "solved": bool, "weakly_dominated": [STEP]}``, each ``STEP`` being
  ``{"player", "move", "dominated_by": {move: probability}, "strict", "round"}``
  (``round`` counts from 1 in iterated elimination; absent for weak dominance);
* ``"security_levels"``: ``{player: {"pure": {"value", "moves"},
  "mixed": {"value", "strategy": {move: probability}}}}``;
* ``"pareto_optimal_outcomes"``: ``[{"moves", "payoffs", "label"}]``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.games.normal_form import NormalFormGame, outcome_label
from sim.scenario.model import Scenario

if TYPE_CHECKING:
    from sim.analysis.solve import GameAnalysis
    from sim.solvers.dominance import Dominance

__all__ = ["structure_document"]


def _step(game: NormalFormGame, dom: Dominance, round_: int | None) -> dict[str, Any]:
    moves = game.moves[dom.player]
    entry: dict[str, Any] = {
        "player": game.players[dom.player],
        "move": moves[dom.move],
        "dominated_by": {moves[k]: float(w) for k, w in dom.dominator},
        "strict": bool(dom.strict),
    }
    if round_ is not None:
        entry["round"] = round_ + 1
    return entry


def _dominance(game: NormalFormGame, analysis: GameAnalysis) -> dict[str, Any]:
    elim = analysis.strict_elimination
    assert elim is not None
    rounds = elim.rounds or (0,) * len(elim.steps)
    return {
        "strictly_dominated": [_step(game, s, r) for s, r in zip(elim.steps, rounds, strict=False)],
        "surviving": {
            game.players[p]: [game.moves[p][k] for k in moves]
            for p, moves in enumerate(elim.surviving)
        },
        "solved": bool(elim.solved),
        "weakly_dominated": [_step(game, d, None) for d in analysis.weakly_dominated],
    }


def _security(game: NormalFormGame, analysis: GameAnalysis) -> dict[str, Any]:
    mixed_levels = analysis.mixed_security or analysis.pure_security
    levels: dict[str, Any] = {}
    for pure, mixed in zip(analysis.pure_security, mixed_levels, strict=False):
        moves = game.moves[pure.player]
        levels[game.players[pure.player]] = {
            "pure": {"value": float(pure.value), "moves": [moves[k] for k in pure.moves]},
            "mixed": {
                "value": float(mixed.value),
                "strategy": {m: float(x) for m, x in zip(moves, mixed.strategy, strict=True)},
            },
        }
    return levels


def structure_document(scenario: Scenario, analysis: GameAnalysis) -> dict[str, Any]:
    """The optional dominance, security and Pareto keys (empty when not computed)."""
    game = analysis.game
    doc: dict[str, Any] = {}
    if analysis.strict_elimination is not None:
        doc["dominance"] = _dominance(game, analysis)
    if analysis.pure_security:
        doc["security_levels"] = _security(game, analysis)
    if analysis.pareto_profiles:
        outcomes = []
        for profile in analysis.pareto_profiles:
            moves = game.profile_moves(profile)
            pays = {p: float(game.payoffs[(i, *profile)]) for i, p in enumerate(game.players)}
            label = outcome_label(scenario, moves)
            outcomes.append({"moves": moves, "payoffs": pays, "label": label})
        doc["pareto_optimal_outcomes"] = outcomes
    return doc
