"""Closed forms and one-shot deviation checks for sim.solvers.repeated."""

import numpy as np
import pytest

from sim.solvers.nash import nash_equilibria
from sim.solvers.repeated import grim_trigger, mixed_minmax, pure_minmax, sustained_one_shot


def pd(t: float, r: float, p: float, s: float) -> np.ndarray:
    a = np.array([[r, s], [t, p]])
    return np.array([a, a.T])


def stage_payoffs(u: np.ndarray) -> np.ndarray:
    return np.array([eq.payoffs for eq in nash_equilibria(u).equilibria])


@pytest.mark.parametrize(
    ("t", "r", "p", "s"), [(5, 3, 1, 0), (4, 3, 2, 0), (10, 6, 1, -2), (7, 2, 0, -1)]
)
def test_pd_closed_form(t, r, p, s):
    u = pd(t, r, p, s).astype(float)
    g = grim_trigger(u, (0, 0), stage_payoffs(u))
    expected = (t - r) / (t - p)
    assert g.discount == pytest.approx(expected, abs=1e-9)
    assert sustained_one_shot(u, (0, 0), np.array(g.punishment), expected + 1e-4)
    assert not sustained_one_shot(u, (0, 0), np.array(g.punishment), expected - 1e-4)


def test_stage_equilibrium_target_needs_no_patience():
    u = pd(5, 3, 1, 0).astype(float)
    assert grim_trigger(u, (1, 1), stage_payoffs(u)).discount == 0.0


def test_target_below_punishment_is_null():
    u = pd(5, 3, 1, 0).astype(float)
    # (C, D): row player gets the sucker payoff 0 < P = 1.
    assert grim_trigger(u, (0, 1), stage_payoffs(u)).discount is None


def test_matching_pennies_minmax():
    a = np.array([[1.0, -1.0], [-1.0, 1.0]])
    u = np.array([a, -a])
    assert np.allclose(mixed_minmax(u), [0.0, 0.0], atol=1e-9)
    assert np.allclose(pure_minmax(u), [1.0, 1.0])


def test_pure_minmax_against_quantecon():
    """Optional: quantecon's pure minmax of a bimatrix game agrees (skipped when absent)."""
    qe = pytest.importorskip("quantecon")
    u = np.array(pd(5, 3, 1, 0), dtype=float)
    u[0, 0, 1] = -1.0
    players = [qe.game_theory.Player(u[0]), qe.game_theory.Player(u[1].T)]
    assert np.allclose(pure_minmax(u), [np.min(np.max(p.payoff_array, axis=0)) for p in players])
