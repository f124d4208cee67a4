"""Tests for :mod:`sim.solvers.nash.dispatch`: one policy for "all Nash equilibria"."""

from __future__ import annotations

import numpy as np
import pytest

from sim.solvers.nash.dispatch import NashPolicy, nash_equilibria
from sim.solvers.nash.pure_nash import pure_nash
from sim.solvers.nash.support_enumeration import all_equilibria
from sim.solvers.nash.vertex_enumeration import extreme_equilibria
from sim.solvers.verify import check_equilibrium

# a 3x3x3 game without a pure equilibrium (seed 0 of the standard normal)
NO_PURE = np.random.default_rng(0).standard_normal((3, 3, 3, 3))


def _profiles(found) -> list[tuple[tuple[float, ...], ...]]:  # type: ignore[no-untyped-def]
    return [tuple(tuple(np.round(s, 9)) for s in eq.strategies) for eq in found.equilibria]


def test_no_pure_equilibrium_in_the_fixture() -> None:
    assert len(pure_nash(NO_PURE)) == 0


@pytest.mark.parametrize("seed", range(6))
def test_two_players_is_vertex_enumeration(seed: int) -> None:
    u = np.random.default_rng(seed).integers(0, 3, size=(2, 3, 3)).astype(float)
    found = nash_equilibria(u)
    direct = extreme_equilibria(u[0], u[1])
    assert sorted(_profiles(found)) == sorted(_profiles(direct))
    assert (found.complete, found.stopped_early, found.fell_back) == (True, False, False)


@pytest.mark.parametrize("seed", range(4))
def test_many_players_is_support_enumeration_with_every_pure(seed: int) -> None:
    u = np.random.default_rng(seed).standard_normal((3, 2, 2, 2))
    found = nash_equilibria(u)
    assert sorted(_profiles(found)) == sorted(_profiles(all_equilibria(u)))
    pure = [eq.pure_profile() for eq in found.equilibria if eq.is_pure]
    assert pure == [eq.pure_profile() for eq in pure_nash(u, tol=1e-9).equilibria]
    # pure ones first, in profile order
    kinds = [eq.is_pure for eq in found.equilibria]
    assert kinds == sorted(kinds, reverse=True)


def test_pure_only() -> None:
    u = np.random.default_rng(3).standard_normal((3, 3, 3, 3))
    found = nash_equilibria(u, mixed=False)
    assert found.method == "best_response_enumeration"
    assert all(eq.is_pure for eq in found.equilibria)
    assert found.complete and not found.stopped_early


def test_enumeration_of_the_fixture_is_complete() -> None:
    found = nash_equilibria(NO_PURE)
    assert found.equilibria and found.complete
    assert not (found.stopped_early or found.fell_back)
    for eq in found.equilibria:
        assert check_equilibrium(NO_PURE, eq.strategies, tol=1e-9) <= 1e-9


def test_a_budget_that_finds_nothing_falls_back_to_the_logit_limit() -> None:
    found = nash_equilibria(NO_PURE, policy=NashPolicy(max_profiles=1, seconds=0.0))
    assert found.method == "logit_limit"
    assert (found.complete, found.stopped_early, found.fell_back) == (False, True, True)
    assert any("limit of the logit QRE branch" in note for note in found.notes)
    (eq,) = found.equilibria
    assert check_equilibrium(NO_PURE, eq.strategies, tol=1e-9) <= 1e-9


def test_without_fallback_the_list_may_be_empty_and_says_so() -> None:
    policy = NashPolicy(max_profiles=1, seconds=0.0, fallback=False)
    found = nash_equilibria(NO_PURE, policy=policy)
    assert found.equilibria == ()
    assert found.stopped_early and not found.complete
    assert any("incomplete" in note for note in found.notes)


def test_a_two_player_game_too_large_to_enumerate_says_so() -> None:
    u = np.random.default_rng(1).standard_normal((2, 11, 11))
    found = nash_equilibria(u)
    assert found.method == "pure_and_logit_limit"
    assert (found.complete, found.stopped_early, found.fell_back) == (False, True, True)
    assert found.equilibria
    for eq in found.equilibria:
        assert check_equilibrium(u, eq.strategies, tol=1e-9) <= 1e-9
