"""What it takes to make an outcome an equilibrium: ``sim target``.

Given a target outcome and some parameters to vary, find the cheapest change
(cost = sum of |change| / range width, plus any side payments made only
when the outcome is played) that makes the outcome a pure Nash equilibrium
(simultaneous games) or the outcome of a subgame-perfect equilibrium
(sequential games of perfect information), with an optional margin.

* When every payoff is affine in the varied parameters (decided from the
  expressions, :mod:`sim.games.affinity`, then confirmed on evaluated
  payoffs) the problem is a linear program
  (:func:`sim.solvers.target.lp.nash_target_lp`) or, for sequential games,
  a mixed-integer program (:func:`sim.solvers.target.milp.spe_target_milp`),
  and the answer is exact.
* Otherwise a seeded search (:mod:`sim.analysis.target_search`) gives the
  best point it finds, marked not exact.

Every answer is checked independently (:func:`sim.analysis.target_check.verify_point`)
before it is returned; an answer that fails is never returned.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from sim.analysis.target_check import verify_point
from sim.analysis.target_model import TargetProblem
from sim.analysis.target_search import SearchSettings, search, search_one
from sim.errors import VerificationError
from sim.games.affinity import Affinity, affinity, scenario_payoff_formulas
from sim.solvers.target.lp import TargetSolution, Transfer, nash_target_lp
from sim.solvers.target.milp import spe_target_milp, value_bounds

__all__ = ["Answer", "TargetResult", "solve_target"]

#: Changes smaller than this (relative to the box) are reported as no change.
_ZERO = 1e-12


@dataclass(frozen=True)
class Answer:
    """One answer: the new values of the varied parameters and the payments.

    ``values`` are in the order of ``names`` (``None`` everywhere when not
    feasible); ``transfers`` are ``(payer, payee, amount)``; ``loss`` is the
    smallest deviation loss found by the independent check.
    """

    feasible: bool
    cost: float | None
    names: tuple[str, ...]
    start: tuple[float, ...]
    values: tuple[float, ...] | None
    transfers: tuple[tuple[str, str, float], ...]
    exact: bool
    method: str
    loss: float | None = None
    note: str = ""


@dataclass(frozen=True)
class TargetResult:
    """The answer with every varied parameter (and payments), and each parameter alone."""

    scenario: str
    outcome: str
    concept: str
    margin: float
    varied: tuple[str, ...]
    transfers_asked: bool
    answer: Answer
    single: tuple[Answer, ...]
    affine: bool
    reason: str
    seed: int


def solve_target(problem: TargetProblem, settings: SearchSettings | None = None) -> TargetResult:
    """Answer a :class:`TargetProblem` (see the module docstring)."""
    settings = settings or SearchSettings()
    aff = _affinity(problem)
    model = _affine_model(problem, settings.seed) if aff.affine else None
    if aff.affine and model is None:
        aff = Affinity(False, "the evaluated payoffs are not affine in the varied parameters")
    answer = _solve(problem, model, settings)
    single = []
    if problem.varied and (len(problem.varied) > 1 or problem.transfers):
        for j in range(len(problem.varied)):
            sub = _restrict(problem, j)
            sub_model = None if model is None else (model[0], model[1][j : j + 1], model[2])
            single.append(_solve(sub, sub_model, settings))
    elif problem.varied:
        single.append(answer)
    return TargetResult(
        problem.scenario.name, problem.outcome, problem.concept, problem.margin,
        problem.varied, bool(problem.transfers), answer, tuple(single),
        aff.affine, aff.reason, settings.seed,
    )  # fmt: skip


def _affinity(problem: TargetProblem) -> Affinity:
    if problem.game is None:
        payoffs = scenario_payoff_formulas(problem.scenario)
        chance: list = []
    else:
        payoffs = [t.formula for t in problem.game.payoff_terms]
        chance = [t.formula for t in problem.game.chance_terms]
    return affinity(problem.scenario, problem.varied, payoffs, chance, problem.base)


Model = tuple[np.ndarray, np.ndarray, "np.ndarray | None"]


def _affine_model(problem: TargetProblem, seed: int) -> Model | None:
    """Payoffs now, per unit change of each parameter, and chance probabilities;
    None if a seeded test point disagrees with the affine model."""
    k = len(problem.varied)
    step = np.where(problem.high > problem.low, (problem.high - problem.low) / 2, 1.0)
    points = np.repeat(problem.start[None, :], k + 1, axis=0)
    points[1:] += np.diag(step)
    payoffs, probs = problem.payoffs(points)
    base = payoffs[0]
    slopes = (payoffs[1:] - base[None]) / step.reshape((-1,) + (1,) * base.ndim)
    test = np.random.default_rng(seed).uniform(problem.low, problem.high)
    actual, _ = problem.payoffs(test[None, :])
    predicted = base + np.tensordot(test - problem.start, slopes, axes=1)
    scale = max(1.0, float(np.abs(payoffs).max()), float(np.abs(actual).max()))
    if np.abs(actual[0] - predicted).max() > 1e-9 * scale:
        return None
    return base, slopes, None if probs is None else probs[0]


def _restrict(problem: TargetProblem, j: int) -> TargetProblem:
    """The problem with only the j-th parameter varied and no payments."""
    keep = slice(j, j + 1)
    base = dict(problem.base)
    for i, name in enumerate(problem.varied):
        if i != j:
            base[name] = float(problem.start[i])
    return replace(
        problem,
        varied=problem.varied[keep],
        start=problem.start[keep],
        low=problem.low[keep],
        high=problem.high[keep],
        ranged=problem.ranged[keep],
        weights=problem.weights[keep],
        base=base,
        transfers=(),
    )


def _scale(problem: TargetProblem) -> float:
    payoffs, _ = problem.payoffs(problem.start[None, :])
    return max(1.0, float(np.ptp(payoffs)))


def _solve(problem: TargetProblem, model: Model | None, settings: SearchSettings) -> Answer:
    eps = 1e-7 * _scale(problem)
    note = ""
    if model is not None:
        answer = _exact(problem, model, eps)
        if answer is not None:
            return answer
        note = "the exact program could not be solved or checked; searched instead"
    if len(problem.varied) == 1 and not problem.transfers:
        found = search_one(problem, settings, eps)
    else:
        found = search(problem, settings, eps, _payer(problem, eps) if problem.transfers else None)
    method = "search"
    if found is None:
        return _answer(problem, None, None, False, method, None, note or "no point found works")
    for theta in (found.theta, *found.others):
        amounts = found.amounts if theta is found.theta else np.zeros(len(problem.transfers))
        check = verify_point(problem, theta, amounts)
        if check.ok:
            return _answer(problem, theta, amounts, False, method, check.loss, note)
    return _answer(problem, None, None, False, method, None, "no point found passed the check")


def _exact(problem: TargetProblem, model: Model, eps: float) -> Answer | None:
    """Solve the program, check the answer; None if it cannot be solved or checked."""
    base, slopes, probs = model
    lower, upper = problem.low - problem.start, problem.high - problem.start
    directions, capped = _capped(problem, base, slopes, lower, upper)
    for extra in (0.0, eps):
        if problem.game is None:
            sol = _best_profile(problem, base, slopes, lower, upper, extra)
        else:
            sol = _best_plan(problem, base, slopes, probs, lower, upper, directions, extra)
        if sol.infeasible:
            return _answer(problem, None, None, True, sol.method, None, "")
        if not sol.feasible:
            return None
        theta = np.clip(problem.start + sol.delta, problem.low, problem.high)
        check = verify_point(problem, theta, sol.transfers)
        if check.ok:
            hit = capped.size and np.any(sol.transfers[capped] >= _cap_hit(directions, capped))
            exact = not hit
            note = "" if exact else "a payment reached the search bound; not proven cheapest"
            return _answer(problem, theta, sol.transfers, exact, sol.method, check.loss, note)
    return None


def _best_profile(problem, base, slopes, lower, upper, extra) -> TargetSolution:  # type: ignore[no-untyped-def]
    """The cheapest of the programs for each profile of the target outcome."""
    sols = [
        nash_target_lp(
            base,
            slopes,
            lower,
            upper,
            problem.weights,
            prof,
            problem.target,
            problem.transfers,
            problem.margin + extra,
        )
        for prof in map(tuple, np.argwhere(problem.target))
    ]
    works = [s for s in sols if s.feasible]
    if works:
        return min(works, key=lambda s: s.cost)
    failed = [s for s in sols if not s.infeasible]
    return failed[0] if failed else sols[0]


def _best_plan(problem, base, slopes, probs, lower, upper, directions, extra) -> TargetSolution:  # type: ignore[no-untyped-def]
    assert problem.game is not None
    args = (problem.game, base, slopes, probs, lower, upper, problem.weights)
    rest = (problem.target, problem.target, directions)
    if extra == 0.0:
        return spe_target_milp(*args, *rest, problem.margin)
    sol = spe_target_milp(*args, *rest, problem.margin, eps=extra)
    if sol.infeasible:  # ties that no change can break off the path: keep them
        sol = spe_target_milp(*args, *rest, problem.margin + extra)
    return sol


def _capped(problem, base, slopes, lower, upper):  # type: ignore[no-untyped-def]
    """Payment directions with a finite cap (needed by the mixed-integer program), and the
    indices of those whose cap is artificial."""
    if not problem.transfers or problem.game is None:
        return problem.transfers, np.zeros(0, np.int64)
    none, nothing = np.zeros(len(base), bool), np.zeros((base.shape[1], 0))
    lo, hi = value_bounds(base, slopes, lower, upper, none, nothing, np.zeros(0))
    rate = min(t.rate for t in problem.transfers)
    bound = 4.0 * base.shape[1] * (float(np.max(hi - lo)) + problem.margin + 1.0) / max(rate, 1e-9)
    capped = np.array([i for i, t in enumerate(problem.transfers) if t.cap is None], np.int64)
    directions = tuple(t if t.cap is not None else replace(t, cap=bound) for t in problem.transfers)
    return directions, capped


def _cap_hit(directions: tuple[Transfer, ...], capped: np.ndarray) -> np.ndarray:
    return np.array([float(directions[i].cap) for i in capped]) * (1 - 1e-9)  # type: ignore[arg-type]


def _payer(problem: TargetProblem, eps: float):  # type: ignore[no-untyped-def]
    """The least payment at fixed parameters (a program with nothing varied)."""
    fixed = replace(problem, varied=(), start=np.zeros(0), low=np.zeros(0), high=np.zeros(0),
                    ranged=np.zeros(0, bool), weights=np.zeros(0))  # fmt: skip

    def pay(theta: np.ndarray) -> tuple[float, np.ndarray]:
        here = dict(problem.base)
        here.update({n: float(v) for n, v in zip(problem.varied, theta, strict=True)})
        point = replace(fixed, base=here)
        payoffs, probs = point.payoffs(np.zeros((1, 0)))
        model = (payoffs[0], np.zeros((0, *payoffs.shape[1:])), None if probs is None else probs[0])
        answer = _exact(point, model, eps)
        if answer is None or not answer.feasible:
            return np.inf, np.zeros(len(problem.transfers))
        return float(answer.cost or 0.0), np.array([a for _, _, a in _all_amounts(point, answer)])

    return pay


def _all_amounts(problem: TargetProblem, answer: Answer) -> list[tuple[str, str, float]]:
    """Amounts per direction in the order of ``problem.transfers`` (zeros included)."""
    names = problem.players
    paid = {(a, b): x for a, b, x in answer.transfers}
    return [
        (names[t.payer], names[t.payee], paid.get((names[t.payer], names[t.payee]), 0.0))
        for t in problem.transfers
    ]


def _answer(problem, theta, amounts, exact, method, loss, note) -> Answer:  # type: ignore[no-untyped-def]
    start = tuple(float(x) for x in problem.start)
    if theta is None:
        return Answer(False, None, problem.varied, start, None, (), exact, method, None, note)
    width = np.where(problem.high > problem.low, problem.high - problem.low, 1.0)
    moved = np.abs(theta - problem.start) > _ZERO * np.maximum(width, 1.0)
    theta = np.where(moved, theta, problem.start)
    amounts = np.where(np.asarray(amounts) > _ZERO, amounts, 0.0)
    if not verify_point(problem, theta, amounts).ok:
        raise VerificationError("internal error: a target answer fails its check after rounding")
    names = problem.players
    pays = tuple(
        (names[t.payer], names[t.payee], float(a))
        for t, a in zip(problem.transfers, amounts, strict=True)
        if a > 0
    )
    cost = float(problem.cost(theta[None, :])[0]) + sum(a for _, _, a in pays)
    values = tuple(float(x) for x in theta)
    return Answer(True, cost, problem.varied, start, values, pays, exact, method, loss, note)
