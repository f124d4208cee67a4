"""Text and JSON of Monte Carlo and tornado runs.

Split from :mod:`sim.report.sensitivity` (which re-exports these functions).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.analysis.tornado import TornadoResult
from sim.report.table import format_number

if TYPE_CHECKING:
    from sim.analysis.montecarlo import MonteCarloResult

__all__ = [
    "SPE_SELECTION",
    "montecarlo_document",
    "montecarlo_text",
    "tornado_document",
    "tornado_text",
]

#: How the prediction of a sequential game is made (in place of a selection rule).
SPE_SELECTION = "subgame-perfect equilibrium by backward induction"


def selection_text(batch: object, rule: str) -> str:
    """``selection: RULE``, or how a sequential game's prediction is made."""
    from sim.analysis.sequential_batch import SequentialBatch

    return SPE_SELECTION if isinstance(batch, SequentialBatch) else f"selection: {rule}"


def montecarlo_text(result: MonteCarloResult) -> str:
    """Outcome frequencies with intervals, and the parameters that move the odds most."""
    scenario = result.batch.scenario
    lines = [
        f"{scenario.name}: Monte Carlo, {result.samples:,} draws (seed {result.seed}); "
        f"drawn: {', '.join(result.drawn)}; {selection_text(result.batch, result.rule)}",
        "",
    ]
    width = max([len(o.name) for o in result.outcomes] + [28])
    lines.append(f"  {'Predicted outcome'.ljust(width)} {'frequency':>9}   95% interval")
    for o in result.outcomes:
        lines.append(f"  {o.name.ljust(width)} {o.frequency:7.1%}   [{o.low:.1%}, {o.high:.1%}]")
    lines.extend(_overall_lines(result))
    lines.append("")
    lines.append("What moves the odds most (largest |Spearman rank correlation| with an outcome):")
    for name, rho in result.influence:
        driver = next(
            (
                o
                for o in result.outcomes
                if any(k == name and abs(v) == rho for k, v in o.correlations)
            ),
            None,
        )
        sign = ""
        if driver is not None and rho > 0.005:
            value = dict(driver.correlations)[name]
            sign = (
                f" (higher {name} makes '{driver.name}' {'more' if value > 0 else 'less'} likely)"
            )
        lines.append(f"  {name}: {rho:.2f}{sign}")
    return "\n".join(lines)


def _overall_lines(result: MonteCarloResult) -> list[str]:
    """The overall probability of each final outcome, with the selection caveat."""
    if not result.overall:
        return []
    lines = ["", "Overall probability of each final outcome (averaged over the draws):"]
    width = max(len(name) for name, _ in result.overall)
    for name, prob in result.overall:
        lines.append(f"  {name.ljust(width)} {prob:7.1%}")
    share = f"{result.choice_share:.1%}"
    if result.overall_rule == "subgame_perfect":
        if result.choice_share > 0:
            lines.append(
                f"  Note: at {share} of the draws moves tie and other subgame-perfect equilibria "
                "lead elsewhere; these odds follow the first best move there."
            )
    elif result.choice_share > 0:
        lines.append(
            f"  Note: {share} of the draws have several equilibria, and which one is played "
            f"changes these odds; they use the {result.overall_rule.replace('_', '-')} "
            "equilibrium (choose another with --select)."
        )
    return lines


def montecarlo_document(result: MonteCarloResult) -> dict[str, Any]:
    """Machine-readable Monte Carlo summary."""
    return {
        "samples": result.samples,
        "seed": result.seed,
        "select": result.rule,
        "drawn": list(result.drawn),
        "outcomes": [
            {
                "name": o.name,
                "count": o.count,
                "frequency": o.frequency,
                "interval95": [o.low, o.high],
                "rank_correlations": dict(o.correlations),
            }
            for o in result.outcomes
        ],
        "influence": dict(result.influence),
        "overall_probabilities": dict(result.overall),
        "overall_select": result.overall_rule,
        "share_with_several_equilibria": result.choice_share,
    }


def tornado_text(results: list[TornadoResult]) -> str:
    """Bars sorted by swing, as text."""
    lines = []
    for res in results:
        how = SPE_SELECTION if res.sequential else f"selection: {res.rule}"
        lines.append(f"{res.metric} (now {format_number(res.baseline, 4)}; {how}):")
        for bar in res.bars:
            lines.append(f"  {bar.parameter}: swing {format_number(bar.swing, 4)}")
            for value, metric, outcome in (
                (bar.low, bar.metric_at_low, bar.outcome_at_low),
                (bar.high, bar.metric_at_high, bar.outcome_at_high),
            ):
                where = f"at {bar.parameter} = {format_number(value)}"
                told = f" ({outcome})" if outcome else ""
                lines.append(f"    {where}: {format_number(metric, 4)}{told}")
        lines.append("")
    return "\n".join(lines).rstrip()


def tornado_document(results: list[TornadoResult]) -> dict[str, Any]:
    """Machine-readable tornado bars."""
    return {
        "tornado": [
            {
                "metric": r.metric,
                "baseline": r.baseline,
                "select": r.rule,
                "bars": [
                    {
                        "parameter": b.parameter,
                        "low": b.low,
                        "high": b.high,
                        "at_low": b.metric_at_low,
                        "at_high": b.metric_at_high,
                        "outcome_at_low": b.outcome_at_low,
                        "outcome_at_high": b.outcome_at_high,
                        "min": b.metric_min,
                        "max": b.metric_max,
                        "swing": b.swing,
                    }
                    for b in r.bars
                ],
            }
            for r in results
        ]
    }
