"""Equilibria of extensive-form (sequential) games.

Every function takes an :class:`~sim.games.extensive.ExtensiveGame` and its
numbers at one parameter point (:class:`~sim.games.extensive.PointValues`):

* :func:`all_pure_spe` - every pure subgame-perfect equilibrium of a game of
  perfect information by backward induction (Zermelo 1913; Kuhn 1953), ties
  included; :func:`backward_induction_batch` follows the tie rule over a
  whole batch of parameter points at once.
* :func:`subgame_perfect` - subgame-perfect equilibria of any finite game with
  perfect recall, solving proper subgames from the bottom up (Selten 1965,
  1975) through their reduced strategic forms (:func:`solve_reduced_form`).
* :func:`check_subgame_perfect` - the independent check of a behaviour
  profile in every proper subgame.
* :func:`credibility_findings` - the threats and promises of a Nash
  equilibrium that are not credible (Selten 1978).
* :func:`complete` - behaviour at information sets a profile never reaches.

Examples
--------
Entry deterrence: backward induction predicts entry and accommodation, and
the Nash equilibrium in which the incumbent threatens a price war rests on a
threat that is not credible:

>>> import numpy as np
>>> import sim
>>> from sim.games.extensive import evaluate
>>> from sim.games.extensive_build import build_extensive
>>> from sim.scenario.parameters import parameter_env
>>> from sim.solvers.extensive import all_pure_spe, credibility_findings, subgame_perfect
>>> scenario = sim.load_scenario("entry_deterrence")
>>> game = build_extensive(scenario)
>>> env = parameter_env(scenario.parameters, None)
>>> values = evaluate(game, env).point(0, env)
>>> [(spe.choices, spe.payoffs.tolist()) for spe in all_pure_spe(game, values).equilibria]
[((1, 1), [2.0, 2.0])]
>>> len(subgame_perfect(game, values).equilibria)
1
>>> stay_out, fight = np.array([1.0, 0.0]), np.array([1.0, 0.0])
>>> (finding,) = credibility_findings(game, values, (stay_out, fight))
>>> finding.kind, finding.better
('threat', 'accommodate')
"""

from sim.solvers.extensive.backward_induction import (
    PureSPE,
    PureSPESet,
    all_pure_spe,
    backward_induction_batch,
    backward_induction_columns,
)
from sim.solvers.extensive.completion import complete
from sim.solvers.extensive.credibility import Finding, credibility_findings
from sim.solvers.extensive.reduced_nash import FormEquilibrium, FormSolution, solve_reduced_form
from sim.solvers.extensive.spe_check import check_subgame_perfect, proper_subgames
from sim.solvers.extensive.subgames import SubgameSolution, SubgameSPE, subgame_perfect

__all__ = [
    "Finding",
    "FormEquilibrium",
    "FormSolution",
    "PureSPE",
    "PureSPESet",
    "SubgameSPE",
    "SubgameSolution",
    "all_pure_spe",
    "backward_induction_batch",
    "backward_induction_columns",
    "check_subgame_perfect",
    "complete",
    "credibility_findings",
    "proper_subgames",
    "solve_reduced_form",
    "subgame_perfect",
]
