"""Negotiation quantities that the sensitivity commands can follow (``--measure``).

* ``zone_open``: 1 when the zone of possible agreement is open (some
  feasible agreement gives every party more than the disagreement point),
  else 0;
* ``nash:PARTY``: that party's payoff in the Nash bargaining solution
  (undefined, NaN, where the zone is not open);
* ``shapley:PLAYER``: that player's Shapley value of the coalition game.

Each is computed at one parameter point with the bargaining analysis of
:mod:`sim.analysis.bargain` (agreements with the responders' equilibrium,
the disagreement point, the feasible set), using only the parts the measure
needs. :func:`zone_slack` is the largest equal gain over the disagreement
point, ``max over F of min_i (u_i - d_i)``: positive exactly where the zone
is open, and the continuous quantity whose zero is a zone flip point.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from sim.analysis import bargain as _bargain
from sim.analysis.bargain_coalitions import coalition_analysis
from sim.analysis.bargain_measure import check_measure
from sim.errors import RequestError, VerificationError
from sim.scenario.model import Scenario
from sim.scenario.negotiation import Negotiation, NegotiationValues
from sim.scenario.parameters import parameter_env
from sim.solvers import bargaining as bg
from sim.solvers.bargaining.feasible import best_over_pieces, zone_ub

__all__ = ["KINDS", "Measure", "MeasurePoint", "measure_point", "parse_measure", "zone_slack"]

KINDS = ("zone_open", "nash", "shapley")


@dataclass(frozen=True)
class Measure:
    """A negotiation quantity: ``kind`` and, for ``nash``/``shapley``, whose (name, index)."""

    kind: str
    who: str | None = None
    index: int | None = None

    @property
    def name(self) -> str:
        """As written on the command line: ``zone_open``, ``nash:US``, ``shapley:Russia``."""
        return self.kind if self.who is None else f"{self.kind}:{self.who}"

    @property
    def binary(self) -> bool:
        """True for a 0/1 measure (``zone_open``)."""
        return self.kind == "zone_open"


def parse_measure(text: str, scenario: Scenario) -> Measure:
    """Check a measure's name against the scenario (see
    :func:`sim.analysis.bargain_measure.check_measure`) and say whose it is.

    Raises
    ------
    RequestError
        For an unknown measure, a missing or unknown party or player.
    """
    check_measure(scenario, text)
    kind, _, who = text.partition(":")
    if kind == "zone_open":
        return Measure(kind)
    players = scenario.player_names
    parties = (scenario.negotiation or Negotiation()).party_names(players)
    index = list(parties).index(who) if kind == "nash" else players.index(who)
    return Measure(kind, who, index)


@dataclass(frozen=True)
class MeasurePoint:
    """The measure at one point (NaN where undefined) and the zone's slack there."""

    value: float
    slack: float


@dataclass(frozen=True, eq=False)
class _Core:
    model: object
    settings: NegotiationValues
    d: np.ndarray
    fs: bg.FeasibleSet


def _core(scenario: Scenario, overrides: Mapping[str, float]) -> _Core:
    """Agreements, the disagreement point and the feasible set at one point."""
    env = {k: float(v) for k, v in parameter_env(scenario.parameters, overrides).items()}
    negotiation = scenario.negotiation or Negotiation()
    settings = negotiation.values(scenario.player_names, env)
    if len(settings.parties) < 2:
        raise RequestError("bargaining needs at least two parties")
    model = _bargain._responses(scenario, env, negotiation.select)
    index = [scenario.player_names.index(p) for p in settings.parties]
    agreements = _bargain._agreements(model, index, None)
    d, _ = _bargain._disagreement(scenario, model, negotiation, settings, index, [])
    fs = _bargain._feasible(agreements, settings, index)
    return _Core(model, settings, np.asarray(d, float), fs)


def zone_slack(fs: bg.FeasibleSet, d: np.ndarray) -> float:
    """``max over F of min_i (u_i - d_i)``: the largest equal gain of every party."""
    best = best_over_pieces(
        fs, np.zeros(fs.n), 1.0, ub=zone_ub(d, np.ones(fs.n)), s_bounds=(None, None)
    )
    return -np.inf if best is None else float(best.s)


def measure_point(
    scenario: Scenario, measure: Measure, overrides: Mapping[str, float]
) -> MeasurePoint:
    """The measure at one parameter point (defaults with ``overrides``).

    Raises
    ------
    VerificationError
        When a bargaining solver fails at this point (never a silent NaN).
    """
    try:
        return _measure_point(scenario, measure, overrides)
    except (ArithmeticError, ValueError) as exc:
        where = ", ".join(f"{k}={v:g}" for k, v in overrides.items())
        raise VerificationError(
            f"internal error: {measure.name} could not be computed at {where}: {exc}"
        ) from None


def _measure_point(
    scenario: Scenario, measure: Measure, overrides: Mapping[str, float]
) -> MeasurePoint:
    if measure.kind == "shapley":
        return MeasurePoint(_shapley(scenario, measure, overrides), float("nan"))
    core = _core(scenario, overrides)
    is_open = bg.zone_open(core.fs, core.d)[0]
    slack = zone_slack(core.fs, core.d)
    if measure.kind == "zone_open":
        return MeasurePoint(1.0 if is_open else 0.0, slack)
    if not is_open:
        return MeasurePoint(float("nan"), slack)
    power = np.array(core.settings.power, dtype=float)
    point = bg.nash_solution(core.fs, core.d, power)
    if point is None:
        return MeasurePoint(float("nan"), slack)
    bg.check_solution(core.fs, core.d, point, "nash", power=power)
    return MeasurePoint(float(point.payoffs[measure.index]), slack)


def _shapley(scenario: Scenario, measure: Measure, overrides: Mapping[str, float]) -> float:
    """The player's Shapley value: coalition values need only the response model."""
    env = {k: float(v) for k, v in parameter_env(scenario.parameters, overrides).items()}
    negotiation = scenario.negotiation or Negotiation()
    model = _bargain._responses(scenario, env, negotiation.select)
    notes: list[str] = []
    result = coalition_analysis(model, notes, None)
    if result is None:
        why = "; ".join(notes) or "the game is too large for coalition values"
        raise RequestError(f"measure {measure.name}: {why}")
    return float(result.shapley[measure.index])
