"""Perfect Bayesian equilibria of games with hidden information (a solver family).

Public entry point: :func:`perfect_bayesian`. The independent check is
:func:`check_pbe`; the sender-receiver helpers are :func:`signalling_structure`,
:func:`classify` and :func:`intuitive_criterion`.
"""

from sim.solvers.bayesian.assess import InfoSetBelief
from sim.solvers.bayesian.check import check_pbe
from sim.solvers.bayesian.signalling import (
    IntuitiveTest,
    SignallingGame,
    classify,
    intuitive_criterion,
    signalling_structure,
)
from sim.solvers.bayesian.solve import PerfectBayesian, PerfectBayesianSet, perfect_bayesian

__all__ = [
    "InfoSetBelief",
    "IntuitiveTest",
    "PerfectBayesian",
    "PerfectBayesianSet",
    "SignallingGame",
    "check_pbe",
    "classify",
    "intuitive_criterion",
    "perfect_bayesian",
    "signalling_structure",
]
