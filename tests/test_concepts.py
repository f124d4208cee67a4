"""Tests for :mod:`sim.concepts`: one vocabulary of solution concepts, one validator."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

import sim
from sim import concepts
from sim.analysis.batch import default_concepts
from sim.analysis.sequential import solve_sequential
from sim.analysis.solve import SolveOptions, solve_game
from sim.cli.main import main
from sim.concepts import (
    ALL,
    NOT_YET,
    PERFECT_BAYESIAN,
    SEQUENTIAL,
    SIMULTANEOUS,
    check_concepts,
    filter_concepts,
)
from sim.errors import RequestError

PACKAGE = Path(sim.__file__).resolve().parent
#: Strings equal to a concept name that name something else: a JSON key, a plot.
NOT_CONCEPTS = {
    ("report/sequential_json.py", "subgame_perfect"),  # the "subgame_perfect": bool key
    ("report/sequential_sweep.py", "subgame_perfect"),  # the same key in compact JSON
    ("cli/plot_command.py", "qre"),  # `sim plot qre`
}


def test_the_contract_vocabulary() -> None:
    # SCENARIO_FORMAT.md, "solve and analysis": every concept a file may name.
    assert set(ALL) == {"pure_nash", "mixed_nash", "subgame_perfect", "perfect_bayesian", "qre"}
    assert set(concepts.DISPLAY_NAMES) == set(ALL)
    assert set(NOT_YET) <= set(ALL)


def test_check_keeps_order_and_drops_repeats() -> None:
    got = check_concepts(["qre", "pure_nash", "qre"], SIMULTANEOUS, "simultaneous games")
    assert got == ("qre", "pure_nash")


@pytest.mark.parametrize(
    ("names", "message"),
    [
        ([], "no concept given; choose from pure_nash, mixed_nash, qre"),
        (["nash"], "unknown concept 'nash' (did you mean 'pure_nash'?); choose from"),
        (["subgame_perfect"], "not available for simultaneous games; choose from"),
        (["perfect_bayesian"], "(perfect Bayesian equilibria are not computed yet)"),
    ],
)
def test_check_refuses_clearly(names: list[str], message: str) -> None:
    with pytest.raises(RequestError) as info:
        check_concepts(names, SIMULTANEOUS, "simultaneous games")
    assert message in str(info.value)


def test_filter_keeps_what_is_offered_else_the_fallback() -> None:
    assert filter_concepts(["qre", "subgame_perfect"], SIMULTANEOUS, ("x",)) == ("qre",)
    assert filter_concepts(["subgame_perfect"], SIMULTANEOUS, ("pure_nash",)) == ("pure_nash",)


def test_a_file_may_name_every_concept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (
        "name: t\nplayers:\n  A: {moves: [a, b]}\n  B: {moves: [a, b]}\n"
        "matrix:\n  - [[1, 1], [0, 0]]\n  - [[0, 0], [1, 1]]\n"
        f"solve:\n  concepts: [{', '.join(ALL)}]\n"
    )
    scenario = sim.load_scenario_text(text, "t.yaml")
    assert scenario.solve.concepts == ALL
    # solving with the file's defaults computes those a simultaneous game offers
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["solve", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {e["concept"] for e in doc["equilibria"]} == {"pure_nash", "mixed_nash", "qre"}


def test_perfect_bayesian_is_declared_and_refused_until_implemented() -> None:
    entry = sim.load_scenario("entry_deterrence")
    if PERFECT_BAYESIAN in SEQUENTIAL:  # pragma: no cover - once it is implemented
        pytest.skip("perfect Bayesian equilibria are computed")
    with pytest.raises(RequestError, match="not computed yet"):
        solve_sequential(entry, concepts=[PERFECT_BAYESIAN])
    with pytest.raises(RequestError, match="not computed yet"):
        default_concepts(entry, [PERFECT_BAYESIAN])
    game = sim.build_game(sim.load_scenario("prisoners_dilemma"))
    with pytest.raises(RequestError, match="not computed yet"):
        solve_game(game, SolveOptions(concepts=(PERFECT_BAYESIAN,)))


@pytest.mark.parametrize(
    "argv",
    [
        ["solve", "entry_deterrence", "--concept", "perfect_bayesian"],
        ["solve", "prisoners_dilemma", "--concept", "subgame_perfect"],
        ["solve", "prisoners_dilemma", "--concept", ","],
        ["sweep", "missile_shield", "--concept", "qre"],
        ["sweep", "entry_deterrence", "--concept", "pure_nash"],
    ],
)
def test_command_line_refusals_are_usage_errors(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("sim: --concept ")
    assert "choose from" in err


def _string_constants(path: Path) -> list[tuple[int, str]]:
    """String constants of a module, without docstrings and ``__all__`` lists."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            skip.add(id(body[0].value))
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            skip.update(id(c) for c in ast.walk(node.value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
    ]


def test_concept_names_are_written_in_one_place() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel == "concepts.py":
            continue
        for line, text in _string_constants(path):
            for name in ALL:
                quoted = f'"{name}"' in text or f"'{name}'" in text
                if (text == name or quoted) and (rel, name) not in NOT_CONCEPTS:
                    found.append(f"sim/{rel}:{line}: {text!r}")
    assert not found, "use the constants of sim.concepts:\n" + "\n".join(found)
