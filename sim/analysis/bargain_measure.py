"""Negotiation quantities as numbers, for the sensitivity commands (``--measure``).

Measures (SCENARIO_FORMAT.md): ``zone_open`` (1 or 0), ``nash:PARTY`` (that
party's payoff in the Nash bargaining solution; NaN where the zone is not
open and the solution is undefined), ``shapley:PLAYER`` (that player's
Shapley value; NaN where coalition values are skipped as too large).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from sim.analysis.bargain import analyse_bargain
from sim.errors import RequestError
from sim.scenario.model import Scenario
from sim.scenario.negotiation import Negotiation

__all__ = ["MEASURES", "check_measure", "measure_value"]

MEASURES = ("zone_open", "nash:PARTY", "shapley:PLAYER")


def check_measure(scenario: Scenario, measure: str) -> None:
    """Raise :class:`RequestError` unless ``measure`` names a known quantity of this scenario."""
    kind, _, name = measure.partition(":")
    parties = (scenario.negotiation or Negotiation()).party_names(scenario.player_names)
    if kind == "zone_open" and not name:
        return
    if kind == "nash" and name in parties:
        return
    if kind == "shapley" and name in scenario.player_names:
        return
    raise RequestError(
        f"unknown measure '{measure}'; use zone_open, "
        + ", ".join(f"nash:{p}" for p in parties)
        + " or "
        + ", ".join(f"shapley:{p}" for p in scenario.player_names)
    )


def measure_value(
    scenario: Scenario, measure: str, overrides: Mapping[str, float] | None = None
) -> float:
    """The value of one negotiation measure at one parameter point.

    Examples
    --------
    >>> from sim.scenario.loader import load_scenario
    >>> s = load_scenario("buyer_seller")
    >>> measure_value(s, "zone_open"), measure_value(s, "zone_open", {"buyer_value": 5.0})
    (1.0, 0.0)
    >>> round(measure_value(s, "nash:Seller"), 9)
    2.0
    """
    check_measure(scenario, measure)
    kind, _, name = measure.partition(":")
    analysis = analyse_bargain(scenario, overrides, coalitions=kind == "shapley")
    if kind == "zone_open":
        return 1.0 if analysis.zone_open else 0.0
    if kind == "nash":
        nash = analysis.solutions.get("nash")
        if nash is None:
            return math.nan
        return float(nash.point.payoffs[analysis.parties.index(name)])
    if analysis.coalitions is None:
        return math.nan
    return float(analysis.coalitions.shapley[analysis.players.index(name)])
