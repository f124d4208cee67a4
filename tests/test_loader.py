"""Known answers for the scenario loader.

* every bundled scenario loads and builds a finite payoff tensor of the right shape;
* the examples of ``SCENARIO_FORMAT.md``, assembled into complete files, load and give
  payoffs computed here by hand;
* derived parameters follow their inputs unless overridden themselves;
* a batch of parameter points gives the same payoffs as a loop over single points;
* ``--set NAME=VALUE`` parsing.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.cli.commands import parse_overrides
from sim.errors import ScenarioError, UsageError
from sim.games.normal_form import NormalFormGame
from sim.scenario.bundled import ScenarioNotFound, bundled_dir, bundled_scenarios
from sim.scenario.model import MonteCarloSpec, Scenario, SweepSpec
from sim.scenario.parameters import batch_size, parameter_env
from sim.scenario.sequential import enumerate_histories

REPO = Path(__file__).resolve().parent.parent
BUNDLED = bundled_scenarios()
FILE = "doc.yaml"


def load(text: str) -> Scenario:
    return sim.load_scenario_text(text, FILE)


def payoffs_at(game: NormalFormGame, **moves: str) -> tuple[float, ...]:
    """Every player's payoff at the pure profile ``player=move, ...``."""
    index = tuple(game.moves[i].index(moves[p]) for i, p in enumerate(game.players))
    return tuple(float(game.payoffs[(k, *index)]) for k in range(len(game.players)))


def expected_tensor(
    scenario: Scenario, payoff: Callable[[dict[str, str]], tuple[float, ...]]
) -> np.ndarray:
    """The payoff tensor whose entry at every profile is ``payoff(profile)``."""
    shape = tuple(len(p.moves) for p in scenario.players)
    out = np.zeros((len(shape), *shape))
    for index in itertools.product(*(range(m) for m in shape)):
        profile = {p.name: p.moves[i] for p, i in zip(scenario.players, index, strict=True)}
        for k, value in enumerate(payoff(profile)):
            out[(k, *index)] = value
    return out


# --------------------------------------------------------------------------- bundled


def test_there_are_bundled_scenarios() -> None:
    names = {p.stem for p in BUNDLED}
    assert len(BUNDLED) >= 9
    assert {"missile_shield", "prisoners_dilemma", "matching_pennies"} <= names
    assert bundled_dir().is_dir()


def extensive_payoffs(scenario: Scenario) -> np.ndarray:
    """Leaf payoffs ``(n_leaves, n_players)`` of a sequential scenario at its defaults."""
    from sim.games.extensive import evaluate
    from sim.games.extensive_build import build_extensive

    game = build_extensive(scenario)
    values = evaluate(game, parameter_env(scenario.parameters))
    assert values.payoffs.shape == (1, len(game.leaves), len(scenario.players))
    return values.payoffs[0]


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_bundled_scenario_loads_and_builds(path: Path) -> None:
    scenario = sim.load_scenario(path)
    assert scenario.name.strip()
    assert scenario.description.strip()
    assert scenario.source.strip()
    if scenario.kind == "simultaneous":
        game = sim.build_game(scenario)
        shape = tuple(len(p.moves) for p in scenario.players)
        assert game.payoffs.shape == (len(scenario.players), *shape)
        assert np.all(np.isfinite(game.payoffs))
        assert game.players == scenario.player_names
        payoffs = game.payoffs
    else:
        assert (scenario.sequence is None) != (scenario.tree is None)
        payoffs = extensive_payoffs(scenario)
        assert payoffs.shape[0] >= 2
        assert np.all(np.isfinite(payoffs))
    # The same scenario by its bundled name, with or without the extension.
    for name in (path.stem, path.name):
        again = sim.load_scenario(name)
        assert again.name == scenario.name
        if again.kind == "simultaneous":
            np.testing.assert_array_equal(sim.build_game(again).payoffs, payoffs)
    # Every parameter's default lies in its range, and every sweep uses a real parameter.
    env = parameter_env(scenario.parameters)
    for param in scenario.parameters:
        if param.range is not None:
            low, high = param.range
            assert low <= env[param.name] <= high, param.name
    names = {p.name for p in scenario.parameters}
    for sweep in scenario.analysis.sweeps:
        assert sweep.parameter in names


def test_missing_bundled_name_lists_the_bundled_scenarios() -> None:
    with pytest.raises(ScenarioError) as info:
        sim.load_scenario("no_such_scenario")
    message = str(info.value)
    assert "no_such_scenario:1:1:" in message
    assert "missile_shield" in message
    # the library names no command; the command line adds "see `sim list`" (test_cli)
    assert isinstance(info.value, ScenarioNotFound) and "sim list" not in message


def test_missile_shield_known_payoffs() -> None:
    game = sim.build_game(sim.load_scenario("missile_shield"))
    assert game.payoffs.shape == (3, 2, 2, 2)
    # Defaults: shield_value 3, shield_cost 1, shield_threat 4, iran_ties 2, deal_value 3,
    # proliferation_harm 6, russia_proliferation_harm 1, enrichment_value 3, sanction_cost 5.
    cases = {
        # US: 3 - 1 - 6; Russia: -4 - 2 - 1; Iran: 3 - 5
        ("activate_shield", "support_sanctions", "continue_enrichment"): (-4, -7, -2),
        # US: deal 3; Russia: -2 + 3; Iran 0
        ("hold_shield", "support_sanctions", "halt_enrichment"): (3, 1, 0),
        # US: 3 - 1 - 6; Russia: -1; Iran: 3
        ("activate_shield", "veto_sanctions", "continue_enrichment"): (-4, -1, 3),
        # US: -6; Russia: -1; Iran: 3
        ("hold_shield", "veto_sanctions", "continue_enrichment"): (-6, -1, 3),
        # US: -1; Russia: -4 - 2
        ("activate_shield", "support_sanctions", "halt_enrichment"): (-1, -6, 0),
        ("hold_shield", "veto_sanctions", "halt_enrichment"): (0, 0, 0),
    }
    for (us, russia, iran), expected in cases.items():
        assert payoffs_at(game, US=us, Russia=russia, Iran=iran) == expected


def test_missile_shield_overrides() -> None:
    scenario = sim.load_scenario("missile_shield")
    game = sim.build_game(scenario, {"shield_threat": 0.5, "deal_value": 10})
    # Russia at (activate, support, halt): -0.5 - 2
    assert (
        payoffs_at(game, US="activate_shield", Russia="support_sanctions", Iran="halt_enrichment")[
            1
        ]
        == -2.5
    )
    # (hold, support, halt): US 10, Russia -2 + 10
    assert payoffs_at(game, US="hold_shield", Russia="support_sanctions", Iran="halt_enrichment")[
        :2
    ] == (10, 8)
    assert game.parameters["shield_threat"] == 0.5
    assert game.parameters["iran_ties"] == 2.0


@pytest.mark.parametrize(
    ("name", "profile", "expected"),
    [
        ("prisoners_dilemma", {"Row": "cooperate", "Column": "cooperate"}, (3, 3)),
        ("prisoners_dilemma", {"Row": "cooperate", "Column": "defect"}, (0, 5)),
        ("prisoners_dilemma", {"Row": "defect", "Column": "cooperate"}, (5, 0)),
        ("prisoners_dilemma", {"Row": "defect", "Column": "defect"}, (1, 1)),
        ("matching_pennies", {"Matcher": "heads", "Mismatcher": "heads"}, (1, -1)),
        ("matching_pennies", {"Matcher": "heads", "Mismatcher": "tails"}, (-1, 1)),
        ("rock_paper_scissors", {"Player_1": "rock", "Player_2": "paper"}, (-1, 1)),
        ("rock_paper_scissors", {"Player_1": "scissors", "Player_2": "paper"}, (1, -1)),
        ("rock_paper_scissors", {"Player_1": "rock", "Player_2": "rock"}, (0, 0)),
        ("stag_hunt", {"Hunter_1": "stag", "Hunter_2": "hare"}, (0, 3)),
        ("stag_hunt", {"Hunter_1": "stag", "Hunter_2": "stag"}, (4, 4)),
        ("chicken", {"Driver_1": "straight", "Driver_2": "straight"}, (-10, -10)),
        ("chicken", {"Driver_1": "swerve", "Driver_2": "straight"}, (-1, 1)),
        ("battle_of_the_sexes", {"Alice": "opera", "Bob": "opera"}, (3, 2)),
        ("battle_of_the_sexes", {"Alice": "opera", "Bob": "football"}, (0, 0)),
        ("cuban_missile_crisis", {"US": "blockade", "USSR": "maintain"}, (2, 4)),
        ("cuban_missile_crisis", {"US": "air_strike", "USSR": "withdraw"}, (4, 2)),
        # benefit 4, cost 1: everyone volunteers -> 4 - 1 each
        (
            "volunteers_dilemma",
            {"Ann": "volunteer", "Ben": "volunteer", "Cat": "volunteer"},
            (3, 3, 3),
        ),
        ("volunteers_dilemma", {"Ann": "volunteer", "Ben": "wait", "Cat": "wait"}, (3, 4, 4)),
        ("volunteers_dilemma", {"Ann": "wait", "Ben": "wait", "Cat": "wait"}, (0, 0, 0)),
    ],
)
def test_bundled_known_payoffs(name: str, profile: dict[str, str], expected: tuple) -> None:
    game = sim.build_game(sim.load_scenario(name))
    assert payoffs_at(game, **profile) == expected


def test_bundled_flags() -> None:
    assert sim.load_scenario("cuban_missile_crisis").ordinal
    assert sim.build_game(sim.load_scenario("cuban_missile_crisis")).ordinal
    assert sim.load_scenario("matching_pennies").zero_sum
    assert not sim.load_scenario("prisoners_dilemma").zero_sum
    for name in ("matching_pennies", "rock_paper_scissors"):
        payoffs = sim.build_game(sim.load_scenario(name)).payoffs
        np.testing.assert_array_equal(payoffs[1], -payoffs[0])


def test_bundled_labels() -> None:
    pd = sim.load_scenario("prisoners_dilemma")
    assert sim.outcome_label(pd, {"Row": "defect", "Column": "defect"}) == "Mutual defection"
    assert sim.outcome_label(pd, {"Row": "defect", "Column": "cooperate"}) == (
        "Row exploits Column"
    )
    stag = sim.load_scenario("stag_hunt")  # labels come from the outcome rows
    assert sim.outcome_label(stag, {"Hunter_1": "hare", "Hunter_2": "hare"}) == "Both hunt hare"
    bos = sim.load_scenario("battle_of_the_sexes")  # a label without `when` matches all
    assert sim.outcome_label(bos, {"Alice": "opera", "Bob": "football"}) == "Apart"


# --------------------------------------------------------------------------- doc examples

DOC_RULES = """\
name: Doc example (payoff rules)
parameters:
  p_advanced: 0.3                       # shorthand: just a value
  shield_threat:
    value: 4
    range: [0, 8]                       # default sweep / tornado bounds
    distribution: {normal: {mean: 4, sd: 1}}   # used by Monte Carlo
    description: Harm to Russia's deterrent from an active shield
  shield_value: 3
  sanction_cost: 2.5
players:
  US:
    moves: [activate_shield, hold_shield]
    description: ...
  Russia: {moves: [support_sanctions, veto_sanctions]}
  Iran: {moves: [halt_enrichment, continue_enrichment]}
payoffs:
  - label: Active shield threatens Russia's deterrent
    when: {US: activate_shield}
    add: {US: shield_value, Russia: -shield_threat}
  - label: Sanctions bite
    when: {Russia: support_sanctions, Iran: continue_enrichment}
    add: {Iran: -sanction_cost}
  - when: {Iran: [halt_enrichment]}       # a list means any of these moves
    add: {US: 5}
labels:
  - when: {Russia: support_sanctions, Iran: halt_enrichment}
    name: Grand bargain
  - when: {US: activate_shield, Iran: continue_enrichment}
    name: Arms race
solve:
  concepts: [pure_nash, mixed_nash, subgame_perfect, qre]
  qre_lambda: 2.0
analysis:
  sweeps:
    - {parameter: shield_threat, from: 0, to: 8, steps: 161}
  grids:
    - x: {parameter: shield_threat, from: 0, to: 8, steps: 81}
      y: {parameter: sanction_cost, from: 0, to: 10, steps: 101}
  monte_carlo: {samples: 10000, seed: 1}
"""


def doc_rules_payoff(
    profile: Mapping[str, str], threat: float = 4, value: float = 3, cost: float = 2.5
) -> tuple[float, float, float]:
    """DOC_RULES by hand: the sum of the `add` entries of every rule that holds."""
    us = russia = iran = 0.0
    if profile["US"] == "activate_shield":
        us += value
        russia -= threat
    if profile["Russia"] == "support_sanctions" and profile["Iran"] == "continue_enrichment":
        iran -= cost
    if profile["Iran"] == "halt_enrichment":
        us += 5
    return us, russia, iran


def test_doc_rules_example_payoffs() -> None:
    scenario = load(DOC_RULES)
    assert scenario.kind == "simultaneous"
    assert scenario.player_names == ("US", "Russia", "Iran")
    game = sim.build_game(scenario)
    np.testing.assert_array_equal(game.payoffs, expected_tensor(scenario, doc_rules_payoff))
    assert payoffs_at(
        game, US="activate_shield", Russia="support_sanctions", Iran="halt_enrichment"
    ) == (8, -4, 0)
    assert payoffs_at(
        game, US="hold_shield", Russia="support_sanctions", Iran="continue_enrichment"
    ) == (0, 0, -2.5)
    # Overrides flow through every rule.
    game = sim.build_game(scenario, {"shield_threat": 6, "sanction_cost": 1})
    expected = expected_tensor(scenario, lambda p: doc_rules_payoff(p, threat=6, cost=1))
    np.testing.assert_array_equal(game.payoffs, expected)


def test_doc_rules_example_rules_and_labels() -> None:
    scenario = load(DOC_RULES)
    rules = scenario.payoff_rules
    assert rules is not None and len(rules) == 3
    assert rules[0].label == "Active shield threatens Russia's deterrent"
    assert rules[2].label is None
    assert rules[2].when.as_dict() == {"Iran": ("halt_enrichment",)}
    assert [p for p, _ in rules[0].add] == ["US", "Russia"]
    assert scenario.players[0].description == "..."
    label = sim.outcome_label
    assert (
        label(
            scenario,
            {"US": "activate_shield", "Russia": "support_sanctions", "Iran": "halt_enrichment"},
        )
        == "Grand bargain"
    )  # first match wins
    assert (
        label(
            scenario,
            {"US": "activate_shield", "Russia": "veto_sanctions", "Iran": "continue_enrichment"},
        )
        == "Arms race"
    )
    assert (
        label(
            scenario, {"US": "hold_shield", "Russia": "veto_sanctions", "Iran": "halt_enrichment"}
        )
        is None
    )


def test_doc_parameters_block() -> None:
    scenario = load(DOC_RULES)
    assert [p.name for p in scenario.parameters] == [
        "p_advanced",
        "shield_threat",
        "shield_value",
        "sanction_cost",
    ]
    threat = scenario.parameter("shield_threat")
    assert threat.range == (0.0, 8.0)
    assert threat.distribution is not None
    assert threat.distribution.kind == "normal"
    assert threat.distribution.get("mean") == 4.0
    assert threat.distribution.get("sd") == 1.0
    assert threat.description == "Harm to Russia's deterrent from an active shield"
    assert not threat.derived
    advanced = scenario.parameter("p_advanced")
    assert advanced.range is None and advanced.distribution is None
    assert parameter_env(scenario.parameters) == {
        "p_advanced": 0.3,
        "shield_threat": 4.0,
        "shield_value": 3.0,
        "sanction_cost": 2.5,
    }


def test_doc_solve_and_analysis_blocks() -> None:
    scenario = load(DOC_RULES)
    assert scenario.solve.concepts == ("pure_nash", "mixed_nash", "subgame_perfect", "qre")
    assert scenario.solve.qre_lambda == (2.0,)
    (sweep,) = scenario.analysis.sweeps
    assert sweep == SweepSpec("shield_threat", 0.0, 8.0, 161)
    values = sweep.values()
    assert len(values) == 161 and values[0] == 0 and values[-1] == 8
    assert values[1] == pytest.approx(0.05)
    (grid,) = scenario.analysis.grids
    assert grid.x == SweepSpec("shield_threat", 0.0, 8.0, 81)
    assert grid.y == SweepSpec("sanction_cost", 0.0, 10.0, 101)
    assert scenario.analysis.monte_carlo == MonteCarloSpec(10_000, 1)


def test_doc_distributions() -> None:
    text = DOC_RULES.replace(
        "  shield_value: 3\n",
        "  shield_value:\n    value: 3\n"
        "    distribution: {triangular: {low: 1, mode: 3, high: 6}}\n"
        "  u: {value: 1, distribution: {uniform: {low: 0, high: 2}}}\n"
        "  b: {value: 0.5, distribution: {beta: {a: 2, b: 3}}}\n"
        "  ln: {value: 1, distribution: {lognormal: {mean: 0, sd: 0.5}}}\n",
    )
    scenario = load(text)
    rng = np.random.default_rng(0)
    kinds = {}
    for param in scenario.parameters:
        if param.distribution is not None:
            kinds[param.name] = param.distribution.kind
            draws = param.distribution.sample(rng, 2000)
            assert draws.shape == (2000,) and np.all(np.isfinite(draws))
    assert kinds == {
        "shield_threat": "normal",
        "shield_value": "triangular",
        "u": "uniform",
        "b": "beta",
        "ln": "lognormal",
    }
    beta = scenario.parameter("b").distribution
    assert beta is not None
    draws = beta.sample(rng, 5000)
    assert np.all((draws >= 0) & (draws <= 1))
    assert draws.mean() == pytest.approx(0.4, abs=0.02)


def doc_outcomes_text() -> str:
    """The doc's outcome row, completed to a full 2 x 2 x 2 table."""
    moves = [
        ("activate_shield", "hold_shield"),
        ("support_sanctions", "veto_sanctions"),
        ("halt_enrichment", "continue_enrichment"),
    ]
    rows = []
    for k, (us, russia, iran) in enumerate(itertools.product(*moves)):
        if (us, russia, iran) == ("activate_shield", "veto_sanctions", "continue_enrichment"):
            rows.append(
                "  - moves: {US: activate_shield, Russia: veto_sanctions, "
                "Iran: continue_enrichment}\n"
                "    payoffs: {US: -2, Russia: 1, Iran: 3}\n"
                "    label: Arms race\n"
            )
        else:
            rows.append(
                f"  - moves: {{US: {us}, Russia: {russia}, Iran: {iran}}}\n"
                f"    payoffs: {{US: {k}, Russia: -{k}, Iran: '{k} * half'}}\n"
            )
    return (
        "name: Doc outcomes\nparameters: {half: 0.5}\nplayers:\n"
        "  US: {moves: [activate_shield, hold_shield]}\n"
        "  Russia: {moves: [support_sanctions, veto_sanctions]}\n"
        "  Iran: {moves: [halt_enrichment, continue_enrichment]}\n"
        "outcomes:\n" + "".join(rows)
    )


def test_doc_outcomes_table() -> None:
    scenario = load(doc_outcomes_text())
    assert scenario.outcomes is not None and len(scenario.outcomes) == 8
    game = sim.build_game(scenario)
    assert payoffs_at(
        game, US="activate_shield", Russia="veto_sanctions", Iran="continue_enrichment"
    ) == (-2, 1, 3)
    # Row k (in product order) pays (k, -k, k / 2).
    assert payoffs_at(
        game, US="hold_shield", Russia="veto_sanctions", Iran="continue_enrichment"
    ) == (7, -7, 3.5)
    assert payoffs_at(
        game, US="activate_shield", Russia="support_sanctions", Iran="halt_enrichment"
    ) == (0, 0, 0)
    assert payoffs_at(
        game, US="hold_shield", Russia="support_sanctions", Iran="continue_enrichment"
    ) == (5, -5, 2.5)
    game = sim.build_game(scenario, {"half": 2})
    assert payoffs_at(
        game, US="hold_shield", Russia="veto_sanctions", Iran="continue_enrichment"
    ) == (7, -7, 14)
    moves = {"US": "activate_shield", "Russia": "veto_sanctions", "Iran": "continue_enrichment"}
    assert sim.outcome_label(scenario, moves) == "Arms race"


def test_outcome_rows_in_any_order_and_key_order() -> None:
    text = (
        "name: G\nplayers:\n  A: {moves: [x, y]}\n  B: {moves: [u, v]}\noutcomes:\n"
        "  - {moves: {B: v, A: y}, payoffs: {B: 4, A: 3}}\n"
        "  - {moves: {A: x, B: u}, payoffs: {A: 1, B: 2}}\n"
        "  - {payoffs: {A: 5, B: 6}, moves: {A: y, B: u}}\n"
        "  - {moves: {A: x, B: v}, payoffs: {A: 7, B: 8}}\n"
    )
    game = sim.build_game(load(text))
    np.testing.assert_array_equal(game.payoffs[0], [[1, 7], [5, 3]])
    np.testing.assert_array_equal(game.payoffs[1], [[2, 8], [6, 4]])


DOC_MATRIX = """\
name: Cuban missile crisis
payoff_scale: ordinal
players:
  US: {moves: [blockade, air_strike]}
  USSR: {moves: [withdraw, maintain]}
matrix:            # rows: first player's moves; columns: second player's
  - [[3, 3], [2, 4]]
  - [[4, 2], [1, 1]]
"""


def test_doc_matrix_example() -> None:
    scenario = load(DOC_MATRIX)
    assert scenario.ordinal
    game = sim.build_game(scenario)
    np.testing.assert_array_equal(game.payoffs[0], [[3, 2], [4, 1]])
    np.testing.assert_array_equal(game.payoffs[1], [[3, 4], [2, 1]])
    assert game.ordinal
    assert payoffs_at(game, US="air_strike", USSR="maintain") == (1, 1)


def test_doc_matrix_zero_sum_single_numbers() -> None:
    text = (
        "name: Zero-sum\nzero_sum: true\nparameters: {stake: 2}\n"
        "players:\n  Row: {moves: [a, b, c]}\n  Col: {moves: [d, e]}\n"
        "matrix:\n  - [stake, -stake]\n  - ['-stake * 2', 0]\n  - [[1, -1], 3]\n"
    )
    scenario = load(text)
    assert scenario.zero_sum
    game = sim.build_game(scenario)
    np.testing.assert_array_equal(game.payoffs[0], [[2, -2], [-4, 0], [1, 3]])
    np.testing.assert_array_equal(game.payoffs[1], -game.payoffs[0])
    game = sim.build_game(scenario, {"stake": 5})
    assert payoffs_at(game, Row="b", Col="d") == (-10, 10)


def test_doc_expression_examples() -> None:
    text = (
        "name: Expressions\n"
        "parameters: {shield_threat: 4, ties: 5, sanction_cost: 2, sanctions_bite: 0.7, a: 2}\n"
        "players:\n  A: {moves: [x, y]}\n  B: {moves: [x, y]}\n"
        "payoffs:\n"
        "  - add:\n"
        "      A: -shield_threat * 2 + min(ties, 3)\n"
        "      B: sanction_cost if sanctions_bite > 0.5 else 0\n"
        "  - when: {A: y}\n"
        "    add:\n"
        "      A: (a > 1) + (a >= 2) + (a == 2) + (a != 2) + (1 < a < 3) + (a <= 1)\n"
        "      B: sqrt(a * 8) + abs(-a) + log(exp(a)) + max(a, 1, 7) - 2 ** 3 + 7 / 2 - +a\n"
    )
    scenario = load(text)
    game = sim.build_game(scenario)
    # -4 * 2 + min(5, 3) = -5; 2 if 0.7 > 0.5
    assert payoffs_at(game, A="x", B="y") == (-5, 2)
    # comparisons give 1.0/0.0: 1 + 1 + 1 + 0 + 1 + 0 = 4;  4 + 2 + 2 + 7 - 8 + 3.5 - 2 = 8.5
    assert payoffs_at(game, A="y", B="x") == pytest.approx((-5 + 4, 2 + 8.5))
    game = sim.build_game(scenario, {"sanctions_bite": 0.2, "ties": 1})
    assert payoffs_at(game, A="x", B="x") == (-7, 0)


DOC_SEQUENCE = """\
name: Doc sequence
parameters:
  p_advanced: 0.3
  sanction_cost: 4
players:
  US:
  Russia:
  Iran:
sequence:
  - id: offer                 # optional; defaults to the player's name
    player: US
    moves: [offer_deal, no_deal]
  - player: Russia
    moves: [support_sanctions, veto_sanctions]
  - chance: capability        # nature moves; its id is this name
    outcomes: {advanced: p_advanced, limited: 1 - p_advanced}
  - player: Iran
    moves: [halt_enrichment, continue_enrichment]
    observes: [Russia]        # default: every earlier stage
  - id: switch_on
    player: US
    moves: [activate_shield, keep_off]
    when: {offer: offer_deal} # the stage happens only on these histories
payoffs:
  - label: Active shield threatens Russia's deterrent
    when: {switch_on: activate_shield}
    add: {US: 2, Russia: -3}
  - label: Shield kept off
    when: {switch_on: keep_off}
    add: {Russia: 1}
  - when: {Russia: support_sanctions, Iran: continue_enrichment}
    add: {Iran: -sanction_cost}
  - when: {capability: advanced, Iran: [continue_enrichment]}
    add: {US: -4, Iran: 1}
labels:
  - when: {Russia: support_sanctions, Iran: halt_enrichment}
    name: Grand bargain
"""


def history_payoffs(scenario: Scenario, history: Mapping[str, str]) -> dict[str, float]:
    """Sum the rules whose `when` holds on ``history`` (at the default parameters)."""
    env = parameter_env(scenario.parameters)
    total = dict.fromkeys(scenario.player_names, 0.0)
    for rule in scenario.payoff_rules or ():
        if rule.when.holds(history):
            for player, formula in rule.add:
                total[player] += float(formula.evaluate(env))
    return total


def test_doc_sequence_example() -> None:
    scenario = load(DOC_SEQUENCE)
    assert scenario.kind == "sequential"
    assert scenario.player_names == ("US", "Russia", "Iran")
    stages = scenario.sequence
    assert stages is not None
    assert [s.id for s in stages] == ["offer", "Russia", "capability", "Iran", "switch_on"]
    assert [s.player for s in stages] == ["US", "Russia", None, "Iran", "US"]
    assert stages[2].is_chance and not stages[0].is_chance
    assert stages[1].observes == ("offer",)  # default: every earlier stage
    assert stages[3].observes == ("Russia",)
    assert stages[4].observes == ("offer", "Russia", "capability", "Iran")
    assert stages[4].when.as_dict() == {"offer": ("offer_deal",)}
    env = parameter_env(scenario.parameters)
    assert stages[2].chance is not None
    probs = {name: float(f.evaluate(env)) for name, f in stages[2].chance}
    assert probs == pytest.approx({"advanced": 0.3, "limited": 0.7})
    # offer_deal: 2 * 2 * 2 * 2 histories; no_deal skips switch_on: 2 * 2 * 2.
    histories = enumerate_histories(stages)
    assert len(histories) == 24
    assert sum("switch_on" in h for h in histories) == 16
    assert all(("switch_on" in h) == (h["offer"] == "offer_deal") for h in histories)


def test_doc_sequence_payoffs_by_hand() -> None:
    scenario = load(DOC_SEQUENCE)
    deal = {
        "offer": "offer_deal",
        "Russia": "support_sanctions",
        "capability": "advanced",
        "Iran": "continue_enrichment",
        "switch_on": "activate_shield",
    }
    # US: 2 - 4; Russia: -3; Iran: -4 + 1
    assert history_payoffs(scenario, deal) == {"US": -2, "Russia": -3, "Iran": -3}
    # No deal: switch_on never happens, so neither shield rule holds there.
    no_deal = {
        "offer": "no_deal",
        "Russia": "veto_sanctions",
        "capability": "limited",
        "Iran": "halt_enrichment",
    }
    assert history_payoffs(scenario, no_deal) == {"US": 0, "Russia": 0, "Iran": 0}
    kept_off = {**deal, "switch_on": "keep_off", "capability": "limited"}
    assert history_payoffs(scenario, kept_off) == {"US": 0, "Russia": 1, "Iran": -4}
    # The game tree has one leaf per complete history, with these payoffs.
    by_hand = sorted(
        tuple(history_payoffs(scenario, h).values()) for h in enumerate_histories(scenario.sequence)
    )
    built = sorted(tuple(float(v) for v in row) for row in extensive_payoffs(scenario))
    assert built == by_hand
    assert scenario.label_for({**no_deal, "Russia": "support_sanctions"}) == "Grand bargain"
    assert scenario.label_for(no_deal) is None


DOC_TREE = """\
name: Doc tree
parameters: {p_advanced: 0.3}
players: {US: , Russia: , Iran: }
tree:
  player: US
  moves:
    offer_deal:
      player: Russia
      infoset: r1            # nodes sharing a label share an information set
      moves:
        support: {payoffs: {US: 3, Russia: 1, Iran: -2}, label: Grand bargain}
        veto:
          chance: {advanced: p_advanced, limited: 1 - p_advanced}
          moves:
            advanced: {payoffs: {US: -4, Russia: 0, Iran: 2}}
            limited: {payoffs: {US: -1, Russia: 0, Iran: 1}}
    no_deal: {payoffs: {US: 0, Russia: -1, Iran: 0}}
"""


def test_doc_tree_example() -> None:
    scenario = load(DOC_TREE)
    assert scenario.kind == "sequential"
    root = scenario.tree
    assert root is not None
    assert root.player == "US" and root.moves == ("offer_deal", "no_deal")
    offer = dict(root.children)["offer_deal"]
    assert offer.player == "Russia" and offer.infoset == "r1"
    env = parameter_env(scenario.parameters)

    def leaf(node) -> tuple[float, ...]:  # type: ignore[no-untyped-def]
        assert node.is_leaf
        return tuple(float(f.evaluate(env)) for _, f in node.payoffs)

    support = dict(offer.children)["support"]
    assert leaf(support) == (3, 1, -2)
    assert support.label == "Grand bargain"
    veto = dict(offer.children)["veto"]
    assert veto.chance is not None
    assert {k: float(f.evaluate(env)) for k, f in veto.chance} == pytest.approx(
        {"advanced": 0.3, "limited": 0.7}
    )
    assert leaf(dict(veto.children)["advanced"]) == (-4, 0, 2)
    assert leaf(dict(veto.children)["limited"]) == (-1, 0, 1)
    assert leaf(dict(root.children)["no_deal"]) == (0, -1, 0)
    built = sorted(tuple(float(v) for v in row) for row in extensive_payoffs(scenario))
    assert built == sorted([(3, 1, -2), (-4, 0, 2), (-1, 0, 1), (0, -1, 0)])
    # Leaf payoffs are stored in player order whatever the order written.
    text = DOC_TREE.replace("{US: 0, Russia: -1, Iran: 0}", "{Iran: 9, US: 7, Russia: 8}")
    no_deal = dict(load(text).tree.children)["no_deal"]  # type: ignore[union-attr]
    assert [p for p, _ in no_deal.payoffs] == ["US", "Russia", "Iran"]
    assert leaf(no_deal) == (7, 8, 9)


def test_sequential_scenario_has_no_payoff_tensor() -> None:
    scenario = load(DOC_TREE)
    with pytest.raises(ValueError):
        sim.payoff_tensor(scenario, parameter_env(scenario.parameters))


# --------------------------------------------------------------------------- derived parameters

DERIVED = """\
name: Derived
parameters:
  a: 1
  b: a * 3
  c: {value: b + a, range: [0, 100]}
players:
  P: {moves: [x, y]}
  Q: {moves: [x, y]}
payoffs:
  - add: {P: b, Q: c}
"""


def test_derived_parameter_is_recomputed() -> None:
    scenario = load(DERIVED)
    params = scenario.parameters
    assert [p.derived for p in params] == [False, True, True]
    assert parameter_env(params) == {"a": 1, "b": 3, "c": 4}
    assert parameter_env(params, {"a": 2}) == {"a": 2, "b": 6, "c": 8}
    # b overridden itself: kept; c still follows a and b.
    assert parameter_env(params, {"a": 2, "b": 10}) == {"a": 2, "b": 10, "c": 12}
    assert parameter_env(params, {"c": -1}) == {"a": 1, "b": 3, "c": -1}
    game = sim.build_game(scenario, {"a": 2})
    assert payoffs_at(game, P="x", Q="y") == (6, 8)
    assert game.parameters == {"a": 2, "b": 6, "c": 8}


def test_derived_parameter_defined_before_its_inputs() -> None:
    text = DERIVED.replace("  a: 1\n  b: a * 3\n", "  b: a * 3\n  a: 1\n")
    scenario = load(text)
    assert parameter_env(scenario.parameters, {"a": 5}) == {"a": 5, "b": 15, "c": 20}


def test_derived_parameter_nan_at_an_override_is_a_located_error() -> None:
    text = (
        "name: G\nparameters:\n  a: 1\n  b: log(a)\n"
        "players:\n  P: {moves: [x, y]}\n  Q: {moves: [x, y]}\npayoffs:\n  - add: {P: b}\n"
    )
    scenario = load(text)
    with pytest.raises(ScenarioError) as info:
        parameter_env(scenario.parameters, {"a": 0})
    (d,) = info.value.diagnostics
    assert (d.location.line, d.location.col) == (4, 6)
    assert d.path == "parameters.b"
    assert "infinite at a=0" in d.message


# --------------------------------------------------------------------------- batches


def check_batch(scenario: Scenario, name: str, values: np.ndarray, points: int = 20) -> None:
    env = parameter_env(scenario.parameters, {name: values})
    assert batch_size(env) == len(values)
    tensor = sim.payoff_tensor(scenario, env)
    shape = tuple(len(p.moves) for p in scenario.players)
    assert tensor.shape == (len(values), len(shape), *shape)
    assert np.all(np.isfinite(tensor))
    picks = np.linspace(0, len(values) - 1, points).astype(int)
    for i in picks:
        single = sim.build_game(scenario, {name: float(values[i])}).payoffs
        np.testing.assert_allclose(tensor[i], single, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    ("source", "name", "low", "high"),
    [
        ("missile_shield", "shield_threat", 0, 8),
        ("missile_shield", "iran_ties", 0, 6),
        ("prisoners_dilemma", "temptation", 3, 8),
        ("chicken", "crash", -20, -1),
        ("volunteers_dilemma", "cost", 0, 4),
        ("DERIVED", "a", -5, 5),
        ("DOC_RULES", "sanction_cost", 0, 10),
        ("DOC_OUTCOMES", "half", -1, 1),
    ],
)
def test_batch_equals_loop(source: str, name: str, low: float, high: float) -> None:
    texts = {"DERIVED": DERIVED, "DOC_RULES": DOC_RULES, "DOC_OUTCOMES": doc_outcomes_text()}
    scenario = load(texts[source]) if source in texts else sim.load_scenario(source)
    values = np.linspace(low, high, 10_000)
    check_batch(scenario, name, values)


def test_batch_of_two_parameters_and_a_derived_one() -> None:
    scenario = load(DERIVED)
    rng = np.random.default_rng(3)
    a = rng.uniform(-3, 3, 10_000)
    env = parameter_env(scenario.parameters, {"a": a})
    np.testing.assert_allclose(env["b"], a * 3)
    np.testing.assert_allclose(env["c"], a * 4)
    tensor = sim.payoff_tensor(scenario, env)
    assert tensor.shape == (10_000, 2, 2, 2)
    np.testing.assert_allclose(tensor[:, 0, 1, 0], a * 3)
    np.testing.assert_allclose(tensor[:, 1, 0, 1], a * 4)
    b = rng.uniform(-3, 3, 10_000)
    tensor = sim.payoff_tensor(scenario, parameter_env(scenario.parameters, {"a": a, "b": b}))
    np.testing.assert_allclose(tensor[:, 0, 0, 0], b)
    np.testing.assert_allclose(tensor[:, 1, 0, 0], a + b)


def test_batch_with_a_nonfinite_point_names_it() -> None:
    text = "name: G\nparameters: {z: 1}\nplayers:\n  A: {moves: [x, y]}\n  B: {moves: [x, y]}\n"
    scenario = load(text + "payoffs:\n  - add: {A: 1/z}\n")
    z = np.linspace(-1, 1, 101)  # includes 0 at index 50
    with pytest.raises(ScenarioError) as info:
        sim.payoff_tensor(scenario, parameter_env(scenario.parameters, {"z": z}))
    (d,) = info.value.diagnostics
    assert (d.location.line, d.location.col) == (7, 14)
    assert "infinite at z=0" in d.message


def test_scalar_env_gives_no_batch_axis() -> None:
    scenario = sim.load_scenario("missile_shield")
    tensor = sim.payoff_tensor(scenario, parameter_env(scenario.parameters))
    assert tensor.shape == (3, 2, 2, 2)
    np.testing.assert_array_equal(tensor, sim.build_game(scenario).payoffs)


# --------------------------------------------------------------------------- --set parsing


@pytest.fixture(scope="module")
def pd_params():  # type: ignore[no-untyped-def]
    return sim.load_scenario("prisoners_dilemma").parameters


def test_set_parsing_good(pd_params) -> None:  # type: ignore[no-untyped-def]
    assert parse_overrides([], pd_params) == {}
    assert parse_overrides(["temptation=9"], pd_params) == {"temptation": 9.0}
    assert parse_overrides([" reward = 2.5 ", "sucker=-1e-1"], pd_params) == {
        "reward": 2.5,
        "sucker": -0.1,
    }
    assert parse_overrides(["temptation=1", "temptation=2"], pd_params) == {"temptation": 2.0}


@pytest.mark.parametrize(
    ("item", "words"),
    [
        ("temptaton=1", "unknown parameter 'temptaton' (did you mean 'temptation'?)"),
        ("nosuch=1", "known: temptation, reward, punishment, sucker"),
        ("temptation=abc", "'abc' is not a number"),
        ("temptation=", "is not a number"),
        ("temptation", "expected NAME=VALUE"),
        ("=3", "expected NAME=VALUE"),
        ("temptation=nan", "finite"),
        ("temptation=inf", "finite"),
        ("temptation=-Infinity", "finite"),
        ("temptation=1e999", "finite"),
    ],
)
def test_set_parsing_errors(pd_params, item: str, words: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError) as info:
        parse_overrides([item], pd_params)
    assert words in str(info.value)
    assert info.value.exit_status == 2


def test_set_on_a_scenario_without_parameters() -> None:
    params = sim.load_scenario("matching_pennies").parameters
    with pytest.raises(UsageError, match="known: none"):
        parse_overrides(["x=1"], params)


def test_formulas_remember_where_they_were_written() -> None:
    """Formulas keep their file position and key path (used for located NaN errors)."""
    scenario = load(DOC_RULES)
    rules = scenario.payoff_rules
    assert rules is not None
    (us, us_value), (russia, russia_value) = rules[0].add
    assert (us, russia) == ("US", "Russia")
    line = DOC_RULES.splitlines()[19]
    assert line == "    add: {US: shield_value, Russia: -shield_threat}"
    assert (us_value.location.line, us_value.location.col) == (20, 15)
    assert (russia_value.location.line, russia_value.location.col) == (20, 37)
    assert us_value.path == "payoffs[0].add.US"
    assert str(russia_value) == "-shield_threat"
    assert math.isclose(float(scenario.parameter("p_advanced").formula.evaluate({})), 0.3)


def test_repo_scenarios_folder_is_the_bundled_one() -> None:
    assert sorted(p.name for p in (REPO / "scenarios").glob("*.yaml")) == sorted(
        p.name for p in BUNDLED
    )
