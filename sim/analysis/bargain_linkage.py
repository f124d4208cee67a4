"""Linkage: what the package deal adds over one-sided commitments.

For each party, its best one-sided commitment (the move or plan that, chosen
first with everyone else responding, gives it the most) is set against what
the package deal gives it; the package deal is the Nash bargaining solution
over the agreements. The surplus of the package is the parties' total in
the package minus their largest total under any one-sided commitment: what
binding the issues together is worth beyond what either side can secure by
moving first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sim.analysis.bargain import BargainAnalysis

__all__ = ["Linkage", "linkage"]


@dataclass(frozen=True)
class BestCommitment:
    """A party's best one-sided commitment and the parties' payoffs under it."""

    party: str
    commits_to: str
    payoffs: np.ndarray


@dataclass(frozen=True)
class Linkage:
    """Best commitments, the package payoffs (``None`` without a deal) and its surplus."""

    parties: tuple[str, ...]
    best: tuple[BestCommitment, ...]
    best_total: BestCommitment
    package: np.ndarray | None
    surplus: float | None

    def as_dict(self) -> dict[str, Any]:
        """JSON form (optional extension of the ``sim bargain --json`` document)."""

        def pay(v: np.ndarray) -> dict[str, float]:
            return {p: float(x) for p, x in zip(self.parties, v, strict=True)}

        return {
            "best_commitments": [
                {"party": b.party, "commits_to": b.commits_to, "payoffs": pay(b.payoffs)}
                for b in self.best
            ],
            "best_total_commitment": {
                "party": self.best_total.party,
                "commits_to": self.best_total.commits_to,
                "payoffs": pay(self.best_total.payoffs),
            },
            "package": None if self.package is None else pay(self.package),
            "surplus": self.surplus,
        }


def linkage(analysis: BargainAnalysis) -> Linkage:
    """Compare each party's best one-sided commitment with the package deal."""
    index = [analysis.players.index(p) for p in analysis.parties]
    best: list[BestCommitment] = []
    every: list[BestCommitment] = []
    for p in index:
        mine = [c for c in analysis.commitments if c.party == p]
        options = [
            BestCommitment(analysis.players[p], c.name, c.response.payoffs[index]) for c in mine
        ]
        every.extend(options)
        own = index.index(p)
        best.append(max(options, key=lambda b: float(b.payoffs[own])))
    top = max(every, key=lambda b: float(b.payoffs.sum()))
    nash = analysis.solutions.get("nash")
    package = None if nash is None else nash.point.payoffs
    surplus = None if package is None else float(package.sum() - top.payoffs.sum())
    return Linkage(analysis.parties, tuple(best), top, package, surplus)
