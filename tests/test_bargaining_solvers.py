"""Bargaining solvers against closed forms, brute force and their independent check."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.errors import VerificationError
from sim.solvers.bargaining import (
    BargainPoint,
    FeasibleSet,
    alternating_offers,
    check_solution,
    egalitarian_solution,
    kalai_smorodinsky_solution,
    least_core,
    nash_solution,
    shapley_value,
    utilitarian_solution,
    zone_open,
)

PIE = FeasibleSet.build([[1.0, 0.0], [0.0, 1.0]])


@pytest.mark.parametrize(("d1", "d2"), [(0.9, 0.8), (0.5, 0.5), (0.99, 0.3), (0.0, 0.7)])
@pytest.mark.parametrize("first", [0, 1])
def test_rubinstein_shares(d1, d2, first):
    r = alternating_offers(PIE, np.zeros(2), (d1, d2), first)
    share1 = (1 - d2) / (1 - d1 * d2)
    share2 = (1 - d1) / (1 - d1 * d2)
    expected = [share1, 1 - share1] if first == 0 else [1 - share2, share2]
    assert r.agreement.payoffs == pytest.approx(expected, abs=1e-9)
    check_solution(
        PIE, np.zeros(2), r.agreement, "alternating_offers", discount=(d1, d2), proposals=(r.x, r.y)
    )


def test_rubinstein_with_disagreement_point_and_scaled_pie():
    fs = FeasibleSet.build([[10.0, 2.0], [2.0, 10.0]])
    d = np.array([2.0, 2.0])
    r = alternating_offers(fs, d, (0.9, 0.8), 0)
    assert r.agreement.payoffs[0] == pytest.approx(2 + 8 * 0.2 / 0.28, abs=1e-8)


@pytest.mark.parametrize("rates", [(1.0, 1.0), (1.0, 2.0), (3.0, 1.0)])
def test_alternating_offers_approach_nash(rates):
    # A curved frontier; delta_i = exp(-r_i * eps) -> Nash with power 1 / r_i.
    fs = FeasibleSet.build([[0.0, 4.0], [2.0, 3.5], [3.0, 2.5], [4.0, 0.0]])
    d = np.array([0.5, 0.2])
    power = np.array([1 / rates[0], 1 / rates[1]])
    nash = nash_solution(fs, d, power).payoffs
    gaps = []
    for eps in (1e-1, 1e-2, 1e-3, 1e-4):
        disc = (math.exp(-rates[0] * eps), math.exp(-rates[1] * eps))
        gaps.append(float(np.abs(alternating_offers(fs, d, disc).agreement.payoffs - nash).max()))
    assert gaps[-1] < 1e-3
    assert gaps[-1] < gaps[0]


@pytest.mark.parametrize("w", [(1.0, 1.0), (2.0, 1.0), (1.0, 3.0), (0.5, 0.25)])
@pytest.mark.parametrize("d", [(0.0, 0.0), (1.0, 0.5), (-2.0, 1.0)])
def test_nash_linear_frontier_closed_form(w, d):
    # Frontier a . u = b with a = (2, 1), b = 8, through agreements on it.
    a, b = np.array([2.0, 1.0]), 8.0
    fs = FeasibleSet.build([[8.0, -8.0], [-4.0, 16.0], [-6.0, -10.0], [0.0, 8.0]])
    w, d = np.array(w), np.array(d)
    expected = d + (w / w.sum()) * (b - a @ d) / a
    point = nash_solution(fs, d, w)
    # 1e-7: with scipy 1.10 (the oldest allowed) the solver lands 2e-8 from the closed form.
    assert point.payoffs == pytest.approx(expected, abs=1e-7)
    check_solution(fs, d, point, "nash", power=w)


def test_nash_three_parties_simplex():
    fs = FeasibleSet.build(np.eye(3) * 6.0)
    point = nash_solution(fs, np.zeros(3), np.array([1.0, 2.0, 3.0]))
    assert point.payoffs == pytest.approx([1.0, 2.0, 3.0], abs=1e-8)


def test_nash_at_a_kink():
    fs = FeasibleSet.build([[0.0, 4.0], [3.0, 3.0], [4.0, 0.0]])
    assert nash_solution(fs, np.zeros(2)).payoffs == pytest.approx([3.0, 3.0], abs=1e-9)


def test_ks_and_egalitarian_known_frontier():
    fs = FeasibleSet.build([[4.0, 0.0], [0.0, 2.0]])
    d = np.array([1.0, 0.0])
    ks = kalai_smorodinsky_solution(fs, d)
    eg = egalitarian_solution(fs, d)
    assert ks.payoffs == pytest.approx([2.5, 0.75], abs=1e-9)
    assert eg.payoffs == pytest.approx([2.0, 1.0], abs=1e-9)
    check_solution(fs, d, ks, "kalai_smorodinsky")
    check_solution(fs, d, eg, "egalitarian")


def test_transfers_with_rate_and_cap():
    # One agreement (10, 0); A may pay B up to 6 at rate 0.5.
    fs = FeasibleSet.build([[10.0, 0.0]], [(0, 1, 6.0, 0.5)])
    d = np.zeros(2)
    # Nash: maximise (10 - t)(t / 2) -> t = 5 within the cap.
    assert nash_solution(fs, d).payoffs == pytest.approx([5.0, 2.5], abs=1e-8)
    # Egalitarian: 10 - t = t / 2 -> t = 20/3 > 6: the cap binds, so no equal point beyond...
    eg = egalitarian_solution(fs, d)
    assert eg is None or eg.payoffs[0] == pytest.approx(eg.payoffs[1], abs=1e-8)
    assert utilitarian_solution(fs, d).payoffs.sum() == pytest.approx(10.0)


def test_zone_not_open_gives_none():
    fs = FeasibleSet.build([[1.0, 0.0], [0.0, 1.0]])
    d = np.array([0.6, 0.6])
    assert not zone_open(fs, d)[0]
    assert nash_solution(fs, d) is None
    assert kalai_smorodinsky_solution(fs, d) is None
    assert alternating_offers(fs, d, (0.9, 0.9)) is None


def test_without_lotteries_best_pure_agreement():
    fs = FeasibleSet.build([[4.0, 1.0], [1.0, 4.0], [2.0, 2.0]], lotteries=False)
    point = nash_solution(fs, np.zeros(2))
    assert np.count_nonzero(point.weights) == 1
    assert float(np.prod(point.payoffs)) == pytest.approx(4.0)


def test_check_rejects_a_wrong_answer():
    point = BargainPoint(np.array([0.9, 0.1]), np.array([0.9, 0.1]), np.zeros(0), "bad")
    with pytest.raises(VerificationError):
        check_solution(PIE, np.zeros(2), point, "nash")
    lie = BargainPoint(np.array([0.6, 0.6]), np.array([0.5, 0.5]), np.zeros(0), "bad")
    with pytest.raises(VerificationError):
        check_solution(PIE, np.zeros(2), lie, "egalitarian")


def _shapley_brute(v: np.ndarray, n: int) -> np.ndarray:
    phi = np.zeros(n)
    orders = list(itertools.permutations(range(n)))
    for order in orders:
        mask = 0
        for i in order:
            phi[i] += v[mask | 1 << i] - v[mask]
            mask |= 1 << i
    return phi / len(orders)


def _weighted(quota: float, weights: list[float]) -> np.ndarray:
    n = len(weights)
    return np.array(
        [
            1.0 if sum(w for i, w in enumerate(weights) if m >> i & 1) >= quota else 0.0
            for m in range(2**n)
        ]
    )


@pytest.mark.parametrize(
    ("quota", "weights", "expected"),
    [
        (3, [2, 1, 1], [2 / 3, 1 / 6, 1 / 6]),
        (2, [1, 1, 1], [1 / 3, 1 / 3, 1 / 3]),
        (51, [50, 49, 1], [2 / 3, 1 / 6, 1 / 6]),
        (4, [3, 2, 1, 1], None),
        (39, [7, 7, 7, 7, 7, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], None),
    ],
)
def test_shapley_weighted_voting(quota, weights, expected):
    v = _weighted(quota, weights)
    phi = shapley_value(v)
    if expected is not None:
        assert phi == pytest.approx(expected, abs=1e-12)
    if len(weights) <= 7:
        assert phi == pytest.approx(_shapley_brute(v, len(weights)), abs=1e-12)
    assert phi.sum() == pytest.approx(v[-1])


def test_shapley_un_security_council():
    # Shapley and Shubik 1954 (today's council): a permanent member 0.1963, elected 0.00186.
    v = _weighted(39, [7] * 5 + [1] * 10)
    phi = shapley_value(v)
    assert phi[0] == pytest.approx(0.196270, abs=1e-6)
    assert phi[5] == pytest.approx(0.001865, abs=1e-6)


def test_shapley_glove_game():
    # Two left gloves (0, 1), three right gloves (2, 3, 4).
    n = 5
    v = np.array([float(min(bin(m & 3).count("1"), bin(m & 28).count("1"))) for m in range(32)])
    assert shapley_value(v) == pytest.approx(_shapley_brute(v, n))
    lc = least_core(v)
    assert not lc.core_empty
    assert lc.point == pytest.approx([1, 1, 0, 0, 0], abs=1e-9)


def test_core_empty_majority_game_and_least_core():
    v = np.array([0, 0, 0, 1, 0, 1, 1, 1], dtype=float)
    lc = least_core(v)
    assert lc.core_empty
    assert lc.epsilon == pytest.approx(1 / 3)
    veto = least_core(_weighted(3, [2, 1, 1]))
    assert not veto.core_empty and veto.epsilon == pytest.approx(0.0, abs=1e-12)
    assert veto.point == pytest.approx([1, 0, 0], abs=1e-9)


@st.composite
def problems(draw):  # type: ignore[no-untyped-def]
    n = draw(st.integers(2, 3))
    m = draw(st.integers(1, 6))
    coords = st.integers(-5, 5).map(float)
    points = np.array(
        draw(st.lists(st.lists(coords, min_size=n, max_size=n), min_size=m, max_size=m))
    )
    transfers = []
    for _ in range(draw(st.integers(0, 2))):
        a, b = draw(st.permutations(range(n)))[:2]
        cap = draw(st.sampled_from([1.0, 3.0, math.inf]))
        rate = draw(st.sampled_from([1.0, 0.5]))
        transfers.append((a, b, cap, rate))
    d = np.array(draw(st.lists(st.integers(-6, 3).map(float), min_size=n, max_size=n)))
    power = np.array(draw(st.lists(st.sampled_from([0.5, 1.0, 2.0]), min_size=n, max_size=n)))
    lotteries = draw(st.booleans())
    return FeasibleSet.build(points, transfers, lotteries), d, power


@settings(max_examples=60, deadline=None)
@given(problems())
def test_every_solution_passes_the_independent_check(problem):
    fs, d, power = problem
    found = {
        "nash": nash_solution(fs, d, power),
        "kalai_smorodinsky": kalai_smorodinsky_solution(fs, d),
        "egalitarian": egalitarian_solution(fs, d),
        "utilitarian": utilitarian_solution(fs, d),
    }
    is_open = zone_open(fs, d)[0]
    for kind, point in found.items():
        assert (point is not None) == is_open or kind in ("egalitarian", "kalai_smorodinsky")
        if point is not None:
            check_solution(fs, d, point, kind, power=power)
    if fs.n == 2 and fs.lotteries and is_open:
        r = alternating_offers(fs, d, (0.9, 0.7), 1)
        check_solution(
            fs, d, r.agreement, "alternating_offers", discount=(0.9, 0.7), proposals=(r.x, r.y)
        )


@pytest.mark.parametrize(
    "module",
    [
        "sim.solvers.bargaining.feasible",
        "sim.solvers.bargaining.nash",
        "sim.solvers.bargaining.linear_solutions",
        "sim.solvers.bargaining.alternating_offers",
        "sim.solvers.bargaining.shapley",
        "sim.solvers.bargaining.least_core",
        "sim.solvers.bargaining.verify",
        "sim.analysis.bargain_measure",
    ],
)
def test_docstring_examples_run(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0
