"""``sim solve --json`` (sim/report/json_out.py, structure_json.py).

The document keeps every contract key, gains the dominance, security-level,
Pareto and logit-fork results the text report has (optional keys), and
writes computed floats without float noise (12 significant digits) while
parameter values stay as given.
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from typing import Any

import pytest

from sim.cli.main import main
from sim.report.json_out import SIGNIFICANT_DIGITS, dumps, round_floats

CONTRACT_KEYS = {"scenario", "kind", "parameters", "players", "equilibria"}
ENTRY_KEYS = {"concept", "strategies", "payoffs", "outcomes"}


def solve_json(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["solve", *args, "--json"]) == 0
    doc: dict[str, Any] = json.loads(out.getvalue())
    return doc


def floats(value: Any) -> list[float]:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [x for v in value.values() for x in floats(v)]
    if isinstance(value, list):
        return [x for v in value for x in floats(v)]
    return []


def test_round_floats_drops_noise_and_keeps_exact_values() -> None:
    assert round_floats(-3.7999999999999994) == -3.8
    assert round_floats({"a": [0.1 + 0.2]}) == {"a": [0.3]}
    assert round_floats(2.5) == 2.5 and round_floats(7) == 7 and round_floats(True) is True
    assert round_floats(1e-300) == 1e-300
    assert round_floats(123456789.123456789) == pytest.approx(123456789.123, abs=1e-3)


def test_dumps_keeps_parameters_as_given() -> None:
    doc = json.loads(dumps({"parameters": {"a": 0.1 + 0.2}, "value": 0.1 + 0.2}))
    assert doc == {"parameters": {"a": 0.30000000000000004}, "value": 0.3}


def test_missile_shield_json_has_no_float_noise() -> None:
    doc = solve_json("missile_shield")
    mixed = next(e for e in doc["equilibria"] if e["concept"] == "mixed_nash")
    assert mixed["payoffs"]["US"] == -3.8
    for x in floats({k: v for k, v in doc.items() if k != "parameters"}):
        digits = repr(abs(x)).split("e")[0].replace(".", "").lstrip("0")
        assert len(digits) <= SIGNIFICANT_DIGITS + 1


def test_user_parameter_values_are_not_rounded() -> None:
    doc = solve_json("missile_shield", "--set", "iran_ties=1.2345678901234567")
    assert doc["parameters"]["iran_ties"] == 1.2345678901234567


def test_contract_keys_stay() -> None:
    doc = solve_json("missile_shield")
    assert set(doc) >= CONTRACT_KEYS
    for entry in doc["equilibria"]:
        assert set(entry) >= ENTRY_KEYS


def test_prisoners_dilemma_dominance_security_and_pareto() -> None:
    doc = solve_json("prisoners_dilemma")
    dom = doc["dominance"]
    assert dom["solved"] is True
    assert dom["surviving"] == {"Row": ["defect"], "Column": ["defect"]}
    steps = {(s["player"], s["move"]): s for s in dom["strictly_dominated"]}
    assert set(steps) == {("Row", "cooperate"), ("Column", "cooperate")}
    assert all(s["dominated_by"] == {"defect": 1.0} and s["round"] == 1 for s in steps.values())
    assert doc["security_levels"]["Row"]["pure"] == {"value": 1.0, "moves": ["defect"]}
    labels = {o["label"] for o in doc["pareto_optimal_outcomes"]}
    assert "Mutual cooperation" in labels and "Mutual defection" not in labels
    [eq] = doc["equilibria"]
    assert eq["pareto_optimal"] is False  # mutual defection is Pareto-dominated


def test_matching_pennies_mixed_security_level() -> None:
    doc = solve_json("matching_pennies")
    for level in doc["security_levels"].values():
        assert level["pure"]["value"] == -1.0
        assert level["mixed"]["value"] == pytest.approx(0.0, abs=1e-9)
        assert sorted(level["mixed"]["strategy"].values()) == pytest.approx([0.5, 0.5])


def test_json_agrees_with_the_text_report_on_pareto_outcomes() -> None:
    doc = solve_json("chicken")
    out = io.StringIO()
    with redirect_stdout(out):
        main(["solve", "chicken"])
    section = out.getvalue().split("Pareto-optimal outcomes", 1)[1]
    for outcome in doc["pareto_optimal_outcomes"]:
        assert f'"{outcome["label"]}"' in section


def test_chicken_json_lists_the_logit_fork() -> None:
    doc = solve_json("chicken", "--concept", "pure_nash,mixed_nash,qre")
    [fork] = doc["logit_forks"]
    assert fork["lambda"] == pytest.approx(0.4892, abs=1e-3)
    pure = sorted(
        tuple(player["straight"] for player in arm["strategies"].values()) for arm in fork["arms"]
    )
    assert pure == [(0.0, 1.0), (1.0, 0.0)]


def test_no_fork_key_without_a_fork() -> None:
    assert "logit_forks" not in solve_json("missile_shield", "--concept", "qre")
