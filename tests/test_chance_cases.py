"""Conditional chance and beliefs in scenario files: read, checked, located errors."""

from __future__ import annotations

import pytest

from sim.errors import ScenarioError
from sim.games.extensive import evaluate
from sim.games.extensive_build import build_extensive
from sim.scenario.loader import load_scenario_text

BASE = """\
name: Inspection
parameters:
  p: {value: 0.3}
  d: {value: 0.9}
  f: {value: 0.1}
  r: {value: 0.05}
players:
  A: {moves: [x, y]}
  B: {moves: [x, y]}
sequence:
  - chance: capability
    outcomes: {advanced: p, limited: 1 - p}
    beliefs:
      B: {advanced: r, limited: 1 - r}
  - chance: assessment
    outcomes:
      - when: {capability: advanced}
        probabilities: {threat: d, no_threat: 1 - d}
      - probabilities: {threat: f, no_threat: 1 - f}
  - player: A
    observes: [assessment]
  - player: B
    observes: [assessment]
payoffs:
  - when: {A: x, capability: advanced}
    add: {A: 1}
  - when: {B: x, capability: advanced}
    add: {B: 1}
  - when: {B: y, capability: limited}
    add: {B: 1}
"""


def _errors(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "s.yaml")
    return [str(d) for d in info.value.diagnostics]


def test_conditional_chance_and_beliefs_build_the_right_probabilities() -> None:
    scenario = load_scenario_text(BASE, "s.yaml")
    game = build_extensive(scenario)
    values = evaluate(game, {"p": 0.3, "d": 0.9, "f": 0.1, "r": 0.05}).point(0)
    assert values.beliefs is not None
    leaves = {tuple(sorted(game.history_dict(x).items())): x for x in game.leaves}

    def prob(view, **moves):  # type: ignore[no-untyped-def]
        x = next(v for k, v in leaves.items() if set(moves.items()) <= set(k))
        p = 1.0
        while game.parent[x] >= 0:
            if game.kind[game.parent[x]] == 1:
                p *= float(view[x])
            x = int(game.parent[x])
        return p

    both = {"A": "x", "B": "x"}
    assert prob(values.probs, capability="advanced", assessment="threat", **both) == pytest.approx(
        0.27
    )
    assert prob(values.probs, capability="limited", assessment="threat", **both) == pytest.approx(
        0.07
    )
    russia = values.beliefs[1]
    assert prob(russia, capability="advanced", assessment="threat", **both) == pytest.approx(0.045)
    assert prob(values.beliefs[0], capability="limited", assessment="threat", **both) == (
        pytest.approx(0.07)
    )


def test_unmatched_history_is_located() -> None:
    old = "      - probabilities: {threat: f"
    new = "      - when: {capability: advanced}\n        probabilities: {threat: f"
    text = BASE.replace(old, new)
    (msg,) = _errors(text)
    assert msg.startswith("s.yaml:17:7: sequence[1].outcomes: ")
    assert "no case matches the history capability=limited" in msg


def test_sums_and_unknown_names_are_located() -> None:
    text = BASE.replace("B: {advanced: r, limited: 1 - r}", "Bee: {advanced: r, limited: 2 - r}")
    (msg,) = _errors(text)
    assert msg.startswith("s.yaml:14:7: sequence[0].beliefs.Bee: unknown player 'Bee'")
    text = BASE.replace("limited: 1 - r}", "limited: 2 - r}")
    (msg,) = _errors(text)
    assert msg.startswith("s.yaml:14:10: sequence[0].beliefs.B: chance probabilities sum to 2")
    text = BASE.replace("{threat: d, no_threat: 1 - d}", "{threat: d / 9, no_threat: 1 - d}")
    (msg,) = _errors(text)
    assert msg.startswith("s.yaml:18:24: sequence[1].outcomes[0].probabilities: ")
    assert "sum to 0.2" in msg


def test_cases_must_name_the_same_outcomes() -> None:
    text = BASE.replace("{threat: f, no_threat: 1 - f}", "{threat: f, clear: 1 - f}")
    (msg,) = _errors(text)
    assert msg.startswith("s.yaml:19:24: sequence[1].outcomes[1].probabilities: ")
    assert "same outcomes" in msg
    text = BASE.replace(
        "      - when: {capability: advanced}", "      - when: {capabilty: advanced}"
    )
    (msg,) = _errors(text)
    assert "s.yaml:17:16: sequence[1].outcomes[0].when.capabilty: " in msg
    assert "did you mean 'capability'" in msg


TREE = """\
name: Tree with beliefs
players:
  A: {moves: [x, y]}
  B: {moves: [x, y]}
tree:
  chance: {good: 0.6, bad: 0.4}
  beliefs:
    B: {good: 0.2, bad: 0.8}
  moves:
    good: {player: A, infoset: a, moves: {x: {payoffs: {A: 1, B: 1}}, y: {payoffs: {A: 0, B: 0}}}}
    bad: {player: A, infoset: a, moves: {x: {payoffs: {A: -1, B: -1}}, y: {payoffs: {A: 0, B: 0}}}}
"""


def test_tree_beliefs() -> None:
    game = build_extensive(load_scenario_text(TREE, "t.yaml"))
    values = evaluate(game, {}).point(0)
    assert values.beliefs is not None
    assert sorted(values.beliefs[1][list(game.children[0])]) == pytest.approx([0.2, 0.8])
    assert sorted(values.beliefs[0][list(game.children[0])]) == pytest.approx([0.4, 0.6])
    (msg,) = _errors(TREE.replace("B: {good: 0.2, bad: 0.8}", "B: {good: 0.2, awful: 0.8}"))
    assert msg.startswith("s.yaml:8:8: tree.beliefs.B: ")
    assert "same outcomes" in msg
