"""Sweeps, flip points, grids, Monte Carlo and tornado runs of a negotiation measure.

The measure (:mod:`sim.analysis.measures`) is computed point by point.
Flip points of ``zone_open`` are bracketed on a grid, narrowed by bisection
and, where every payoff is affine in the parameter, finished exactly: the
zone's slack ``max over F of min_i (u_i - d_i)`` is then piecewise linear
and crosses zero where the disagreement point meets the frontier, so the
zero of the line through the bracket's ends is the flip point once the
slack is confirmed linear on the bracket (its midpoint on the line).
Elsewhere the bisection goes on to the stated tolerance. Continuous
measures are reported where they jump: a bracket whose change does not
shrink under bisection (or where the measure becomes undefined).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from sim.analysis.measures import Measure, MeasurePoint, measure_point
from sim.analysis.montecarlo import draw_parameters, wilson_interval
from sim.games.affinity import affinity, scenario_payoff_formulas
from sim.games.extensive_build import build_extensive
from sim.scenario.model import Scenario

__all__ = [
    "MeasureFlip",
    "MeasureOdds",
    "MeasureSeries",
    "MeasureThresholds",
    "measure_grid",
    "measure_monte_carlo",
    "measure_series",
    "measure_thresholds",
    "measure_tornado",
]

Progress = Callable[[int, int], None] | None
#: Bisection steps before the exact step; the exact step needs the bracket this narrow.
BISECTIONS = 60
#: Relative tolerance of flip points found by bisection alone.
TOLERANCE = 1e-12


@dataclass(frozen=True)
class MeasureSeries:
    """The measure at each value of one parameter (NaN where undefined)."""

    parameter: str
    measure: str
    values: np.ndarray
    results: np.ndarray


@dataclass(frozen=True)
class MeasureFlip:
    """A value where the measure flips or jumps; ``exact``: found as an exact root,
    else within ``tolerance`` (absolute)."""

    value: float
    before: float
    after: float
    exact: bool
    tolerance: float


@dataclass(frozen=True)
class MeasureThresholds:
    """Every flip point of a measure in ``[start, stop]``."""

    parameter: str
    measure: str
    start: float
    stop: float
    steps: int
    flips: tuple[MeasureFlip, ...]
    affine: bool


class _Eval:
    """The measure at a value of one parameter, remembered."""

    def __init__(self, scenario: Scenario, measure: Measure, name: str, base: Mapping[str, float]):
        self.scenario, self.measure, self.name, self.base = scenario, measure, name, dict(base)
        self.memo: dict[float, MeasurePoint] = {}
        self.bounds = (-np.inf, np.inf)

    def __call__(self, x: float) -> MeasurePoint:
        if x not in self.memo:
            self.memo[x] = measure_point(self.scenario, self.measure, {**self.base, self.name: x})
        return self.memo[x]


def measure_series(
    scenario: Scenario,
    measure: Measure,
    name: str,
    values: np.ndarray,
    base: Mapping[str, float],
    progress: Progress = None,
) -> MeasureSeries:
    """The measure at every value of ``name``."""
    at = _Eval(scenario, measure, name, base)
    out = np.empty(len(values))
    for k, x in enumerate(values):
        out[k] = at(float(x)).value
        if progress is not None:
            progress(k + 1, len(values))
    return MeasureSeries(name, measure.name, np.asarray(values, float), out)


def _same(a: float, b: float, tol: float) -> bool:
    if np.isnan(a) or np.isnan(b):
        return bool(np.isnan(a) and np.isnan(b))
    return abs(a - b) <= tol


def measure_thresholds(
    scenario: Scenario,
    measure: Measure,
    name: str,
    start: float,
    stop: float,
    *,
    steps: int = 101,
    base: Mapping[str, float],
    progress: Progress = None,
) -> MeasureThresholds:
    """Every flip point (``zone_open``) or jump (continuous measures) in ``[start, stop]``."""
    series = measure_series(
        scenario, measure, name, np.linspace(start, stop, steps), base, progress
    )
    at = _Eval(scenario, measure, name, base)
    at.bounds = (start, stop)
    affine = _affine_in(scenario, name, base)
    ys = series.results
    scale = max(1.0, float(np.nanmax(np.abs(ys))) if np.isfinite(ys).any() else 1.0)
    width = stop - start
    flips = []
    for k in range(steps - 1):
        a, b = float(series.values[k]), float(series.values[k + 1])
        if measure.binary:
            if ys[k] != ys[k + 1]:
                flips.append(_zone_flip(at, a, b, affine, width))
        elif _candidate(ys, k, scale):
            flip = _jump(at, a, b, scale, width)
            if flip is not None:
                flips.append(flip)
    return MeasureThresholds(name, measure.name, start, stop, steps, tuple(flips), affine)


def _affine_in(scenario: Scenario, name: str, base: Mapping[str, float]) -> bool:
    if scenario.kind == "sequential":
        game = build_extensive(scenario)
        payoffs = [t.formula for t in game.payoff_terms]
        chance = [t.formula for t in game.chance_terms]
    else:
        payoffs, chance = scenario_payoff_formulas(scenario), []
    return affinity(scenario, [name], payoffs, chance, base).affine


def _zone_flip(at: _Eval, a: float, b: float, affine: bool, width: float) -> MeasureFlip:
    """Narrow ``[a, b]`` (the zone differs at its ends) and finish exactly where possible."""
    va, vb = at(a).value, at(b).value
    tol = TOLERANCE * max(width, 1.0)
    lo, hi = at.bounds
    for _ in range(BISECTIONS):
        if affine and b - a < 1e-6 * width:
            found = _linear_root(at, a, b, va > 0.5, lo, hi)
            if found is not None:
                return MeasureFlip(found[0], va, vb, True, found[1])
        if b - a <= tol:
            break
        mid = 0.5 * (a + b)
        if at(mid).value == va:
            a = mid
        else:
            b = mid
    return MeasureFlip(0.5 * (a + b), va, vb, False, max(b - a, tol))


def _linear_root(
    at: _Eval, a: float, b: float, open_left: bool, lo: float, hi: float
) -> tuple[float, float] | None:
    """Where the slack, extended from the open side of ``[a, b]``, reaches zero, and a bound
    on the error; None unless three points on the open side lie on one line (to 1e-9) and
    the zero lies in ``[a, b]``.

    On the closed side the slack is held at zero by other agreements, so the line is
    taken where the zone is open. There the slack is the value of a matrix game whose
    entries are affine in the parameter: smooth, so the line through points ``b - a``
    apart misses the zero by about the second difference times ``b - a``, which is the
    error bound returned.
    """
    step = b - a
    sign = -1.0 if open_left else 1.0
    first = a if open_left else b
    xs = [first + sign * k * step for k in range(3)]
    if min(xs) < lo - 1e-12 * step or max(xs) > hi + 1e-12 * step:
        return None
    g = [at(x).slack for x in xs]
    if not all(np.isfinite(v) and v > 0 for v in g):
        return None
    scale = max(1.0, *map(abs, g))
    if abs((g[2] - g[1]) - (g[1] - g[0])) > 1e-9 * scale or g[1] == g[0]:
        return None
    root = xs[0] - g[0] * (xs[1] - xs[0]) / (g[1] - g[0])
    if not a - 1e-9 * step <= root <= b + 1e-9 * step:
        return None
    error = abs(g[2] - 2 * g[1] + g[0]) / abs(g[1] - g[0]) * step + 1e-15 * max(1.0, abs(root))
    return float(min(max(root, a), b)), float(error)


def _candidate(ys: np.ndarray, k: int, scale: float) -> bool:
    """A grid step worth bisecting: the measure becomes (un)defined, or changes much more
    than on its neighbouring steps."""
    y0, y1 = ys[k], ys[k + 1]
    if np.isnan(y0) != np.isnan(y1):
        return True
    if np.isnan(y0):
        return False
    step = abs(y1 - y0)
    around = [abs(ys[j + 1] - ys[j]) for j in (k - 1, k + 1) if 0 <= j < len(ys) - 1]
    around = [s for s in around if np.isfinite(s)]
    return step > 1e-6 * scale and step > 3.0 * max(around, default=0.0)


def _jump(at: _Eval, a: float, b: float, scale: float, width: float) -> MeasureFlip | None:
    """Bisect toward the larger change; a jump is a change that survives to the tolerance."""
    tol = TOLERANCE * max(width, 1.0)
    while b - a > tol:
        mid = 0.5 * (a + b)
        ya, ym, yb = at(a).value, at(mid).value, at(b).value
        if np.isnan(ya) != np.isnan(ym):
            left = True
        elif np.isnan(ym) != np.isnan(yb):
            left = False
        else:
            left = abs(ym - ya) >= abs(yb - ym)
        a, b = (a, mid) if left else (mid, b)
    ya, yb = at(a).value, at(b).value
    if _same(ya, yb, 1e-6 * scale):
        return None
    return MeasureFlip(0.5 * (a + b), ya, yb, False, b - a)


def measure_grid(
    scenario: Scenario,
    measure: Measure,
    x: tuple[str, np.ndarray],
    y: tuple[str, np.ndarray],
    base: Mapping[str, float],
    progress: Progress = None,
) -> np.ndarray:
    """The measure on a grid: ``(len(y values), len(x values))``."""
    out = np.empty((len(y[1]), len(x[1])))
    total = out.size
    for i, yv in enumerate(y[1]):
        for j, xv in enumerate(x[1]):
            point = {**base, x[0]: float(xv), y[0]: float(yv)}
            out[i, j] = measure_point(scenario, measure, point).value
            if progress is not None:
                progress(i * len(x[1]) + j + 1, total)
    return out


@dataclass(frozen=True)
class MeasureOdds:
    """Monte Carlo of a measure: draws, the share with an open zone (or the distribution)."""

    measure: str
    samples: int
    seed: int | None
    parameters: tuple[str, ...]
    results: np.ndarray
    share: float | None
    interval: tuple[float, float] | None
    undefined: int


def measure_monte_carlo(
    scenario: Scenario,
    measure: Measure,
    *,
    samples: int,
    seed: int | None,
    base: Mapping[str, float],
    progress: Progress = None,
) -> MeasureOdds:
    """Draw the uncertain parameters and compute the measure at every draw.

    For ``zone_open`` the share of draws where a deal zone is open, with a 95%
    Wilson interval; for continuous measures the draws (summarised by the report).
    """
    rng = np.random.default_rng(seed)
    draws = draw_parameters(scenario, samples, rng, dict(base))
    out = np.empty(samples)
    for n in range(samples):
        point = {**base, **{k: float(v[n]) for k, v in draws.items()}}
        out[n] = measure_point(scenario, measure, point).value
        if progress is not None:
            progress(n + 1, samples)
    undefined = int(np.isnan(out).sum())
    share = interval = None
    if measure.binary:
        count = int(np.sum(out > 0.5))
        share, interval = count / samples, wilson_interval(count, samples)
    return MeasureOdds(measure.name, samples, seed, tuple(draws), out, share, interval, undefined)


def measure_tornado(
    scenario: Scenario,
    measure: Measure,
    base: Mapping[str, float],
    progress: Progress = None,
) -> list[tuple[str, float, float, float, float, float]]:
    """Each ranged parameter at both ends of its range, the others at their values:
    ``(name, low, high, result at low, result at high, swing)``, largest swing first."""
    ranged = [p for p in scenario.parameters if p.range is not None and p.name not in base]
    now = measure_point(scenario, measure, base).value
    bars = []
    for n, p in enumerate(ranged):
        lo, hi = p.range  # type: ignore[misc]
        y_lo = measure_point(scenario, measure, {**base, p.name: lo}).value
        y_hi = measure_point(scenario, measure, {**base, p.name: hi}).value
        ends = [y for y in (y_lo, y_hi, now) if np.isfinite(y)]
        swing = max(ends) - min(ends) if ends else 0.0
        if swing <= 1e-9 * max(1.0, *map(abs, ends)):
            swing = 0.0  # rounding noise of the solvers, not a swing
        bars.append((p.name, float(lo), float(hi), y_lo, y_hi, swing))
        if progress is not None:
            progress(n + 1, len(ranged))
    return sorted(bars, key=lambda bar: -bar[5])
