"""Tests of the game tree built from a ``sequence`` or a ``tree`` (sim.games.extensive*),
the reduced strategic form and Kuhn's theorem, checked against pygambit (its answers are
recorded in tests/fixtures; the live checks are marked ``oracle``)."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest
from gambit_corpus import (
    EXTENSIVE_RANDOM_SEEDS,
    SEQUENTIAL_SCENARIOS,
    bundled_tree,
    number,
    random_tree_text,
    recorded,
    tree_hash,
)
from gambit_helpers import gambit_game, gambit_subgame_roots, load_text, random_tree_scenario

from sim.errors import ScenarioError, SimError
from sim.games.efg import rational_text, to_efg
from sim.games.extensive import MAX_NODES, evaluate
from sim.games.extensive_build import build_extensive
from sim.games.reduced_form import behaviour_from_mixed, mixed_from_behaviour, reduced_form
from sim.scenario.loader import load_scenario, load_scenario_text
from sim.scenario.model import Formula
from sim.scenario.parameters import parameter_env
from sim.scenario.sequential import enumerate_histories
from sim.solvers.extensive.subgames import subgame_roots

CONTRACT = """\
name: contract example
parameters:
  p_advanced: 0.3
players:
  US: {}
  Russia: {}
  Iran: {}
sequence:
  - id: offer
    player: US
    moves: [offer_deal, no_deal]
  - player: Russia
    moves: [support_sanctions, veto_sanctions]
  - chance: capability
    outcomes: {advanced: p_advanced, limited: 1 - p_advanced}
  - player: Iran
    moves: [halt_enrichment, continue_enrichment]
    observes: [Russia]
  - id: switch_on
    player: US
    moves: [activate_shield, keep_off]
    when: {offer: offer_deal}
payoffs:
  - when: {switch_on: activate_shield}
    add: {US: 2 * p_advanced, Russia: -1}
  - when: {Iran: continue_enrichment}
    add: {Iran: 3}
"""


def _load(text: str):  # type: ignore[no-untyped-def]
    return load_scenario_text(textwrap.dedent(text), "test.yaml")


def _point(scenario, overrides=None):  # type: ignore[no-untyped-def]
    game = build_extensive(scenario)
    env = parameter_env(scenario.parameters, overrides)
    return game, evaluate(game, env).point(0, env)


# --------------------------------------------------------------------------- sequence


def test_sequence_tree_matches_the_complete_histories() -> None:
    scenario = _load(CONTRACT)
    game = build_extensive(scenario)
    histories = enumerate_histories(scenario.sequence or ())
    assert len(game.leaves) == len(histories)
    assert [game.history_dict(int(x)) for x in game.leaves] == histories


def test_information_set_keys_follow_the_contract() -> None:
    game = build_extensive(_load(CONTRACT))
    keys = [h.key for h in game.infosets]
    assert "US@offer" in keys
    assert "Russia@offer=offer_deal" in keys and "Russia@offer=no_deal" in keys
    # Iran observes only Russia: one information set per Russian move, 4 nodes each.
    iran = [h for h in game.infosets if game.players[h.player] == "Iran"]
    assert sorted(h.key for h in iran) == [
        "Iran@Russia=support_sanctions",
        "Iran@Russia=veto_sanctions",
    ]
    assert all(len(h.nodes) == 4 for h in iran)
    # The US remembers its own offer and sees everything else at switch_on.
    switch = [h for h in game.infosets if h.stage == "switch_on"]
    assert len(switch) == 8 and all(len(h.nodes) == 1 for h in switch)
    assert switch[0].key.startswith("US@offer=offer_deal,Russia=")


def test_players_remember_their_moves_and_what_they_knew() -> None:
    text = """\
    name: memory
    players: {A: {}, B: {}}
    sequence:
      - chance: card
        outcomes: {high: 0.5, low: 0.5}
      - id: first
        player: A
        moves: [bet, check]
      - player: B
        moves: [call, fold]
      - id: second
        player: A
        moves: [up, down]
        observes: []
    payoffs:
      - when: {card: high}
        add: {A: 1}
    """
    game = build_extensive(_load(text))
    second = [h for h in game.infosets if h.stage == "second"]
    # A still knows the card (seen at `first`) and its own bet, not B's answer.
    assert len(second) == 4
    assert all(len(h.nodes) == 2 for h in second)
    assert "A@card=high,first=bet" in {h.key for h in second}


def test_same_observations_at_two_stages_are_told_apart_by_stage() -> None:
    text = """\
    name: two stages
    players: {A: {}, B: {}}
    sequence:
      - chance: coin
        outcomes: {heads: 0.5, tails: 0.5}
      - player: B
        moves: [x, y]
      - id: early
        player: A
        moves: [l, r]
        observes: [B]
        when: {coin: heads}
      - id: late
        player: A
        moves: [l, r]
        observes: [B]
        when: {coin: tails}
    payoffs:
      - when: {early: l}
        add: {A: 1}
    """
    game = build_extensive(_load(text))
    keys = sorted(h.key for h in game.infosets if game.players[h.player] == "A")
    assert keys == ["A@early:B=x", "A@early:B=y", "A@late:B=x", "A@late:B=y"]
    assert len({h.key for h in game.infosets}) == len(game.infosets)


def test_batch_evaluation_evaluates_each_formula_once(monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = _load(CONTRACT)
    game = build_extensive(scenario)
    calls = []
    original = Formula.evaluate

    def counting(self, env):  # type: ignore[no-untyped-def]
        calls.append(self)
        return original(self, env)

    monkeypatch.setattr(Formula, "evaluate", counting)
    points = np.linspace(0.0, 1.0, 7)
    env = parameter_env(scenario.parameters, {"p_advanced": points})
    values = evaluate(game, env)
    assert values.payoffs.shape == (7, len(game.leaves), 3)
    assert values.probs.shape == (7, game.n_nodes)
    assert len(calls) == len(set(map(id, calls)))  # each formula once
    advanced = [
        c
        for x in range(game.n_nodes)
        if game.movers[x] == "capability"
        for c in game.children[x][:1]
    ]
    assert np.allclose(values.probs[:, advanced], points[:, None])
    for b, p in enumerate(points):
        single = evaluate(game, parameter_env(scenario.parameters, {"p_advanced": p}))
        assert np.allclose(single.payoffs[0], values.payoffs[b])


def test_bad_probability_at_a_batch_point_is_located() -> None:
    scenario = _load(CONTRACT)
    game = build_extensive(scenario)
    env = parameter_env(scenario.parameters, {"p_advanced": np.array([0.2, 1.5])})
    with pytest.raises(ScenarioError) as info:
        evaluate(game, env)
    diag = info.value.diagnostics[0]
    assert diag.location.line == 15 and "p_advanced=1.5" in diag.message


def test_too_many_nodes_is_a_clear_error() -> None:
    stages = "\n".join(f"  - {{id: s{i}, player: A, moves: [a, b]}}" for i in range(17))
    text = (
        f"name: big\nplayers: {{A: {{}}, B: {{}}}}\nsequence:\n{stages}\n"
        "payoffs:\n  - {when: {s0: a}, add: {A: 1}}\n"
    )
    with pytest.raises(ScenarioError) as info:
        build_extensive(load_scenario_text(text, "big.yaml"))
    assert f"{MAX_NODES:,}" in str(info.value)


# --------------------------------------------------------------------------- tree


TREE_FORGETS_MOVE = """\
name: forgetful
players: {A: {}, B: {}}
tree:
  player: A
  moves:
    left:
      player: A
      infoset: later
      moves:
        x: {payoffs: {A: 1, B: 0}}
        y: {payoffs: {A: 0, B: 0}}
    right:
      player: A
      infoset: later
      moves:
        x: {payoffs: {A: 0, B: 1}}
        y: {payoffs: {A: 1, B: 1}}
"""

TREE_FORGETS_INFORMATION = """\
name: forgets the card
players: {A: {}, B: {}}
tree:
  chance: {red: 0.5, black: 0.5}
  moves:
    red:
      player: A
      moves:
        go:
          player: A
          infoset: h
          moves: {x: {payoffs: {A: 1, B: 0}}, y: {payoffs: {A: 0, B: 0}}}
        stop: {payoffs: {A: 0, B: 0}}
    black:
      player: A
      moves:
        go:
          player: A
          infoset: h
          moves: {x: {payoffs: {A: 0, B: 0}}, y: {payoffs: {A: 1, B: 0}}}
        stop: {payoffs: {A: 0, B: 0}}
"""


def test_tree_that_forgets_an_own_move_is_refused_where_it_happens() -> None:
    with pytest.raises(ScenarioError) as info:
        build_extensive(_load(TREE_FORGETS_MOVE))
    diag = info.value.diagnostics[0]
    assert diag.location.line == 13
    assert diag.path == "tree.moves.right.infoset"
    assert "forgets its own earlier move" in diag.message and "line 7" in diag.message


def test_tree_that_forgets_what_was_known_is_refused() -> None:
    with pytest.raises(ScenarioError) as info:
        build_extensive(_load(TREE_FORGETS_INFORMATION))
    assert "forgets what it knew" in info.value.diagnostics[0].message
    assert info.value.diagnostics[0].path == "tree.moves.black.moves.go.infoset"


def test_tree_keys_labels_and_paths() -> None:
    game = build_extensive(load_scenario("scenarios/one_card_poker.yaml"))
    assert [h.key for h in game.infosets] == ["P1@chance=red", "P2@P1=raise", "P1@chance=black"]
    assert len(game.infosets[1].nodes) == 2
    leaf = int(game.leaves[-1])
    assert game.history_dict(leaf) == {"chance": "black", "P1": "fold"}
    assert game.leaf_label(leaf) == "Fold - black loses"


def test_repeated_movers_are_numbered_in_tree_histories() -> None:
    game = build_extensive(load_scenario("scenarios/centipede.yaml"))
    last = int(game.leaves[-1])
    assert game.history_dict(last) == {
        "Alice": "pass",
        "Bob": "pass",
        "Alice#2": "pass",
        "Bob#2": "pass",
        "Alice#3": "pass",
        "Bob#3": "pass",
    }


# --------------------------------------------------------------------------- gambit


@pytest.mark.parametrize("name", SEQUENTIAL_SCENARIOS)
def test_efg_export_matches_recorded_gambit_structure(name: str) -> None:
    game, values = bundled_tree(name)
    entry = recorded("extensive", f"structure/{name}", tree_hash(game, values))
    assert entry["nodes"] == game.n_nodes
    assert entry["infosets"] == len(game.infosets)
    assert entry["subgame_roots"] == subgame_roots(game).tolist()
    rf = reduced_form(game, values)
    # Gambit's strategic form of a tree is the reduced strategic form.
    assert entry["strategies"] == [len(p) for p in rf.plans]


@pytest.mark.oracle
@pytest.mark.parametrize("name", SEQUENTIAL_SCENARIOS)
def test_efg_export_matches_gambit_structure(gbt, name: str) -> None:  # type: ignore[no-untyped-def]
    scenario = load_scenario(f"scenarios/{name}.yaml")
    game, values = _point(scenario)
    g = gambit_game(gbt, game, values)
    assert len(list(g.nodes)) == game.n_nodes
    assert len(list(g.infosets)) == len(game.infosets)
    assert gambit_subgame_roots(gbt, game, values) == subgame_roots(game).tolist()
    rf = reduced_form(game, values)
    # Gambit's strategic form of a tree is the reduced strategic form.
    assert [len(p.strategies) for p in g.players] == [len(p) for p in rf.plans]


@pytest.mark.parametrize("seed", EXTENSIVE_RANDOM_SEEDS)
def test_subgame_roots_agree_with_recorded_gambit_on_random_trees(seed: int) -> None:
    game, values = _point(random_tree_text(seed))
    entry = recorded("extensive", f"random/{seed}", tree_hash(game, values))
    assert entry["subgame_roots"] == subgame_roots(game).tolist()


@pytest.mark.oracle
@pytest.mark.parametrize("seed", EXTENSIVE_RANDOM_SEEDS)
def test_subgame_roots_agree_with_gambit_on_random_trees(gbt, seed: int) -> None:  # type: ignore[no-untyped-def]
    scenario = load_text(random_tree_scenario(np.random.default_rng(seed)))
    game, values = _point(scenario)
    assert gambit_subgame_roots(gbt, game, values) == subgame_roots(game).tolist()


def test_reduced_form_payoffs_match_recorded_gambit() -> None:
    game, values = bundled_tree("one_card_poker")
    entry = recorded("extensive", "reduced_form/one_card_poker", tree_hash(game, values))
    theirs = np.stack([np.vectorize(number)(np.array(a, dtype=object)) for a in entry["payoffs"]])
    # Both order plans lexicographically by the first information set's move.
    assert np.allclose(reduced_form(game, values).payoffs, theirs)


@pytest.mark.oracle
def test_reduced_form_payoffs_match_gambit(gbt) -> None:  # type: ignore[no-untyped-def]
    scenario = load_scenario("scenarios/one_card_poker.yaml")
    game, values = _point(scenario)
    rf = reduced_form(game, values)
    g = gambit_game(gbt, game, values)
    arrays = [np.array(a, dtype=float) for a in g.to_arrays()]
    # Both order plans lexicographically by the first information set's move.
    assert np.allclose(rf.payoffs, np.stack(arrays))


def test_rational_text() -> None:
    assert rational_text(0.2) == "1/5"
    assert rational_text(-3.0) == "-3"
    assert rational_text(1 / 3) == "1/3"
    assert "EFG 2 R" in to_efg(*_point(_load(CONTRACT)))


@pytest.mark.parametrize("seed", range(4))
def test_kuhn_round_trip(seed: int) -> None:
    rng = np.random.default_rng(seed)
    game, values = _point(load_scenario("scenarios/one_card_poker.yaml"))
    behaviour = [rng.dirichlet(np.ones(len(h.moves))) for h in game.infosets]
    rf = reduced_form(game, values)
    mixed = mixed_from_behaviour(game, rf, behaviour)
    assert all(np.isclose(x.sum(), 1.0) for x in mixed)
    back = behaviour_from_mixed(game, rf, mixed)
    for h, b in enumerate(behaviour):
        assert np.allclose(back[h], b)


def test_reduced_form_size_is_bounded() -> None:
    game, values = _point(load_scenario("scenarios/missile_shield_deal.yaml"))
    with pytest.raises(SimError, match="pure profiles"):
        reduced_form(game, values, max_profiles=1000)
