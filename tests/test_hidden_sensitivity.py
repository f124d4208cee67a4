"""Sensitivity commands on games with hidden information: point by point, hand-checked flips."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sim.analysis.hidden import hidden_montecarlo, hidden_sweep, hidden_thresholds
from sim.cli.main import main
from sim.scenario.loader import load_scenario


def test_inspection_sweep_matches_the_closed_form() -> None:
    scenario = load_scenario("inspection_false_alarm")
    points = hidden_sweep(scenario, "detection", [0.8, 0.9, 1.0])
    for point in points:
        d, f = point.parameters["detection"], 0.1
        x, y = f / (2 * d + f), 2 / (4 * (d - f))  # cheat, sanction after an alarm
        caught = x * d * y
        assert point.equilibria == 1
        assert point.outcomes["Cheating caught"] == pytest.approx(caught)
        assert sum(point.outcomes.values()) == pytest.approx(1.0)


def test_russia_backs_sanctions_above_a_hand_computed_estimate() -> None:
    # Under the deal, veto: Iran continues; the US switches on after a threat finding.
    # Russia with estimate q: veto = -4 (0.9 q + 0.1 (1 - q)) - 2 q, support = -2,
    # so it supports iff 5.2 q + 0.4 > 2, i.e. q > 4/13.
    scenario = load_scenario("missile_shield_verification")
    flips = hidden_thresholds(scenario, "russia_estimate", 0.0, 0.9, steps=10)
    assert len(flips) == 1
    assert flips[0].value == pytest.approx(4 / 13, abs=1e-5)
    assert flips[0].after.outcomes == {"Grand bargain": pytest.approx(1.0)}


def test_montecarlo_is_reproducible() -> None:
    scenario = load_scenario("missile_shield_verification")
    odds1, points1 = hidden_montecarlo(scenario, samples=8, seed=5)
    odds2, _ = hidden_montecarlo(scenario, samples=8, seed=5)
    assert [(o.outcome, o.mean) for o in odds1] == [(o.outcome, o.mean) for o in odds2]
    assert sum(o.mean for o in odds1) == pytest.approx(1.0)
    means = {o.outcome: o.mean for o in odds1}
    for name, mean in means.items():
        assert mean == pytest.approx(np.mean([p.outcomes.get(name, 0.0) for p in points1]))


def test_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["thresholds", "missile_shield_verification", "russia_estimate", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["concept"] == "perfect_bayesian"
    assert doc["thresholds"][0]["value"] == pytest.approx(4 / 13, abs=1e-5)
    assert main(["sweep", "inspection_false_alarm", "gain=1:2:3"]) == 0
    assert "gain = 1.5:" in capsys.readouterr().out
    assert (
        main(["grid", "inspection_false_alarm", "gain=1:2:3", "penalty=4:5:2", "-o", "x.png"]) == 2
    )
    assert "not available yet" in capsys.readouterr().err


def test_plots(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "sweep.png"
    assert main(["sweep", "inspection_false_alarm", "gain=1:2:3", "-o", str(out)]) == 0
    assert out.stat().st_size > 1000
    out = tmp_path / "odds.png"
    args = ["montecarlo", "missile_shield_verification", "--samples", "4", "--seed", "1"]
    assert main([*args, "-o", str(out)]) == 0
    assert out.stat().st_size > 1000
    assert main([*args, "-o", str(out)]) != 0  # never overwrites without --force
    capsys.readouterr()


def test_value_of_information(capsys: pytest.CaptureFixture[str]) -> None:
    from sim.analysis.hidden import value_of_information

    scenario = load_scenario("inspection_false_alarm")
    result = value_of_information(
        scenario, {"detection": 1.0, "false_alarm": 0.0}, {"detection": 0.5, "false_alarm": 0.5}
    )
    # A perfect test: the state cheats with probability f / (2 d + f) = 0, so it never cheats.
    perfect = result.points["perfect"]
    assert perfect.outcomes == {"Compliance": pytest.approx(1.0)}
    as_is, useless = result.points["as is"].payoffs, result.points["useless"].payoffs
    expected = tuple(a - b for a, b in zip(as_is, useless, strict=True))
    assert result.worth("as is") == pytest.approx(expected)
    args = ["information", "inspection_false_alarm", "--perfect", "detection=1,false_alarm=0"]
    assert main([*args, "--useless", "detection=0.5,false_alarm=0.5"]) == 0
    assert "A perfect signal is worth" in capsys.readouterr().out
    assert main([*args, "--useless", "detektion=0.5"]) == 2
    assert "unknown parameter 'detektion'" in capsys.readouterr().err


def test_grid_and_tornado(capsys: pytest.CaptureFixture[str]) -> None:
    from sim.analysis.hidden import hidden_grid, hidden_tornado

    scenario = load_scenario("missile_shield_verification")
    rows = hidden_grid(
        scenario, ("detection", np.array([0.6, 0.9])), ("russia_estimate", np.array([0.1, 0.5]))
    )
    # Low estimate: Russia vetoes (arms race at poor detection, deal at good); high: it backs.
    top = [[max(p.outcomes, key=p.outcomes.get) for p in row] for row in rows]
    assert top == [["Arms race", "Deal, Iran enriches, shield off"], ["Grand bargain"] * 2]
    centre, bars = hidden_tornado(scenario, "Russia")
    assert centre == pytest.approx(-0.66)
    assert [b.swing for b in bars] == sorted((b.swing for b in bars), reverse=True)
    assert main(["tornado", "inspection_false_alarm", "--player", "State"]) == 0
    assert "State's expected payoff" in capsys.readouterr().out
