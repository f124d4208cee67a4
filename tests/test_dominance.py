"""Tests for :mod:`sim.solvers.structure.dominance`: dominated moves and iterated elimination."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sim.solvers.nash.pure_nash import pure_nash_profiles
from sim.solvers.structure.dominance import (
    Dominance,
    EliminationResult,
    dominated_moves,
    iterated_elimination,
    restrict,
)


def bimatrix(a: list[list[float]], b: list[list[float]]) -> np.ndarray:
    return np.stack([np.asarray(a, dtype=float), np.asarray(b, dtype=float)])


def row_only(a: list[list[float]]) -> np.ndarray:
    """Game where only the row player's payoffs matter (column player indifferent)."""
    a_arr = np.asarray(a, dtype=float)
    return np.stack([a_arr, np.zeros_like(a_arr)])


PD = bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
MIXTURE_ONLY = row_only([[3, 0], [0, 3], [1, 1]])

# Solved by iterated strict dominance in four rounds:
# row 2 (by row 0), then column 2 (by column 1), then row 1 (by row 0), then column 1.
SOLVABLE_A = [[3, 3, 0], [2, 2, 4], [1, 1, -1]]
SOLVABLE_B = [[2, 1, 0], [0, 3, 1], [0, 0, 5]]
SOLVABLE = bimatrix(SOLVABLE_A, SOLVABLE_B)


def dominator_payoff(payoffs: np.ndarray, d: Dominance) -> np.ndarray:
    """Payoff of the dominating strategy minus the dominated move, per opponent profile."""
    u = np.moveaxis(payoffs[d.player], d.player, 0)
    mix = sum(prob * u[k] for k, prob in d.dominator)
    return np.asarray(mix - u[d.move])


# --------------------------------------------------------------- dominated_moves


def test_prisoners_dilemma_defect_strictly_dominates() -> None:
    for player in (0, 1):
        assert dominated_moves(PD, player) == [
            Dominance(player=player, move=0, dominator=((1, 1.0),), strict=True, by_mixed=False)
        ]


def test_dominated_only_by_mixture() -> None:
    assert dominated_moves(MIXTURE_ONLY, 0, mixed=False) == []
    (d,) = dominated_moves(MIXTURE_ONLY, 0)
    assert (d.player, d.move, d.strict, d.by_mixed) == (0, 2, True, True)
    assert [k for k, _ in d.dominator] == [0, 1]
    # Any weights in (1/3, 2/3) dominate; the LP maximises the margin, giving 1/2.
    assert [p for _, p in d.dominator] == pytest.approx([0.5, 0.5], abs=1e-9)
    assert dominator_payoff(MIXTURE_ONLY, d).min() > 0


def test_column_player_and_three_players() -> None:
    # Column player's move 2 is dominated by (1/2, 1/2) of moves 0 and 1.
    game = np.stack([np.zeros((2, 3)), np.array([[3.0, 0.0, 1.0], [0.0, 3.0, 1.0]])])
    (d,) = dominated_moves(game, 1)
    assert (d.player, d.move, d.by_mixed) == (1, 2, True)
    # Three players: player 2's move 1 pays 1 less than move 0 everywhere.
    rng = np.random.default_rng(3)
    u = rng.normal(size=(3, 2, 2, 2))
    u[2, :, :, 1] = u[2, :, :, 0] - 1.0
    found = dominated_moves(u, 2)
    assert [(x.move, x.dominator, x.strict) for x in found] == [(1, ((0, 1.0),), True)]


def test_weak_dominance() -> None:
    game = row_only([[1, 1], [1, 0]])
    assert dominated_moves(game, 0) == []
    (d,) = dominated_moves(game, 0, strict=False)
    assert d == Dominance(0, 1, ((0, 1.0),), strict=False, by_mixed=False)


def test_weak_dominance_by_mixture_only() -> None:
    game = row_only([[3, 0, 0], [0, 3, 0], [1, 1, 0]])
    assert dominated_moves(game, 0) == []
    assert dominated_moves(game, 0, strict=False, mixed=False) == []
    (d,) = dominated_moves(game, 0, strict=False)
    assert (d.move, d.strict, d.by_mixed) == (2, False, True)
    gain = dominator_payoff(game, d)
    assert gain.min() >= -1e-12 and gain.max() > 0


def test_move_on_the_hull_of_others_is_not_dominated() -> None:
    # Row 2 equals 2/3 row 0 + 1/3 row 1; no mixture is better anywhere.
    game = row_only([[3, 0], [0, 30], [2, 10]])
    assert dominated_moves(game, 0, strict=False) == []
    nudged = row_only([[3, 0], [0, 30], [2, 10 - 1e-4]])
    (d,) = dominated_moves(nudged, 0, strict=False)
    assert (d.move, d.strict, d.by_mixed) == (2, True, True)


def test_strict_reported_before_weak() -> None:
    game = row_only([[2, 2], [1, 1], [1, 2]])
    found = dominated_moves(game, 0, strict=False)
    assert [(d.move, d.strict) for d in found] == [(1, True), (2, False)]


def test_identical_moves_do_not_dominate_each_other() -> None:
    game = row_only([[1, 2], [1, 2], [0, 0]])
    found = dominated_moves(game, 0, strict=False)
    assert [(d.move, d.dominator, d.strict) for d in found] == [(2, ((0, 1.0),), True)]


def test_equal_within_tolerance_is_not_dominance() -> None:
    game = row_only([[1.0, 2.0], [1.0 - 1e-13, 2.0 - 1e-13]])
    assert dominated_moves(game, 0) == []
    assert dominated_moves(game, 0, strict=False) == []
    assert dominated_moves(game, 0, tol=0.0) != []


def test_alive_restriction() -> None:
    # Row 1 is only dominated once column 2 is gone.
    assert dominated_moves(SOLVABLE, 0) == [Dominance(0, 2, ((0, 1.0),), True, False)]
    alive = (np.array([0, 1]), np.array([0, 1]))
    assert dominated_moves(SOLVABLE, 0, alive=alive) == [Dominance(0, 1, ((0, 1.0),), True, False)]
    assert dominated_moves(SOLVABLE, 0, alive=(np.array([1]), np.arange(3))) == []


def test_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError):
        dominated_moves(PD, 2)
    with pytest.raises(ValueError):
        dominated_moves(PD, 0, tol=-1.0)
    with pytest.raises(ValueError):
        dominated_moves(PD, 0, alive=(np.array([0, 5]), np.array([0, 1])))
    with pytest.raises(ValueError):
        dominated_moves(PD, 0, alive=(np.array([], dtype=int), np.array([0, 1])))


def test_dominance_is_frozen() -> None:
    d = Dominance(0, 1, ((0, 1.0),), True, False)
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.move = 2  # type: ignore[misc]


@pytest.mark.parametrize("seed", range(20))
def test_reported_dominance_holds(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 4))
    sizes = tuple(int(m) for m in rng.integers(2, 5, size=n))
    u = rng.integers(0, 4, size=(n, *sizes)).astype(float)
    for p in range(n):
        for d in dominated_moves(u, p, strict=False):
            gain = dominator_payoff(u, d)
            assert sum(prob for _, prob in d.dominator) == pytest.approx(1.0)
            assert all(prob > 0 for _, prob in d.dominator)
            if d.strict:
                assert gain.min() > 0
            else:
                assert gain.min() >= -1e-9 and gain.max() > 0
                # Never reported weak when strict dominance exists by a pure move.
                assert not any(
                    np.all(np.moveaxis(u[p], p, 0)[k] > np.moveaxis(u[p], p, 0)[d.move])
                    for k in range(sizes[p])
                )


# ---------------------------------------------------------- iterated elimination


def test_iterated_elimination_solves_3x3_in_order() -> None:
    result = iterated_elimination(SOLVABLE)
    assert isinstance(result, EliminationResult)
    assert [(d.player, d.move) for d in result.steps] == [(0, 2), (1, 2), (0, 1), (1, 1)]
    assert [d.dominator for d in result.steps] == [
        ((0, 1.0),),
        ((1, 1.0),),
        ((0, 1.0),),
        ((0, 1.0),),
    ]
    assert result.rounds == (0, 1, 2, 3)
    assert result.surviving == ((0,), (0,))
    assert result.solved
    assert result.method == "iterated_strict_dominance"
    assert (result.strict, result.mixed, result.tol) == (True, True, 1e-9)
    assert pure_nash_profiles(SOLVABLE) == [(0, 0)]


def test_prisoners_dilemma_one_round() -> None:
    result = iterated_elimination(PD)
    assert result.surviving == ((1,), (1,))
    assert result.rounds == (0, 0)


def test_mixture_needed_for_elimination() -> None:
    game = bimatrix([[3, 0], [0, 3], [1, 1]], [[1, 0], [0, 1], [2, 2]])
    assert iterated_elimination(game, mixed=False).surviving == ((0, 1, 2), (0, 1))
    assert iterated_elimination(game).surviving == ((0, 1), (0, 1))


def test_nothing_to_eliminate() -> None:
    pennies = bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    result = iterated_elimination(pennies)
    assert result.steps == ()
    assert result.surviving == ((0, 1), (0, 1))
    assert not result.solved


def test_weak_elimination_can_remove_equilibria() -> None:
    # (1, 1) is a Nash equilibrium in weakly dominated moves.
    game = bimatrix([[1, 0], [0, 0]], [[1, 0], [0, 0]])
    assert pure_nash_profiles(game) == [(0, 0), (1, 1)]
    assert iterated_elimination(game).surviving == ((0, 1), (0, 1))
    weak = iterated_elimination(game, strict=False)
    assert weak.surviving == ((0,), (0,))
    assert weak.method == "iterated_weak_dominance"
    assert all(not d.strict for d in weak.steps)


def test_restrict() -> None:
    sub = restrict(SOLVABLE, ((0, 1), (0, 2)))
    np.testing.assert_array_equal(sub[0], [[3, 0], [2, 4]])
    np.testing.assert_array_equal(sub[1], [[2, 0], [0, 1]])


@pytest.mark.parametrize("seed", range(30))
def test_strict_elimination_keeps_every_pure_equilibrium(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(2, 4))
    sizes = tuple(int(m) for m in rng.integers(2, 5, size=n))
    u = rng.integers(0, 5, size=(n, *sizes)).astype(float)
    result = iterated_elimination(u)
    assert all(len(s) >= 1 for s in result.surviving)
    for profile in pure_nash_profiles(u):
        assert all(k in s for k, s in zip(profile, result.surviving, strict=True))
    # The surviving game has the same pure equilibria, re-indexed.
    sub = restrict(u, result.surviving)
    mapped = {
        tuple(s[k] for s, k in zip(result.surviving, prof, strict=True))
        for prof in pure_nash_profiles(sub)
    }
    assert mapped == set(pure_nash_profiles(u))
