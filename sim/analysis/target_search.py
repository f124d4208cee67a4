"""A seeded search for the cheapest change when payoffs are not affine in the varied parameters.

The exact test of :mod:`sim.analysis.target_check` is the oracle. The search
(multistart over the box, then refined) works in three steps:

1. screen the current point, a grid along each parameter's axis and seeded
   uniform draws over the whole box, all in one batch;
2. from the cheapest point that works, shrink the change toward the current
   values: bisection along the segment, then along each coordinate;
3. seeded local draws around the best point with a shrinking radius.

With payments the cost of a point is its parameter cost plus the least total
payment that makes the target work there (a linear program at fixed
payoffs), computed point by point, so fewer points are drawn. The result is
the best point found, not a proven optimum.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.analysis.target_check import feasible_batch
from sim.analysis.target_model import TargetProblem

__all__ = ["Found", "SearchSettings", "search", "search_one"]

#: The cost of each point, and the payments there (``inf`` where nothing works).
PayCost = Callable[[np.ndarray], tuple[float, np.ndarray]]


@dataclass(frozen=True)
class SearchSettings:
    """How hard to search: draws, axis grid, bisection steps, local rounds."""

    seed: int = 0
    draws: int = 2000
    axis_points: int = 41
    bisections: int = 50
    local_rounds: int = 6
    local_draws: int = 100
    line_points: int = 2001


@dataclass(frozen=True)
class Found:
    """A point that works (``theta``, payments ``amounts``) and its cost; sorted alternatives."""

    theta: np.ndarray
    amounts: np.ndarray
    cost: float
    others: tuple[np.ndarray, ...] = ()


class _Costs:
    """Total cost of points: parameter cost plus payments (inf where the target fails)."""

    def __init__(self, problem: TargetProblem, guard: float, pay: PayCost | None) -> None:
        self.problem, self.guard, self.pay = problem, guard, pay
        self.amounts: dict[bytes, np.ndarray] = {}

    def __call__(self, thetas: np.ndarray) -> np.ndarray:
        thetas = np.atleast_2d(thetas)
        base = self.problem.cost(thetas)
        if self.pay is None:
            ok = feasible_batch(self.problem, thetas, self.guard)
            return np.where(ok, base, np.inf)
        out = np.full(len(thetas), np.inf)
        for n, theta in enumerate(thetas):
            paid, amounts = self.pay(theta)
            if np.isfinite(paid):
                out[n] = base[n] + paid
                self.amounts[theta.tobytes()] = amounts
        return out

    def payments(self, theta: np.ndarray) -> np.ndarray:
        return self.amounts.get(theta.tobytes(), np.zeros(len(self.problem.transfers)))


def search(
    problem: TargetProblem,
    settings: SearchSettings,
    guard: float,
    pay: PayCost | None = None,
) -> Found | None:
    """The cheapest point found (see the module docstring), or None if none works."""
    rng = np.random.default_rng(settings.seed)
    costs = _Costs(problem, guard, pay)
    k = len(problem.varied)
    draws = settings.draws if pay is None else max(settings.draws // 10, 50)
    points = [problem.start[None, :]]
    for j in range(k):
        axis = np.repeat(problem.start[None, :], settings.axis_points, axis=0)
        axis[:, j] = np.linspace(problem.low[j], problem.high[j], settings.axis_points)
        points.append(axis)
    points.append(rng.uniform(problem.low, problem.high, size=(draws, k)))
    cloud = np.concatenate(points)
    values = costs(cloud)
    if not np.isfinite(values).any():
        return None
    best = cloud[int(np.argmin(values))].copy()
    best_cost = float(values.min())
    best, best_cost = _shrink(costs, problem, best, best_cost, settings)
    best, best_cost = _local(costs, problem, best, best_cost, settings, rng)
    order = np.argsort(values)
    others = tuple(cloud[i] for i in order[:20] if np.isfinite(values[i]))
    return Found(best, costs.payments(best), best_cost, others)


def _shrink(costs, problem, best, best_cost, settings):  # type: ignore[no-untyped-def]
    """Bisection toward the current values: along the segment, then per coordinate."""
    start = problem.start

    def toward(direction_mask: np.ndarray) -> None:
        nonlocal best, best_cost
        lo, hi = 0.0, 1.0  # fraction of the way from start to best (hi works)
        for _ in range(settings.bisections):
            mid = 0.5 * (lo + hi)
            point = np.where(direction_mask, start + mid * (best - start), best)
            value = float(costs(point)[0])
            if np.isfinite(value):
                hi = mid
                if value < best_cost:
                    best, best_cost = point, value
            else:
                lo = mid

    toward(np.ones(len(start), bool))
    for _ in range(3):
        for j in range(len(start)):
            mask = np.zeros(len(start), bool)
            mask[j] = True
            toward(mask)
    return best, best_cost


def _local(costs, problem, best, best_cost, settings, rng):  # type: ignore[no-untyped-def]
    """Seeded draws around the best point, radius halving each round."""
    radius = 0.1 * (problem.high - problem.low)
    for _ in range(settings.local_rounds):
        cloud = best + rng.uniform(-1, 1, size=(settings.local_draws, len(best))) * radius
        cloud = np.clip(cloud, problem.low, problem.high)
        values = costs(cloud)
        i = int(np.argmin(values))
        if values[i] < best_cost:
            best, best_cost = cloud[i].copy(), float(values[i])
            best, best_cost = _shrink(costs, problem, best, best_cost, settings)
        radius = radius / 2
    return best, best_cost


def search_one(problem: TargetProblem, settings: SearchSettings, guard: float) -> Found | None:
    """One parameter alone: the working value nearest the current one, on a fine grid
    refined by bisection toward the current value."""
    grid = np.linspace(problem.low[0], problem.high[0], settings.line_points)
    grid = np.union1d(grid, problem.start)
    ok = feasible_batch(problem, grid[:, None], guard)
    if not ok.any():
        return None
    x0 = float(problem.start[0])
    order = np.argsort(np.abs(grid - x0))
    works = [float(grid[i]) for i in order if ok[i]]
    best = works[0]
    if abs(best - x0) > 0:
        fail = grid[(grid - x0) * (best - x0) >= 0]
        fail = fail[np.abs(fail - x0) < abs(best - x0)]
        lo = float(fail[np.argmax(np.abs(fail - x0))]) if fail.size else x0
        hi = best
        for _ in range(settings.bisections):
            mid = 0.5 * (lo + hi)
            if feasible_batch(problem, np.array([[mid]]), guard)[0]:
                hi = mid
            else:
                lo = mid
        best = hi
    cost = float(problem.cost(np.array([[best]]))[0])
    others = tuple(np.array([w]) for w in works[1:20])
    return Found(np.array([best]), np.zeros(0), cost, others)
