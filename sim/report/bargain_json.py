"""The machine-readable result of ``sim bargain --json`` (SCENARIO_FORMAT.md, "negotiation").

Contract keys: ``parties``, ``disagreement``, ``agreements`` (``moves``,
``payoffs``, ``label``, ``in_zone``, ``pareto``), ``zone_open``,
``solutions`` (``nash``, ``kalai_smorodinsky``, ``egalitarian``,
``utilitarian`` and, for two parties, ``alternating_offers``; each
``{payoffs, lottery, transfers}`` or ``null``) and ``coalitions``
(``values``, ``shapley``, ``core_empty``, ``least_core``). Optional
extensions: ``scenario``, ``kind``, ``parameters``, ``players``,
``disagreement_kind``, each agreement's ``others`` (payoffs of players who are
not parties) and ``outcomes``, each solution's ``method`` and
``certificate`` (and ``proposals`` for alternating offers), ``commitments``,
``linkage`` and ``notes``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.analysis.bargain import Agreement, BargainAnalysis, Solution
from sim.analysis.bargain_linkage import linkage

__all__ = ["bargain_document"]


def _num(x: float) -> float:
    value = float(x)
    return 0.0 if abs(value) < 1e-12 else value


def _by_party(analysis: BargainAnalysis, values: np.ndarray) -> dict[str, float]:
    return {p: _num(v) for p, v in zip(analysis.parties, values, strict=True)}


def _agreement(analysis: BargainAnalysis, a: Agreement) -> dict[str, Any]:
    others = [i for i, p in enumerate(analysis.players) if p not in analysis.parties]
    return {
        "moves": dict(a.moves),
        "payoffs": _by_party(analysis, a.payoffs),
        "label": a.label,
        "in_zone": a.in_zone,
        "pareto": a.pareto,
        "others": {analysis.players[i]: _num(a.response.payoffs[i]) for i in others},
        "outcomes": [
            {"moves": dict(moves), "probability": _num(prob), "label": label}
            for moves, prob, label in a.response.outcomes
        ],
    }


def _solution(analysis: BargainAnalysis, s: Solution | None) -> dict[str, Any] | None:
    if s is None:
        return None
    point = s.point
    lottery = [
        {"moves": dict(analysis.agreements[k].moves), "probability": _num(w)}
        for k, w in enumerate(point.weights)
        if w > 1e-12
    ]
    settings = analysis.settings.transfers
    transfers = [
        {"from": t.source, "to": t.target, "amount": _num(amount)}
        for t, amount in zip(settings, point.amounts, strict=True)
        if amount > 1e-12
    ]
    entry: dict[str, Any] = {
        "payoffs": _by_party(analysis, point.payoffs),
        "lottery": lottery,
        "transfers": transfers,
        "method": point.method,
        "certificate": point.certificate,
    }
    if s.proposals is not None:
        first, second = analysis.parties
        entry["proposals"] = {
            first: _by_party(analysis, s.proposals[0]),
            second: _by_party(analysis, s.proposals[1]),
        }
    return entry


def _coalitions(analysis: BargainAnalysis) -> dict[str, Any] | None:
    result = analysis.coalitions
    if result is None:
        return None
    players = analysis.players
    values = [
        {"members": [p for i, p in enumerate(players) if mask >> i & 1], "value": _num(v)}
        for mask, v in enumerate(result.values)
        if mask
    ]
    return {
        "values": values,
        "shapley": {p: _num(x) for p, x in zip(players, result.shapley, strict=True)},
        "core_empty": bool(result.least_core.core_empty),
        "least_core": {
            "epsilon": _num(result.least_core.epsilon),
            "point": {p: _num(x) for p, x in zip(players, result.least_core.point, strict=True)},
        },
    }


def bargain_document(analysis: BargainAnalysis) -> dict[str, Any]:
    """The ``sim bargain --json`` document."""
    commits = [
        {
            "party": analysis.players[c.party],
            "commits_to": c.name,
            "payoffs": {
                p: _num(c.response.payoffs[analysis.players.index(p)]) for p in analysis.parties
            },
        }
        for c in analysis.commitments
    ]
    return {
        "scenario": analysis.scenario,
        "kind": analysis.kind,
        "parameters": {k: _num(v) for k, v in analysis.parameters.items()},
        "players": list(analysis.players),
        "parties": list(analysis.parties),
        "disagreement": _by_party(analysis, analysis.disagreement),
        "disagreement_kind": analysis.disagreement_kind,
        "agreements": [_agreement(analysis, a) for a in analysis.agreements],
        "zone_open": bool(analysis.zone_open),
        "solutions": {k: _solution(analysis, s) for k, s in analysis.solutions.items()},
        "coalitions": _coalitions(analysis),
        "commitments": commits,
        "linkage": linkage(analysis).as_dict(),
        "notes": list(analysis.notes),
    }
