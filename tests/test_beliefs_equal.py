"""Non-common priors reduce to today's game when every player believes ``outcomes``.

For every bundled sequential scenario, giving every player ``beliefs`` equal
to the analyst's chance probabilities must leave every reported equilibrium,
payoff and outcome probability unchanged; and a disagreement must change
the choice of the player who disagrees (hand-solved).
"""

from __future__ import annotations

import dataclasses

import pytest

from sim.analysis.sequential import solve_sequential
from sim.games.extensive import evaluate
from sim.games.extensive_build import build_extensive
from sim.report.sequential_json import sequential_document
from sim.scenario.bundled import bundled_scenarios
from sim.scenario.loader import load_scenario, load_scenario_text
from sim.scenario.model import Scenario, TreeNode

SEQUENTIAL = [p for p in bundled_scenarios() if load_scenario(p).kind == "sequential"]


def _tree_with_beliefs(node: TreeNode, players: tuple[str, ...]) -> TreeNode:
    kids = tuple((m, _tree_with_beliefs(c, players)) for m, c in node.children)
    beliefs = tuple((p, node.chance) for p in players) if node.chance is not None else ()
    if node.chance is None:
        beliefs = ()
    return dataclasses.replace(node, children=kids, beliefs=beliefs)


def with_equal_beliefs(scenario: Scenario, *, strip: bool = False) -> Scenario:
    """The scenario with every player believing ``outcomes`` explicitly (or no beliefs at all)."""
    players = () if strip else scenario.player_names
    if scenario.sequence is not None:
        stages = tuple(
            dataclasses.replace(s, beliefs=tuple((p, s.chance_cases()) for p in players))
            if s.is_chance
            else s
            for s in scenario.sequence
        )
        return dataclasses.replace(scenario, sequence=stages)
    assert scenario.tree is not None
    return dataclasses.replace(scenario, tree=_tree_with_beliefs(scenario.tree, players))


@pytest.mark.parametrize("path", SEQUENTIAL, ids=lambda p: p.stem)
def test_equal_beliefs_give_todays_equilibria(path) -> None:  # type: ignore[no-untyped-def]
    scenario = with_equal_beliefs(load_scenario(path), strip=True)
    same = with_equal_beliefs(scenario)
    game = build_extensive(same)
    assert not build_extensive(scenario).has_beliefs
    assert game.has_beliefs == bool(game.chance_terms)
    before = sequential_document(scenario, solve_sequential(scenario))
    after = sequential_document(same, solve_sequential(same))
    assert after == before


CHANCE_GAME = """\
name: Disagreement
parameters:
  p: {value: 0.6}
  q: {value: 0.2}
players:
  A: {moves: [bet, pass]}
  B: {moves: [bet, pass]}
sequence:
  - chance: state
    outcomes: {good: p, bad: 1 - p}
    beliefs:
      B: {good: q, bad: 1 - q}
  - player: A
    observes: []
  - player: B
    observes: []
payoffs:
  - when: {A: bet, state: good}
    add: {A: 1}
  - when: {A: bet, state: bad}
    add: {A: -1}
  - when: {B: bet, state: good}
    add: {B: 1}
  - when: {B: bet, state: bad}
    add: {B: -1}
"""


def test_each_player_uses_its_own_prior() -> None:
    scenario = load_scenario_text(CHANCE_GAME)
    analysis = solve_sequential(scenario)
    (spe,) = analysis.subgame_perfect
    # A believes good with 0.6 and bets (0.2 > 0); B believes 0.2 and passes (-0.6 < 0).
    assert [list(b) for b in spe.behaviour] == [[1.0, 0.0], [0.0, 1.0]]
    # Payoffs are each player's expectation under its own prior.
    assert spe.payoffs[0] == pytest.approx(0.2)
    assert spe.payoffs[1] == pytest.approx(0.0)
    values = evaluate(build_extensive(scenario), {"p": 0.6, "q": 0.2})
    assert values.beliefs is not None
    assert sorted(set(values.beliefs[0, 0].round(6))) == [0.4, 0.6, 1.0]
    assert sorted(set(values.beliefs[0, 1].round(6))) == [0.2, 0.8, 1.0]
    assert sorted(set(values.probs[0].round(6))) == [0.4, 0.6, 1.0]
