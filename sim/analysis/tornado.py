"""Tornado analysis: which single assumption swings the prediction most.

Each parameter with a ``range`` is moved across it (``steps`` points) with
the others at their values; the *swing* is the spread (max - min) of a metric
along the way: each player's payoff in the selected equilibrium, or the
probability that the selected equilibrium leads to a named outcome. Bars are
sorted by swing, largest first (Eschenbach 1992, "Spiderplots versus tornado
diagrams for sensitivity analysis", Interfaces 22). In a sequential game the
metric is the expected payoff of the subgame-perfect equilibrium, or the
probability that its path ends in the named outcome.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from sim.analysis.batch import SolvedBatch, default_concepts, solve_batch
from sim.analysis.predict import predict
from sim.concepts import PURE_NASH, SUBGAME_PERFECT
from sim.errors import RequestError
from sim.scenario.model import Scenario

__all__ = ["TornadoBar", "TornadoResult", "tornado"]


@dataclass(frozen=True)
class TornadoBar:
    """One parameter's effect: the metric at the ends of its range and its swing, and the
    predicted outcome (under the same selection rule) at each end."""

    parameter: str
    low: float
    high: float
    metric_at_low: float
    metric_at_high: float
    metric_min: float
    metric_max: float
    outcome_at_low: str = ""
    outcome_at_high: str = ""

    @property
    def swing(self) -> float:
        """Spread of the metric across the range."""
        return self.metric_max - self.metric_min


@dataclass(frozen=True, eq=False)
class TornadoResult:
    """Bars for one metric, sorted by swing, with the settings used."""

    metric: str
    baseline: float
    bars: tuple[TornadoBar, ...]
    rule: str
    steps: int
    sequential: bool = False


def tornado(
    scenario: Scenario,
    *,
    player: str | None = None,
    outcome: str | None = None,
    base: Mapping[str, float] | None = None,
    rule: str = "payoff_dominant",
    steps: int = 21,
    tol: float = 1e-9,
    concepts: tuple[str, ...] | None = None,
) -> list[TornadoResult]:
    """Tornado bars for each player's payoff (default), one player's, or an outcome's odds."""
    concepts = default_concepts(scenario, concepts)
    params = [p for p in scenario.parameters if p.range is not None and p.name not in (base or {})]
    if not params:
        raise RequestError("no parameter has a `range` to move across; add ranges to the scenario")
    metrics = _metrics(scenario, player, outcome)
    center = solve_batch(
        scenario,
        {params[0].name: np.array([_current(scenario, params[0].name, base)])},
        base=base,
        concepts=concepts if SUBGAME_PERFECT in concepts else (PURE_NASH,),
        tol=tol,
    )
    results = []
    for label, fn in metrics:
        bars = []
        for param in params:
            values = np.linspace(param.range[0], param.range[1], steps)  # type: ignore[index]
            batch = solve_batch(
                scenario, {param.name: values}, base=base, tol=tol, concepts=concepts
            )
            series = np.array([fn(batch, b, rule) for b in range(batch.size)])
            names = predict(batch, rule).names
            bars.append(
                TornadoBar(
                    param.name,
                    values[0],
                    values[-1],
                    float(series[0]),
                    float(series[-1]),
                    float(np.nanmin(series)),
                    float(np.nanmax(series)),
                    names[0],
                    names[-1],
                )
            )
        bars.sort(key=lambda bar: -bar.swing)
        baseline = float(fn(center, 0, rule))
        sequential = SUBGAME_PERFECT in center.concepts
        results.append(TornadoResult(label, baseline, tuple(bars), rule, steps, sequential))
    return results


def _current(scenario: Scenario, name: str, base: Mapping[str, float] | None) -> float:
    from sim.scenario.parameters import parameter_env

    return float(parameter_env(scenario.parameters, base)[name])


def _metrics(scenario: Scenario, player: str | None, outcome: str | None):  # type: ignore[no-untyped-def]
    names = scenario.player_names
    if outcome is not None:
        return [(f"probability of '{outcome}'", lambda b, i, r: _outcome_prob(b, i, r, outcome))]
    if player is not None and player not in names:
        raise RequestError(f"unknown player '{player}'; players: {', '.join(names)}")
    chosen = [player] if player else list(names)
    return [(f"{p}'s equilibrium payoff", _payoff_metric(names.index(p))) for p in chosen]


def _payoff_metric(player: int):  # type: ignore[no-untyped-def]
    return lambda batch, point, rule: _payoff(batch, point, rule, player)


def _payoff(batch: SolvedBatch, point: int, rule: str, player: int) -> float:
    pays = batch.selected_payoffs(point, rule)
    return float(pays[player]) if pays is not None else float("nan")


def _outcome_prob(batch: SolvedBatch, point: int, rule: str, outcome: str) -> float:
    return batch.outcome_probability(point, rule, outcome)
