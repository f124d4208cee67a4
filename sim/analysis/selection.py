"""Equilibrium selection: which equilibrium to call *the* prediction when there are several.

Rules (``--select``):

``all``
    No selection: the prediction names every equilibrium (``A | B``).
``payoff_dominant``
    The equilibrium that no other equilibrium Pareto-dominates (Harsanyi and
    Selten 1988, ch. 5); among several undominated ones, the one with the
    highest total payoff, then the first found.
``risk_dominant``
    Among pure equilibria, the one with the largest product of the players'
    losses from deviating unilaterally (Harsanyi and Selten 1988, ch. 5: for
    2x2 games this is exactly risk dominance; for larger games it is the
    usual Nash-product generalisation). Mixed equilibria are candidates only
    when there is no pure one.
``logit_limit``
    The limit of the principal branch of the logit quantal response
    equilibrium as lambda grows (McKelvey and Palfrey 1995), a selection that
    accounts for small mistakes; computed per point, so it is the slowest.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.scales import player_scales
from sim.solvers.result import Equilibrium
from sim.solvers.verify import deviation_payoffs

__all__ = ["RULES", "select"]

RULES = ("all", "payoff_dominant", "risk_dominant", "logit_limit")


def select(
    equilibria: Sequence[Equilibrium], payoffs: np.ndarray, rule: str, tol: float = 1e-9
) -> int | None:
    """Index of the selected equilibrium, or ``None`` for ``all`` / an empty list.

    ``logit_limit`` returns the index of the listed equilibrium that matches the
    limiting logit equilibrium, or ``None`` when it is not in the list (the
    caller then adds it).
    """
    if not equilibria or rule == "all":
        return None
    if len(equilibria) == 1:
        return 0
    if rule == "payoff_dominant":
        return _payoff_dominant(equilibria, payoffs, tol)
    if rule == "risk_dominant":
        return _risk_dominant(equilibria, payoffs)
    if rule == "logit_limit":
        return _logit_limit(equilibria, payoffs, tol)
    raise ValueError(f"unknown selection rule {rule!r}; choose from {', '.join(RULES)}")


def _payoff_dominant(eqs: Sequence[Equilibrium], payoffs: np.ndarray, tol: float) -> int:
    span = player_scales(payoffs)  # compare each coordinate on its player's scale
    vectors = np.array([eq.payoffs for eq in eqs])
    undominated = []
    for i, v in enumerate(vectors):
        better = np.all(vectors >= v - tol * span, axis=1) & np.any(
            vectors > v + tol * span, axis=1
        )
        if not better.any():
            undominated.append(i)
    return max(undominated, key=lambda i: (float(vectors[i].sum()), -i))


def _risk_dominant(eqs: Sequence[Equilibrium], payoffs: np.ndarray) -> int:
    pure = [i for i, eq in enumerate(eqs) if eq.is_pure]
    candidates = pure or list(range(len(eqs)))
    return max(candidates, key=lambda i: (_deviation_loss_product(eqs[i], payoffs), -i))


def _deviation_loss_product(eq: Equilibrium, payoffs: np.ndarray) -> float:
    product = 1.0
    for p, strategy in enumerate(eq.strategies):
        values = deviation_payoffs(payoffs, eq.strategies, p)
        own = int(np.argmax(strategy))
        others = np.delete(values, own)
        loss = float(values[own] - others.max()) if others.size else 0.0
        product *= max(loss, 0.0)
    return product


def _logit_limit(eqs: Sequence[Equilibrium], payoffs: np.ndarray, tol: float) -> int | None:
    from sim.solvers.qre.logit_limit import limiting_logit_equilibrium

    limit = limiting_logit_equilibrium(payoffs)
    for i, eq in enumerate(eqs):
        if all(
            np.allclose(a, b, atol=1e-6)
            for a, b in zip(eq.strategies, limit.strategies, strict=True)
        ):
            return i
    return None
