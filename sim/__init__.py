"""sim: a game-theory negotiation simulator.

Load a scenario, build its game and solve it::

    >>> import sim
    >>> scenario = sim.load_scenario("prisoners_dilemma")
    >>> game = sim.build_game(scenario)
    >>> game.shape
    (2, 2)

Importing ``sim`` never imports matplotlib; plotting lives in ``sim.plots``.
"""

from sim.errors import RequestError, ScenarioError, SimError, UsageError, VerificationError
from sim.games.normal_form import NormalFormGame, build_game, outcome_label, payoff_tensor
from sim.scenario.loader import load_scenario, load_scenario_text
from sim.scenario.model import Scenario

__version__ = "0.1.0"

__all__ = [
    "NormalFormGame",
    "RequestError",
    "Scenario",
    "ScenarioError",
    "SimError",
    "UsageError",
    "VerificationError",
    "__version__",
    "build_game",
    "load_scenario",
    "load_scenario_text",
    "outcome_label",
    "payoff_tensor",
]
