"""Tests for :mod:`sim.solvers.nash.pure_nash`: known answers, pygambit, batches, properties."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from gambit_corpus import PURE_NASH_SEEDS, array_hash, recorded
from gambit_corpus import pure_nash_game as random_game
from gambit_helpers import pure_profiles
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.errors import VerificationError
from sim.solvers.nash.pure_nash import (
    pure_nash,
    pure_nash_mask,
    pure_nash_mask_batch,
    pure_nash_profiles,
)
from sim.solvers.verify import check_equilibrium, verified


def bimatrix(a: list[list[float]], b: list[list[float]]) -> np.ndarray:
    """Payoff tensor of a two-player game from the row and column matrices."""
    return np.stack([np.asarray(a, dtype=float), np.asarray(b, dtype=float)])


def symmetric(a: list[list[float]]) -> np.ndarray:
    """Symmetric two-player game: the column player's matrix is the transpose."""
    return bimatrix(a, np.asarray(a, dtype=float).T.tolist())


def coordination3() -> np.ndarray:
    """Three players, two moves: everyone gets 1 if all choose alike, else 0."""
    u = np.zeros((3, 2, 2, 2))
    u[:, 0, 0, 0] = 1.0
    u[:, 1, 1, 1] = 1.0
    return u


def dominant3() -> np.ndarray:
    """Three players with 2, 3, 2 moves; each payoff is the player's own move index plus
    a term in the others' moves only, so the highest moves, (1, 2, 1), are the only NE."""
    u = np.zeros((3, 2, 3, 2))
    for a in itertools.product(range(2), range(3), range(2)):
        for p in range(3):
            others = [x for q, x in enumerate(a) if q != p]
            u[(p, *a)] = a[p] + 0.7 * others[0] - 0.4 * others[1]
    return u


RPS = [[0, -1, 1], [1, 0, -1], [-1, 1, 0]]

KNOWN = [
    pytest.param(symmetric([[3, 0], [5, 1]]), [(1, 1)], id="prisoners_dilemma"),
    pytest.param(symmetric([[0, -1], [1, -10]]), [(0, 1), (1, 0)], id="chicken"),
    pytest.param(symmetric([[4, 0], [3, 3]]), [(0, 0), (1, 1)], id="stag_hunt"),
    pytest.param(bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]]), [(0, 0), (1, 1)], id="bos"),
    pytest.param(bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]]), [], id="matching_pennies"),
    pytest.param(bimatrix(RPS, (-np.asarray(RPS)).tolist()), [], id="rock_paper_scissors"),
    pytest.param(coordination3(), [(0, 0, 0), (1, 1, 1)], id="coordination_3p"),
    pytest.param(dominant3(), [(1, 2, 1)], id="dominant_3p_2x3x2"),
    pytest.param(np.zeros((2, 2, 3)), [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)], id="null"),
]


@pytest.mark.parametrize(("payoffs", "expected"), KNOWN)
def test_known_games(payoffs: np.ndarray, expected: list[tuple[int, ...]]) -> None:
    assert pure_nash_profiles(payoffs) == expected
    result = pure_nash(payoffs)
    assert [eq.pure_profile() for eq in result] == expected
    assert result.method == "best_response_enumeration"
    assert result.complete
    assert bool(result.notes) == (not expected)
    mask = pure_nash_mask(payoffs)
    assert mask.shape == payoffs.shape[1:]
    assert int(mask.sum()) == len(expected)


def test_equilibrium_contents() -> None:
    payoffs = symmetric([[4, 0], [3, 3]])
    result = pure_nash(payoffs)
    for eq in result:
        assert eq.concept == "pure_nash"
        assert eq.method == "best_response_enumeration"
        assert eq.is_pure
        assert eq.regret == 0.0
        profile = eq.pure_profile()
        assert profile is not None
        np.testing.assert_array_equal(eq.payoffs, payoffs[(slice(None), *profile)])
        for s, k in zip(eq.strategies, profile, strict=True):
            np.testing.assert_array_equal(s, np.eye(2)[k])
    checked = verified(result.equilibria, payoffs)
    assert len(checked) == 2


def test_ties_within_tolerance_count_as_best_replies() -> None:
    eps = 1e-15
    payoffs = symmetric([[1.0, 0.0], [1.0 + eps, 0.0]])
    assert (0, 0) in pure_nash_profiles(payoffs)
    assert (0, 0) not in pure_nash_profiles(payoffs, tol=0.0)
    # The tolerance is relative to the payoff range: the same game in large units.
    assert (0, 0) in pure_nash_profiles(payoffs * 1e9 + 1e3)


def test_regret_reported_within_tolerance() -> None:
    payoffs = symmetric([[1.0, 0.0], [1.0 + 1e-14, 0.0]])
    eq = next(e for e in pure_nash(payoffs, tol=1e-12) if e.pure_profile() == (0, 0))
    assert 0.0 < eq.regret <= 1e-12


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(np.zeros((3, 2, 2)), id="players_mismatch"),
        pytest.param(np.zeros(4), id="one_dim"),
        pytest.param(np.full((2, 2, 2), np.nan), id="nan"),
    ],
)
def test_rejects_malformed_tensors(bad: np.ndarray) -> None:
    with pytest.raises(ValueError):
        pure_nash(bad)


# --------------------------------------------------------------------- pygambit


@pytest.mark.parametrize("seed", PURE_NASH_SEEDS)
def test_matches_recorded_gambit_enumpure(seed: int) -> None:
    payoffs = random_game(seed)
    entry = recorded("pure_nash", str(seed), array_hash(payoffs))
    theirs = {tuple(p) for p in entry["enumpure"]}
    assert len(theirs) == len(entry["enumpure"])
    assert set(pure_nash_profiles(payoffs)) == theirs


@pytest.mark.oracle
@pytest.mark.parametrize("seed", PURE_NASH_SEEDS)
def test_matches_pygambit_enumpure(gbt, seed: int) -> None:  # type: ignore[no-untyped-def]
    payoffs = random_game(seed)
    assert set(pure_nash_profiles(payoffs)) == {tuple(p) for p in pure_profiles(gbt, payoffs)}


def test_pygambit_sample_has_equilibria_and_ties() -> None:
    counts = [len(pure_nash_profiles(random_game(s))) for s in PURE_NASH_SEEDS]
    assert sum(c > 0 for c in counts) > 30
    assert any(c > 1 for c in counts)


# ------------------------------------------------------------------------ batch


@pytest.mark.parametrize("seed", range(50))
def test_batch_equals_loop(seed: int) -> None:
    rng = np.random.default_rng(1000 + seed)
    n = int(rng.integers(2, 5))
    sizes = tuple(int(m) for m in rng.integers(1, 4, size=n))
    batch = int(rng.integers(1, 20))
    u = rng.integers(-2, 3, size=(batch, n, *sizes)).astype(float)
    u[::2] *= rng.uniform(0.1, 1e4)  # different scales within one batch
    masks = pure_nash_mask_batch(u)
    assert masks.shape == (batch, *sizes)
    for b in range(batch):
        np.testing.assert_array_equal(masks[b], pure_nash_mask(u[b]))


def test_batch_rejects_single_game_shape() -> None:
    with pytest.raises(ValueError):
        pure_nash_mask_batch(np.zeros((2, 2, 2)))


# ------------------------------------------------------------------- properties


@st.composite
def small_games(draw: st.DrawFn) -> np.ndarray:
    n = draw(st.integers(2, 3))
    sizes = tuple(draw(st.integers(2, 3)) for _ in range(n))
    size = n * int(np.prod(sizes))
    values = draw(st.lists(st.integers(-3, 3), min_size=size, max_size=size))
    return np.asarray(values, dtype=float).reshape((n, *sizes))


def has_profitable_deviation(payoffs: np.ndarray, profile: tuple[int, ...]) -> bool:
    for p in range(payoffs.shape[0]):
        for k in range(payoffs.shape[p + 1]):
            dev = list(profile)
            dev[p] = k
            if payoffs[(p, *dev)] > payoffs[(p, *profile)]:
                return True
    return False


@settings(max_examples=100, deadline=None)
@given(small_games())
def test_reported_iff_no_profitable_deviation(payoffs: np.ndarray) -> None:
    reported = set(pure_nash_profiles(payoffs))
    for profile in itertools.product(*(range(m) for m in payoffs.shape[1:])):
        strategies = [np.eye(m)[k] for m, k in zip(payoffs.shape[1:], profile, strict=True)]
        if profile in reported:
            assert check_equilibrium(payoffs, strategies) == 0.0
            assert not has_profitable_deviation(payoffs, profile)
        else:
            assert has_profitable_deviation(payoffs, profile)
            with pytest.raises(VerificationError):
                check_equilibrium(payoffs, strategies)
