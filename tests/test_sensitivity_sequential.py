"""Sweeps, flip points, grids, Monte Carlo and tornado runs of sequential games (SPE), and
two fixes in sequential solving (duplicate strategic-form equilibria, completeness flags)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.analysis.batch import solve_batch
from sim.analysis.montecarlo import monte_carlo
from sim.analysis.predict import predict
from sim.analysis.sequential import solve_sequential
from sim.analysis.sequential_batch import SequentialBatch, solve_sequential_batch
from sim.analysis.sweep import grid, sweep
from sim.analysis.thresholds import find_thresholds, threshold_sentence
from sim.analysis.tornado import tornado
from sim.cli.main import main
from sim.errors import RequestError
from sim.games.extensive import evaluate
from sim.report.sensitivity import sweep_csv, sweep_json, sweep_text
from sim.report.sequential_json import equilibrium_outcomes, sequential_document
from sim.report.sequential_report import sequential_text
from sim.scenario.parameters import parameter_env
from sim.solvers.extensive.backward_induction import backward_induction_batch

ENTRY = "entry_deterrence"
DEAL = "missile_shield_deal"


def load(name: str) -> sim.Scenario:
    return sim.load_scenario(name)


# --------------------------------------------------------------------------- flip points


@pytest.mark.parametrize("war_loss", [0.5, 1.0, 2.5])
def test_entry_deterrence_flips_known_in_closed_form(war_loss: float) -> None:
    # After entry the incumbent accommodates iff shared_profit > -war_loss (an off-path
    # change of plan while the entrant stays out); the entrant enters iff shared_profit > 0.
    result = find_thresholds(load(ENTRY), "shared_profit", -4.0, 4.0, base={"war_loss": war_loss})
    assert [t.value for t in result.thresholds] == pytest.approx([-war_loss, 0.0], abs=1e-12)
    off, on = result.thresholds
    assert (off.before_name, off.after_name) == ("Entry deterred", "Entry deterred")
    assert (on.before_name, on.after_name) == ("Entry deterred", "Shared market")
    text = threshold_sentence(result, off)
    assert text.startswith(
        "Incumbent switches from fight to accommodate at Incumbent@Entrant=enter when "
        f"shared_profit rises above {-war_loss:g}"
    )
    assert "off the equilibrium path" in text
    text = threshold_sentence(result, on, current=2.0)
    assert "Entrant switches from enter to stay_out at Entrant@Entrant" in text
    assert "falls below 0" in text and "from Shared market to Entry deterred" in text


def test_default_entry_flip_is_exactly_minus_war_loss() -> None:
    result = find_thresholds(load(ENTRY), "shared_profit", -2.0, 4.0)
    assert [t.value for t in result.thresholds] == [-1.0, 0.0]


def test_missile_deal_sanction_flips_known_in_closed_form() -> None:
    scenario = load(DEAL)
    env = parameter_env(scenario.parameters)
    result = find_thresholds(scenario, "sanction_cost", 0.0, 10.0)
    # Under UN sanctions a limited Iran halts iff sanction_cost > enrichment_value, an
    # advanced one iff sanction_cost > enrichment_value + advanced_value - missile_blunting.
    expected = [
        env["enrichment_value"],
        env["enrichment_value"] + env["advanced_value"] - env["missile_blunting"],
    ]
    assert [t.value for t in result.thresholds] == pytest.approx(expected, abs=1e-12)
    sentence = threshold_sentence(result, result.thresholds[0], current=5.0)
    assert (
        "Russia switches from support_sanctions to veto_sanctions at Russia@offer=offer_deal"
        in (sentence)
    )
    assert "when sanction_cost falls below 3" in sentence
    assert "Deadlock at the UN" in sentence


def test_sweep_where_nothing_changes_reports_no_flip(capsys: pytest.CaptureFixture[str]) -> None:
    # With Washington's estimate adopted (moscow_weight = 0), Moscow's does not matter.
    assert find_thresholds(load(DEAL), "russia_estimate", 0.0, 1.0).thresholds == ()
    assert main(["thresholds", DEAL, "russia_estimate"]) == 0
    out = capsys.readouterr().out
    assert "Nothing changes: the same subgame-perfect plan and outcome hold" in out


def test_a_chance_outcome_that_becomes_possible_is_a_flip() -> None:
    result = find_thresholds(load(DEAL), "us_estimate", 0.0, 1.0)
    first = result.thresholds[0]
    assert first.value == 0.0
    assert (first.before_name, first.after_name) == (
        "Grand bargain",
        "Deal invoked - shield switched on + Grand bargain",
    )
    assert "no player changes its plan" in threshold_sentence(result, first)


# --------------------------------------------------------------------------- batch vs point


def test_batch_spe_equals_solve_sequential_at_20_points() -> None:
    scenario = load(DEAL)
    rng = np.random.default_rng(4)
    names = ["us_estimate", "sanction_cost", "deal_value", "iran_ties", "shield_value"]
    points = {
        n: rng.uniform(*scenario.parameter(n).range, size=20)  # type: ignore[misc]
        for n in names
    }
    batch = solve_batch(scenario, points)
    assert isinstance(batch, SequentialBatch)
    doc_entries = json.loads(sweep_json(sweep_like(batch)))["points"]
    for b in range(20):
        overrides = {n: float(points[n][b]) for n in names}
        solved = solve_sequential(scenario, overrides, concepts=["subgame_perfect"])
        first = solved.subgame_perfect[0]
        game = solved.game
        plan = tuple(int(np.argmax(x)) for x in first.behaviour)
        assert batch.plan(b) == plan
        np.testing.assert_allclose(batch.expected[:, b], first.payoffs, atol=1e-12)
        odds: dict[str, float] = {}
        for leaf, p in equilibrium_outcomes(game, solved.values, first.behaviour):
            label = game.leaf_label(leaf) or ""
            odds[label] = odds.get(label, 0.0) + p
        got = {
            n: float(p)
            for n, p in zip(batch.outcome_names, batch.outcome_probs[:, b], strict=True)
            if p > 1e-12
        }
        assert got == pytest.approx(odds, abs=1e-12)
        assert batch.names[b] == " + ".join(n for n in batch.outcome_names if n in odds)
        # The sweep JSON entry is the `sim solve --json` entry of that SPE.
        want = sequential_document(scenario, solved)["equilibria"][0]
        entry = doc_entries[b]["equilibria"][0]
        assert entry["strategies"] == want["strategies"]
        assert entry["payoffs"] == pytest.approx(want["payoffs"], abs=1e-12)
        assert [o["moves"] for o in entry["outcomes"]] == [o["moves"] for o in want["outcomes"]]
        assert [o["label"] for o in entry["outcomes"]] == [o["label"] for o in want["outcomes"]]
        for mine, theirs in zip(entry["outcomes"], want["outcomes"], strict=True):
            assert mine["probability"] == pytest.approx(theirs["probability"], abs=1e-12)
            assert mine["payoffs"] == pytest.approx(theirs["payoffs"], abs=1e-12)
        assert entry["concept"] == "subgame_perfect" and entry["subgame_perfect"] is True
        assert batch.regret[b] <= 1e-9


def sweep_like(batch: SequentialBatch):  # type: ignore[no-untyped-def]
    from sim.analysis.sweep import SweepResult

    values = np.arange(batch.size, dtype=float)
    return SweepResult("point", values, batch, predict(batch))


@pytest.mark.parametrize("seed", range(12))
def test_batch_on_random_trees_takes_the_first_spe(seed: int) -> None:
    from gambit_helpers import load_text, random_tree_scenario

    from sim.solvers.extensive.backward_induction import all_pure_spe

    rng = np.random.default_rng(seed)
    scenario = load_text(random_tree_scenario(rng, players=3, nodes=14, moves=(1, 3)))
    batch = solve_sequential_batch(scenario, {})
    solved = solve_sequential(scenario, concepts=["subgame_perfect"])
    first = all_pure_spe(solved.game, solved.values).equilibria[0]
    assert batch.plan(0) == first.choices
    np.testing.assert_allclose(batch.expected[:, 0], first.payoffs, atol=1e-12)
    assert batch.regret[0] <= 1e-9
    reach = batch.leaf_reach()[:, 0]
    assert reach.sum() == pytest.approx(1.0)
    for leaf, p in equilibrium_outcomes(
        solved.game, solved.values, solved.subgame_perfect[0].behaviour
    ):
        row = int(solved.game.leaf_row[leaf])
        assert reach[row] == pytest.approx(p, abs=1e-12)


def test_column_solver_matches_the_batch_layout() -> None:
    scenario = load(DEAL)
    xs = np.linspace(0, 1, 4001)  # more points than one chunk
    batch = solve_sequential_batch(scenario, {"us_estimate": xs})
    game = batch.game
    env = parameter_env(scenario.parameters, {"us_estimate": xs})
    old = backward_induction_batch(game, evaluate(game, env))
    nodes = [h.nodes[0] for h in game.infosets]
    np.testing.assert_array_equal(old.choice[:, nodes].T, batch.plans)
    np.testing.assert_array_equal(old.tie[:, nodes].T, batch.ties)
    np.testing.assert_allclose(old.values[:, 0].T, batch.expected, atol=0)


def test_prediction_names_do_not_depend_on_probabilities() -> None:
    result = sweep(load(DEAL), "us_estimate", np.linspace(0.01, 0.24, 24))
    assert set(result.predictions.names) == {"Deal invoked - shield switched on + Grand bargain"}
    odds = result.batch.outcome_probs  # type: ignore[union-attr]
    assert odds.sum(axis=0) == pytest.approx(np.ones(24))


def test_ties_are_flagged_and_noted() -> None:
    result = sweep(load(ENTRY), "shared_profit", np.linspace(-2, 4, 61))
    batch = result.batch
    assert isinstance(batch, SequentialBatch)
    tied = result.values[batch.tie_points()]
    assert tied == pytest.approx([-1.0, 0.0], abs=1e-12)
    text = sweep_text(result, None, None)
    assert "other subgame-perfect equilibria exist there" in text
    assert "Incumbent@Entrant=enter" in text


def test_concepts_other_than_spe_are_refused() -> None:
    with pytest.raises(RequestError, match="subgame-perfect"):
        sweep(load(ENTRY), "shared_profit", np.linspace(0, 1, 3), concepts=("pure_nash",))


def test_imperfect_information_is_refused() -> None:
    with pytest.raises(RequestError, match="imperfect information are not supported yet"):
        solve_batch(load("one_card_poker"), {"x": np.zeros(2)})


# --------------------------------------------------------------------------- grid, MC, tornado


def test_grid_of_entry_deterrence() -> None:
    xs = np.linspace(-2.05, 3.95, 13)
    ys = np.linspace(0.25, 4.75, 7)
    result = grid(load(ENTRY), ("shared_profit", xs), ("war_loss", ys))
    assert result.regions.shape == (7, 13)
    names = np.array(result.labels, dtype=object)[result.regions]
    expected = np.where(xs > 0, "Shared market", "Entry deterred")
    assert (names == expected[None, :]).all()


def test_monte_carlo_is_reproducible() -> None:
    scenario = load(DEAL)
    a = monte_carlo(scenario, samples=3000, seed=5)
    b = monte_carlo(scenario, samples=3000, seed=5)
    c = monte_carlo(scenario, samples=3000, seed=6)
    assert [(o.name, o.count) for o in a.outcomes] == [(o.name, o.count) for o in b.outcomes]
    assert [(o.name, o.count) for o in a.outcomes] != [(o.name, o.count) for o in c.outcomes]
    assert sum(o.count for o in a.outcomes) == 3000
    assert a.influence[0][0] in a.drawn
    assert isinstance(a.batch, SequentialBatch)


def test_monte_carlo_names_match_point_solutions() -> None:
    scenario = load(DEAL)
    result = monte_carlo(scenario, samples=40, seed=3)
    names = predict(result.batch).names
    for b in range(0, 40, 8):
        overrides = {k: float(v[b]) for k, v in result.draws.items()}
        solved = solve_sequential(scenario, overrides, concepts=["subgame_perfect"])
        spe = solved.subgame_perfect[0]
        labels = {
            solved.game.leaf_label(leaf)
            for leaf, _ in equilibrium_outcomes(solved.game, solved.values, spe.behaviour)
        }
        assert set(names[b].split(" + ")) == labels


def test_tornado_of_entry_deterrence() -> None:
    [entrant] = tornado(load(ENTRY), player="Entrant")
    bars = {bar.parameter: bar for bar in entrant.bars}
    # The entrant gets max(shared_profit, 0): swing 4 across [-2, 4]; nothing else matters.
    assert bars["shared_profit"].swing == pytest.approx(4.0)
    assert bars["war_loss"].swing == 0 and bars["monopoly_profit"].swing == 0
    assert entrant.bars[0].parameter == "shared_profit" and entrant.baseline == 2.0
    [odds] = tornado(load(ENTRY), outcome="Shared market")
    assert odds.bars[0].parameter == "shared_profit" and odds.bars[0].swing == 1.0


def test_tornado_of_the_missile_deal_outcome() -> None:
    [odds] = tornado(load(DEAL), outcome="Grand bargain", steps=11)
    assert odds.baseline == pytest.approx(0.8)
    bars = {bar.parameter: bar for bar in odds.bars}
    assert bars["us_estimate"].swing == pytest.approx(1.0)
    assert bars["proliferation_harm"].swing == 0


# --------------------------------------------------------------------------- reports and CLI


def test_sweep_csv_has_one_row_per_point() -> None:
    result = sweep(load(ENTRY), "shared_profit", np.linspace(-2, 4, 7))
    rows = sweep_csv(result).splitlines()
    assert rows[0] == (
        "shared_profit,predicted,Entrant@Entrant,Incumbent@Entrant=enter,payoff(Entrant),"
        "payoff(Incumbent),P(Entry deterred),P(Price war),P(Shared market),ties"
    )
    assert len(rows) == 8
    assert rows[1] == "-2,Entry deterred,stay_out,fight,0,4,1,0,0,"
    assert rows[-1] == "4,Shared market,enter,accommodate,4,4,0,0,1,"


def test_cli_sweep_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", ENTRY]) == 0
    out = capsys.readouterr().out
    assert "subgame-perfect equilibrium by backward induction" in out
    # At 0 the entrant is indifferent: both subgame-perfect outcomes are named (issue #11).
    assert "shared_profit = -2 .. -0.1: Entry deterred" in out
    assert "shared_profit = 0: Entry deterred | Shared market" in out
    assert "when shared_profit falls below 0 (the outcome changes" in out


def test_cli_sweep_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", DEAL, "sanction_cost=0:10:11", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["parameter"] == "sanction_cost" and doc["concept"] == "subgame_perfect"
    assert len(doc["points"]) == 11
    point = doc["points"][5]
    [entry] = point["equilibria"]
    assert set(entry) >= {"concept", "strategies", "payoffs", "outcomes"}
    assert "Russia@offer=offer_deal" in entry["strategies"]["Russia"]
    assert sum(o["probability"] for o in entry["outcomes"]) == pytest.approx(1.0)
    assert point["predicted"] == "Deal invoked - shield switched on + Grand bargain"
    assert point["outcome_probabilities"] == pytest.approx(
        {"Deal invoked - shield switched on": 0.2, "Grand bargain": 0.8}
    )


def test_cli_sweep_csv(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", ENTRY, "shared_profit=-2:4:13", "--csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 14 and lines[0].startswith("shared_profit,predicted,Entrant@Entrant")


def test_cli_plots_are_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sweep_png = tmp_path / "sweep.png"
    assert main(["sweep", DEAL, "us_estimate=0:1:41", "-o", str(sweep_png)]) == 0
    grid_png = tmp_path / "grid.png"
    assert (
        main(["grid", ENTRY, "shared_profit=-2:4:13", "war_loss=0:5:6", "-o", str(grid_png)]) == 0
    )
    mc_png = tmp_path / "mc.png"
    assert main(["montecarlo", DEAL, "--samples", "500", "-o", str(mc_png)]) == 0
    tornado_png = tmp_path / "tornado.png"
    assert main(["tornado", ENTRY, "--steps", "7", "-o", str(tornado_png)]) == 0
    for path in (sweep_png, grid_png, mc_png, tornado_png):
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "wrote" in capsys.readouterr().out


def test_plot_sequential_sweep_panels() -> None:
    from sim.plots import plot_sweep

    scenario = load(DEAL)
    result = sweep(scenario, "us_estimate", np.linspace(0, 1, 21))
    flips = find_thresholds(scenario, "us_estimate", 0.0, 1.0)
    axes = plot_sweep(result, flips)
    assert len(axes) == 2
    assert len(axes[0].get_lines()) >= 3 and len(axes[1].get_lines()) >= 3


def test_cli_other_commands_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["thresholds", ENTRY, "shared_profit", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [t["value"] for t in doc["thresholds"]] == [-1.0, 0.0]
    assert doc["thresholds"][0]["before"][0]["concept"] == "subgame_perfect"
    assert main(["grid", ENTRY, "shared_profit=-2:4:7", "war_loss=0:5:3", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    # war_loss = 0 makes the incumbent indifferent, and shared_profit = 0 the entrant:
    # there every subgame-perfect outcome is named (issue #11: ties are not hidden).
    assert doc["regions"][-1] == [3, 3, 4, 2, 2, 2, 2]
    assert [doc["labels"][k] for k in (2, 3, 4)] == [
        "Shared market",
        "Entry deterred",
        "Entry deterred | Shared market",
    ]
    assert doc["labels"][0] == "Entry deterred | Price war"
    assert main(["montecarlo", DEAL, "--samples", "300", "--seed", "2", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert sum(o["count"] for o in doc["outcomes"]) == 300
    assert main(["tornado", ENTRY, "--outcome", "Price war", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert all(b["swing"] == 0 for b in doc["tornado"][0]["bars"])


def test_cli_refusals(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", "one_card_poker"]) != 0
    assert "imperfect information are not supported yet" in capsys.readouterr().err
    assert main(["sweep", ENTRY, "--concept", "pure_nash"]) != 0
    assert "subgame_perfect" in capsys.readouterr().err
    assert main(["sweep", "missile_shield", "--concept", "subgame_perfect"]) != 0
    assert "pure_nash" in capsys.readouterr().err
    assert main(["tornado", ENTRY, "--outcome", "Shared markets"]) != 0
    assert "did you mean 'Shared market'" in capsys.readouterr().err


# --------------------------------------------------------------------------- solving fixes

DEMAND = """
name: Demand under uncertain resolve
parameters:
  p_resolved: {value: 0.4, range: [0, 1]}
  war_cost: {value: 1, range: [0, 10]}
  prize: {value: 2, range: [0, 5]}
players:
  Challenger: {}
  Defender: {}
sequence:
  - id: demand
    player: Challenger
    moves: [press, status_quo]
  - chance: resolve
    outcomes: {resolved: p_resolved, irresolute: 1 - p_resolved}
    when: {demand: press}
  - id: reply
    player: Defender
    moves: [concede, resist]
    when: {demand: press}
  - id: follow_up
    player: Challenger
    moves: [fight, back_down]
    when: {reply: resist}
    observes: [reply]
payoffs:
  - when: {reply: concede}
    add: {Challenger: prize, Defender: -prize}
  - when: {follow_up: fight}
    add: {Challenger: -war_cost, Defender: -war_cost}
  - when: {follow_up: fight, resolve: resolved}
    add: {Challenger: -prize, Defender: prize}
  - when: {follow_up: fight, resolve: irresolute}
    add: {Challenger: prize, Defender: -prize}
  - when: {follow_up: back_down}
    add: {Challenger: -1}
"""


def test_strategic_form_equilibria_are_listed_once() -> None:
    scenario = sim.load_scenario_text(DEMAND, "demand.yaml")
    analysis = solve_sequential(scenario)
    profiles = [np.concatenate(eq.behaviour) for eq in analysis.nash]
    for i in range(len(profiles)):
        for j in range(i):
            assert np.abs(profiles[i] - profiles[j]).max() > 1e-9, (i, j)
    # Six extreme equilibria of the reduced form, two of them the same behaviour profile.
    assert len(analysis.nash) == 5
    assert any("same behaviour strategies" in note for note in analysis.notes)


def test_completeness_is_kept_per_list() -> None:
    scenario = load(DEAL)
    analysis = solve_sequential(scenario, {"moscow_weight": 1.0}, limit=10)
    assert analysis.spe_complete and not analysis.nash_complete and not analysis.complete
    text = sequential_text(scenario, analysis)
    assert "This is every pure subgame-perfect equilibrium." in text
    assert "This list of Nash equilibria of the strategic form is incomplete" in text
    assert any("Nash equilibria of the strategic form are listed" in n for n in analysis.notes)
    doc = sequential_document(scenario, analysis)
    assert doc["complete_subgame_perfect"] is True and doc["complete_nash"] is False
    assert doc["complete"] is False
