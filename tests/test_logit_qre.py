"""Tests for :mod:`sim.solvers.qre.logit_qre`: fixed points, known answers, pygambit, properties."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from gambit_corpus import (
    FOLDED,
    QRE_LAMBDA_GAMES,
    QRE_LAMBDAS,
    QRE_LIMIT_SEEDS,
    QRE_LIMIT_SHAPES,
    array_hash,
    normal_game,
    recorded,
    shape_id,
    vector,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import fsolve

from sim.solvers.qre import (
    LogitQREError,
    QREPoint,
    limiting_logit_equilibrium,
    logit_qre_at,
    trace_logit_branch,
)
from sim.solvers.verify import (
    check_equilibrium,
    deviation_payoffs,
    expected_payoffs,
    payoff_range,
)

FIXED_POINT_TOL = 1e-8


def bimatrix(a: list[list[float]], b: list[list[float]]) -> np.ndarray:
    """Payoff tensor of a two-player game from the row and column matrices."""
    return np.stack([np.asarray(a, dtype=float), np.asarray(b, dtype=float)])


def mckelvey_mclennan() -> np.ndarray:
    """McKelvey & McLennan's 2x2x2 game with 9 Nash equilibria (0 where not listed)."""
    u = np.zeros((3, 2, 2, 2))
    u[:, 0, 0, 0] = (9, 8, 12)
    u[:, 1, 1, 0] = (9, 8, 2)
    u[:, 1, 0, 1] = (3, 4, 6)
    u[:, 0, 1, 1] = (3, 4, 6)
    return u


def random_game(seed: int, shape: tuple[int, ...]) -> np.ndarray:
    """Standard-normal payoffs, shape ``(len(shape), *shape)``."""
    return normal_game(shape, seed)


def softmax_gap(payoffs: np.ndarray, point: QREPoint) -> float:
    """``max |sigma - softmax(lam u(sigma))|``, computed independently of the solver."""
    worst = 0.0
    for p, s in enumerate(point.strategies):
        z = point.lam * deviation_payoffs(payoffs, point.strategies, p)
        e = np.exp(z - z.max())
        worst = max(worst, float(np.abs(s - e / e.sum()).max()))
    return worst


def assert_on_branch(payoffs: np.ndarray, points: tuple[QREPoint, ...]) -> None:
    """Every point is a logit QRE with consistent payoffs."""
    for pt in points:
        assert softmax_gap(payoffs, pt) <= FIXED_POINT_TOL, pt.lam
        for s in pt.strategies:
            assert s.min() >= 0.0
            assert abs(s.sum() - 1.0) <= 1e-12
        np.testing.assert_allclose(pt.payoffs, expected_payoffs(payoffs, pt.strategies), atol=1e-9)


MATCHING_PENNIES = bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
PRISONERS_DILEMMA = bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
COORDINATION = bimatrix([[1, 0], [0, 1]], [[1, 0], [0, 1]])
# No pure equilibrium; unique equilibrium row (2/3, 1/3), column (2/5, 3/5); the logit QRE
# is unique for every lambda.
ASYM_PENNIES = bimatrix([[2, -1], [-1, 1]], [[-1, 1], [2, -2]])
# FOLDED (gambit_corpus): integer 3x3 game whose principal branch turns back at lam ~ 1.120
# and again at ~ 0.611 (Gambit's branch turns at the same places), so lam = 0.9 is crossed
# three times.


# ---------------------------------------------------------------- fixed point


@pytest.mark.parametrize(
    "payoffs",
    [
        MATCHING_PENNIES,
        PRISONERS_DILEMMA,
        COORDINATION,
        FOLDED,
        mckelvey_mclennan(),
        random_game(1, (3, 3)),
        random_game(2, (2, 2, 2)),
        random_game(3, (4, 4, 4)),
    ],
    ids=["pennies", "pd", "coord", "folded", "mm", "3x3", "2x2x2", "4x4x4"],
)
def test_every_branch_point_is_a_logit_qre(payoffs: np.ndarray) -> None:
    branch = trace_logit_branch(payoffs)
    assert branch.terminated == "max_lambda"
    assert branch.points[0].lam == 0.0
    for s, m in zip(branch.points[0].strategies, payoffs.shape[1:], strict=True):
        np.testing.assert_allclose(s, np.full(m, 1.0 / m), atol=1e-15)
    rng = float(payoffs.max() - payoffs.min())
    assert branch.points[-1].lam == pytest.approx(1e6 / rng, rel=1e-12)
    assert dict(branch.settings)["payoff_range"] == pytest.approx(rng)
    assert_on_branch(payoffs, branch.points)


def test_max_lambda_and_max_points_are_honoured() -> None:
    u = random_game(4, (3, 3))
    branch = trace_logit_branch(u, max_lambda=7.5)
    assert branch.terminated == "max_lambda"
    assert branch.points[-1].lam == pytest.approx(7.5, rel=1e-12)
    short = trace_logit_branch(u, max_points=5)
    assert short.terminated == "max_points"
    assert len(short.points) == 5
    assert_on_branch(u, short.points)


# ---------------------------------------------------------------- known answers


def test_matching_pennies_qre_is_uniform_for_every_lambda() -> None:
    lams = [0.0, 0.1, 1.0, 3.0, 10.0, 100.0]
    for pt, lam in zip(logit_qre_at(MATCHING_PENNIES, lams), lams, strict=True):
        assert pt.lam == pytest.approx(lam)
        for s in pt.strategies:
            np.testing.assert_allclose(s, [0.5, 0.5], atol=1e-12)
    for pt in trace_logit_branch(MATCHING_PENNIES).points:
        for s in pt.strategies:
            np.testing.assert_allclose(s, [0.5, 0.5], atol=1e-12)


def direct_qre_2x2(payoffs: np.ndarray, lam: float) -> np.ndarray:
    """Logit QRE of a 2x2 game by scipy fsolve on the logits (p, q = first-move probs)."""
    a, b = payoffs

    def equations(z: np.ndarray) -> np.ndarray:
        p, q = 1.0 / (1.0 + np.exp(-z))
        du = (a[0] - a[1]) @ np.array([q, 1 - q])
        dv = np.array([p, 1 - p]) @ (b[:, 0] - b[:, 1])
        return z - lam * np.array([du, dv])

    z = fsolve(equations, np.zeros(2), xtol=1e-12)
    return 1.0 / (1.0 + np.exp(-z))


def test_asymmetric_2x2_matches_direct_fsolve() -> None:
    lams = [0.25, 1.0, 2.5, 6.0]
    for pt, lam in zip(logit_qre_at(ASYM_PENNIES, lams), lams, strict=True):
        p, q = direct_qre_2x2(ASYM_PENNIES, lam)
        np.testing.assert_allclose([pt.strategies[0][0], pt.strategies[1][0]], [p, q], atol=1e-9)


def test_lambda_is_in_original_payoff_units() -> None:
    u = random_game(5, (3, 2))
    base = logit_qre_at(u, [0.7, 2.0])
    scaled = logit_qre_at(10.0 * u + 3.0, [0.07, 0.2])  # lam scales by 1 / 10; shift is free
    for a, b in zip(base, scaled, strict=True):
        for sa, sb in zip(a.strategies, b.strategies, strict=True):
            np.testing.assert_allclose(sa, sb, atol=1e-9)
        np.testing.assert_allclose(b.payoffs, 10.0 * a.payoffs + 3.0, atol=1e-8)


def test_first_crossing_is_returned_after_turning_points() -> None:
    lams = np.array([p.lam for p in trace_logit_branch(FOLDED, max_lambda=50.0).points])
    crossings = np.flatnonzero(np.diff(np.sign(lams - 0.9)) != 0)
    assert len(crossings) == 3  # up, back down past the fold at ~1.12, up again after ~0.61
    (pt,) = logit_qre_at(FOLDED, [0.9])
    assert softmax_gap(FOLDED, pt) <= FIXED_POINT_TOL
    # The first crossing; pygambit's logit_solve_lambda gives the same point.
    expected = [[0.02731, 0.30436, 0.66833], [0.21003, 0.50406, 0.28591]]
    for s, e in zip(pt.strategies, expected, strict=True):
        np.testing.assert_allclose(s, e, atol=1e-5)


def test_limit_of_prisoners_dilemma_is_defect_defect() -> None:
    eq = limiting_logit_equilibrium(PRISONERS_DILEMMA)
    assert eq.concept == "pure_nash"
    assert eq.method == "logit_limit"
    assert eq.pure_profile() == (1, 1)
    np.testing.assert_allclose(eq.payoffs, [1.0, 1.0])
    assert eq.regret == 0.0


def test_limit_of_a_game_with_a_unique_strict_equilibrium() -> None:
    u = np.zeros((3, 2, 3, 2))  # every player has a strictly dominant move
    u[0, 1] += 2.0
    u[1, :, 2] += 1.0
    u[2, :, :, 0] += 5.0
    u += random_game(6, (2, 3, 2)) * 0.1
    eq = limiting_logit_equilibrium(u)
    assert eq.pure_profile() == (1, 2, 0)
    assert eq.concept == "pure_nash"


def test_limit_of_unique_mixed_equilibrium() -> None:
    eq = limiting_logit_equilibrium(ASYM_PENNIES)
    assert eq.concept == "mixed_nash"
    np.testing.assert_allclose(eq.strategies[0], [2 / 3, 1 / 3], atol=1e-12)
    np.testing.assert_allclose(eq.strategies[1], [2 / 5, 3 / 5], atol=1e-12)
    assert eq.regret <= 1e-12


def test_symmetric_coordination_branch_stays_at_the_centroid() -> None:
    # The centroid is a QRE for every lambda; a pitchfork at lam = 2 (where the
    # linearisation lam / 2 reaches 1) does not stop the tracer, and the branch
    # ends at the symmetric mixed equilibrium rather than a pure one.
    branch = trace_logit_branch(COORDINATION, max_lambda=100.0)
    assert branch.terminated == "max_lambda"
    assert any(p.lam < 2.0 for p in branch.points) and any(p.lam > 2.0 for p in branch.points)
    for pt in branch.points:
        for s in pt.strategies:
            np.testing.assert_allclose(s, [0.5, 0.5], atol=1e-12)
    eq = limiting_logit_equilibrium(COORDINATION)
    assert eq.concept == "mixed_nash"
    for s in eq.strategies:
        np.testing.assert_allclose(s, [0.5, 0.5], atol=1e-12)


def test_mckelvey_mclennan_limit_is_a_verified_equilibrium() -> None:
    # pygambit 16.7, gbt.nash.logit_solve(game) on this game stalls at the pitchfork
    # at lam ~ 0.59676 and returns ((0.49999995, 0.49999995), (0.5, 0.5),
    # (0.5740458506342955, 0.4259541493657045)): not an equilibrium (player 3 gains
    # 0.213 by deviating; 0.0177 of the payoff range). Our branch continues along
    # sigma_1 = sigma_2 = (1/2, 1/2) to the equilibrium below.
    u = mckelvey_mclennan()
    eq = limiting_logit_equilibrium(u)
    assert check_equilibrium(u, eq.strategies, 1e-9) <= 1e-9
    for s, e in zip(eq.strategies, ([0.5, 0.5], [0.5, 0.5], [1.0, 0.0]), strict=True):
        np.testing.assert_allclose(s, e, atol=1e-12)
    np.testing.assert_allclose(eq.payoffs, [4.5, 4.0, 3.5])
    (before, after) = logit_qre_at(u, [0.59, 0.61])  # both sides of the bifurcation
    assert_on_branch(u, (before, after))


# ---------------------------------------------------------------- errors


def test_errors() -> None:
    with pytest.raises(ValueError):
        trace_logit_branch(np.zeros((2, 2)))
    with pytest.raises(ValueError):
        logit_qre_at(MATCHING_PENNIES, [-1.0])
    with pytest.raises(ValueError):
        trace_logit_branch(MATCHING_PENNIES, max_lambda=0.0)
    with pytest.raises(LogitQREError):
        logit_qre_at(random_game(7, (3, 3)), [1e3], max_points=3)
    with pytest.raises(LogitQREError):
        limiting_logit_equilibrium(random_game(8, (3, 3)), max_points=3)


def test_trivial_games() -> None:
    eq = limiting_logit_equilibrium(np.zeros((2, 2, 3)))  # every profile is an equilibrium
    assert check_equilibrium(np.zeros((2, 2, 3)), eq.strategies) == 0.0
    one = np.array([[[1.0], [3.0]], [[0.0], [0.0]]])  # column player has one move
    assert limiting_logit_equilibrium(one).pure_profile() == (1, 0)


# ---------------------------------------------------------------- pygambit


def gambit_game(gbt, payoffs: np.ndarray):  # type: ignore[no-untyped-def]
    return gbt.Game.from_arrays(*payoffs)


def gambit_profile(game, profile) -> np.ndarray:  # type: ignore[no-untyped-def]
    return np.array([float(profile[s]) for p in game.players for s in p.strategies])


LAMBDA_GAMES = pytest.mark.parametrize("name", list(QRE_LAMBDA_GAMES))
LIMIT_GAMES = pytest.mark.parametrize(
    ("seed", "shape"), list(itertools.product(QRE_LIMIT_SEEDS, QRE_LIMIT_SHAPES))
)


def assert_points_match(ours: list[QREPoint], theirs: list[tuple[float, np.ndarray]]) -> None:
    assert len(ours) == len(theirs)
    for a, (lam, profile) in zip(ours, theirs, strict=True):
        assert a.lam == pytest.approx(lam, rel=1e-6)  # Gambit lands within ~1e-9
        np.testing.assert_allclose(np.concatenate(a.strategies), profile, atol=1e-6)


@LAMBDA_GAMES
def test_points_match_recorded_pygambit(name: str) -> None:
    payoffs = QRE_LAMBDA_GAMES[name]()
    entry = recorded("logit_qre", f"lambda/{name}", array_hash(payoffs))
    assert entry["lambdas"] == QRE_LAMBDAS
    theirs = [(p["lam"], vector(p["profile"])) for p in entry["points"]]
    assert_points_match(logit_qre_at(payoffs, QRE_LAMBDAS), theirs)


@pytest.mark.oracle
@LAMBDA_GAMES
def test_points_match_pygambit(gbt, name: str) -> None:  # type: ignore[no-untyped-def]
    # pygambit 16.7: gbt.qre.logit_solve_lambda(game, lam=[...]) returns
    # LogitQREMixedStrategyProfile objects (.lam, .profile). Its lambda is in the
    # game's own payoff units, exactly like ours (checked: 10x payoffs <-> lam / 10).
    payoffs = QRE_LAMBDA_GAMES[name]()
    game = gambit_game(gbt, payoffs)
    theirs = gbt.qre.logit_solve_lambda(game, lam=QRE_LAMBDAS)
    theirs = [(b.lam, gambit_profile(game, b.profile)) for b in theirs]
    assert_points_match(logit_qre_at(payoffs, QRE_LAMBDAS), theirs)


@LIMIT_GAMES
def test_limit_matches_recorded_pygambit_on_generic_games(
    seed: int, shape: tuple[int, ...]
) -> None:
    u = random_game(seed, shape)
    entry = recorded("logit_qre", f"limit/{shape_id(shape)}/{seed}", array_hash(u))
    eq = limiting_logit_equilibrium(u)
    np.testing.assert_allclose(
        np.concatenate(eq.strategies), vector(entry["logit_solve"]), atol=1e-6
    )


@pytest.mark.oracle
@LIMIT_GAMES
def test_limit_matches_pygambit_on_generic_games(gbt, seed: int, shape: tuple[int, ...]) -> None:  # type: ignore[no-untyped-def]
    u = random_game(seed, shape)
    game = gambit_game(gbt, u)
    theirs = gambit_profile(game, gbt.nash.logit_solve(game).equilibria[0])
    eq = limiting_logit_equilibrium(u)
    np.testing.assert_allclose(np.concatenate(eq.strategies), theirs, atol=1e-6)


# ---------------------------------------------------------------- properties

small_games = st.integers(2, 3).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(2, 3), min_size=n, max_size=n), st.integers(0, 2**32 - 1)
    )
)


@settings(max_examples=25, deadline=None)
@given(small_games, st.sampled_from(["normal", "integer"]))
def test_random_games_branch_and_limit(spec: tuple[list[int], int], kind: str) -> None:
    sizes, seed = spec
    rng = np.random.default_rng(seed)
    shape = (len(sizes), *sizes)
    u = rng.standard_normal(shape) if kind == "normal" else rng.integers(-2, 3, shape) * 1.0
    branch = trace_logit_branch(u, max_lambda=1e4 / payoff_range(u))
    assert branch.terminated == "max_lambda"
    assert_on_branch(u, branch.points)
    eq = limiting_logit_equilibrium(u)
    assert check_equilibrium(u, eq.strategies, 1e-9) <= 1e-9
    assert eq.concept == ("pure_nash" if eq.is_pure else "mixed_nash")
