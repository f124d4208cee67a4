"""Monte Carlo over uncertain payoffs: outcome odds and the assumptions that move them.

Every parameter with a ``distribution`` is drawn ``samples`` times from a
:class:`numpy.random.Generator` seeded with ``seed`` (parameters drawn in file
order, so the same seed gives the same numbers); derived parameters are
recomputed from the draws. All draws are solved in one batch. The report
gives each predicted outcome's frequency with a 95% Wilson score interval
(Wilson 1927) and, for each drawn parameter, Spearman's rank correlation with
each outcome (Spearman 1904): the parameters whose |rho| is largest are the
ones the prediction hangs on.

For a sequential game the prediction at each draw is the set of outcomes its
subgame-perfect equilibrium reaches (see :mod:`sim.analysis.sequential_batch`).

The predictions are categories (a set of equilibria such as ``"A | B"``, or a
chance mixture such as ``"A + B"``); :func:`overall_odds` gives instead the
overall probability of each *final* outcome: the selected equilibrium's
probability of that outcome, averaged over the draws. It needs one
equilibrium per draw, so it depends on the selection rule (``all`` is
counted as ``payoff_dominant``; a sequential game follows the first best move
where moves tie); the share of draws where that choice mattered is recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from sim.analysis.batch import AnyBatch, solve_batch
from sim.analysis.predict import predict
from sim.errors import RequestError
from sim.scenario.model import Scenario
from sim.solvers.result import outcome_distribution

__all__ = ["MonteCarloResult", "OutcomeOdds", "monte_carlo", "overall_odds", "wilson_interval"]


@dataclass(frozen=True)
class OutcomeOdds:
    """How often one outcome is predicted, with a 95% interval and its drivers."""

    name: str
    count: int
    frequency: float
    low: float
    high: float
    correlations: tuple[tuple[str, float], ...]


@dataclass(frozen=True, eq=False)
class MonteCarloResult:
    """Outcome frequencies over parameter draws, with the settings used."""

    samples: int
    seed: int | None
    rule: str
    drawn: tuple[str, ...]
    draws: Mapping[str, np.ndarray]
    outcomes: tuple[OutcomeOdds, ...]
    influence: tuple[tuple[str, float], ...]
    batch: AnyBatch
    overall: tuple[tuple[str, float], ...] = ()
    overall_rule: str = ""
    choice_share: float = 0.0


def wilson_interval(count: int, total: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """The Wilson score interval for a binomial proportion (95% by default)."""
    if total <= 0:
        return (0.0, 1.0)
    p = count / total
    denom = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denom
    half = z * np.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def draw_parameters(
    scenario: Scenario, samples: int, rng: np.random.Generator, fixed: Mapping[str, float]
) -> dict[str, np.ndarray]:
    """Draw every parameter that has a distribution (and is not fixed by ``--set``)."""
    draws = {}
    for param in scenario.parameters:
        if param.distribution is not None and param.name not in fixed:
            draws[param.name] = param.distribution.sample(rng, samples)
    if not draws:
        raise RequestError(
            "no parameter has a distribution to draw from: add `distribution:` to some "
            "parameters (see the scenario format), or sweep a parameter instead"
        )
    return draws


def monte_carlo(
    scenario: Scenario,
    *,
    samples: int = 10_000,
    seed: int | None = None,
    base: Mapping[str, float] | None = None,
    concepts: tuple[str, ...] | None = None,
    rule: str = "all",
    tol: float = 1e-9,
    progress=None,  # type: ignore[no-untyped-def]
) -> MonteCarloResult:
    """Draw, solve and summarise; see the module docstring."""
    rng = np.random.default_rng(seed)
    fixed = dict(base or {})
    draws = draw_parameters(scenario, samples, rng, fixed)
    batch = solve_batch(scenario, draws, base=fixed, concepts=concepts, tol=tol, progress=progress)
    names = np.array(predict(batch, rule).names, dtype=object)
    odds = []
    ranks = {k: rankdata(v) for k, v in draws.items()}
    for name, count in _counts(names):
        hit = (names == name).astype(float)
        corr = tuple(
            sorted(((k, _spearman(r, hit)) for k, r in ranks.items()), key=lambda kv: -abs(kv[1]))
        )
        low, high = wilson_interval(count, samples)
        odds.append(OutcomeOdds(name, count, count / samples, low, high, corr))
    influence = _influence(odds)
    overall, used, share = overall_odds(batch, rule)
    return MonteCarloResult(
        samples,
        seed,
        rule,
        tuple(draws),
        draws,
        tuple(odds),
        influence,
        batch,
        overall,
        used,
        share,
    )


def overall_odds(batch: AnyBatch, rule: str) -> tuple[tuple[tuple[str, float], ...], str, float]:
    """Overall probability of each final outcome over the points of a batch.

    Returns ``(outcomes, rule used, share of points where the choice of one
    equilibrium among several mattered)``; outcomes are ``(name, probability)``
    sorted by probability, largest first.
    """
    from sim.analysis.sequential_batch import SequentialBatch

    if isinstance(batch, SequentialBatch):
        probs = batch.outcome_probs.mean(axis=1) if batch.size else np.zeros(0)
        found = [(n, float(p)) for n, p in zip(batch.outcome_names, probs, strict=True)]
        share = len(batch.alternatives) / max(batch.size, 1)
        return _sorted(found), "subgame_perfect", share
    used = "payoff_dominant" if rule == "all" else rule
    pred = predict(batch, used)
    totals: dict[str, float] = {}
    names = np.array(pred.names, dtype=object)
    several = batch.pure_mask.reshape(batch.size, -1).sum(axis=1) + np.array(
        [len(m) for m in batch.mixed]
    )
    for name in dict.fromkeys(pred.names):
        members = np.flatnonzero(names == name)
        if not str(name).startswith("Mixed:") and " | " not in str(name):
            totals[name] = totals.get(name, 0.0) + members.size
            continue
        for b in members.tolist():
            eqs = batch.equilibria(b)
            k = int(pred.selected[b])
            for profile, prob in outcome_distribution(eqs[k].strategies if k >= 0 else ()):
                label = batch.profile_label(profile)
                totals[label] = totals.get(label, 0.0) + prob
    found = [(n, v / max(batch.size, 1)) for n, v in totals.items()]
    return _sorted(found), used, float(np.mean(several > 1)) if batch.size else 0.0


def _sorted(found: list[tuple[str, float]]) -> tuple[tuple[str, float], ...]:
    return tuple(sorted(((n, p) for n, p in found if p > 0), key=lambda kv: (-kv[1], kv[0])))


def rankdata(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n, tied values sharing their average rank (as ``scipy.stats.rankdata``)."""
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values))
    ranks[order] = np.arange(1, len(values) + 1)
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    inverse = inverse.ravel()
    return (np.bincount(inverse, weights=ranks) / counts)[inverse]


def _counts(names: np.ndarray) -> list[tuple[str, int]]:
    values, counts = np.unique(names.astype(str), return_counts=True)
    order = np.lexsort((values, -counts))
    return [(str(values[i]), int(counts[i])) for i in order]


def _spearman(ranks: np.ndarray, hit: np.ndarray) -> float:
    """Spearman's rho between a parameter (as ranks) and an outcome indicator.

    The ranks of a 0/1 indicator are an affine function of it, so Pearson's
    correlation with the indicator itself equals Spearman's rho.
    """
    if np.ptp(hit) == 0 or np.ptp(ranks) == 0:
        return 0.0
    return float(np.corrcoef(ranks, hit)[0, 1])


def _influence(odds: list[OutcomeOdds]) -> tuple[tuple[str, float], ...]:
    """Each parameter's largest |rho| over outcomes, sorted: what moves the odds most."""
    best: dict[str, float] = {}
    for o in odds:
        for name, rho in o.correlations:
            best[name] = max(best.get(name, 0.0), abs(rho))
    return tuple(sorted(best.items(), key=lambda kv: -kv[1]))
