"""Mixed perfect Bayesian equilibria of small games, from the Nash equilibria of the strategic form.

Every perfect Bayesian equilibrium is a Nash equilibrium, so the candidates
are the Nash equilibria of the reduced strategic form
(:func:`sim.solvers.extensive.reduced_nash.solve_reduced_form`: vertex enumeration
for two players, support enumeration with the indifference conditions for
more), turned into behaviour strategies (Kuhn 1953), with a best reply
filled in at information sets the equilibrium does not reach. Each candidate
is then assessed like a pure profile (:func:`sim.solvers.bayesian.assess.assess`:
Bayes' rule on the path, supporting beliefs off it, sequential rationality).
Only extreme Nash equilibria are candidates, so in a degenerate game a
continuum of equilibria may contribute none of its inner points.
(Fudenberg & Tirole 1991, ch. 8; semi-separating equilibria of signalling
games, e.g. Gibbons 1992, sec. 4.2.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.errors import SimError
from sim.games.extensive import ExtensiveGame, PointValues
from sim.games.profile_values import node_values
from sim.games.reduced_form import behaviour_from_mixed, reduced_form
from sim.solvers.bayesian.assess import assess
from sim.solvers.bayesian.pure import Assessment
from sim.solvers.extensive.completion import complete
from sim.solvers.extensive.reduced_nash import solve_reduced_form

__all__ = ["MAX_MIXED_PROFILES", "MixedSearch", "mixed_pbe"]

#: Largest reduced strategic form (pure profiles) searched for mixed equilibria.
MAX_MIXED_PROFILES = 5_000


@dataclass(frozen=True)
class MixedSearch:
    """Mixed perfect Bayesian equilibria found among the strategic form's Nash equilibria."""

    equilibria: tuple[Assessment, ...]
    candidates: int
    method: str
    note: str = ""


def mixed_pbe(
    game: ExtensiveGame, values: PointValues, tol: float = 1e-9, limit: int = 100
) -> MixedSearch:
    """Perfect Bayesian equilibria that mix, for games with a small strategic form.

    Returns an empty search with a note when the strategic form is too large.


    Examples
    --------
    >>> from sim.scenario.loader import load_scenario
    >>> from sim.games.extensive_build import build_extensive
    >>> from sim.games.extensive import evaluate
    >>> game = build_extensive(load_scenario("one_card_poker"))
    >>> found = mixed_pbe(game, evaluate(game, {}).point(0))
    >>> [round(float(p), 4) for p in found.equilibria[0].behaviour[1]]
    [0.6667, 0.3333]
    """
    try:
        rf = reduced_form(game, values, max_profiles=MAX_MIXED_PROFILES)
    except SimError as exc:
        return MixedSearch((), 0, "", f"mixed equilibria not searched: {exc}")
    sol = solve_reduced_form(rf, tol, limit=limit)
    found = []
    for eq in sol.equilibria:
        if eq.pure:
            continue
        partial = behaviour_from_mixed(game, rf, eq.mixed)
        filled = complete(game, values, partial, tol=tol)
        behaviour = tuple(
            np.asarray(filled.get(h, np.eye(len(info.moves))[0]), float)
            for h, info in enumerate(game.infosets)
        )
        beliefs = assess(game, values, behaviour, tol)
        if beliefs is not None:
            payoffs = node_values(game, values, behaviour)[0]
            found.append(Assessment(behaviour, beliefs, payoffs))
    return MixedSearch(tuple(found), len(sol.equilibria), sol.method)
