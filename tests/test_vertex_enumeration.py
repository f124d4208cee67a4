"""Tests of :mod:`sim.solvers.nash.vertex_enumeration` (all extreme equilibria)."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest
from gambit_corpus import (
    THIN_SEEDS,
    THIN_SHAPES,
    VERTEX_SEEDS,
    array_hash,
    recorded,
    shape_id,
    thin_game,
    vector,
)
from gambit_corpus import bimatrix_game as _random_game
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.optimize import linprog

from sim.solvers.nash.vertex_enumeration import (
    extreme_equilibria,
    is_degenerate,
    popcount,
    popcount_table,
)
from sim.solvers.result import EquilibriumSet

ATOL = 1e-9

Profile = tuple[list[float], list[float]]


def _profiles(result: EquilibriumSet) -> list[np.ndarray]:
    return [np.concatenate(eq.strategies) for eq in result.equilibria]


def _assert_same_set(found: list[np.ndarray], expected: list[np.ndarray], atol: float) -> None:
    """One-to-one match of two lists of profiles, entrywise within ``atol``."""
    assert len(found) == len(expected), (found, expected)
    unused = list(range(len(found)))
    for target in expected:
        dists = [float(np.max(np.abs(found[i] - target))) for i in unused]
        best = int(np.argmin(dists))
        assert dists[best] <= atol, (target, found)
        unused.pop(best)


def _regrets(a: np.ndarray, b: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Best deviation gain of each player, computed directly."""
    return float(np.max(a @ y) - x @ a @ y), float(np.max(x @ b) - x @ b @ y)


# ---------------------------------------------------------------- known answers

BOS = ([[3, 0], [0, 2]], [[2, 0], [0, 3]])
PENNIES = ([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
RPS_A = [[0, -1, 1], [1, 0, -1], [-1, 1, 0]]
PD = ([[3, 0], [5, 1]], [[3, 5], [0, 1]])
CHICKEN = ([[0, -1], [1, -10]], [[0, 1], [-1, -10]])
STAG = ([[4, 1], [3, 2]], [[4, 3], [1, 2]])
# von Stengel (2002), sections 2.3 and 2.6: a nondegenerate 3x2 game and its
# degenerate variant, where (1,0,0) against any y in [(2/3,1/3), (1,0)] is a continuum.
VS_A = [[3, 3], [2, 5], [0, 6]]
VS_B = [[3, 2], [2, 6], [3, 1]]
VS_B_DEGENERATE = [[3, 3], [2, 6], [3, 1]]
THIRD, TWO_THIRDS = 1.0 / 3.0, 2.0 / 3.0

KNOWN = [
    pytest.param(
        *BOS,
        [([1, 0], [1, 0]), ([0.6, 0.4], [0.4, 0.6]), ([0, 1], [0, 1])],
        False,
        id="battle-of-the-sexes",
    ),
    pytest.param(*PENNIES, [([0.5, 0.5], [0.5, 0.5])], False, id="matching-pennies"),
    pytest.param(
        RPS_A,
        (-np.array(RPS_A)).tolist(),
        [([THIRD] * 3, [THIRD] * 3)],
        False,
        id="rock-paper-scissors",
    ),
    pytest.param(*PD, [([0, 1], [0, 1])], False, id="prisoners-dilemma"),
    pytest.param(
        *CHICKEN,
        [([1, 0], [0, 1]), ([0.9, 0.1], [0.9, 0.1]), ([0, 1], [1, 0])],
        False,
        id="chicken",
    ),
    pytest.param(
        *STAG,
        [([1, 0], [1, 0]), ([0.5, 0.5], [0.5, 0.5]), ([0, 1], [0, 1])],
        False,
        id="stag-hunt",
    ),
    pytest.param(
        VS_A,
        VS_B,
        [
            ([1, 0, 0], [1, 0]),
            ([0.8, 0.2, 0], [TWO_THIRDS, THIRD]),
            ([0, THIRD, TWO_THIRDS], [THIRD, TWO_THIRDS]),
        ],
        False,
        id="von-stengel-3x2",
    ),
    pytest.param(
        VS_A,
        VS_B_DEGENERATE,
        [
            ([1, 0, 0], [1, 0]),
            ([1, 0, 0], [TWO_THIRDS, THIRD]),
            ([0, THIRD, TWO_THIRDS], [THIRD, TWO_THIRDS]),
        ],
        True,
        id="von-stengel-3x2-degenerate-continuum",
    ),
    pytest.param(
        [[1, 1], [0, 0]],
        [[1, 1], [0, 0]],
        [([1, 0], [1, 0]), ([1, 0], [0, 1])],
        True,
        id="dominant-row-indifferent-column",
    ),
    pytest.param(
        [[2, 2, 2], [2, 2, 2]],
        [[2, 2, 2], [2, 2, 2]],
        [(x, y) for x in ([1, 0], [0, 1]) for y in ([1, 0, 0], [0, 1, 0], [0, 0, 1])],
        True,
        id="all-payoffs-equal",
    ),
    pytest.param([[5]], [[-7]], [([1], [1])], False, id="1x1"),
    pytest.param([[1, 4, 2]], [[3, 1, 3]], [([1], [1, 0, 0]), ([1], [0, 0, 1])], True, id="1x3"),
    pytest.param([[1], [4], [2]], [[0], [0], [0]], [([0, 1, 0], [1])], False, id="3x1"),
]


@pytest.mark.parametrize(("a", "b", "expected", "degenerate"), KNOWN)
def test_known_games(
    a: list[list[float]], b: list[list[float]], expected: list[Profile], degenerate: bool
) -> None:
    result = extreme_equilibria(a, b)
    want = [np.concatenate([np.array(x, float), np.array(y, float)]) for x, y in expected]
    _assert_same_set(_profiles(result), want, atol=1e-15)
    assert result.degenerate is degenerate
    assert is_degenerate(a, b) is degenerate
    assert result.complete
    assert result.method == "vertex_enumeration"


def test_battle_of_the_sexes_details() -> None:
    result = extreme_equilibria(*BOS)
    assert [eq.concept for eq in result] == ["pure_nash", "mixed_nash", "pure_nash"]
    assert [eq.pure_profile() for eq in result] == [(0, 0), None, (1, 1)]
    mixed = result.equilibria[1]
    np.testing.assert_allclose(mixed.payoffs, [1.2, 1.2], rtol=0, atol=1e-15)
    assert all(eq.regret <= ATOL for eq in result)
    assert all(eq.method == "vertex_enumeration" for eq in result)


def test_order_is_descending_lexicographic() -> None:
    result = extreme_equilibria(*CHICKEN)
    keys = [tuple(p) for p in _profiles(result)]
    assert keys == sorted(keys, reverse=True)


def test_degenerate_note() -> None:
    assert extreme_equilibria(VS_A, VS_B_DEGENERATE).notes
    assert not extreme_equilibria(VS_A, VS_B).notes


def test_duplicate_rows_and_zero_row() -> None:
    a = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 0.0]])
    b = np.array([[0.0, 1.0], [0.0, 1.0], [0.0, 0.0]])
    result = extreme_equilibria(a, b)
    assert result.degenerate
    for eq in result:
        g_row, g_col = _regrets(a, b, *eq.strategies)
        assert max(g_row, g_col) <= ATOL


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param([[1, 2]], [[1, 2, 3]], id="shape-mismatch"),
        pytest.param([1, 2], [1, 2], id="1-d"),
        pytest.param([[np.nan]], [[0.0]], id="nan"),
        pytest.param(np.zeros((0, 2)), np.zeros((0, 2)), id="empty"),
    ],
)
def test_rejects_malformed(a: object, b: object) -> None:
    with pytest.raises(ValueError):
        extreme_equilibria(a, b)  # type: ignore[arg-type]


# -------------------------------------------------------------- against Gambit

SEED_CHUNK = 20


def _unique(profiles: list[np.ndarray]) -> list[np.ndarray]:
    """Gambit may list the same extreme equilibrium twice in degenerate games
    (one copy per basis); compare sets."""
    unique: list[np.ndarray] = []
    for prof in profiles:
        if not any(np.max(np.abs(prof - u)) <= ATOL for u in unique):
            unique.append(prof)
    return unique


def _gambit_equilibria(gbt, a: np.ndarray, b: np.ndarray, exact: bool) -> list[np.ndarray]:  # type: ignore[no-untyped-def]
    if exact:
        game = gbt.Game.from_arrays(a.astype(int), b.astype(int))
    else:
        game = gbt.Game.from_arrays(a, b)
    players = list(game.players)
    result = gbt.nash.enummixed_solve(game, rational=exact)
    return _unique(
        [
            np.array([float(eq[s]) for p in players for s in p.strategies])
            for eq in result.equilibria
        ]
    )


def _recorded_equilibria(key: str, a: np.ndarray, b: np.ndarray, exact: bool) -> list[np.ndarray]:
    """Gambit's enummixed answer recorded in tests/fixtures (exact strings for integer games)."""
    entry = recorded("vertex_enumeration", key, array_hash(np.stack([a, b])))
    if exact:
        assert all(isinstance(v, str) for eq in entry["enummixed"] for v in eq)
    return _unique([vector(eq) for eq in entry["enummixed"]])


def _compare(games, expected_of) -> None:  # type: ignore[no-untyped-def]
    for key, (a, b, exact) in games:
        expected = expected_of(key, a, b, exact)
        try:
            _assert_same_set(_profiles(extreme_equilibria(a, b)), expected, atol=ATOL)
        except AssertionError as exc:
            raise AssertionError(f"{key}: game {a.tolist()} / {b.tolist()}") from exc


def _chunk(first_seed: int):  # type: ignore[no-untyped-def]
    return [(f"random/{s}", _random_game(s)) for s in range(first_seed, first_seed + SEED_CHUNK)]


def _thin(shape: tuple[int, int]):  # type: ignore[no-untyped-def]
    return [(f"thin/{shape_id(shape)}/{s}", thin_game(shape, s)) for s in THIN_SEEDS]


SEED_CHUNKS = [
    pytest.param(s, id=f"seeds-{s}-{s + SEED_CHUNK - 1}")
    for s in range(0, len(VERTEX_SEEDS), SEED_CHUNK)
]
THIN = pytest.mark.parametrize("shape", THIN_SHAPES, ids=lambda sh: f"{sh[0]}x{sh[1]}")


@pytest.mark.parametrize("first_seed", SEED_CHUNKS)
def test_matches_recorded_gambit_enummixed(first_seed: int) -> None:
    _compare(_chunk(first_seed), _recorded_equilibria)


@THIN
def test_matches_recorded_gambit_on_small_and_thin_shapes(shape: tuple[int, int]) -> None:
    _compare(_thin(shape), _recorded_equilibria)


@pytest.mark.oracle
@pytest.mark.parametrize("first_seed", SEED_CHUNKS)
def test_matches_gambit_enummixed(gbt, first_seed: int) -> None:  # type: ignore[no-untyped-def]
    _compare(_chunk(first_seed), lambda _, a, b, exact: _gambit_equilibria(gbt, a, b, exact))


@pytest.mark.oracle
@THIN
def test_matches_gambit_on_small_and_thin_shapes(gbt, shape: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    _compare(_thin(shape), lambda _, a, b, exact: _gambit_equilibria(gbt, a, b, exact))


def test_popcount_fallback_for_numpy_1() -> None:
    masks = np.random.default_rng(0).integers(0, 2**62, size=(7, 5))
    expected = np.vectorize(lambda v: bin(int(v)).count("1"))(masks)
    np.testing.assert_array_equal(popcount_table(masks), expected)
    np.testing.assert_array_equal(popcount(masks), expected)


def _has_extra_best_response(payoff: np.ndarray) -> bool:
    """Brute force: some strategy of the row chooser with support of size k has k+1 best replies.

    ``payoff`` is the *other* player's payoff, rows = this player's moves. For
    every support ``S`` and every ``k + 1`` columns ``T`` an LP asks for ``x`` in the
    simplex on ``S`` with all of ``T`` among the best replies.
    """
    m, n = payoff.shape
    for k in range(1, m + 1):
        for support in combinations(range(m), k):
            for replies in combinations(range(n), k + 1):
                if _lp_feasible(payoff, list(support), list(replies)):
                    return True
    return False


def _lp_feasible(payoff: np.ndarray, support: list[int], replies: list[int]) -> bool:
    n = payoff.shape[1]
    k = len(support)
    sub = payoff[support]  # (k, n); variables (x_S, v)
    a_eq = np.vstack([np.append(np.ones(k), 0.0)] + [np.append(sub[:, t], -1.0) for t in replies])
    b_eq = np.append(1.0, np.zeros(len(replies)))
    a_ub = np.hstack([sub.T, -np.ones((n, 1))])
    res = linprog(
        np.zeros(k + 1),
        A_ub=a_ub,
        b_ub=np.zeros(n),
        A_eq=a_eq,
        b_eq=b_eq,
        bounds=[(0.0, None)] * k + [(None, None)],
        method="highs",
    )
    return bool(res.status == 0)


@pytest.mark.parametrize("seed", range(30))
def test_degenerate_flag_matches_brute_force(seed: int) -> None:
    rng = np.random.default_rng(2000 + seed)
    m, n = (int(v) for v in rng.integers(1, 4, size=2))
    top = 1 + seed % 3
    a, b = rng.integers(0, top + 1, size=(2, m, n)).astype(float)
    brute = _has_extra_best_response(b) or _has_extra_best_response(a.T)
    assert is_degenerate(a, b) is brute
    assert extreme_equilibria(a, b).degenerate is brute


def test_float_polish_gives_full_precision() -> None:
    a, b, _ = _random_game(2)
    for eq in extreme_equilibria(a, b):
        for s in eq.strategies:
            assert abs(s.sum() - 1.0) <= 1e-15
            assert np.all(s >= 0.0)


# ------------------------------------------------------------ property test


def _games() -> st.SearchStrategy[tuple[np.ndarray, np.ndarray]]:
    shape = st.tuples(st.integers(1, 4), st.integers(1, 4))
    ints = st.integers(-3, 3)
    return shape.flatmap(
        lambda sh: st.tuples(
            hnp.arrays(np.int64, sh, elements=ints), hnp.arrays(np.int64, sh, elements=ints)
        )
    )


@settings(max_examples=200, deadline=None)
@given(_games())
def test_every_reported_profile_is_an_equilibrium(game: tuple[np.ndarray, np.ndarray]) -> None:
    a, b = (g.astype(float) for g in game)
    result = extreme_equilibria(a, b)
    assert len(result) >= 1
    for eq in result:
        x, y = eq.strategies
        for s in (x, y):
            assert np.all(s >= 0.0)
            assert abs(s.sum() - 1.0) <= 1e-12
        g_row, g_col = _regrets(a, b, x, y)
        assert g_row <= ATOL * max(float(np.ptp(a)), 1.0)
        assert g_col <= ATOL * max(float(np.ptp(b)), 1.0)
