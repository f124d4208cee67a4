"""``--measure``: the deal zone's flip points against an independent computation, JSON, CLI."""

from __future__ import annotations

import doctest
import json

import numpy as np
import pytest
from scipy.optimize import linprog

import sim
import sim.report.measures
from sim.analysis.measure_sweeps import measure_monte_carlo, measure_series, measure_thresholds
from sim.analysis.measures import parse_measure
from sim.cli.main import main
from sim.errors import RequestError
from sim.scenario.parameters import parameter_env
from sim.solvers.nash.pure_nash import pure_nash_profiles

# A dilemma whose cooperative cell moves with x: (C, C) pays (x, 3 - x), (C, D) and
# (D, C) pay (-5, 2) and (2, -5); the only equilibrium is (D, D) = (1, 1) for x in
# [0, 3], so the deal zone (lotteries over the four cells above (1, 1) for both) is
# open on an interval around 1.5, whose ends only a linear program finds.
DILEMMA = """
name: Dilemma with a moving deal
parameters:
  x: {value: 1.5, range: [0, 3], distribution: {uniform: {low: 0, high: 3}}}
players:
  A: {moves: [C, D]}
  B: {moves: [C, D]}
matrix:
  - [[x, 3 - x], [-5, 2]]
  - [[2, -5], [1, 1]]
negotiation:
  disagreement: equilibrium
  lotteries: true
  discount: {A: 0.9, B: 0.9}
"""


def dilemma(lotteries: bool = True) -> sim.Scenario:
    text = DILEMMA if lotteries else DILEMMA.replace("lotteries: true", "lotteries: false")
    return sim.load_scenario_text(text, "dilemma.yaml")


def independent_slack(x: float) -> float:
    """max over lotteries of min_i (u_i - d_i), by our own small LP (d from pure NE)."""
    scenario = dilemma()
    u = sim.payoff_tensor(scenario, parameter_env(scenario.parameters, {"x": x}))
    (profile,) = pure_nash_profiles(u, 1e-12)
    d = u[(slice(None), *profile)]
    pts = u.reshape(2, -1).T  # (4 cells, 2 players)
    # variables: 4 weights, s; maximise s with pts^T w >= d + s, sum w = 1
    cost = np.r_[np.zeros(4), -1.0]
    a_ub = np.c_[-pts.T, np.ones(2)]
    res = linprog(cost, A_ub=a_ub, b_ub=-d, A_eq=[[1, 1, 1, 1, 0]], b_eq=[1],
                  bounds=[(0, None)] * 4 + [(None, None)], method="highs")  # fmt: skip
    return float(-res.fun)


def test_module_examples_run() -> None:
    assert doctest.testmod(sim.report.measures).failed == 0


def test_zone_closes_exactly_where_an_independent_computation_says() -> None:
    scenario = dilemma()
    result = measure_thresholds(
        scenario, parse_measure("zone_open", scenario), "x", 0.0, 3.0, steps=31, base={}
    )
    # Closed form: mixing (x, 3 - x) with (2, -5) beats (1, 1) for both iff
    # 6 / (8 - x) < 1 / (2 - x), i.e. x > 0.8; by symmetry the zone closes at x = 2.2.
    assert [f.value for f in result.flips] == pytest.approx([0.8, 2.2], abs=1e-10)
    assert [(f.before, f.after) for f in result.flips] == [(0.0, 1.0), (1.0, 0.0)]
    assert result.affine and all(f.exact for f in result.flips)
    for flip, exact in zip(result.flips, (0.8, 2.2), strict=True):
        assert abs(flip.value - exact) <= flip.tolerance + 1e-12  # the stated error bound holds
    # The independent linear program agrees on either side of each flip point.
    for flip, inside in zip(result.flips, (1, -1), strict=True):
        assert independent_slack(flip.value + inside * 1e-4) > 0
        assert independent_slack(flip.value - inside * 1e-4) <= 1e-12  # closed: d is the best


def test_zone_of_pure_agreements_in_closed_form() -> None:
    # Without lotteries only (C, C) can beat (1, 1): open exactly for 1 < x < 2.
    scenario = dilemma(lotteries=False)
    result = measure_thresholds(
        scenario, parse_measure("zone_open", scenario), "x", 0.0, 3.0, steps=31, base={}
    )
    assert [f.value for f in result.flips] == pytest.approx([1.0, 2.0], abs=1e-12)
    assert all(f.exact for f in result.flips)


def test_zone_flips_by_bisection_when_not_affine() -> None:
    text = DILEMMA.replace("[[x, 3 - x]", "[[x * x / 1.5, 3 - x]")
    text = text.replace("lotteries: true", "lotteries: false")  # open iff x * x / 1.5 > 1, x < 2
    scenario = sim.load_scenario_text(text, "d.yaml")
    result = measure_thresholds(
        scenario, parse_measure("zone_open", scenario), "x", 0.0, 3.0, steps=31, base={}
    )
    assert not result.affine
    assert result.flips and not any(f.exact for f in result.flips)
    # (sim bargain calls the zone open when the equal gain exceeds 1e-9 of the payoff spread)
    assert [f.value for f in result.flips] == pytest.approx([np.sqrt(1.5), 2.0], abs=1e-7)
    assert all(f.tolerance <= 1e-9 for f in result.flips)


def test_nash_payoff_becomes_undefined_where_the_zone_closes() -> None:
    scenario = dilemma(lotteries=False)
    measure = parse_measure("nash:A", scenario)
    result = measure_thresholds(scenario, measure, "x", 0.0, 1.5, steps=7, base={})
    undefined = [f for f in result.flips if np.isnan(f.before) or np.isnan(f.after)]
    # The zone opens at x = 1 (closed form; sim bargain counts it open above 1e-9 of the
    # payoff spread, so agreement to that tolerance), and A's payoff there is about 1.
    assert [f.value for f in undefined] == pytest.approx([1.0], abs=1e-7)
    assert np.isnan(undefined[0].before) and undefined[0].after == pytest.approx(1.0, abs=1e-7)
    series = measure_series(scenario, measure, "x", np.array([0.5, 1.5]), {})
    assert np.isnan(series.results[0]) and np.isfinite(series.results[1])


def test_parse_measure_errors() -> None:
    scenario = dilemma()
    for bad in ("zone", "nash", "nash:Z", "shapley:", "zone_open:A"):
        with pytest.raises(RequestError):
            parse_measure(bad, scenario)
    assert parse_measure("shapley:B", scenario).index == 1


def test_monte_carlo_odds_of_a_deal() -> None:
    scenario = dilemma()
    odds = measure_monte_carlo(scenario, parse_measure("zone_open", scenario), samples=100,
                               seed=3, base={})  # fmt: skip
    rng = np.random.default_rng(3)
    xs = rng.uniform(0, 3, 100)  # the same draws
    expected = np.mean((xs > 0.8) & (xs < 2.2))
    assert odds.share == pytest.approx(expected)
    assert odds.interval is not None and odds.interval[0] <= odds.share <= odds.interval[1]


def test_cli_json_follows_the_contract(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "dilemma.yaml"
    path.write_text(DILEMMA)
    assert main(["sweep", str(path), "x=0:3:7", "--measure", "zone_open", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["parameter"] == "x" and doc["measure"] == "zone_open"
    assert [p["result"] for p in doc["points"]] == [0, 0, 1, 1, 1, 0, 0]
    assert (
        main(["thresholds", str(path), "x", "--measure", "zone_open", "--json", "--steps", "31"])
        == 0
    )
    doc = json.loads(capsys.readouterr().out)
    assert doc["measure"] == "zone_open" and len(doc["thresholds"]) == 2
    assert set(doc["thresholds"][0]) >= {"value", "before", "after"}
    assert main(["thresholds", str(path), "x", "--measure", "zone_open", "--steps", "31"]) == 0
    assert "A deal zone opens as x rises past 0.8 (exact)" in capsys.readouterr().out
    assert main(["montecarlo", str(path), "--measure", "zone_open", "--samples", "50",
                 "--json"]) == 0  # fmt: skip
    doc = json.loads(capsys.readouterr().out)
    assert 0 <= doc["probability"] <= 1 and len(doc["interval"]) == 2
    assert main(["tornado", str(path), "--measure", "shapley:A", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["bars"][0]["parameter"] == "x"
    grid = ["grid", str(path), "x=0:3:4", "x=0:3:4", "--measure", "zone_open"]
    assert main(grid) in (0, 2)
    capsys.readouterr()
    assert main(["sweep", str(path), "x=0:3:7", "--measure", "nope"]) == 2
