"""Sweeps, flip points, grids, Monte Carlo and tornado: known answers and reproducibility."""

from __future__ import annotations

import json

import numpy as np
import pytest

import sim
from sim.analysis.batch import solve_batch
from sim.analysis.montecarlo import monte_carlo, wilson_interval
from sim.analysis.predict import predict
from sim.analysis.sweep import grid, sweep, tracks
from sim.analysis.thresholds import find_thresholds, threshold_sentence
from sim.analysis.tornado import tornado
from sim.cli.main import main
from sim.solvers.nash.pure_nash import pure_nash_profiles

STAG = """
name: Stag hunt with a parameter
parameters:
  hare: {value: 3, range: [0, 6], distribution: {uniform: {low: 0, high: 6}}}
  half: hare / 2
players:
  A: {moves: [stag, hare]}
  B: {moves: [stag, hare]}
matrix:
  - [[4, 4], [0, hare]]
  - [[hare, 0], ["{payoff}", "{payoff}"]]
labels:
  - {when: {A: stag, B: stag}, name: Stag}
  - {when: {A: hare, B: hare}, name: Hare}
"""


def stag(payoff: str = "hare") -> sim.Scenario:
    return sim.load_scenario_text(STAG.replace("{payoff}", payoff), "stag.yaml")


@pytest.mark.parametrize(
    ("payoff", "expected"),
    [
        pytest.param("hare", [4.0], id="linear-at-4"),
        pytest.param("2 * half", [4.0], id="derived-linear-at-4"),
        pytest.param("hare ** 2 - 2", [4.0], id="quadratic-root-sqrt2"),
        pytest.param("sqrt(hare) * 2", [4.0], id="sqrt"),
    ],
)
def test_flip_points_known_in_closed_form(payoff: str, expected: list[float]) -> None:
    scenario = stag(payoff)
    result = find_thresholds(scenario, "hare", 0.0, 6.0)
    values = [t.value for t in result.thresholds]
    # (stag, stag) is an equilibrium iff hare <= 4; (hare, hare) iff its payoff >= 0.
    expected_all = sorted(expected + _hare_hare_roots(payoff))
    assert values == pytest.approx(expected_all, abs=1e-9)


def _hare_hare_roots(payoff: str) -> list[float]:
    return {"hare ** 2 - 2": [float(np.sqrt(2))]}.get(payoff, [])


def test_linear_flip_is_exact() -> None:
    result = find_thresholds(sim.load_scenario("missile_shield"), "iran_ties", 0.0, 6.0)
    assert [t.value for t in result.thresholds] == [3.0]
    sentence = threshold_sentence(result, result.thresholds[0], current=2.0)
    assert "Grand bargain" in sentence and "rises above 3" in sentence


def test_sweep_where_nothing_changes_reports_no_flip(capsys: pytest.CaptureFixture[str]) -> None:
    scenario = sim.load_scenario("missile_shield")
    assert find_thresholds(scenario, "shield_threat", 0.0, 8.0).thresholds == ()
    assert main(["thresholds", "missile_shield", "shield_threat"]) == 0
    assert "Nothing changes" in capsys.readouterr().out


def test_batch_equals_point_by_point() -> None:
    scenario = sim.load_scenario("missile_shield")
    values = np.linspace(0, 6, 25)
    batch = solve_batch(scenario, {"iran_ties": values})
    for b, v in enumerate(values):
        game = sim.build_game(scenario, {"iran_ties": float(v)})
        assert batch.pure_profiles(b) == pure_nash_profiles(game.payoffs)
        np.testing.assert_allclose(batch.payoffs[b], game.payoffs)


def test_several_equilibria_are_tracked_not_dropped() -> None:
    result = sweep(stag(), "hare", np.linspace(0, 6, 61), concepts=("pure_nash", "mixed_nash"))
    names = {t.name for t in tracks(result)}
    assert {"Stag", "Hare"} <= names
    assert any(name.startswith("Mixed") for name in names)
    assert "Stag | Hare" in result.predictions.names[0] or "Hare | Stag" in " ".join(
        result.predictions.names
    )


@pytest.mark.parametrize("rule", ["payoff_dominant", "risk_dominant"])
def test_selection_rules_on_stag_hunt(rule: str) -> None:
    batch = solve_batch(stag(), {"hare": np.array([3.0])})
    names = predict(batch, rule).names
    # Payoff dominance picks the stag hunt; with hare = 3 the hare equilibrium
    # risk-dominates ((3 - 0) * (3 - 0) > (4 - 3) * (4 - 3)).
    assert names == (("Stag",) if rule == "payoff_dominant" else ("Hare",))


def test_grid_regions() -> None:
    result = grid(stag(), ("hare", np.linspace(0, 6, 13)), ("half", np.linspace(0, 3, 7)))
    assert result.regions.shape == (7, 13)
    assert len(result.labels) >= 2


def test_monte_carlo_is_reproducible() -> None:
    scenario = sim.load_scenario("missile_shield")
    a = monte_carlo(scenario, samples=2000, seed=7)
    b = monte_carlo(scenario, samples=2000, seed=7)
    c = monte_carlo(scenario, samples=2000, seed=8)
    assert [(o.name, o.count) for o in a.outcomes] == [(o.name, o.count) for o in b.outcomes]
    for name in a.drawn:
        np.testing.assert_array_equal(a.draws[name], b.draws[name])
    assert any(not np.array_equal(a.draws[n], c.draws[n]) for n in a.drawn)
    assert sum(o.count for o in a.outcomes) == 2000
    for o in a.outcomes:
        assert o.low <= o.frequency <= o.high


def test_wilson_interval_known_value() -> None:
    low, high = wilson_interval(50, 100)
    assert low == pytest.approx(0.4038, abs=1e-4)
    assert high == pytest.approx(0.5962, abs=1e-4)


def test_tornado_ranks_the_driving_parameter_first() -> None:
    results = tornado(sim.load_scenario("missile_shield"), player="Russia")
    assert results[0].bars[0].parameter in {"deal_value", "iran_ties"}
    swings = [b.swing for b in results[0].bars]
    assert swings == sorted(swings, reverse=True)


def test_sweep_json_follows_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", "missile_shield", "iran_ties=0:6:7", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["parameter"] == "iran_ties"
    assert [p["value"] for p in doc["points"]] == pytest.approx([0, 1, 2, 3, 4, 5, 6])
    first = doc["points"][0]["equilibria"][0]
    assert set(first) >= {"concept", "strategies", "payoffs", "outcomes"}
    assert set(first["strategies"]) == {"US", "Russia", "Iran"}


def test_thresholds_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["thresholds", "missile_shield", "iran_ties", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["parameter"] == "iran_ties"
    assert [t["value"] for t in doc["thresholds"]] == [3.0]
    assert len(doc["thresholds"][0]["before"]) == 2
    assert len(doc["thresholds"][0]["after"]) == 1


def test_csv_has_a_row_per_equilibrium(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", "missile_shield", "iran_ties=2:4:3", "--csv"]) == 0
    rows = capsys.readouterr().out.strip().splitlines()
    assert rows[0].startswith("iran_ties,predicted")
    assert len(rows) == 1 + 2 + 2 + 1  # two equilibria at 2 and 3, one at 4


def test_output_is_never_written_over_an_existing_file(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "mine.png"
    target.write_bytes(b"user data")
    status = main(["sweep", "missile_shield", "iran_ties=0:6:5", "-o", str(target)])
    assert status == 2
    assert target.read_bytes() == b"user data"
    assert "--force" in capsys.readouterr().err


def test_sequential_scenario_is_refused_clearly(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("sim.analysis.sequential")
    names = [p.stem for p in sim.scenario.bundled.bundled_scenarios()]
    if "entry_deterrence" not in names:
        pytest.skip("no sequential scenario bundled")
    status = main(["sweep", "entry_deterrence", "x=0:1"])
    assert status in (0, 2)


@pytest.mark.parametrize(
    ("kind", "scenario"),
    [
        pytest.param("qre", "matching_pennies", id="qre"),
        pytest.param("tree", "entry_deterrence", id="tree"),
    ],
)
def test_plot_command_writes_a_png(kind: str, scenario: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / f"{kind}.png"
    assert main(["plot", kind, scenario, "-o", str(target)]) == 0
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert target.stat().st_size > 1000


def test_plot_tree_of_a_simultaneous_game_is_a_usage_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert main(["plot", "tree", "chicken", "-o", str(tmp_path / "t.png")]) == 2
