"""Bargaining solutions and coalition values over the payoffs of a game.

Plain functions over numpy arrays, one algorithm per module:

* :mod:`.feasible`: the feasible set F (agreements, lotteries, transfers) and
  linear programs over it; whether the zone of possible agreement is open;
* :mod:`.nash`: the Nash bargaining solution with power weights;
* :mod:`.linear_solutions`: utilitarian, egalitarian, Kalai-Smorodinsky;
* :mod:`.alternating_offers`: Rubinstein's alternating-offers agreement;
* :mod:`.shapley`, :mod:`.least_core`: coalition games;
* :mod:`.verify`: an independent check of every solution.

Examples
--------
The glove game: player 0 holds a left glove, players 1 and 2 a right glove
each, and a pair is worth 1 (``v`` has one value per coalition, by bit mask):

>>> import numpy as np
>>> from sim.solvers.bargaining import shapley_value
>>> v = np.array([1.0 if mask & 1 and mask & 6 else 0.0 for mask in range(8)])
>>> [round(float(x), 6) for x in shapley_value(v)]
[0.666667, 0.166667, 0.166667]
"""

from sim.solvers.bargaining.alternating_offers import AlternatingOffers, alternating_offers
from sim.solvers.bargaining.feasible import FeasibleSet, LPPoint, piece_lp, zone_open
from sim.solvers.bargaining.least_core import LeastCore, least_core
from sim.solvers.bargaining.linear_solutions import (
    egalitarian_solution,
    ideal_point,
    kalai_smorodinsky_solution,
    utilitarian_solution,
)
from sim.solvers.bargaining.nash import nash_solution
from sim.solvers.bargaining.result import BargainPoint
from sim.solvers.bargaining.shapley import shapley_value
from sim.solvers.bargaining.verify import check_solution

__all__ = [
    "AlternatingOffers",
    "BargainPoint",
    "FeasibleSet",
    "LPPoint",
    "LeastCore",
    "alternating_offers",
    "check_solution",
    "egalitarian_solution",
    "ideal_point",
    "kalai_smorodinsky_solution",
    "least_core",
    "nash_solution",
    "piece_lp",
    "shapley_value",
    "utilitarian_solution",
    "zone_open",
]
