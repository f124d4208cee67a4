"""Known answers for `solve_game` and the `sim solve` command (text and JSON)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import sim
from sim.analysis.solve import SolveOptions, solve_game
from sim.cli.main import main
from sim.solvers.verify import check_equilibrium


def _solve(name: str, **options: object):
    scenario = sim.load_scenario(name)
    return scenario, solve_game(sim.build_game(scenario), SolveOptions(**options))  # type: ignore[arg-type]


def _profiles(analysis) -> list[tuple[tuple[float, ...], ...]]:
    return sorted(tuple(tuple(np.round(s, 9)) for s in eq.strategies) for eq in analysis.equilibria)


@pytest.mark.parametrize(
    ("name", "n_pure", "n_mixed"),
    [
        pytest.param("prisoners_dilemma", 1, 0, id="prisoners-dilemma"),
        pytest.param("chicken", 2, 1, id="chicken"),
        pytest.param("stag_hunt", 2, 1, id="stag-hunt"),
        pytest.param("battle_of_the_sexes", 2, 1, id="battle-of-the-sexes"),
        pytest.param("matching_pennies", 0, 1, id="matching-pennies"),
        pytest.param("rock_paper_scissors", 0, 1, id="rock-paper-scissors"),
        pytest.param("cuban_missile_crisis", 2, 1, id="cuban-missile-crisis"),
    ],
)
def test_classic_equilibrium_counts(name: str, n_pure: int, n_mixed: int) -> None:
    _, analysis = _solve(name)
    kinds = [eq.concept for eq in analysis.equilibria]
    assert kinds.count("pure_nash") == n_pure
    assert kinds.count("mixed_nash") == n_mixed
    for eq in analysis.equilibria:
        assert eq.regret <= 1e-9


@pytest.mark.parametrize(
    ("name", "row", "col"),
    [
        pytest.param("battle_of_the_sexes", [0.6, 0.4], [0.4, 0.6], id="bos-3/5"),
        pytest.param("matching_pennies", [0.5, 0.5], [0.5, 0.5], id="pennies-1/2"),
        pytest.param("rock_paper_scissors", [1 / 3] * 3, [1 / 3] * 3, id="rps-1/3"),
        pytest.param("chicken", [0.9, 0.1], [0.9, 0.1], id="chicken-9/10"),
        pytest.param("stag_hunt", [0.75, 0.25], [0.75, 0.25], id="stag-hunt-3/4"),
    ],
)
def test_published_mixed_equilibria(name: str, row: list[float], col: list[float]) -> None:
    _, analysis = _solve(name)
    mixed = [eq for eq in analysis.equilibria if eq.concept == "mixed_nash"]
    assert len(mixed) == 1
    np.testing.assert_allclose(mixed[0].strategies[0], row, atol=1e-12)
    np.testing.assert_allclose(mixed[0].strategies[1], col, atol=1e-12)


def test_pure_only_concept() -> None:
    _, analysis = _solve("battle_of_the_sexes", concepts=("pure_nash",))
    assert [eq.concept for eq in analysis.equilibria] == ["pure_nash", "pure_nash"]


def test_zero_sum_value_matches_equilibrium() -> None:
    _, analysis = _solve("rock_paper_scissors")
    assert analysis.zero_sum is not None
    assert abs(analysis.zero_sum.value) < 1e-9
    assert abs(float(analysis.equilibria[0].payoffs[0]) - analysis.zero_sum.value) < 1e-9


def test_prisoners_dilemma_structure() -> None:
    _, analysis = _solve("prisoners_dilemma")
    elim = analysis.strict_elimination
    assert elim is not None and elim.solved
    assert elim.surviving == ((1,), (1,))
    assert analysis.pareto_equilibria == (False,)
    assert (0, 0) in analysis.pareto_profiles


def test_missile_shield_pure_equilibria_are_verified() -> None:
    scenario, analysis = _solve("missile_shield")
    game = analysis.game
    assert analysis.equilibria
    for eq in analysis.equilibria:
        check_equilibrium(game.payoffs, eq.strategies, tol=1e-9)
    labels = {
        sim.outcome_label(scenario, game.profile_moves(eq.pure_profile()))
        for eq in analysis.equilibria
        if eq.pure_profile() is not None
    }
    assert "Grand bargain" in labels


def test_json_document_follows_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", "battle_of_the_sexes", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["scenario"] == "Battle of the sexes"
    assert doc["kind"] == "simultaneous"
    assert doc["players"] == ["Alice", "Bob"]
    assert isinstance(doc["parameters"], dict)
    concepts = [e["concept"] for e in doc["equilibria"]]
    assert concepts == ["pure_nash", "pure_nash", "mixed_nash"]
    mixed = doc["equilibria"][2]
    assert mixed["strategies"]["Alice"] == pytest.approx({"opera": 0.6, "football": 0.4})
    assert mixed["payoffs"] == pytest.approx({"Alice": 1.2, "Bob": 1.2})
    total = sum(o["probability"] for o in mixed["outcomes"])
    assert total == pytest.approx(1.0)
    for outcome in mixed["outcomes"]:
        assert set(outcome) >= {"moves", "probability", "label"}
        assert set(outcome["moves"]) == {"Alice", "Bob"}


def test_json_with_overrides(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", "prisoners_dilemma", "--set", "temptation=4", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["parameters"]["temptation"] == 4.0


def test_text_report_explains(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", "missile_shield"]) == 0
    out = capsys.readouterr().out
    assert "Grand bargain" in out
    assert "Why it is an equilibrium" in out
    assert "Security levels" in out


def test_ordinal_warning(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", "cuban_missile_crisis"]) == 0
    assert "ordinal" in capsys.readouterr().out


def test_bad_concept_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", "chicken", "--concept", "nash"]) == 2
    assert "choose from" in capsys.readouterr().err


def test_large_bimatrix_game_is_bounded_in_time(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A 16 x 16 game is too large to enumerate; sim answers fast and says so."""
    import time

    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 9, (16, 16)), rng.integers(0, 9, (16, 16))
    game = sim.NormalFormGame.from_arrays(a, b)
    start = time.perf_counter()
    analysis = solve_game(game, SolveOptions(concepts=("pure_nash", "mixed_nash")))
    assert time.perf_counter() - start < 30
    assert not analysis.complete
    assert any("may be incomplete" in note for note in analysis.notes)
    for eq in analysis.equilibria:
        check_equilibrium(game.payoffs, eq.strategies, tol=1e-9)
