"""The JSON Schema of ``sim schema``: every bundled scenario passes, broken files fail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.cli.main import main
from sim.errors import ScenarioError
from sim.scenario.bundled import bundled_scenarios
from sim.scenario.json_schema import scenario_schema
from sim.scenario.loader import load_scenario
from sim.yamlio import load_yaml

jsonschema = pytest.importorskip("jsonschema")
VALIDATOR = jsonschema.Draft202012Validator(scenario_schema())

GOOD = """\
name: t
players:
  A: {moves: [x, y]}
  B: {moves: [x, y]}
matrix:
  - [[1, 1], [0, 0]]
  - [[0, 0], [1, 1]]
"""

BROKEN = {
    "missing players": "name: t\nmatrix: [[[1, 1]]]\n",
    "unknown top-level key": GOOD + "colour: blue\n",
    "moves not a list": GOOD.replace("{moves: [x, y]}", "{moves: x}", 1),
    "name not a string": GOOD.replace("name: t", "name: [t]"),
    "unknown player key": GOOD.replace("{moves: [x, y]}", "{moves: [x, y], mvoes: [z]}", 1),
}


def test_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(scenario_schema())


@pytest.mark.parametrize("path", bundled_scenarios(), ids=lambda p: p.stem)
def test_every_bundled_scenario_passes(path: Path) -> None:
    data = load_yaml(path.read_text(encoding="utf-8"), str(path)).to_python()
    errors = [e.message for e in VALIDATOR.iter_errors(data)]
    assert errors == []


def test_a_good_file_passes() -> None:
    assert VALIDATOR.is_valid(load_yaml(GOOD).to_python())


@pytest.mark.parametrize("text", BROKEN.values(), ids=list(BROKEN))
def test_broken_files_fail_schema_and_loader(text: str, tmp_path: Path) -> None:
    assert not VALIDATOR.is_valid(load_yaml(text).to_python())
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError):
        load_scenario(path)


def test_sim_schema_prints_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == scenario_schema()
