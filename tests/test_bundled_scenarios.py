"""Every bundled scenario loads, validates and solves; every reported equilibrium is verified."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import sim
from sim.scenario.bundled import bundled_scenarios
from sim.solvers.verify import check_equilibrium

FILES = bundled_scenarios()


def test_scenarios_are_bundled() -> None:
    names = {p.stem for p in FILES}
    assert {"missile_shield", "prisoners_dilemma", "matching_pennies"} <= names


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_loads_and_solves(path: Path) -> None:
    scenario = sim.load_scenario(path)
    assert scenario.name
    assert scenario.description, "every bundled scenario says what it is"
    if scenario.kind == "sequential":
        from sim.analysis.sequential import solve_sequential

        analysis = solve_sequential(scenario)
        assert analysis is not None
        return
    from sim.analysis.solve import solve_game

    game = sim.build_game(scenario)
    assert np.all(np.isfinite(game.payoffs))
    analysis = solve_game(game)
    assert analysis.equilibria, "every finite game has an equilibrium"
    for eq in analysis.equilibria:
        assert check_equilibrium(game.payoffs, eq.strategies, tol=1e-9) <= 1e-9
