"""Every pure-strategy perfect Bayesian equilibrium, by enumeration of pure behaviour profiles.

Each pure behaviour profile (one move per information set) is first screened
on the path for a whole block of profiles at once
(:mod:`sim.solvers.bayesian.screen`); the survivors are assessed by
:func:`sim.solvers.bayesian.assess.assess`: beliefs by Bayes' rule on the
path, the range of supporting beliefs off it, sequential rationality
everywhere. The enumeration is bounded: a game with more than ``limit``
pure profiles is not enumerated and the (empty) list is marked incomplete
(Fudenberg & Tirole 1991, *Game Theory*, ch. 8; Kreps & Wilson 1982,
"Sequential equilibria", *Econometrica* 50).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.games.extensive import ExtensiveGame, FloatArray, PointValues
from sim.games.profile_values import node_values
from sim.solvers.bayesian.assess import InfoSetBelief, assess
from sim.solvers.bayesian.screen import screen

__all__ = ["MAX_PURE_PROFILES", "Assessment", "PureSearch", "pure_pbe"]

#: Most pure behaviour profiles enumerated.
MAX_PURE_PROFILES = 20_000
METHOD = "enumeration of pure behaviour profiles with belief LPs"


@dataclass(frozen=True, eq=False)
class Assessment:
    """A behaviour profile with the beliefs that make it a perfect Bayesian equilibrium.

    ``payoffs`` are each player's expected payoff under its own chance
    probabilities.
    """

    behaviour: tuple[FloatArray, ...]
    beliefs: tuple[InfoSetBelief, ...]
    payoffs: FloatArray

    @property
    def is_pure(self) -> bool:
        """True when every information set has a move with probability 1."""
        return all(float(np.max(b)) > 1.0 - 1e-12 for b in self.behaviour)


@dataclass(frozen=True)
class PureSearch:
    """The pure perfect Bayesian equilibria found and whether the list is complete."""

    equilibria: tuple[Assessment, ...]
    complete: bool
    profiles: int
    limit: int
    method: str = METHOD


def pure_pbe(
    game: ExtensiveGame, values: PointValues, tol: float = 1e-9, limit: int = MAX_PURE_PROFILES
) -> PureSearch:
    """Every pure-strategy perfect Bayesian equilibrium of a game at one parameter point.

    Parameters
    ----------
    game, values
        The game and its numbers (with each player's beliefs, if any).
    tol
        Best-reply tolerance, relative to each player's payoff range.
    limit
        Largest number of pure behaviour profiles enumerated; beyond it
        nothing is enumerated and the result is incomplete.

    Examples
    --------
    >>> from sim.scenario.loader import load_scenario
    >>> from sim.games.extensive_build import build_extensive
    >>> from sim.games.extensive import evaluate
    >>> game = build_extensive(load_scenario("seltens_horse"))
    >>> found = pure_pbe(game, evaluate(game, {}).point(0))
    >>> len(found.equilibria), found.complete
    (1, True)
    """
    sizes = [len(h.moves) for h in game.infosets]
    count = math.prod(sizes)
    if count > limit:
        return PureSearch((), False, count, limit)
    found = []
    for choices in screen(game, values, tol):
        behaviour = game.pure_behaviour(choices)
        beliefs = assess(game, values, behaviour, tol)
        if beliefs is not None:
            payoffs = node_values(game, values, behaviour)[0]
            found.append(Assessment(tuple(behaviour), beliefs, payoffs))
    return PureSearch(tuple(found), True, count, limit)
