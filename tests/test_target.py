"""``sim target``: known answers by hand, exactness, margins, payments, JSON and the CLI."""

from __future__ import annotations

import doctest
import json

import pytest

import sim
import sim.analysis.target_search
import sim.games.affinity
import sim.report.target
import sim.solvers.target.lp
from sim.analysis.target import TargetResult, solve_target
from sim.analysis.target_model import make_problem
from sim.cli.main import main

GAME = """
name: Two by two with a target
parameters:
  x: {value: 0, range: [0, 4]}
  y: {value: 0, range: [0, 10]}
  z: 1
players:
  Row: {moves: [up, down]}
  Col: {moves: [left, right]}
payoffs:
  - when: {Row: up, Col: left}
    add: {Row: "{row}", Col: "{col}"}
  - when: {Row: down, Col: left}
    add: {Row: 2}
labels:
  - when: {Row: up, Col: left}
    name: Target
"""


def game(row: str = "x + y", col: str = "1", extra: str = "") -> sim.Scenario:
    text = GAME.replace("{row}", row).replace("{col}", col) + extra
    return sim.load_scenario_text(text, "two.yaml")


def target(scenario: sim.Scenario, vary: list[str], **kw: object) -> TargetResult:
    options = {"outcome": "Target", "moves": None, "base": {}, "concept": None}
    options.update({"margin": 0.0, "transfers": False})
    options.update(kw)
    return solve_target(make_problem(scenario, varied=vary, **options))  # type: ignore[arg-type]


def test_module_examples_run() -> None:
    for module in (sim.games.affinity, sim.solvers.target.lp, sim.report.target):
        assert doctest.testmod(module).failed == 0


def test_known_answer_simultaneous_each_alone_and_together() -> None:
    # Row needs x + y >= 2 at (up, left); x costs 1/4 per unit, y 1/10.
    result = target(game(), ["x", "y"])
    main = result.answer
    assert main.feasible and main.exact and result.affine
    assert main.values == pytest.approx((0.0, 2.0), abs=1e-9)
    assert main.cost == pytest.approx(0.2, abs=1e-9)
    alone = {a.names[0]: a for a in result.single}
    assert alone["x"].values == pytest.approx((2.0,), abs=1e-9)
    assert alone["x"].cost == pytest.approx(0.5, abs=1e-9)
    assert alone["y"].values == pytest.approx((2.0,), abs=1e-9)


def test_strict_margin_moves_the_answer() -> None:
    result = target(game(), ["x"], margin=1.0)
    assert result.answer.values == pytest.approx((3.0,), abs=1e-9)
    assert result.answer.loss is not None and result.answer.loss >= 1.0 - 1e-9
    # Col's own margin is 1 (1 against 0): a margin above it cannot be had by moving x.
    assert not target(game(), ["x"], margin=1.5).answer.feasible


def test_out_of_range_is_infeasible_with_null_cost() -> None:
    result = target(game(row="x - 5"), ["x"])
    assert not result.answer.feasible and result.answer.exact
    doc = sim.report.target.target_document(result)
    assert doc["feasible"] is False and doc["cost"] is None


def test_transfers_any_to_any_and_along_negotiation() -> None:
    # Row needs +2 at the target; Col has 5 there and 0 off it, so Col can pay 2.
    result = target(game(row="0", col="5"), [], transfers=True)
    assert result.answer.feasible and result.answer.exact
    assert result.answer.transfers == (("Col", "Row", pytest.approx(2.0, abs=1e-9)),)
    assert result.answer.cost == pytest.approx(2.0, abs=1e-9)
    # Col has only 1 to give (1 against 0 off the target): payments alone cannot do it.
    assert not target(game(row="0", col="1"), [], transfers=True).answer.feasible
    # Along negotiation.transfers with rate 1/2: Col pays 4 so that Row gets 2.
    listed = "negotiation:\n  transfers:\n    - {from: Col, to: Row, rate: 0.5, max: 5}\n"
    result = target(game(row="0", col="5", extra=listed), [], transfers=True)
    assert result.answer.transfers == (("Col", "Row", pytest.approx(4.0, abs=1e-9)),)
    capped = listed.replace("max: 5", "max: 3")
    assert not target(game(row="0", col="5", extra=capped), [], transfers=True).answer.feasible


def test_transfers_with_vary_add_the_costs() -> None:
    # x costs 1/4 per unit, a payment 1 per unit: moving x is cheaper.
    result = target(game(row="x", col="5"), ["x"], transfers=True)
    assert result.answer.values == pytest.approx((2.0,), abs=1e-9)
    assert result.answer.transfers == ()
    assert result.answer.cost == pytest.approx(0.5, abs=1e-9)


def test_already_an_equilibrium_costs_nothing() -> None:
    result = target(game(), ["x"], base={"y": 3.0})
    assert result.answer.cost == 0.0
    assert "already" in sim.report.target.target_text(result)


@pytest.mark.parametrize("row", ["min(x, 3)", "x ** 2 / 2", "x * x / 2"])
def test_non_affine_payoffs_are_searched_and_marked(row: str) -> None:
    result = target(game(row=row), ["x"])
    assert not result.affine and not result.answer.exact
    assert result.reason
    assert result.answer.values == pytest.approx((2.0,), abs=1e-6)  # Row needs 2 at the target


def test_derived_parameters_are_followed() -> None:
    derived = GAME.replace("  z: 1\n", "  z: 1\n  w: 2 * x\n")
    scenario = sim.load_scenario_text(derived.replace("{row}", "w").replace("{col}", "1"), "d.yaml")
    result = target(scenario, ["x"])
    assert result.affine and result.answer.exact
    assert result.answer.values == pytest.approx((1.0,), abs=1e-9)
    squared = derived.replace("w: 2 * x", "w: x * x").replace("{row}", "w").replace("{col}", "1")
    result = target(sim.load_scenario_text(squared, "d.yaml"), ["x"])
    assert not result.affine
    assert result.answer.values == pytest.approx((2.0**0.5,), abs=1e-6)


def test_moves_instead_of_a_label() -> None:
    scenario = game()
    by_moves = target(scenario, ["y"], outcome=None, moves={"Row": "up", "Col": "left"})
    assert by_moves.answer.values == pytest.approx((2.0,), abs=1e-9)
    assert by_moves.outcome == "Row=up, Col=left"


ENTRY = "entry_deterrence"


def test_known_answer_sequential_needs_an_off_path_threat() -> None:
    # The entrant stays out when entering (met by sharing, shared_profit > -war_loss = -1)
    # gives it at most 0: shared_profit <= 0 (a tie at 0 is one SPE).
    scenario = sim.load_scenario(ENTRY)
    result = target(scenario, ["shared_profit"], outcome="Entry deterred")
    assert result.concept == "subgame_perfect" and result.answer.exact
    assert result.answer.values == pytest.approx((0.0,), abs=1e-9)
    assert result.answer.cost == pytest.approx(2.0 / 6.0, abs=1e-9)
    # Margin 0.5 on the path: entering must give the entrant at most -0.5.
    strict = target(scenario, ["shared_profit"], outcome="Entry deterred", margin=0.5)
    assert strict.answer.values == pytest.approx((-0.5,), abs=1e-9)
    # With monopoly_profit and war_loss only, sharing (2) always beats staying out (0).
    both = target(scenario, ["monopoly_profit", "war_loss"], outcome="Entry deterred")
    assert not both.answer.feasible
    # Payments made when entry is deterred: the incumbent (4 there) pays the entrant 2.
    paid = target(scenario, [], outcome="Entry deterred", transfers=True)
    assert paid.answer.transfers == (("Incumbent", "Entrant", pytest.approx(2.0, abs=1e-9)),)


def test_sequential_payments_along_negotiation_transfers() -> None:
    # The entrant must get 2 more when it stays out; the incumbent pays at rate 1/2.
    text = sim.load_scenario(ENTRY).path
    with open(text, encoding="utf-8") as handle:
        body = handle.read()
    listed = "negotiation:\n  transfers:\n    - {from: Incumbent, to: Entrant, rate: 0.5, max: 5}\n"
    scenario = sim.load_scenario_text(body + listed, "entry.yaml")
    paid = target(scenario, [], outcome="Entry deterred", transfers=True)
    assert paid.answer.exact
    assert paid.answer.transfers == (("Incumbent", "Entrant", pytest.approx(4.0, abs=1e-9)),)
    capped = sim.load_scenario_text(body + listed.replace("max: 5", "max: 3"), "entry.yaml")
    assert not target(capped, [], outcome="Entry deterred", transfers=True).answer.feasible


def test_sequential_payments_on_the_path() -> None:
    # Shared market is the SPE; 'Price war' needs the incumbent to fight and the entrant to enter.
    scenario = sim.load_scenario(ENTRY)
    result = target(scenario, ["monopoly_profit"], outcome="Shared market")
    assert result.answer.cost == 0.0
    listed = target(scenario, ["war_loss"], outcome="Price war")
    assert not listed.answer.feasible  # the entrant never enters into a war it loses


def test_json_document_matches_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["target", "missile_shield", "--outcome", "Grand bargain", "--vary",
         "deal_value,iran_ties,sanction_cost", "--set", "iran_ties=4", "--json"]
    )  # fmt: skip
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    for key in ("outcome", "concept", "feasible", "cost", "parameters", "transfers", "exact"):
        assert key in doc
    assert doc["outcome"] == "Grand bargain" and doc["concept"] == "pure_nash"
    assert doc["feasible"] is True and doc["exact"] is True
    assert doc["parameters"]["deal_value"] == {"from": 3.0, "to": pytest.approx(4.0)}
    assert doc["cost"] == pytest.approx(1.0 / 6.0)
    assert doc["transfers"] == []


def test_cli_sentences_and_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["target", "missile_shield", "--outcome", "Grand bargain", "--set", "iran_ties=4"]
    assert main([*args, "--vary", "deal_value,iran_ties,sanction_cost"]) == 0
    out = capsys.readouterr().out
    assert "'Grand bargain' becomes a pure Nash equilibrium if deal_value rises from 3 to 4" in out
    assert "or if iran_ties falls from 4 to 3" in out
    assert "sanction_cost alone cannot do it" in out
    assert main(args) == 2  # neither --vary nor --transfers
    assert main([*args, "--vary", "nope"]) == 2
    assert "unknown parameter 'nope'" in capsys.readouterr().err
    assert main(["target", "missile_shield", "--outcome", "Nope", "--vary", "deal_value"]) == 2
    assert main(["target", "entry_deterrence", "--outcome", "Price war", "--vary",
                 "war_loss", "--concept", "pure_nash"]) == 2  # fmt: skip
