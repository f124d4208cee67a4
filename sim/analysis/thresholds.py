"""Flip points: the exact parameter values where the equilibria or the prediction change.

The parameter range is scanned on a grid (one batch); every pair of
neighbouring grid points whose *signature* differs brackets a flip, and all
brackets are refined together by bisection (one batch per step) until they
are narrower than ``xtol``. The signature of a point is the set of its
equilibria, each identified by its supports, together with the predicted
outcome under the chosen selection rule.

Bisection finds every change between neighbouring grid points; two changes
closer together than one grid step can hide each other, so the grid is fine
(``steps``) by default. Where payoffs are linear in the parameter, the flips
are the roots of payoff differences, and bisection converges to them.

In a sequential game the equilibrium at a point is its subgame-perfect plan
(a move at every information set, on and off the path), so a flip is any
change of plan; its sentence names the player, the information set and the
move switch, and the exact value is the root of the mover's payoff
difference between its two moves where that difference is linear.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from sim.analysis.batch import AnyBatch, BatchSolution, default_concepts, solve_batch
from sim.analysis.predict import predict
from sim.analysis.sequential_batch import SequentialBatch, switch_root
from sim.scenario.model import Scenario
from sim.scenario.parameters import parameter_env
from sim.scenario.payoffs import payoff_tensor

__all__ = ["Threshold", "ThresholdResult", "find_thresholds", "threshold_sentence"]


@dataclass(frozen=True, eq=False)
class Threshold:
    """One flip point.

    Attributes
    ----------
    value
        The parameter value where the change happens (midpoint of the final bracket).
    low, high
        The final bracket; ``before`` holds at ``low``, ``after`` at ``high``.
    before, after
        Solved batches of one point each, just below and just above.
    """

    value: float
    low: float
    high: float
    before: AnyBatch
    after: AnyBatch
    before_name: str
    after_name: str


@dataclass(frozen=True, eq=False)
class ThresholdResult:
    """All flip points of one parameter over a range, with the settings used."""

    parameter: str
    start: float
    stop: float
    steps: int
    xtol: float
    rule: str
    concepts: tuple[str, ...]
    thresholds: tuple[Threshold, ...]


def _signatures(batch: AnyBatch, rule: str) -> list[tuple]:
    names = predict(batch, rule).names
    return [(batch.equilibrium_keys(b), names[b]) for b in range(batch.size)]


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
    exactly tied, not where they agree to within rounding. Flips closer than
    ``1e3 * xtol`` (a degenerate point with extra equilibria between two
    regimes) are merged into one.
    """
    grid = np.linspace(start, stop, steps)
    concepts = default_concepts(scenario, concepts)

    def solve(values: np.ndarray) -> AnyBatch:
        return solve_batch(scenario, {parameter: values}, base=base, concepts=concepts, tol=tol)

    sigs = _signatures(solve(grid), rule)
    flips = [i for i in range(steps - 1) if sigs[i] != sigs[i + 1]]
    lo, hi = grid[flips].astype(float), grid[[i + 1 for i in flips]].astype(float)
    left = [sigs[i] for i in flips]
    scale = max(1.0, abs(start), abs(stop))
    while lo.size and np.max(hi - lo) > xtol * scale:
        mid = (lo + hi) / 2
        same = np.array([m == s for m, s in zip(_signatures(solve(mid), rule), left, strict=True)])
        lo, hi = np.where(same, mid, lo), np.where(same, hi, mid)
    brackets = _merge(list(zip(lo.tolist(), hi.tolist(), strict=True)), 1e3 * xtol * scale)
    found = [_threshold(solve, scenario, parameter, a, b, rule, base) for a, b in brackets]
    return ThresholdResult(parameter, start, stop, steps, xtol, rule, tuple(concepts), tuple(found))


def _merge(brackets: list[tuple[float, float]], gap: float) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for low, high in sorted(brackets):
        if merged and low - merged[-1][1] <= gap:
            merged[-1] = (merged[-1][0], high)
        else:
            merged.append((low, high))
    return merged


def _threshold(  # type: ignore[no-untyped-def]
    solve, scenario: Scenario, parameter: str, low: float, high: float, rule: str, base
) -> Threshold:
    before, after = solve(np.array([low])), solve(np.array([high]))
    names_b, names_a = predict(before, rule).names[0], predict(after, rule).names[0]
    if isinstance(before, SequentialBatch) and isinstance(after, SequentialBatch):
        root = switch_root(before, after, parameter, low, high, base)
        value = (low + high) / 2 if root is None else root
    else:
        value = _linear_root(scenario, parameter, low, high, base)
    return Threshold(value, low, high, before, after, names_b, names_a)


def _linear_root(
    scenario: Scenario, parameter: str, low: float, high: float, base: Mapping[str, float] | None
) -> float:
    """Where payoffs are linear in the parameter, the exact root of the payoff
    difference that changes sign inside the bracket; else the bracket's midpoint."""
    mid = (low + high) / 2
    points = np.array([low - 1.0, mid, high + 1.0])
    env = parameter_env(scenario.parameters, {**(base or {}), parameter: points})
    u = np.asarray(payoff_tensor(scenario, env))
    if u.ndim != len(scenario.players) + 2 or u[0, 0].size > 100_000:
        return mid
    t = (mid - points[0]) / (points[2] - points[0])
    if not np.allclose(u[1], (1 - t) * u[0] + t * u[2], rtol=1e-12, atol=1e-12 * float(np.ptp(u))):
        return mid
    slope = (u[2] - u[0]) / (points[2] - points[0])
    roots = []
    for p in range(u.shape[1]):
        d0 = np.expand_dims(u[1, p], p + 1) - np.expand_dims(u[1, p], p)
        ds = np.expand_dims(slope[p], p + 1) - np.expand_dims(slope[p], p)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = mid - d0 / ds
        ok = np.isfinite(r) & (r >= low - 1e-12) & (r <= high + 1e-12)
        roots.extend(r[ok].tolist())
    return float(min(roots, key=lambda r: abs(r - mid))) if roots else mid


def threshold_sentence(result: ThresholdResult, t: Threshold, current: float | None = None) -> str:
    """A plain sentence for one flip, told from the current value of the parameter.

    E.g. "Russia switches from veto_sanctions to support_sanctions when iran_ties
    falls below 3." (``current`` above the flip) or "... rises above 3."
    """
    value = f"{t.value:.6g}"
    falling = current is not None and current > t.value
    here, there = (t.after, t.before) if falling else (t.before, t.after)
    here_name, there_name = (
        (t.after_name, t.before_name) if falling else (t.before_name, t.after_name)
    )
    verb = "falls below" if falling else "rises above"
    cond = f"when {result.parameter} {verb} {value}"
    if isinstance(here, SequentialBatch) and isinstance(there, SequentialBatch):
        # A flip at an end of the range: the state at that end holds there only.
        edge = max(1.0, abs(result.start), abs(result.stop)) * 1e3 * result.xtol
        at_start = abs(t.value - result.start) <= edge
        at_stop = abs(t.value - result.stop) <= edge
        if (falling and at_start) or (not falling and at_stop):
            cond = f"when {result.parameter} {'falls' if falling else 'rises'} to {value}"
        return _plan_sentence(here, there, here_name, there_name, cond)
    assert isinstance(here, BatchSolution) and isinstance(there, BatchSolution)
    eq_here, eq_there = here.equilibria(0), there.equilibria(0)
    outcome = (
        f" (the outcome changes from {here_name} to {there_name})"
        if here_name != there_name
        else ""
    )
    if len(eq_here) == 1 and len(eq_there) == 1 and eq_here[0].is_pure and eq_there[0].is_pure:
        ph, pt = eq_here[0].pure_profile(), eq_there[0].pure_profile()
        assert ph is not None and pt is not None
        players = here.scenario.players
        parts = [
            f"{players[p].name} switches from {players[p].moves[ph[p]]} "
            f"to {players[p].moves[pt[p]]}"
            for p in range(len(ph))
            if ph[p] != pt[p]
        ]
        return f"{' and '.join(parts)} {cond}{outcome}."
    if here_name != there_name and result.rule != "all":
        return (
            f"The predicted outcome ({result.rule.replace('_', '-')} selection) changes from "
            f"{here_name} to {there_name} {cond}."
        )
    if here_name != there_name:
        return _set_change(here_name, there_name, cond)
    return f"The set of equilibria changes {cond} ({len(eq_here)} -> {len(eq_there)} equilibria)."


def _set_change(here: str, there: str, cond: str) -> str:
    """Sentences for equilibria that appear or disappear."""
    old, new = here.split(" | "), there.split(" | ")
    gone = [n for n in old if n not in new]
    added = [n for n in new if n not in old]
    parts = []
    if gone:
        parts.append(f"{_names(gone)} {'stops' if len(gone) == 1 else 'stop'} being an equilibrium")
    if added:
        parts.append(f"{_names(added)} {'becomes' if len(added) == 1 else 'become'} an equilibrium")
    remaining = " | ".join(new)
    return f"{' and '.join(parts)} {cond} (equilibria then: {remaining})."


def _names(names: list[str]) -> str:
    quoted = [f"'{n}'" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


#: Changes of plan named one by one in a sentence; more are counted.
MAX_SWITCHES = 4


def _plan_sentence(
    here: SequentialBatch, there: SequentialBatch, here_name: str, there_name: str, cond: str
) -> str:
    """E.g. "Russia switches from support_sanctions to veto_sanctions at
    Russia@offer=offer_deal when sanction_cost falls below 3 (...)"."""
    from sim.games.profile_values import reach

    game = here.game
    changed = [h for h in range(len(game.infosets)) if here.plans[h, 0] != there.plans[h, 0]]
    groups: dict[tuple[int, str, str], list[str]] = {}
    for h in changed:
        info = game.infosets[h]
        switch = (
            info.player,
            info.moves[int(here.plans[h, 0])],
            info.moves[int(there.plans[h, 0])],
        )
        groups.setdefault(switch, []).append(info.key)
    parts = []
    for (player, old, new), keys in list(groups.items())[:MAX_SWITCHES]:
        where = keys[0] if len(keys) == 1 else ", ".join(keys[:-1]) + " and " + keys[-1]
        parts.append(f"{game.players[player]} switches from {old} to {new} at {where}")
    if len(groups) > MAX_SWITCHES:
        more = len(groups) - MAX_SWITCHES
        parts.append(f"{more} more change{'s' if more > 1 else ''} of plan")
    if len(parts) > 2 or (len(parts) == 2 and any(len(k) > 1 for k in groups.values())):
        text = "; ".join(parts[:-1]) + "; and " + parts[-1]
    else:
        text = " and ".join(parts)
    if not changed and here_name != there_name:
        return (
            f"The outcome changes from {here_name} to {there_name} {cond}: no player changes "
            "its plan, but chance makes other outcomes possible or impossible."
        )
    if not changed:
        return f"The subgame-perfect equilibrium changes {cond}."
    if here_name != there_name:
        return f"{text} {cond} (the outcome changes from {here_name} to {there_name})."
    on_path = False
    for batch in (here, there):
        probs = reach(game, batch.point_values(0), game.pure_behaviour(batch.plan(0)))
        on_path = on_path or any(probs[game.infosets[h].nodes[0]] > 0 for h in changed)
    if not on_path:
        return f"{text} {cond} (off the equilibrium path: the outcome stays {here_name})."
    return f"{text} {cond}."
