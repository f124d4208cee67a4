"""Tests for :mod:`sim.solvers.structure.security` and :mod:`sim.solvers.structure.pareto`."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sim.solvers.nash.pure_nash import pure_nash
from sim.solvers.structure import pareto
from sim.solvers.structure.pareto import is_pareto_optimal, pareto_optimal_profiles
from sim.solvers.structure.security import (
    SecurityLevel,
    mixed_security_level,
    mixed_security_levels,
    pure_security_levels,
)


def bimatrix(a: list[list[float]], b: list[list[float]]) -> np.ndarray:
    return np.stack([np.asarray(a, dtype=float), np.asarray(b, dtype=float)])


def zero_sum(a: list[list[float]]) -> np.ndarray:
    a_arr = np.asarray(a, dtype=float)
    return np.stack([a_arr, -a_arr])


PD = bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
BOS = bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]])
STAG = bimatrix([[4, 0], [3, 3]], [[4, 3], [0, 3]])
PENNIES = zero_sum([[1, -1], [-1, 1]])
RPS = zero_sum([[0, -1, 1], [1, 0, -1], [-1, 1, 0]])


def worst_case(payoffs: np.ndarray, level: SecurityLevel) -> float:
    mat = np.moveaxis(payoffs[level.player], level.player, 0)
    return float(np.tensordot(level.strategy, mat, axes=1).min())


# ---------------------------------------------------------------------- security


@pytest.mark.parametrize(
    ("payoffs", "values", "moves"),
    [
        pytest.param(PD, [1.0, 1.0], [(1,), (1,)], id="prisoners_dilemma"),
        pytest.param(PENNIES, [-1.0, -1.0], [(0, 1), (0, 1)], id="matching_pennies"),
        pytest.param(STAG, [3.0, 3.0], [(1,), (1,)], id="stag_hunt"),
        pytest.param(BOS, [0.0, 0.0], [(0, 1), (0, 1)], id="bos"),
    ],
)
def test_pure_security_levels(
    payoffs: np.ndarray, values: list[float], moves: list[tuple[int, ...]]
) -> None:
    levels = pure_security_levels(payoffs)
    assert [lv.value for lv in levels] == values
    assert [lv.moves for lv in levels] == moves
    for lv in levels:
        assert lv.pure and lv.method == "pure_maxmin"
        assert worst_case(payoffs, lv) == lv.value
        assert lv.strategy[lv.moves[0]] == 1.0


@pytest.mark.parametrize(
    ("payoffs", "player", "value", "strategy"),
    [
        pytest.param(PENNIES, 0, 0.0, [0.5, 0.5], id="pennies_row"),
        pytest.param(PENNIES, 1, 0.0, [0.5, 0.5], id="pennies_col"),
        pytest.param(RPS, 0, 0.0, [1 / 3, 1 / 3, 1 / 3], id="rps"),
        pytest.param(zero_sum([[2, -1], [-1, 1]]), 0, 0.2, [0.4, 0.6], id="zero_sum_2x2"),
        pytest.param(PD, 0, 1.0, [0.0, 1.0], id="prisoners_dilemma"),
        pytest.param(BOS, 0, 2 / 3, [1 / 3, 2 / 3], id="bos_row"),
    ],
)
def test_mixed_security_level_known(
    payoffs: np.ndarray, player: int, value: float, strategy: list[float]
) -> None:
    lv = mixed_security_level(payoffs, player)
    assert lv.value == pytest.approx(value, abs=1e-9)
    np.testing.assert_allclose(lv.strategy, strategy, atol=1e-9)
    assert not lv.pure and lv.method == "maxmin_lp"
    assert lv.moves == tuple(int(k) for k in np.flatnonzero(lv.strategy))


@pytest.mark.parametrize("seed", range(15))
def test_minimax_theorem_on_random_zero_sum(seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=tuple(int(m) for m in rng.integers(2, 6, size=2))) * 10.0 ** rng.integers(
        -3, 4
    )
    game = zero_sum(a.tolist())
    row, col = mixed_security_levels(game)
    assert row.value == pytest.approx(-col.value, abs=1e-8 * np.ptp(a))


@pytest.mark.parametrize("seed", range(15))
def test_mixed_level_guaranteed_and_at_least_pure(seed: int) -> None:
    rng = np.random.default_rng(50 + seed)
    n = int(rng.integers(2, 4))
    sizes = tuple(int(m) for m in rng.integers(2, 4, size=n))
    u = rng.integers(-3, 4, size=(n, *sizes)).astype(float)
    pure = pure_security_levels(u)
    for p in range(n):
        lv = mixed_security_level(u, p)
        assert lv.strategy.min() >= 0 and lv.strategy.sum() == pytest.approx(1.0)
        assert worst_case(u, lv) == pytest.approx(lv.value, abs=1e-12)
        assert lv.value >= pure[p].value - 1e-12


def test_security_rejects_bad_player() -> None:
    with pytest.raises(ValueError):
        mixed_security_level(PD, 2)


# ------------------------------------------------------------------------ pareto


@pytest.mark.parametrize(
    ("payoffs", "expected"),
    [
        pytest.param(PD, [(0, 0), (0, 1), (1, 0)], id="prisoners_dilemma"),
        pytest.param(BOS, [(0, 0), (1, 1)], id="bos"),
        pytest.param(STAG, [(0, 0)], id="stag_hunt"),
        pytest.param(PENNIES, [(0, 0), (0, 1), (1, 0), (1, 1)], id="zero_sum"),
        pytest.param(
            np.zeros((3, 2, 2, 2)), list(itertools.product(range(2), repeat=3)), id="null"
        ),
    ],
)
def test_pareto_optimal_profiles_known(
    payoffs: np.ndarray, expected: list[tuple[int, ...]]
) -> None:
    assert pareto_optimal_profiles(payoffs) == expected


def test_prisoners_dilemma_equilibrium_not_pareto_optimal() -> None:
    (eq,) = pure_nash(PD).equilibria
    assert eq.pure_profile() not in pareto_optimal_profiles(PD)
    assert not is_pareto_optimal(PD, eq.payoffs)
    assert is_pareto_optimal(PD, [3.0, 3.0])


def test_mixed_equilibrium_of_bos_is_dominated() -> None:
    assert not is_pareto_optimal(BOS, [2 / 3, 2 / 3])
    assert is_pareto_optimal(BOS, [2.0, 1.0])


def test_convex_hull_domination() -> None:
    # Pure outcomes (2, 0), (0, 2), (0, 0), (0, 0): the vector (0.9, 0.9) is not
    # dominated by any pure outcome but is by the half-half mixture (1, 1).
    game = bimatrix([[2, 0], [0, 0]], [[0, 2], [0, 0]])
    assert is_pareto_optimal(game, [0.9, 0.9], correlated=False)
    assert not is_pareto_optimal(game, [0.9, 0.9])
    assert is_pareto_optimal(game, [1.0, 1.0])
    assert is_pareto_optimal(game, [1.0 + 1e-13, 1.0 - 1e-13])


def test_steep_frontier_point_is_optimal() -> None:
    # (2, 10) = 2/3 (3, 0) + 1/3 (0, 30) lies on the frontier.
    game = bimatrix([[3, 0]], [[0, 30]])
    assert is_pareto_optimal(game, [2.0, 10.0])
    assert is_pareto_optimal(game, [2.0, 10.0 - 1e-12])
    assert not is_pareto_optimal(game, [2.0, 10.0 - 1e-3])


def test_pareto_tolerance() -> None:
    game = bimatrix([[1.0, 1.0 + 1e-15, 0.0]], [[1.0, 1.0, 0.0]])
    assert pareto_optimal_profiles(game) == [(0, 0), (0, 1)]
    assert pareto_optimal_profiles(game, tol=0.0) == [(0, 1)]
    assert is_pareto_optimal(game, [1.0, 1.0])


def test_pareto_rejects_bad_vector() -> None:
    with pytest.raises(ValueError):
        is_pareto_optimal(PD, [1.0, 2.0, 3.0])


def naive_pareto(payoffs: np.ndarray) -> list[tuple[int, ...]]:
    profiles = list(itertools.product(*(range(m) for m in payoffs.shape[1:])))
    vec = {a: payoffs[(slice(None), *a)] for a in profiles}
    return [
        a
        for a in profiles
        if not any(np.all(vec[b] >= vec[a]) and np.any(vec[b] > vec[a]) for b in profiles)
    ]


@pytest.mark.parametrize("seed", range(10))
def test_pareto_matches_naive_and_chunks(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 4))
    sizes = tuple(int(m) for m in rng.integers(2, 5, size=n))
    u = rng.integers(0, 3, size=(n, *sizes)).astype(float)
    expected = naive_pareto(u)
    assert pareto_optimal_profiles(u, tol=0.0) == expected
    monkeypatch.setattr(pareto, "_CHUNK_ENTRIES", 7)
    assert pareto_optimal_profiles(u, tol=0.0) == expected


@pytest.mark.parametrize("seed", range(10))
def test_pure_profiles_consistent_with_vector_test(seed: int) -> None:
    rng = np.random.default_rng(200 + seed)
    u = rng.normal(size=(2, 3, 3))
    optimal = set(pareto_optimal_profiles(u))
    for a in itertools.product(range(3), range(3)):
        vec = u[(slice(None), *a)]
        assert is_pareto_optimal(u, vec, correlated=False) == (a in optimal)
        if a not in optimal:
            assert not is_pareto_optimal(u, vec)


def test_large_game_runs_in_chunks() -> None:
    rng = np.random.default_rng(0)
    u = rng.normal(size=(3, 20, 20, 25))  # 10^4 profiles
    found = pareto_optimal_profiles(u)
    assert found
    vecs = np.array([u[(slice(None), *a)] for a in found])
    # No reported profile dominates another reported one.
    diff = vecs[:, None, :] - vecs[None, :, :]
    assert not np.any(np.all(diff >= 0, axis=2) & np.any(diff > 0, axis=2))
