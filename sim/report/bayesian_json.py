"""The ``perfect_bayesian`` entries of ``sim solve --json`` (SCENARIO_FORMAT.md).

Each entry has the behaviour ``strategies``, the ``payoffs`` (each player's
expectation under its own beliefs), the ``outcomes`` with the analyst's
probabilities, and ``beliefs``: information-set key -> history
(``stage=move,...``) -> a number on the equilibrium path, or ``[low, high]``,
the range of beliefs that supports the equilibrium off it. Optional
extensions: ``pure``, ``kind`` (pooling, separating, ... in sender-receiver
games), ``intuitive_criterion``, ``belief_drivers``, ``method``, ``regret``.
"""

from __future__ import annotations

from typing import Any

from sim.analysis.bayesian import belief_drivers
from sim.concepts import PERFECT_BAYESIAN
from sim.games.extensive import ExtensiveGame, PointValues
from sim.solvers.bayesian import PerfectBayesian, PerfectBayesianSet

__all__ = ["bayesian_entries", "history_key"]


def _float(x: float) -> float:
    value = float(x)
    return 0.0 if value == 0.0 else value


def history_key(game: ExtensiveGame, node: int) -> str:
    """A history as ``stage=move,...`` (the key of the JSON ``beliefs``)."""
    return ",".join(f"{k}={v}" for k, v in game.history_dict(node).items())


def _beliefs(game: ExtensiveGame, eq: PerfectBayesian) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for h, bel in zip(game.infosets, eq.beliefs, strict=True):
        keys = [history_key(game, x) for x in h.nodes]
        if bel.on_path:
            out[h.key] = {k: _float(p) for k, p in zip(keys, bel.belief, strict=True)}
        else:
            out[h.key] = {
                k: [_float(lo), _float(hi)]
                for k, lo, hi in zip(keys, bel.low, bel.high, strict=True)
            }
    return out


def _entry(
    game: ExtensiveGame,
    values: PointValues,
    eq: PerfectBayesian,
    found: PerfectBayesianSet,
    base: dict[str, Any],
) -> dict[str, Any]:
    entry = dict(base)
    entry["concept"] = PERFECT_BAYESIAN
    entry["beliefs"] = _beliefs(game, eq)
    entry["pure"] = bool(eq.pure)
    entry["method"] = found.method
    entry["regret"] = _float(eq.regret)
    if eq.kind is not None:
        entry["kind"] = eq.kind
        entry["intuitive_criterion"] = {
            "passes": bool(eq.passes_intuitive),
            "tests": [
                {
                    "message": t.message,
                    "dominated_types": list(t.dominated),
                    "breaking_type": t.breaker,
                    "gain": _float(t.gain),
                }
                for t in eq.intuitive
            ],
        }
    drivers = belief_drivers(game, values, eq.behaviour, found.tol)
    if drivers:
        entry["belief_drivers"] = [
            {
                "player": d.player,
                "information_set": d.infoset,
                "move": d.move,
                "view": d.view,
                "alternative": d.alternative,
                "own_estimate": d.own,
                "other_estimate": d.other,
            }
            for d in drivers
        ]
    return entry


def bayesian_entries(
    game: ExtensiveGame, values: PointValues, found: PerfectBayesianSet | None, make_base: Any
) -> list[dict[str, Any]]:
    """One JSON entry per perfect Bayesian equilibrium.

    ``make_base(behaviour, payoffs)`` builds the common part (``strategies``,
    ``payoffs``, ``outcomes``) exactly as for the other concepts.
    """
    if found is None:
        return []
    return [
        _entry(game, values, eq, found, make_base(eq.behaviour, eq.payoffs))
        for eq in found.equilibria
    ]
