"""Flip points: the exact parameter values where the equilibria or the prediction change.

The *signature* of a point is the set of its equilibria, each identified by
its supports (in a sequential game: its subgame-perfect plan), together with
the predicted outcome under the chosen selection rule. A flip is a value
where the signature changes.

**Exact roots where payoffs are affine.** Where every payoff of a
simultaneous game is affine in the parameter over the range (checked exactly,
within rounding, at seven points), each player's preference between two of
its moves against fixed moves of the others changes only at the root of an
affine difference; these roots are finitely many and computed in closed
form. Between two neighbouring roots no best response changes, so the pure
equilibria are constant there: the signature is evaluated once inside every
such interval (and at the grid points), and a flip is placed exactly at the
root between two intervals whose signatures differ. Two flips as close as
you like are both found.

**Elsewhere, a grid refined by bisection.** The range is scanned on a grid of
``steps`` points, and every cell across which the signature *or any best
response* changes is split at its midpoint again and again (both halves are
kept when the midpoint differs from both ends), until brackets are narrower
than ``xtol``; such flips are marked ``exact=False`` (a grid result: two
changes closer together than the bisection can resolve would be reported as
one). Where payoffs are linear near a bracket, its value is snapped to the
root of the payoff difference (and a root within rounding of zero is zero).

In a sequential game a flip is any change of plan; its value is the root of
the mover's payoff difference between its two moves where that difference is
linear (:func:`sim.analysis.sequential_batch.switch_root`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from sim.analysis.affine_roots import MAX_ROOTS, affine_roots, linear_root, snap
from sim.analysis.batch import AnyBatch, BatchSolution, default_concepts, solve_batch
from sim.analysis.predict import predict
from sim.analysis.sequential_batch import SequentialBatch
from sim.analysis.sequential_switch import switch_root
from sim.analysis.threshold_sentences import human_number, threshold_sentence
from sim.scales import player_scales
from sim.scenario.model import Scenario

__all__ = [
    "MAX_ROOTS",
    "Threshold",
    "ThresholdResult",
    "affine_roots",
    "find_thresholds",
    "human_number",
    "threshold_sentence",
]


@dataclass(frozen=True, eq=False)
class Threshold:
    """One flip point.

    Attributes
    ----------
    value
        The parameter value where the change happens.
    low, high
        The final bracket (``low == high == value`` for an exact root);
        ``before`` holds just below, ``after`` just above.
    before, after
        Solved batches of one point each, just below and just above.
    exact
        True where ``value`` is the closed-form root of an affine payoff
        difference; False for a grid result refined by bisection.
    """

    value: float
    low: float
    high: float
    before: AnyBatch
    after: AnyBatch
    before_name: str
    after_name: str
    exact: bool = False


@dataclass(frozen=True, eq=False)
class ThresholdResult:
    """All flip points of one parameter over a range, with the settings used.

    ``method`` is ``"affine_roots"`` (payoffs affine in the parameter: exact
    roots) or ``"grid_bisection"`` (a grid of ``steps`` points refined by
    bisection to ``xtol``). ``odds`` lists, for a sequential game, each
    outcome whose probability moves across the range (chance-driven
    outcomes), with its probability at the start, at the end, and its lowest
    and highest on the grid.
    """

    parameter: str
    start: float
    stop: float
    steps: int
    xtol: float
    rule: str
    concepts: tuple[str, ...]
    thresholds: tuple[Threshold, ...]
    method: str = "grid_bisection"
    odds: tuple[tuple[str, float, float, float, float], ...] = ()


def _fine_keys(batch: AnyBatch, rule: str) -> tuple[list[tuple], list[tuple]]:
    """Per point: the signature (equilibria, prediction), and it with every best response."""
    names = predict(batch, rule).names
    coarse = [(batch.equilibrium_keys(b), names[b]) for b in range(batch.size)]
    if not isinstance(batch, BatchSolution):
        return coarse, coarse
    u = batch.payoffs
    n = u.shape[1]
    scales = player_scales(u, player_axis=1)
    parts = []
    for p in range(n):
        up = u[:, p]
        slack = batch.tol * scales[:, p].reshape((-1,) + (1,) * n)
        parts.append((up >= up.max(axis=p + 1, keepdims=True) - slack).reshape(batch.size, -1))
    packed = np.packbits(np.concatenate(parts, axis=1), axis=1)
    fine = [(*c, row.tobytes()) for c, row in zip(coarse, packed, strict=True)]
    return coarse, fine


def find_thresholds(
    scenario: Scenario,
    parameter: str,
    start: float,
    stop: float,
    *,
    steps: int = 401,
    base: Mapping[str, float] | None = None,
    concepts: tuple[str, ...] | None = None,
    rule: str = "all",
    xtol: float = 1e-12,
    tol: float = 1e-13,
) -> ThresholdResult:
    """Every value of ``parameter`` in ``[start, stop]`` where the signature changes.

    ``tol`` is the tie tolerance used while locating flips; it is much smaller
    than the solver's default so that a flip is placed where payoffs are
    exactly tied, not where they agree to within rounding. A reversed range
    is searched in increasing order.
    """
    start, stop = sorted((float(start), float(stop)))
    concepts = default_concepts(scenario, concepts)

    def solve(values: np.ndarray) -> AnyBatch:
        return solve_batch(scenario, {parameter: values}, base=base, concepts=concepts, tol=tol)

    grid = np.linspace(start, stop, steps)
    roots = None
    if scenario.kind != "sequential":
        roots = affine_roots(scenario, parameter, start, stop, base)
    scale = max(1.0, abs(start), abs(stop))
    grid_batch = None
    exact: list[Threshold] = []
    if roots is None:
        grid_batch = solve(grid)
        brackets = _changes(grid_batch, grid, rule)
    else:
        exact, brackets = _exact_flips(solve, roots, grid, rule)
    brackets = _bisect(solve, brackets, rule, xtol * scale)
    merged = _merge(brackets, 1e3 * xtol * scale)
    found = exact + [
        _threshold(solve, scenario, parameter, (a, b), (start, stop), rule, base) for a, b in merged
    ]
    found.sort(key=lambda t: t.value)
    method = "grid_bisection" if roots is None or merged else "affine_roots"
    odds = _odds(grid_batch) if isinstance(grid_batch, SequentialBatch) else ()
    return ThresholdResult(
        parameter, start, stop, steps, xtol, rule, tuple(concepts), tuple(found), method, odds
    )


def _odds(batch: SequentialBatch) -> tuple[tuple[str, float, float, float, float], ...]:
    """Outcomes whose probability moves along the grid while the plan stays the same (so by
    chance, not by a change of plan): (name, at the start, at the end, lowest, highest)."""
    from sim.analysis.sequential_batch import plan_codes

    probs = batch.outcome_probs
    codes = plan_codes(batch)
    starts = np.flatnonzero(np.concatenate([[True], codes[1:] != codes[:-1]]))
    moving = np.zeros(probs.shape[0], bool)
    for a, b in zip(starts, [*starts[1:], codes.size], strict=True):
        moving |= np.ptp(probs[:, a:b], axis=1) > 1e-9
    return tuple(
        (
            name,
            float(probs[k, 0]),
            float(probs[k, -1]),
            float(probs[k].min()),
            float(probs[k].max()),
        )
        for k, name in enumerate(batch.outcome_names)
        if moving[k]
    )


Solver = Callable[[np.ndarray], AnyBatch]
Bracket = tuple[float, float]


def _changes(batch: AnyBatch, points: np.ndarray, rule: str) -> list[Bracket]:
    """Neighbouring points whose signatures or best responses differ."""
    _, keys = _fine_keys(batch, rule)
    return [
        (float(points[i]), float(points[i + 1]))
        for i in range(len(points) - 1)
        if keys[i] != keys[i + 1]
    ]


def _bisect(solve: Solver, brackets: list[Bracket], rule: str, width: float) -> list[Bracket]:
    """Split every bracket at its midpoint until narrower than ``width``; keep each half
    whose ends differ (best responses included), finally those whose signatures differ."""
    live = list(brackets)
    done: list[Bracket] = []
    while live:
        narrow = [b for b in live if b[1] - b[0] <= width]
        done += narrow
        live = [b for b in live if b[1] - b[0] > width]
        if not live:
            break
        ends = np.array([x for lo, hi in live for x in (lo, (lo + hi) / 2, hi)])
        _, keys = _fine_keys(solve(ends), rule)
        nxt: list[Bracket] = []
        for i, (lo, hi) in enumerate(live):
            k_lo, k_mid, k_hi = keys[3 * i : 3 * i + 3]
            mid = (lo + hi) / 2
            if k_mid != k_lo:
                nxt.append((lo, mid))
            if k_mid != k_hi:
                nxt.append((mid, hi))
        live = nxt[:MAX_ROOTS]
    if not done:
        return []
    ends = np.array([x for b in done for x in b])
    coarse, _ = _fine_keys(solve(ends), rule)
    return [b for i, b in enumerate(done) if coarse[2 * i] != coarse[2 * i + 1]]


def _exact_flips(
    solve: Solver, roots: np.ndarray, grid: np.ndarray, rule: str
) -> tuple[list[Threshold], list[Bracket]]:
    """Flips at the affine roots, and brackets of any other change (for bisection).

    The signature is sampled at every grid point and at the midpoint of every
    interval between neighbouring roots (never at a root itself).
    """
    lo, hi = float(grid[0]), float(grid[-1])
    inner = roots[(roots > lo) & (roots < hi)]
    bounds = np.concatenate([[lo], inner, [hi]])
    near = np.zeros(grid.size, bool)
    if inner.size:
        idx = np.clip(np.searchsorted(inner, grid), 1, inner.size) - 1
        for nearest in (idx, np.minimum(idx + 1, inner.size - 1)):
            near |= np.abs(grid - inner[nearest]) <= 1e-12 * np.maximum(1.0, np.abs(grid))
    samples = np.unique(np.concatenate([grid[~near], (bounds[:-1] + bounds[1:]) / 2]))
    coarse, _ = _fine_keys(solve(samples), rule)
    flips: list[Threshold] = []
    brackets: list[Bracket] = []
    pending: list[tuple[float, float, float]] = []
    for i in range(samples.size - 1):
        if coarse[i] == coarse[i + 1]:
            continue
        a, b = float(samples[i]), float(samples[i + 1])
        between = roots[(roots >= a) & (roots <= b)]
        if between.size == 1:
            pending.append((float(between[0]), a, b))
        else:
            brackets.append((a, b))
    if not pending:
        return flips, brackets
    # Check each root: the states just beside it must be those of the samples around it;
    # a change elsewhere between the samples (mixed equilibria) is left to bisection.
    pts = np.array([x for r, a, b in pending for x in (r - (r - a) * 1e-3, r + (b - r) * 1e-3)])
    ends = np.array([x for _r, a, b in pending for x in (a, b)])
    beside, _ = _fine_keys(solve(pts), rule)
    far, _ = _fine_keys(solve(ends), rule)
    for j, (r, a, b) in enumerate(pending):
        left, right = pts[2 * j], pts[2 * j + 1]
        if beside[2 * j] != beside[2 * j + 1]:
            before, after = solve(np.array([left])), solve(np.array([right]))
            names = predict(before, rule).names[0], predict(after, rule).names[0]
            flips.append(Threshold(r, r, r, before, after, *names, True))
        if far[2 * j] != beside[2 * j]:
            brackets.append((a, float(left)))
        if far[2 * j + 1] != beside[2 * j + 1]:
            brackets.append((float(right), b))
    return flips, brackets


def _merge(brackets: list[Bracket], gap: float) -> list[Bracket]:
    merged: list[Bracket] = []
    for low, high in sorted(brackets):
        if merged and low - merged[-1][1] <= gap:
            merged[-1] = (merged[-1][0], high)
        else:
            merged.append((low, high))
    return merged


def _threshold(  # type: ignore[no-untyped-def]
    solve, scenario: Scenario, parameter: str, bracket: Bracket, span: Bracket, rule: str, base
) -> Threshold:
    low, high = bracket
    before, after = solve(np.array([low])), solve(np.array([high]))
    names_b, names_a = predict(before, rule).names[0], predict(after, rule).names[0]
    if isinstance(before, SequentialBatch) and isinstance(after, SequentialBatch):
        root = switch_root(before, after, parameter, low, high, base)
        value = (low + high) / 2 if root is None else root
    else:
        value = linear_root(scenario, parameter, low, high, base)
    return Threshold(snap(value, *span), low, high, before, after, names_b, names_a)
