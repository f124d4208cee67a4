"""Is the target outcome an equilibrium at a point? The oracle and the independent check.

Two tests, used differently:

* :func:`feasible_batch` screens many parameter points at once for the
  search: the target profile's deviation losses (simultaneous games), or the
  backward-induction plan (first best move on ties) reaching only target
  histories with the margin on its path (sequential games).
* :func:`verify_point` is the independent check of every answer printed: the
  parameters are set to the answer, the payments added where the outcome is
  played, the game re-solved by the normal solvers
  (:func:`sim.solvers.pure_nash.pure_nash_profiles`, or
  :func:`sim.solvers.backward_induction.all_pure_spe`, every pure
  subgame-perfect equilibrium), and some equilibrium must be the target with
  every deviation losing at least the margin (less ``tol`` times the payoff
  range).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.analysis.sequential_batch import plan_values
from sim.analysis.target_model import TargetProblem
from sim.games.extensive import CHANCE, DECISION, ExtensiveGame, PointValues
from sim.solvers.extensive.backward_induction import all_pure_spe, backward_induction_columns
from sim.solvers.nash.pure_nash import pure_nash_profiles
from sim.solvers.target.lp import payment_matrix

__all__ = ["Check", "feasible_batch", "verify_point"]

#: Ties: moves within this fraction of the payoff range of the best are best.
TOL = 1e-9


@dataclass(frozen=True)
class Check:
    """Outcome of :func:`verify_point`: passed or not, the smallest deviation loss found."""

    ok: bool
    loss: float
    detail: str = ""


def with_payments(problem: TargetProblem, payoffs: np.ndarray, amounts: np.ndarray) -> np.ndarray:
    """Payoffs (one point) with the payments added where the target outcome is played."""
    out = np.array(payoffs, float)
    if not problem.transfers or not np.any(amounts):
        return out
    gains = payment_matrix(problem.transfers, len(problem.players)) @ amounts
    if problem.game is None:
        for i, g in enumerate(gains):
            out[i][problem.target] += g
    else:
        out[problem.target] += gains[None, :]
    return out


def _span(payoffs: np.ndarray) -> float:
    span = float(np.ptp(payoffs)) if payoffs.size else 0.0
    return span if span > 1e-300 else 1.0


def verify_point(problem: TargetProblem, theta: np.ndarray, amounts: np.ndarray) -> Check:
    """The independent check of an answer (see the module docstring)."""
    payoffs, probs = problem.payoffs(np.asarray(theta, float)[None, :])
    u = with_payments(problem, payoffs[0], np.asarray(amounts, float))
    if problem.game is None:
        return _verify_nash(problem, u)
    assert probs is not None
    return _verify_spe(problem, problem.game, u, probs[0])


def _verify_nash(problem: TargetProblem, u: np.ndarray) -> Check:
    slack = TOL * _span(u)
    best = -np.inf
    for prof in pure_nash_profiles(u, TOL):
        if problem.target[prof]:
            best = max(best, deviation_loss(u, prof))
    if best == -np.inf:
        return Check(False, best, "the target is not a pure Nash equilibrium there")
    return Check(best >= problem.margin - slack, best, "")


def deviation_loss(u: np.ndarray, prof: tuple[int, ...]) -> float:
    """Smallest loss of any single player's deviation from ``prof`` (inf if none can deviate)."""
    worst = np.inf
    for i in range(u.shape[0]):
        index: tuple[Any, ...] = (i, *prof[:i], slice(None), *prof[i + 1 :])
        line = u[index]
        others = np.delete(line, prof[i])
        if others.size:
            worst = min(worst, float(line[prof[i]] - others.max()))
    return worst


def _verify_spe(
    problem: TargetProblem, game: ExtensiveGame, u: np.ndarray, probs: np.ndarray
) -> Check:
    values = PointValues(u, probs)
    found = all_pure_spe(game, values, TOL)
    slack = TOL * values.payoff_range
    best = -np.inf
    for eq in found.equilibria:
        choice = _node_choice(game, np.array(eq.choices)[:, None])
        reach, loss = path_check(game, u[..., None], probs[:, None], choice)
        leaves = reach[game.leaves, 0] > 0
        if np.all(problem.target[game.leaf_row[game.leaves][leaves]]):
            best = max(best, float(loss[0]))
    if best == -np.inf:
        note = "" if found.complete else " (the list of equilibria was cut short)"
        return Check(False, best, "no subgame-perfect equilibrium reaches only the target" + note)
    return Check(best >= problem.margin - slack, best, "")


def _node_choice(game: ExtensiveGame, plans: np.ndarray) -> np.ndarray:
    """``(n_nodes, N)``: the move at each decision node from per-information-set plans."""
    choice = np.full((game.n_nodes, plans.shape[1]), -1, np.int64)
    for h, info in enumerate(game.infosets):
        for x in info.nodes:
            choice[x] = plans[h]
    return choice


def path_check(
    game: ExtensiveGame, payoffs: np.ndarray, probs: np.ndarray, choice: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Reach probability of every node ``(n_nodes, N)`` under the plans, and the smallest
    loss of a one-shot deviation at a reached decision node ``(N,)`` (inf if none).

    ``payoffs`` is ``(n_leaves, n_players, N)``, ``probs`` ``(n_nodes, N)``.
    """
    vals = plan_values(game, payoffs, probs, choice)
    size = payoffs.shape[2]
    reach = np.zeros((game.n_nodes, size))
    reach[0] = 1.0
    loss = np.full(size, np.inf)
    for x in range(game.n_nodes):
        kids = game.children[x]
        if not kids:
            continue
        if game.kind[x] == CHANCE:
            for c in kids:
                reach[c] = reach[x] * probs[c]
            continue
        assert game.kind[x] == DECISION
        o = int(game.owner[x])
        mine = np.array([vals[c, o] for c in kids])  # (k, N)
        pick = choice[x]
        for j, c in enumerate(kids):
            reach[c] = reach[x] * (pick == j)
        chosen = mine[pick, np.arange(size)]
        others = np.where(np.arange(len(kids))[:, None] == pick[None, :], -np.inf, mine)
        gap = chosen - others.max(axis=0)
        loss = np.where(reach[x] > 0, np.minimum(loss, gap), loss)
    return reach, loss


def feasible_batch(problem: TargetProblem, thetas: np.ndarray, guard: float = 0.0) -> np.ndarray:
    """Screen ``(N, K)`` points: is the target an equilibrium there with the margin (+ guard)?"""
    payoffs, probs = problem.payoffs(thetas)
    need = problem.margin + guard
    if problem.game is None:
        ok = np.zeros(len(thetas), bool)
        for prof in map(tuple, np.argwhere(problem.target)):
            ok |= _losses(payoffs, prof) >= need
        return ok
    game = problem.game
    assert probs is not None
    cols = np.ascontiguousarray(np.moveaxis(payoffs, 0, -1))
    pcols = np.ascontiguousarray(probs.T)
    sol = backward_induction_columns(game, cols, pcols, TOL, keep_values=False)
    reach, loss = path_check(game, cols, pcols, sol.choice.astype(np.int64))
    leaf_reach = reach[game.leaves] > 0
    outside = ~problem.target[game.leaf_row[game.leaves]]
    return ~(leaf_reach & outside[:, None]).any(axis=0) & (loss >= need)


def _losses(payoffs: np.ndarray, prof: tuple[int, ...]) -> np.ndarray:
    """``(N,)``: smallest deviation loss from ``prof`` at each point of a batch."""
    worst = np.full(payoffs.shape[0], np.inf)
    for i in range(payoffs.shape[1]):
        index: tuple[Any, ...] = (slice(None), i, *prof[:i], slice(None), *prof[i + 1 :])
        line = payoffs[index]
        others = np.delete(line, prof[i], axis=1)
        if others.shape[1]:
            worst = np.minimum(worst, line[:, prof[i]] - others.max(axis=1))
    return worst
