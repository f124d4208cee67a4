"""Tests of :mod:`sim.solvers.nash.zero_sum` (zero-sum games by linear programming)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.solvers.nash.vertex_enumeration import extreme_equilibria
from sim.solvers.nash.zero_sum import ZeroSumSolution, is_zero_sum, solve_zero_sum

ATOL = 1e-9

PENNIES = [[1.0, -1.0], [-1.0, 1.0]]
RPS = [[0.0, -1.0, 1.0], [1.0, 0.0, -1.0], [-1.0, 1.0, 0.0]]
# Column 3 is dominated for the minimiser; the 2x2 rest has value 1/5,
# row (2/5, 3/5), column (2/5, 3/5, 0).
TWO_BY_THREE = [[2.0, -1.0, 3.0], [-1.0, 1.0, 4.0]]


def _exploitability(a: np.ndarray, sol: ZeroSumSolution) -> tuple[float, float]:
    """Regret of each player at the LP strategies, computed directly."""
    x, y = sol.row_strategy, sol.col_strategy
    value = float(x @ a @ y)
    return float(np.max(a @ y)) - value, value - float(np.min(x @ a))


@pytest.mark.parametrize(
    ("a", "value", "row", "col"),
    [
        pytest.param(PENNIES, 0.0, [0.5, 0.5], [0.5, 0.5], id="matching-pennies"),
        pytest.param(RPS, 0.0, [1 / 3] * 3, [1 / 3] * 3, id="rock-paper-scissors"),
        pytest.param(TWO_BY_THREE, 0.2, [0.4, 0.6], [0.4, 0.6, 0.0], id="2x3-value-1/5"),
        pytest.param([[4.0, 2.0], [3.0, 1.0]], 2.0, [1.0, 0.0], [0.0, 1.0], id="saddle-point"),
        pytest.param([[7.0]], 7.0, [1.0], [1.0], id="1x1"),
    ],
)
def test_known_values(
    a: list[list[float]], value: float, row: list[float], col: list[float]
) -> None:
    sol = solve_zero_sum(a)
    assert sol.value == pytest.approx(value, abs=ATOL)
    np.testing.assert_allclose(sol.row_strategy, row, rtol=0, atol=1e-8)
    np.testing.assert_allclose(sol.col_strategy, col, rtol=0, atol=1e-8)
    assert sol.method == "linear_programming"
    assert sol.tol == 1e-9


@pytest.mark.parametrize("seed", range(40))
def test_lp_strategies_are_an_equilibrium_and_match_vertex_enumeration(seed: int) -> None:
    rng = np.random.default_rng(seed)
    m, n = (int(v) for v in rng.integers(1, 7, size=2))
    a = rng.normal(size=(m, n)) if seed % 2 else rng.integers(-3, 4, size=(m, n)).astype(float)
    sol = solve_zero_sum(a)
    span = max(float(np.ptp(a)), 1e-300)
    row_regret, col_regret = _exploitability(a, sol)
    assert row_regret <= ATOL * span
    assert col_regret <= ATOL * span
    for s in (sol.row_strategy, sol.col_strategy):
        assert np.all(s >= 0.0)
        assert abs(s.sum() - 1.0) <= 1e-12
    # Every equilibrium of a zero-sum game has the same value.
    for eq in extreme_equilibria(a, -a):
        assert eq.payoffs[0] == pytest.approx(sol.value, abs=ATOL * max(span, 1.0))


def test_constant_sum_game_has_the_zero_sum_solution() -> None:
    a = np.array(TWO_BY_THREE)
    b = 10.0 - a
    assert is_zero_sum(a, b)
    (eq,) = extreme_equilibria(a, b).equilibria
    sol = solve_zero_sum(a)
    np.testing.assert_allclose(eq.strategies[0], sol.row_strategy, rtol=0, atol=1e-8)
    np.testing.assert_allclose(eq.strategies[1], sol.col_strategy, rtol=0, atol=1e-8)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        pytest.param(PENNIES, (-np.array(PENNIES)).tolist(), True, id="zero-sum"),
        pytest.param([[1.0, 2.0]], [[4.0, 3.0]], True, id="constant-sum"),
        pytest.param([[1.0, 2.0]], [[4.0, 3.0 + 1e-6]], False, id="almost-constant-sum"),
        pytest.param([[3.0, 0.0], [0.0, 2.0]], [[2.0, 0.0], [0.0, 3.0]], False, id="bos"),
        pytest.param([[1.0, 1.0]], [[5.0, 5.0]], True, id="constant-payoffs"),
    ],
)
def test_is_zero_sum(a: list[list[float]], b: list[list[float]], expected: bool) -> None:
    assert is_zero_sum(a, b) is expected


def test_rejects_malformed() -> None:
    with pytest.raises(ValueError):
        solve_zero_sum([1.0, 2.0])
    with pytest.raises(ValueError):
        solve_zero_sum([[np.inf]])
    with pytest.raises(ValueError):
        is_zero_sum([[1.0]], [[1.0, 2.0]])
