"""Tests for :mod:`sim.solvers.verify`, the independent best-response check."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest

from sim.errors import VerificationError
from sim.solvers.result import Equilibrium
from sim.solvers.verify import (
    check_equilibrium,
    deviation_payoffs,
    expected_payoffs,
    max_regret,
    payoff_range,
    regrets,
    verified,
)

PD = np.array([[[3.0, 0.0], [5.0, 1.0]], [[3.0, 5.0], [0.0, 1.0]]])
BOS = np.array([[[2.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 2.0]]])
BOS_MIXED = (np.array([2 / 3, 1 / 3]), np.array([1 / 3, 2 / 3]))
PENNIES = np.array([[[1.0, -1.0], [-1.0, 1.0]], [[-1.0, 1.0], [1.0, -1.0]]])
HALF = np.array([0.5, 0.5])


def brute_force_expected(payoffs: np.ndarray, strategies: list[np.ndarray]) -> np.ndarray:
    total = np.zeros(payoffs.shape[0])
    for profile in itertools.product(*(range(m) for m in payoffs.shape[1:])):
        weight = np.prod([s[k] for s, k in zip(strategies, profile, strict=True)])
        total += weight * payoffs[(slice(None), *profile)]
    return total


def random_profile(rng: np.random.Generator, sizes: tuple[int, ...]) -> list[np.ndarray]:
    return [rng.dirichlet(np.ones(m)) for m in sizes]


# ------------------------------------------------------------ payoff functions


def test_expected_payoffs_known() -> None:
    np.testing.assert_allclose(expected_payoffs(BOS, BOS_MIXED), [2 / 3, 2 / 3])
    np.testing.assert_allclose(expected_payoffs(PENNIES, (HALF, HALF)), [0.0, 0.0], atol=1e-15)
    pure = (np.array([0.0, 1.0]), np.array([0.0, 1.0]))
    np.testing.assert_allclose(expected_payoffs(PD, pure), [1.0, 1.0])


@pytest.mark.parametrize("seed", range(10))
def test_expected_and_deviation_payoffs_match_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    sizes = tuple(int(m) for m in rng.integers(1, 4, size=3))
    u = rng.normal(size=(3, *sizes))
    prof = random_profile(rng, sizes)
    np.testing.assert_allclose(expected_payoffs(u, prof), brute_force_expected(u, prof))
    for p in range(3):
        dev = deviation_payoffs(u, prof, p)
        assert dev.shape == (sizes[p],)
        for k in range(sizes[p]):
            pure = list(prof)
            pure[p] = np.eye(sizes[p])[k]
            assert dev[k] == pytest.approx(brute_force_expected(u, pure)[p], abs=1e-12)
        assert float(dev @ prof[p]) == pytest.approx(expected_payoffs(u, prof)[p], abs=1e-12)


def test_deviation_payoffs_equalise_in_mixed_equilibrium() -> None:
    np.testing.assert_allclose(deviation_payoffs(BOS, BOS_MIXED, 0), [2 / 3, 2 / 3])
    np.testing.assert_allclose(deviation_payoffs(BOS, BOS_MIXED, 1), [2 / 3, 2 / 3])


def test_payoff_range() -> None:
    assert payoff_range(PD) == 5.0
    assert payoff_range(np.full((2, 2, 2), 7.0)) == 1.0
    assert payoff_range(np.zeros((2, 2, 2)) + np.array(1e-301)) == 1.0


def test_regrets_and_max_regret() -> None:
    cooperate = (np.array([1.0, 0.0]), np.array([1.0, 0.0]))
    np.testing.assert_allclose(regrets(PD, cooperate), [2.0, 2.0])
    assert max_regret(PD, cooperate) == pytest.approx(2.0 / 5.0)
    assert max_regret(PD, cooperate, relative=False) == pytest.approx(2.0)
    assert max_regret(BOS, BOS_MIXED) == pytest.approx(0.0, abs=1e-15)


# ------------------------------------------------------------ check_equilibrium


def test_non_equilibrium_names_player_and_move() -> None:
    cooperate = (np.array([1.0, 0.0]), np.array([1.0, 0.0]))
    with pytest.raises(VerificationError, match=r"player 0 .*move 1"):
        check_equilibrium(PD, cooperate)


def test_only_the_gaining_player_is_named() -> None:
    # Row defects, column cooperates: only the column player gains (0 -> 1).
    profile = (np.array([0.0, 1.0]), np.array([1.0, 0.0]))
    with pytest.raises(VerificationError, match=r"player 1 .*move 1"):
        check_equilibrium(PD, profile)


def test_names_used_in_message() -> None:
    profile = (np.array([0.0, 1.0]), np.array([1.0, 0.0]))
    with pytest.raises(VerificationError, match=r"Bob .*defect"):
        check_equilibrium(
            PD,
            profile,
            player_names=["Ann", "Bob"],
            move_names=[["cooperate", "defect"], ["cooperate", "defect"]],
        )


def test_equilibria_pass() -> None:
    defect = (np.array([0.0, 1.0]), np.array([0.0, 1.0]))
    assert check_equilibrium(PD, defect) == 0.0
    assert check_equilibrium(BOS, BOS_MIXED) <= 1e-15
    assert check_equilibrium(PENNIES, (HALF, HALF)) == 0.0


def test_near_equilibrium_within_1e_12_passes() -> None:
    d = 1e-13
    near = (np.array([2 / 3 + d, 1 / 3 - d]), np.array([1 / 3 - d, 2 / 3 + d]))
    assert check_equilibrium(BOS, near, tol=1e-12) <= 1e-12
    assert check_equilibrium(BOS, near) <= 1e-12


@pytest.mark.parametrize("scale", [1e-6, 1.0, 1e6])
def test_tolerance_is_relative_to_payoff_range(scale: float) -> None:
    # Row deviates by d from 1/2 in matching pennies: the column player's regret
    # is 2*scale*d in payoff units and d as a fraction of the range 2*scale.
    d = 1e-11
    profile = (np.array([0.5 + d, 0.5 - d]), HALF)
    game = PENNIES * scale
    assert max_regret(game, profile, relative=False) == pytest.approx(2 * scale * d, rel=1e-4)
    assert check_equilibrium(game, profile, tol=1e-9) == pytest.approx(d, rel=1e-4)
    with pytest.raises(VerificationError, match="player 1"):
        check_equilibrium(game, profile, tol=1e-12)


def test_constant_game_everything_is_equilibrium() -> None:
    game = np.full((2, 3, 2), 4.0)
    assert check_equilibrium(game, (np.ones(3) / 3, np.array([1.0, 0.0]))) == 0.0


@pytest.mark.parametrize(
    ("strategies", "message"),
    [
        pytest.param((np.array([1.2, -0.2]), HALF), "player 0: probability of move 1", id="neg"),
        pytest.param((HALF, np.array([0.5, 0.6])), "player 1: probabilities sum", id="sum"),
        pytest.param((HALF, np.array([0.5, 0.25, 0.25])), "player 1: strategy has shape", id="len"),
        pytest.param((HALF,), "profile has 1 strategies", id="count"),
        pytest.param((HALF, np.array([np.nan, 0.5])), "non-finite", id="nan"),
    ],
)
def test_rejects_non_probability_vectors(strategies: tuple[np.ndarray, ...], message: str) -> None:
    with pytest.raises(VerificationError, match=message):
        check_equilibrium(PENNIES, strategies)


def test_probability_errors_within_tolerance_pass() -> None:
    strategies = (np.array([0.5 + 1e-12, 0.5]), np.array([1.0 + 1e-12, -1e-12]))
    check_equilibrium(np.zeros((2, 2, 2)), strategies, tol=1e-9)


# --------------------------------------------------------------------- verified


def make_eq(strategies: tuple[np.ndarray, ...], payoffs: np.ndarray) -> Equilibrium:
    return Equilibrium(
        strategies=strategies,
        payoffs=payoffs,
        concept="mixed_nash",
        method="test",
        regret=-1.0,
    )


def test_verified_fills_regret_and_returns_copies() -> None:
    eqs = [
        make_eq(BOS_MIXED, np.array([2 / 3, 2 / 3])),
        make_eq((np.array([1.0, 0.0]), np.array([1.0, 0.0])), np.array([2.0, 1.0])),
    ]
    out = verified(eqs, BOS)
    assert len(out) == 2
    assert all(0.0 <= e.regret <= 1e-12 for e in out)
    assert all(e.regret == -1.0 for e in eqs)  # originals untouched
    assert out[0] is not eqs[0]
    assert out[0].method == "test"


def test_verified_rejects_non_equilibrium() -> None:
    bad = make_eq((np.array([1.0, 0.0]), np.array([0.0, 1.0])), np.array([0.0, 0.0]))
    with pytest.raises(VerificationError, match="player 0"):
        verified([bad], BOS)


def test_verified_rejects_wrong_reported_payoffs() -> None:
    eq = make_eq(BOS_MIXED, np.array([2 / 3, 0.7]))
    with pytest.raises(VerificationError, match="reported payoffs"):
        verified([eq], BOS)


def test_verified_empty() -> None:
    assert verified([], BOS) == ()


def test_replace_keeps_frozen_dataclass() -> None:
    (out,) = verified([make_eq(BOS_MIXED, np.array([2 / 3, 2 / 3]))], BOS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        out.regret = 0.5  # type: ignore[misc]
